/**
 * Dumping a batch to a table format: which components to write, and the batch as typed columns
 * (multi-dimensional components split into `name0, name1, …` columns, their item shapes recorded).
 * @module
 */
import ndarray from 'ndarray';
import type { BatchLike } from '../batch/batch-like.js';
import { describeKind } from '../ndarray/columns.js';
import { copyNdArray, isNdArray, isTypedArray, stackNdArrays, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import { MissingColumnError, UnsupportedDataError } from './errors.js';
import { indexKey, isBigIntArray, type IndexKey, type NumericArray } from './table.js';

/** One column to write. */
export interface DumpColumn {
  readonly name: string;
  readonly values: NumericArray | Array<string | null> | Array<boolean | null>;
  /** The kind of values, for writers. */
  readonly kind: 'number' | 'bigint' | 'string' | 'bool';
}

/** A batch as columns: ids, columns and the item shapes of split components. */
export interface DumpTable {
  readonly ids: readonly IndexKey[];
  readonly columns: readonly DumpColumn[];
  /** Component name → item shape, for components split into `name0…` columns. */
  readonly shapes: Record<string, number[]>;
  /** Component name → the columns it was written to. */
  readonly components: Record<string, string[]>;
}

/** The component names to dump: `components` (a name or names), or every component holding data. */
export function dumpNames(batch: BatchLike, components: unknown, format: string, file: string): string[] {
  if (components === undefined || components === null) {
    const names = (batch.components ?? []).filter((name) => batch.getComponent(name) !== null);
    if (names.length === 0) throw new UnsupportedDataError(format, file, `the ${batch.constructor.name} has no component holding data to dump`);
    return names;
  }
  const names = typeof components === 'string' ? [components] : components;
  if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string')) {
    throw new ArgumentError('components', `expected a component name or an array of names, got ${describeKind(components)}`);
  }
  for (const name of names as string[]) {
    if (!(batch.components ?? []).includes(name)) throw new MissingColumnError(format, file, name, batch.components ?? [], `component (to dump)`);
  }
  return names as string[];
}

/** The common kind of a JS array's non-null values, or null when they are mixed or objects. */
export function classify(values: readonly unknown[]): 'number' | 'string' | 'bool' | 'bigint' | 'ndarray' | 'typed' | null {
  let kind: ReturnType<typeof classify> | undefined;
  for (const value of values) {
    if (value === null || value === undefined) continue;
    const current =
      typeof value === 'number'
        ? 'number'
        : typeof value === 'string'
          ? 'string'
          : typeof value === 'boolean'
            ? 'bool'
            : typeof value === 'bigint'
              ? 'bigint'
              : isNdArray(value)
                ? 'ndarray'
                : isTypedArray(value)
                  ? 'typed'
                  : null;
    if (current === null || (kind !== undefined && kind !== current)) return null;
    kind = current;
  }
  return kind ?? 'number';
}

/** Splits a contiguous [n, ...shape] ndarray into `name0…` columns of its dtype. */
function splitNdArray(name: string, array: NDArray, out: DumpColumn[]): number[] {
  const contiguous = copyNdArray(array);
  const rows = array.shape[0]!;
  const shape = array.shape.slice(1);
  const k = shape.reduce((a, b) => a * b, 1);
  const data = contiguous.data as TypedArray;
  const Constructor = data.constructor as new (n: number) => TypedArray;
  for (let j = 0; j < k; j++) {
    const column = new Constructor(rows);
    for (let i = 0; i < rows; i++) column[i] = data[i * k + j]!;
    out.push({ name: `${name}${j}`, values: column, kind: 'number' });
  }
  return shape;
}

/**
 * The batch as columns for a table format: a 1-D array or typed array is one column (its dtype
 * kept); an ndarray with item shape `s` becomes `name0…name{prod(s)-1}` columns (row-major); a JS
 * array of numbers, strings, booleans or bigints one column; a JS array of same-shape ndarrays or
 * same-length typed arrays is split like an ndarray. Anything else is an UnsupportedDataError
 * (use fmt 'blosc' for objects and ragged items).
 */
export function batchToColumns(batch: BatchLike, names: readonly string[], format: string, file: string): DumpTable {
  const columns: DumpColumn[] = [];
  const shapes: Record<string, number[]> = {};
  const components: Record<string, string[]> = {};
  for (const name of names) {
    const value = batch.getComponent(name);
    if (value === null) throw new UnsupportedDataError(format, file, `component '${name}' holds no data to dump`);
    const before = columns.length;
    if (isNdArray(value)) {
      if (value.shape.length === 1) {
        columns.push({ name, values: copyNdArray(value).data as TypedArray, kind: 'number' });
      } else {
        shapes[name] = splitNdArray(name, value, columns);
      }
    } else if (isTypedArray(value)) {
      const kind = isBigIntArray(value) ? 'bigint' : 'number';
      columns.push({ name, values: value as NumericArray, kind });
    } else {
      const list = value as unknown[];
      const kind = classify(list);
      if (kind === 'number') {
        columns.push({ name, values: Float64Array.from(list, (v) => (v === null || v === undefined ? NaN : (v as number))), kind: 'number' });
      } else if (kind === 'string') {
        columns.push({ name, values: list.map((v) => (v === undefined ? null : v)) as Array<string | null>, kind: 'string' });
      } else if (kind === 'bool') {
        columns.push({ name, values: list.map((v) => (v === undefined ? null : v)) as Array<boolean | null>, kind: 'bool' });
      } else if (kind === 'bigint' && list.every((v) => typeof v === 'bigint')) {
        columns.push({ name, values: BigInt64Array.from(list as bigint[]), kind: 'bigint' });
      } else if ((kind === 'ndarray' || kind === 'typed') && list.every((v) => v !== null && v !== undefined)) {
        let stacked: NDArray | null;
        try {
          stacked = stackNdArrays(list.map((v) => (isNdArray(v) ? v : ndarray(v as TypedArray, [(v as TypedArray).length]))));
          const first = list[0] as NDArray | TypedArray;
          const firstShape = isNdArray(first) ? first.shape : [first.length];
          if (
            !list.every((v) => {
              const s = isNdArray(v) ? v.shape : [(v as TypedArray).length];
              return s.length === firstShape.length && s.every((d, i) => d === firstShape[i]);
            })
          )
            stacked = null;
        } catch {
          stacked = null;
        }
        if (!stacked)
          throw new UnsupportedDataError(
            format,
            file,
            `component '${name}' holds items of different shapes, which a table cannot store; use fmt 'blosc' (one file per item)`,
          );
        shapes[name] = splitNdArray(name, stacked, columns);
      } else {
        throw new UnsupportedDataError(
          format,
          file,
          `component '${name}' holds ${kind === null ? 'mixed values or objects' : `${kind} values with nulls`}, which a table column cannot store; use fmt 'blosc' (one file per item) or convert them first`,
        );
      }
    }
    components[name] = columns.slice(before).map((column) => column.name);
  }
  const seen = new Set<string>();
  for (const column of columns) {
    if (seen.has(column.name))
      throw new UnsupportedDataError(
        format,
        file,
        `two components write the column '${column.name}' (a multi-dimensional component is split into name0, name1, … columns); rename one or dump them separately`,
      );
    seen.add(column.name);
  }
  return { ids: batch.indices.map(indexKey), columns, shapes, components };
}
