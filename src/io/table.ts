/**
 * What the table formats (csv, feather, hdf5 frames and plain datasets) share: the in-memory table
 * model a reader produces, row selection by batch id, the mapping of columns to components (with
 * `name0, name1, …` columns reassembled into one component), the int64 policy, the conversion of a
 * batch into columns for writing, and the all-or-nothing assignment into the batch.
 * @module
 */
import ndarray from 'ndarray';
import type { BatchLike } from '../batch/batch-like.js';
import { columnLength, describeKind, isColumn, takeColumn, type Column } from '../ndarray/columns.js';
import { copyNdArray, isNdArray, isTypedArray, stackNdArrays, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError, ComponentError, MissingIdError } from '../errors.js';
import { FileFormatError, MissingColumnError, MissingRowError, UnsupportedDataError } from './errors.js';

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

function isBigIntArray(values: unknown): values is BigInt64Array | BigUint64Array {
  return values instanceof BigInt64Array || values instanceof BigUint64Array;
}

/** A key for index lookups: numbers (and bigints) as numbers, everything else as strings. */
export function indexKey(value: unknown): IndexKey {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  return String(value);
}

const numericString = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Positions of the batch's rows in the table, in batch order; null means "all rows, in order"
 * (the table has exactly the batch's rows). Missing ids are a MissingRowError listing them.
 */
export function selectRows(table: TableSource, batch: BatchLike): Int32Array | null {
  const ids = batch.indices;
  const out = new Int32Array(ids.length);
  if (table.index !== null) {
    const byKey = new Map<IndexKey, number>();
    const repeated = new Map<IndexKey, number>(); // an index value on several rows → its second row
    for (let row = 0; row < table.index.length; row++) {
      const key = table.index[row]!;
      if (!byKey.has(key)) byKey.set(key, row);
      else if (!repeated.has(key)) repeated.set(key, row);
    }
    const missing: unknown[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      let key: IndexKey = id;
      if (!byKey.has(key) && typeof id === 'string' && numericString.test(id)) key = Number(id);
      if (!byKey.has(key) && typeof id === 'number') key = String(id);
      const row = byKey.get(key);
      if (row === undefined) missing.push(id);
      else if (repeated.has(key)) {
        throw new FileFormatError(
          table.format,
          table.file,
          `the id ${JSON.stringify(id)} is on several rows of the index (rows ${row} and ${repeated.get(key)!}), so its row is ambiguous; ids must be unique in the index (choose another index column)`,
        );
      } else out[k] = row;
    }
    if (missing.length > 0) throw new MissingRowError(table.format, table.file, missing, `${missing.length} of the batch's ${ids.length} ids`);
    return isIdentity(out, table.rowCount) ? null : out;
  }
  const asPositions = ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount);
  if (table.positional === 'range') {
    if (!asPositions) {
      const missing = ids.filter((id) => !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount));
      throw new MissingRowError(
        table.format,
        table.file,
        missing,
        `the file has no index column, so ids are row numbers 0..${table.rowCount - 1}; pass indexCol to select rows by id`,
      );
    }
  } else {
    const dataset = batch.dataset;
    if (dataset && dataset.index.length === table.rowCount) {
      try {
        out.set(dataset.index.getPositions(ids));
      } catch (error) {
        if (error instanceof MissingIdError) throw new MissingRowError(table.format, table.file, error.ids, "the batch's dataset does not hold them");
        throw error;
      }
      return isIdentity(out, table.rowCount) ? null : out;
    }
    if (!asPositions) {
      if (table.rowCount === ids.length) return null;
      throw new MissingRowError(
        table.format,
        table.file,
        ids.filter((id) => !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount)),
        `the file has ${table.rowCount} rows and no index dataset; ids must be row numbers, or the batch must come from a dataset of ${table.rowCount} items`,
      );
    }
  }
  for (let k = 0; k < ids.length; k++) out[k] = ids[k] as number;
  return isIdentity(out, table.rowCount) ? null : out;
}

function isIdentity(positions: Int32Array, rowCount: number): boolean {
  if (positions.length !== rowCount) return false;
  for (let k = 0; k < positions.length; k++) if (positions[k] !== k) return false;
  return true;
}

/** The rows at `positions` of `values` (all of them when null). */
export function gatherRows(values: TableValues, positions: Int32Array | null): TableValues {
  if (positions === null) return values;
  return takeColumn(values as Column, positions) as TableValues;
}

