/**
 * Loading a table into a batch: the mapping of columns to components (with `name0, name1, …` columns
 * reassembled into one component), reading the batch's rows (or the whole table) with the int64
 * policy applied, and the all-or-nothing assignment into the batch.
 * @module
 */
import ndarray from 'ndarray';
import type { BatchLike } from '../batch/batch-like.js';
import { columnLength, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { isNdArray, isTypedArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError, ComponentError } from '../errors.js';
import { MissingColumnError, UnsupportedDataError } from './errors.js';
import { convertInt64, isBigIntArray, type IndexKey, type Int64Policy, type TableSource, type TableValues } from './table.js';
import { gatherRows, selectRows } from './table-rows.js';

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
  const columns = new Set(names);
  const out = new Set<string>();
  for (const name of names) {
    const match = /^(.+?)0$/.exec(name);
    if (match && !columns.has(match[1]!)) out.add(match[1]!);
  }
  return [...out];
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
  const tableColumns = new Set(table.names);
  const find = (name: string): LoadTarget | null => {
    if (tableColumns.has(name)) return { component: name, columns: [name], split: false };
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

/** The file a loaded component came from, so an error assigning it names the file. */
export interface LoadedFrom {
  readonly format: string;
  /** The file, or the file of each component (e.g. the first item file holding it). */
  readonly file: string | ((component: string) => string);
}

/**
 * Puts loaded components into the batch, all or nothing: every value is checked first (a column
 * with one entry per item, a name that can be a component), then new components are added and
 * existing ones replaced. Uses only the batch's public API. With `from`, a component that cannot be
 * assigned (a name that is a member of the batch, such as `load` or `__proto__`, or the wrong number
 * of items) is an UnsupportedDataError naming the file it came from; the batch is unchanged.
 */
export async function assignComponents(batch: BatchLike, staged: ReadonlyMap<string, Column>, from?: LoadedFrom): Promise<void> {
  const existing = new Set(batch.components ?? []);
  const added: string[] = [];
  try {
    for (const [name, value] of staged) {
      if (!isColumn(value) || columnLength(value) !== batch.size) {
        throw new ComponentError(
          name,
          `component '${name}': loaded ${describeKind(value)} with ${isColumn(value) ? columnLength(value) : '?'} items for a batch of ${batch.size}`,
        );
      }
      if (!existing.has(name)) added.push(name);
    }
    if (added.length > 0)
      await batch.addComponents(
        added,
        added.map((name) => staged.get(name)),
      );
  } catch (error) {
    if (!from || !(error instanceof ComponentError)) throw error;
    const file = typeof from.file === 'string' ? from.file : from.file(error.component);
    throw new UnsupportedDataError(from.format, file, `cannot load component '${error.component}' into the batch: ${error.message}`, { cause: error });
  }
  const isNew = new Set(added);
  for (const [name, value] of staged) if (!isNew.has(name)) batch.setComponent(name, value);
}
