/**
 * The table model the table formats (csv, feather, hdf5 frames and plain datasets) share: what a
 * reader produces (a {@link TableSource} of lazily read columns), the option check every format's
 * load and dump runs, the int64 policy and index keys. Row selection is in table-rows.ts, reading
 * columns into components in table-load.ts, turning a batch into columns in table-dump.ts.
 * @module
 */
import type { TypedArray, NDArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import { UnsupportedDataError } from './errors.js';

/** A typed array of numbers or of 64-bit integers. */
export type NumericArray = TypedArray | BigInt64Array | BigUint64Array;

/** The values of one table column (one entry per row), as a reader produces them. */
export type TableValues = NumericArray | NDArray | Array<string | null> | Array<boolean | null> | unknown[];

/** An id as stored in a table index. */
export type IndexKey = string | number;

/** A table read from a file; columns are read lazily by name. */
export interface TableSource {
  readonly format: string;
  readonly file: string;
  readonly rowCount: number;
  /** Column names in file order (the index column excluded). */
  readonly names: readonly string[];
  /** The id of each row, or null when rows are only positions (0..rowCount-1). */
  readonly index: ArrayLike<IndexKey> | null;
  /**
   * How rows are found without an index: 'range' (ids must be row numbers, like a pandas RangeIndex)
   * or 'locator' (like an in-memory dataset-sized source: the batch's dataset positions, integer ids
   * as positions, or identity when the file has exactly one row per batch item).
   */
  readonly positional: 'range' | 'locator';
  /** Trailing item shapes of components stored as `name0…nameK` columns (from file metadata). */
  readonly shapes: Readonly<Record<string, readonly number[]>>;
  /** All values of a column (one per row). */
  read(name: string): TableValues;
  /** Rows of a column; defaults to gathering `read(name)`. */
  readRows?(name: string, positions: Int32Array | null): TableValues;
}

/** How 64-bit integer columns load: 'float64' (default), 'int32' or 'bigint'. */
export type Int64Policy = 'float64' | 'int32' | 'bigint';

/** Options every table format's load accepts. */
export interface TableLoadOptions {
  readonly dst?: string | readonly string[];
  readonly int64?: Int64Policy;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** Throws an ArgumentError for options `fmt` does not know (catches typos such as `indexcol`). */
export function checkOptions(format: string, options: object, allowed: readonly string[]): void {
  for (const key of Object.keys(options)) {
    if ((options as Readonly<Record<string, unknown>>)[key] === undefined) continue;
    if (!allowed.includes(key)) throw new ArgumentError(key, `unknown option of fmt '${format}'; expected one of ${allowed.join(', ')}`);
  }
}

/** Validates the `int64` option. */
export function int64Policy(value: unknown): Int64Policy {
  if (value === undefined || value === null) return 'float64';
  if (value === 'float64' || value === 'int32' || value === 'bigint') return value;
  throw new ArgumentError('int64', `expected 'float64', 'int32' or 'bigint', got ${JSON.stringify(value)}`);
}

/** Converts a 64-bit integer array by the policy; values that do not fit are an UnsupportedDataError. */
export function convertInt64(values: BigInt64Array | BigUint64Array, policy: Int64Policy, format: string, file: string, column: string): NumericArray {
  if (policy === 'bigint') return values;
  const out = policy === 'int32' ? new Int32Array(values.length) : new Float64Array(values.length);
  const limit = policy === 'int32' ? [BigInt(-2147483648), BigInt(2147483647)] : [-MAX_SAFE, MAX_SAFE];
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    if (value < limit[0]! || value > limit[1]!) {
      throw new UnsupportedDataError(
        format,
        file,
        `column '${column}' holds the 64-bit integer ${value} at row ${i}, which does not fit ${policy === 'int32' ? 'int32' : 'a float64 exactly (|v| > 2^53)'}; load with int64: 'bigint'${policy === 'int32' ? " or 'float64'" : ''}`,
      );
    }
    out[i] = Number(value);
  }
  return out;
}

/** Whether `values` is a typed array of 64-bit integers. */
export function isBigIntArray(values: unknown): values is BigInt64Array | BigUint64Array {
  return values instanceof BigInt64Array || values instanceof BigUint64Array;
}

/** A key for index lookups: numbers (and bigints) as numbers, everything else as strings. */
export function indexKey(value: unknown): IndexKey {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}