/** The columns `name0, name1, …` of `name` (consecutive from 0), or null when there are none. */
export function prefixedColumns(names: readonly string[], name: string): string[] | null {
  const found = new Map<number, string>();
  const pattern = new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(0|[1-9]\\d*)$`);
  for (const candidate of names) {
    const match = pattern.exec(candidate);
    if (match) found.set(Number(match[1]), candidate);
  }
  if (!found.has(0)) return null;
  const out: string[] = [];
  for (let k = 0; found.has(k); k++) out.push(found.get(k)!);
  return out;
}

/** The components stored as `name0, name1, …` columns among `names` (the prefixes whose column 0 exists). */
export function splitComponentNames(names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const match = /^(.+?)0$/.exec(name);
    if (match && !names.includes(match[1]!) && !out.includes(match[1]!)) out.push(match[1]!);
  }
  return out;
}

/** Where one component's data comes from: one column, or `name0…` columns to reassemble. */
export interface LoadTarget {
  readonly component: string;
  readonly columns: readonly string[];
  readonly split: boolean;
}

/**
 * The components to load and their columns. `dst` names components (a name is a column, or the
 * prefix of `name0, name1, …` columns). Without `dst`: the batch's components that the file holds
 * (others are left unchanged; none found is a MissingColumnError), or, for a batch without
 * components, every column of the file.
 */
export function loadTargets(table: TableSource, dst: unknown, batch: Pick<BatchLike, 'components'>, what = 'column'): LoadTarget[] {
  const find = (name: string): LoadTarget | null => {
    if (table.names.includes(name)) return { component: name, columns: [name], split: false };
    const columns = prefixedColumns(table.names, name);
    return columns ? { component: name, columns, split: true } : null;
  };
  if (dst === undefined || dst === null) {
    const components = batch.components;
    if (components && components.length > 0) {
      const targets = components.map(find).filter((target): target is LoadTarget => target !== null);
      if (targets.length === 0) throw new MissingColumnError(table.format, table.file, components[0]!, table.names, what);
      return targets;
    }
    return table.names.map((name) => ({ component: name, columns: [name], split: false }));
  }
  const names = typeof dst === 'string' ? [dst] : dst;
  if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
    throw new ArgumentError('dst', `expected a component name or an array of names, got ${describeKind(dst)}`);
  }
  if (new Set(names).size !== names.length) throw new ArgumentError('dst', `names a component twice: [${names.join(', ')}]`);
  return (names as string[]).map((name) => {
    const target = find(name);
    if (!target) throw new MissingColumnError(table.format, table.file, name, table.names, what);
    return target;
  });
}

/** Turns one column's selected rows into a component value (applies the int64 policy). */
export function toComponentValue(values: TableValues, policy: Int64Policy, format: string, file: string, column: string): Column {
  if (isBigIntArray(values)) return convertInt64(values, policy, format, file, column) as Column;
  return values as Column;
}

/** Reassembles `name0…nameK` columns (already converted) into one component: an ndarray [n, k] (or [n, ...shape]) or per-row arrays. */
export function reassemble(columns: readonly Column[], rows: number, shape: readonly number[] | undefined): Column {
  const k = columns.length;
  const allTyped = columns.every((column) => isTypedArray(column) && !isBigIntArray(column));
  if (!allTyped) {
    return Array.from({ length: rows }, (_, i) => columns.map((column) => (isNdArray(column) ? column.get(i) : (column as ArrayLike<unknown>)[i])));
  }
  const first = columns[0] as TypedArray;
  const Constructor = (columns.every((column) => column.constructor === first.constructor) ? first.constructor : Float64Array) as new (n: number) => TypedArray;
  const out = new Constructor(rows * k);
  for (let j = 0; j < k; j++) {
    const column = columns[j] as TypedArray;
    for (let i = 0; i < rows; i++) out[i * k + j] = column[i]!;
  }
  const trailing = shape && shape.reduce((a, b) => a * b, 1) === k ? [...shape] : [k];
  return ndarray(out, [rows, ...trailing]);
}

/**
 * Reads the targets' columns for the batch's rows and builds the components (nothing is assigned).
 */
export function readComponents(table: TableSource, batch: BatchLike, dst: unknown, policy: Int64Policy, what = 'column'): Map<string, Column> {
  return readTargets(table, loadTargets(table, dst, batch, what), selectRows(table, batch), policy);
}

/** A whole table in memory: the id of each row (null: rows are only positions) and the loaded components. */
export interface WholeTable {
  readonly ids: readonly IndexKey[] | null;
  readonly rowCount: number;
  readonly components: ReadonlyMap<string, Column>;
}

/**
 * Every row of the table as components: `dst` names them; without it, the `components` the file holds
 * (a MissingColumnError when it holds none), or every column when `components` is null.
 */
export function readWholeTable(table: TableSource, dst: unknown, components: readonly string[] | null, policy: Int64Policy, what = 'column'): WholeTable {
  const staged = readTargets(table, loadTargets(table, dst, { components }, what), null, policy);
  return { ids: table.index === null ? null : Array.from(table.index), rowCount: table.rowCount, components: staged };
}

/** Reads the targets' columns at `positions` (null: every row) and builds the components. */
function readTargets(table: TableSource, targets: readonly LoadTarget[], positions: Int32Array | null, policy: Int64Policy): Map<string, Column> {
  const rows = positions === null ? table.rowCount : positions.length;
  const read = (name: string): Column => {
    const values = table.readRows ? table.readRows(name, positions) : gatherRows(table.read(name), positions);
    return toComponentValue(values, policy, table.format, table.file, name);
  };
  const staged = new Map<string, Column>();
  for (const target of targets) {
    if (!target.split) staged.set(target.component, read(target.columns[0]!));
    else staged.set(target.component, reassemble(target.columns.map(read), rows, table.shapes[target.component]));
  }
  return staged;
}

/**
 * Puts loaded components into the batch, all or nothing: every value is checked first (a column
 * with one entry per item, a name that can be a component), then new components are added and
 * existing ones replaced. Uses only the batch's public API.
 */
export async function assignComponents(batch: BatchLike, staged: ReadonlyMap<string, Column>): Promise<void> {
  const existing = batch.components ?? [];
  const added: string[] = [];
  for (const [name, value] of staged) {
    if (!isColumn(value) || columnLength(value) !== batch.size) {
      throw new ComponentError(
        name,
        `component '${name}': loaded ${describeKind(value)} with ${isColumn(value) ? columnLength(value) : '?'} items for a batch of ${batch.size}`,
      );
    }
    if (!existing.includes(name)) added.push(name);
  }
  if (added.length > 0)
    await batch.addComponents(
      added,
      added.map((name) => staged.get(name)),
    );
  for (const [name, value] of staged) if (!added.includes(name)) batch.setComponent(name, value);
}

// ---- writing ------------------------------------------------------------------------------------

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
