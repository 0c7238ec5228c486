/**
 * `fmt: 'hdf5'` via `h5wasm` (imported lazily: its WASM start-up is paid on first use only; see
 * h5wasm-import.ts for how it is kept out of tsx's transforms).
 *
 * - load, plain datasets (as h5py writes them): each dataset of the group `key` (default: the root) is
 *   one component, its first axis the items. Rows are found by id through an index dataset
 *   (`indexKey`, default `__index__` when present — `dump` writes it), otherwise like an in-memory
 *   dataset-sized array: the batch's dataset positions, integer ids as row numbers, or all rows when
 *   the file has exactly one row per batch item.
 * - load, pandas fixed-format frames (`df.to_hdf(path, key=…, format='fixed')`): the group with
 *   `pandas_type = 'frame'` (found by `key`, or the only pandas object in the file); columns by name,
 *   rows by the frame's index. Object (string) blocks are pickles: they are read by a restricted
 *   reader that never executes code (see pandas-pickle.ts).
 * - dump, `layout: 'pandas'` (default): a pandas fixed-format frame `pd.read_hdf` reads, indexed by the
 *   batch ids (see hdf5-pandas.ts; no string components).
 * - dump, `layout: 'datasets'`: one dataset per component plus the ids in `__index__` (see
 *   hdf5-datasets.ts).
 * @module
 */
import ndarray from 'ndarray';
import type { BatchLike } from '../batch/batch-like.js';
import type { Column } from '../ndarray/columns.js';
import type { TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import { optionNames } from '../util/option-names.js';
import { FileFormatError, MissingColumnError, UnsupportedDataError } from './errors.js';
import { assertReadableFile, readFileHead, resolvePath } from './files.js';
import type { FormatHandler } from './format-handler.js';
import { ensureGroup, writeDatasetsLayout, writeHdf5 } from './hdf5-datasets.js';
import { LoadBudget, checkDumpNames, checkHdf5Path, readFailure } from './hdf5-guard.js';
import { loadH5wasm, type H5Dataset, type H5File, type H5Group, type H5Module } from './h5wasm-import.js';
import { SHAPES_ATTRIBUTE, writePandasFrame } from './hdf5-pandas.js';
import { decodePickledObjectArray } from './pandas-pickle.js';
import { checkOptions, indexKey, int64Policy, type Int64Policy, type TableSource, type TableValues } from './table.js';
import { gatherRows } from './table-rows.js';
import { assignComponents, readComponents, readWholeTable } from './table-load.js';
import { batchToColumns, dumpNames } from './table-dump.js';

const FORMAT = 'hdf5';
/** Name of the ids dataset that `dump` writes and `load` uses by default. */
export const DEFAULT_INDEX_KEY = '__index__';
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Options of `batch.load({fmt: 'hdf5', ...})`. */
export interface Hdf5LoadOptions {
  src: string;
  /** Components to load: dataset names (or frame columns, or prefixes of `name0…` columns). */
  dst?: string | readonly string[];
  /** The group holding the datasets, or the pandas frame's key (default: root / the only pandas object). */
  key?: string;
  /** The dataset of ids for plain files (default `__index__` if present); null: never use one. */
  indexKey?: string | null;
  int64?: Int64Policy;
  shapes?: Readonly<Record<string, readonly number[]>>;
}

/** Options of `batch.dump({fmt: 'hdf5', ...})`. */
export interface Hdf5DumpOptions {
  dst: string;
  components?: string | readonly string[];
  /** Group to write the datasets into (default: the root). */
  key?: string;
  /** Dataset name for the ids (default `__index__`); null: do not write ids. */
  indexKey?: string | null;
  /** gzip level 1–9 for chunked, compressed datasets (default: none, contiguous). */
  compression?: number | null;
  /**
   * 'pandas' (default): a pandas fixed-format frame that `pd.read_hdf(path, key)` reads (the ids are
   * its index; no string components). 'datasets': one h5py-style dataset per component (full shapes,
   * strings) plus the ids in `indexKey`.
   */
  layout?: 'pandas' | 'datasets';
}

const loadOptionNames = optionNames<Hdf5LoadOptions>()(['src', 'dst', 'key', 'indexKey', 'int64', 'shapes']);
const dumpOptionNames = optionNames<Hdf5DumpOptions>()(['dst', 'components', 'key', 'indexKey', 'compression', 'layout']);

/** Checks the HDF5 signature (at 0, or after a user block at 512, 1024, 2048, …); returns the file size. */
async function assertHdf5(file: string): Promise<number> {
  const size = await assertReadableFile(FORMAT, file);
  for (let offset = 0; offset === 0 || offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
    const head = await readFileHead(FORMAT, file, 8, offset);
    if (HDF5_SIGNATURE.every((byte, i) => head[i] === byte)) return size;
    if (offset > size) break;
  }
  throw new FileFormatError(FORMAT, file, 'is not an HDF5 file (no HDF5 signature)');
}

function attributeValue(entity: { attrs: Record<string, { value: unknown }> }, name: string): unknown {
  const attribute = entity.attrs[name];
  return attribute === undefined ? undefined : attribute.value;
}

function attributeFlag(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (ArrayBuffer.isView(value)) return Number((value as unknown as ArrayLike<number>)[0]) !== 0;
  return Boolean(Number(value));
}

function isDataset(h5: H5Module, entity: unknown): entity is H5Dataset {
  return entity instanceof h5.Dataset;
}

function isGroup(h5: H5Module, entity: unknown): entity is H5Group {
  return entity instanceof h5.Group;
}

function isBoolType(dataset: H5Dataset): boolean {
  const metadata = dataset.metadata;
  if (attributeValue(dataset, 'batchflow_dtype') === 'bool') return true;
  if (metadata.type === 4 && metadata.size === 1) return true; // H5T_BITFIELD (PyTables bool)
  if (metadata.type === 8 && metadata.enum_type) {
    const members = Object.keys(metadata.enum_type.members)
      .map((m) => m.toUpperCase())
      .sort();
    return members.length === 2 && members[0] === 'FALSE' && members[1] === 'TRUE'; // h5py bool
  }
  return false;
}

/**
 * A dataset's values: typed arrays (ndarrays for ≥2-D), booleans or strings. Without `value`, the
 * whole dataset is read once `budget` accepts its declared size.
 */
function datasetValues(dataset: H5Dataset, budget: LoadBudget, name: string, value?: unknown): TableValues {
  const file = budget.file;
  if (value === undefined) {
    budget.take(dataset, name);
    value = dataset.value;
  }
  const shape = (dataset.shape ?? []) as number[];
  const type = dataset.metadata.type;
  if (isBoolType(dataset)) {
    if (shape.length !== 1)
      throw new UnsupportedDataError(FORMAT, file, `dataset '${name}' is a ${shape.length}-D boolean dataset; only 1-D booleans are supported`);
    return Array.from(value as ArrayLike<number>, (v) => Number(v) !== 0);
  }
  if (type === 3) {
    if (shape.length !== 1)
      throw new UnsupportedDataError(FORMAT, file, `dataset '${name}' is a ${shape.length}-D string dataset; only 1-D strings are supported`);
    return Array.from(value as ArrayLike<unknown>, (v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : (v as string)));
  }
  if ((type === 0 || type === 1) && ArrayBuffer.isView(value)) {
    const data = value as TypedArray;
    if (shape.length <= 1) return data;
    const rowSize = shape.slice(1).reduce((a, b) => a * b, 1);
    return ndarray(data, [rowSize === 0 ? shape[0]! : data.length / rowSize, ...shape.slice(1)]);
  }
  throw new UnsupportedDataError(
    FORMAT,
    file,
    `dataset '${name}' has an HDF5 type (class ${type}) that cannot be a component (numbers, booleans and strings are supported)`,
  );
}

function isContiguousRun(positions: Int32Array): boolean {
  for (let k = 1; k < positions.length; k++) if (positions[k] !== positions[0]! + k) return false;
  return true;
}

function plainTable(h5: H5Module, group: H5Group, budget: LoadBudget, options: Hdf5LoadOptions): TableSource {
  const file = budget.file;
  const datasets = new Map<string, H5Dataset>();
  for (const name of group.keys()) {
    const entity = group.get(name);
    if (isDataset(h5, entity)) datasets.set(name, entity);
  }
  let indexName: string | null = null;
  if (options.indexKey === undefined) indexName = datasets.has(DEFAULT_INDEX_KEY) ? DEFAULT_INDEX_KEY : null;
  else if (options.indexKey === null) indexName = null;
  else if (typeof options.indexKey === 'string') {
    if (!datasets.has(options.indexKey)) throw new MissingColumnError(FORMAT, file, options.indexKey, [...datasets.keys()], 'index dataset');
    indexName = options.indexKey;
  } else throw new ArgumentError('indexKey', `expected a dataset name or null, got ${JSON.stringify(options.indexKey)}`);
  const names = [...datasets.keys()].filter((name) => name !== indexName);
  const lengths = names.map((name) => datasets.get(name)!.shape?.[0] ?? 0);
  const rowCount = indexName ? (datasets.get(indexName)!.shape?.[0] ?? 0) : (lengths[0] ?? 0);
  const index = indexName ? Array.from(datasetValues(datasets.get(indexName)!, budget, indexName) as ArrayLike<unknown>, indexKey) : null;
  const dataset = (name: string): H5Dataset => {
    const found = datasets.get(name);
    if (!found) throw new MissingColumnError(FORMAT, file, name, names, 'dataset');
    const rows = found.shape?.[0];
    if (rows !== rowCount)
      throw new FileFormatError(FORMAT, file, `dataset '${name}' has ${rows ?? 0} rows, the others ${rowCount}; components need one row per item`);
    return found;
  };
  return {
    format: FORMAT,
    file,
    rowCount,
    names,
    index,
    positional: 'locator',
    shapes: (options.shapes ?? {}) as Record<string, number[]>,
    read: (name) => datasetValues(dataset(name), budget, name),
    readRows(name, positions) {
      const found = dataset(name);
      if (positions === null) return datasetValues(found, budget, name);
      if (positions.length > 0 && isContiguousRun(positions) && (found.metadata.type === 0 || found.metadata.type === 1)) {
        const ranks = (found.shape ?? []).length;
        const ranges = [[positions[0]!, positions[0]! + positions.length] as [number, number], ...Array.from({ length: ranks - 1 }, () => [] as [])];
        budget.take(found, name, positions.length);
        return datasetValues(found, budget, name, found.slice(ranges));
      }
      return gatherRows(datasetValues(found, budget, name), positions);
    },
  };
}

function stringValues(dataset: H5Dataset, budget: LoadBudget, name: string): string[] {
  budget.take(dataset, name);
  return Array.from(dataset.value as ArrayLike<unknown>, (v) => (v instanceof Uint8Array ? new TextDecoder().decode(v) : String(v)));
}

/** The item shapes a batchflow-ts dump recorded on a frame (components split into `name0…` columns). */
function frameShapes(group: H5Group): Record<string, number[]> {
  const value = attributeValue(group, SHAPES_ATTRIBUTE);
  if (typeof value !== 'string') return {};
  try {
    const parsed = JSON.parse(value) as unknown;
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, number[]>) : {};
  } catch {
    return {};
  }
}

/** Reads a pandas fixed-format frame group into a TableSource. */
function frameTable(h5: H5Module, group: H5Group, budget: LoadBudget, options: Hdf5LoadOptions): TableSource {
  const file = budget.file;
  const child = (name: string): H5Dataset => {
    const entity = group.get(name);
    if (!isDataset(h5, entity)) throw new FileFormatError(FORMAT, file, `pandas frame '${group.path}' has no dataset '${name}'`);
    return entity;
  };
  const nblocks = Number(attributeValue(group, 'nblocks'));
  if (!Number.isInteger(nblocks) || nblocks < 0) throw new FileFormatError(FORMAT, file, `pandas frame '${group.path}' has no valid nblocks attribute`);
  const names = stringValues(child('axis0'), budget, 'axis0');
  if (attributeValue(group, 'axis1_variety') === 'multi') {
    const levels = Number(attributeValue(group, 'axis1_nlevels'));
    const levelNames = Array.from({ length: Number.isInteger(levels) ? levels : 0 }, (_, k) =>
      String(attributeValue(child(`axis1_level${k}`), 'name') ?? `level ${k}`),
    );
    throw new FileFormatError(
      FORMAT,
      file,
      `pandas frame '${group.path}' has a MultiIndex (${levelNames.join(', ')}), which batch ids cannot be matched to; write it with a one-level index (e.g. df.reset_index(level=[...]).to_hdf(...))`,
    );
  }
  const axis1 = child('axis1');
  const index = Array.from(datasetValues(axis1, budget, 'axis1') as ArrayLike<unknown>, indexKey);
  const rows = index.length;
  const columns = new Map<string, TableValues>();
  for (let b = 0; b < nblocks; b++) {
    const items = stringValues(child(`block${b}_items`), budget, `block${b}_items`);
    const values = child(`block${b}_values`);
    budget.take(values, `block${b}_values`);
    const transposed = attributeFlag(attributeValue(values, 'transposed'));
    const shape = values.shape ?? [];
    if (attributeValue(values, 'CLASS') === 'VLARRAY' || (values.metadata.vlen && values.metadata.type !== 3)) {
      let decoded;
      try {
        const raw = (values.value as unknown[])[0];
        if (!(raw instanceof Uint8Array)) throw new TypeError('the object block is not a pickle');
        decoded = decodePickledObjectArray(raw);
      } catch (error) {
        throw new UnsupportedDataError(FORMAT, file, `pandas frame '${group.path}' block ${b} (columns ${items.join(', ')}): ${(error as Error).message}`, {
          cause: error,
        });
      }
      const [a = decoded.values.length, c = 1] = decoded.shape;
      const at = (p: number, q: number): unknown =>
        decoded.shape.length < 2 ? decoded.values[p] : decoded.fortran ? decoded.values[q * a + p] : decoded.values[p * c + q];
      const rowsFirst = decoded.shape.length === 2 && a === rows && c === items.length && (transposed || !(a === items.length && c === rows));
      items.forEach((item, j) => {
        const column = new Array<unknown>(rows);
        for (let i = 0; i < rows; i++) column[i] = decoded.shape.length < 2 ? at(i + j * rows, 0) : rowsFirst ? at(i, j) : at(j, i);
        columns.set(item, column);
      });
      continue;
    }
    const raw = values.value;
    if (!ArrayBuffer.isView(raw))
      throw new UnsupportedDataError(
        FORMAT,
        file,
        `pandas frame '${group.path}' block ${b} (columns ${items.join(', ')}) has an HDF5 type (class ${values.metadata.type}) that cannot be read`,
      );
    const flat: ArrayLike<unknown> = isBoolType(values)
      ? Array.from(raw as unknown as ArrayLike<number>, (v) => Number(v) !== 0)
      : (raw as unknown as TypedArray);
    const [a = 0, c = 1] = shape;
    const rowsFirst = shape.length === 2 && a === rows && c === items.length && (transposed || !(a === items.length && c === rows));
    const isBool = Array.isArray(flat);
    items.forEach((item, j) => {
      if (!isBool && !rowsFirst) {
        // columns first: each column is a contiguous run of the block
        columns.set(item, (flat as TypedArray).slice(j * rows, (j + 1) * rows));
        return;
      }
      const column = isBool ? new Array<unknown>(rows) : new ((flat as TypedArray).constructor as new (n: number) => TypedArray)(rows);
      if (isBool) for (let i = 0; i < rows; i++) (column as unknown[])[i] = rowsFirst ? flat[i * c + j] : flat[j * rows + i];
      else gatherColumn(flat as TypedArray, column as TypedArray, j, c);
      columns.set(item, column as TableValues);
    });
  }
  return {
    format: FORMAT,
    file,
    rowCount: rows,
    names,
    index,
    positional: 'range',
    shapes: { ...frameShapes(group), ...((options.shapes ?? {}) as Record<string, number[]>) },
    read(name) {
      const values = columns.get(name);
      if (!values) throw new MissingColumnError(FORMAT, file, name, names);
      return values;
    },
  };
}

function pandasType(group: H5Group): string | undefined {
  const value = attributeValue(group, 'pandas_type');
  return typeof value === 'string' ? value : undefined;
}

/** Opens `file` and reads the table `key` selects (a pandas frame or plain datasets). */
async function withTable<T>(file: string, options: Hdf5LoadOptions, use: (table: TableSource) => T): Promise<T> {
  checkHdf5Path(file, 'src');
  const budget = new LoadBudget(file, await assertHdf5(file));
  const h5 = await loadH5wasm();
  let handle: H5File;
  try {
    handle = new h5.File(file, 'r');
  } catch (error) {
    throw readFailure(error, file);
  }
  try {
    let group: H5Group = handle;
    if (options.key !== undefined && options.key !== null) {
      if (typeof options.key !== 'string') throw new ArgumentError('key', `expected a group path, got ${typeof options.key}`);
      const entity = options.key === '/' ? handle : handle.get(options.key);
      if (!isGroup(h5, entity)) throw new MissingColumnError(FORMAT, file, options.key, handle.keys(), entity ? 'group (key)' : 'key');
      group = entity;
    } else if (handle.keys().every((name) => !isDataset(h5, handle.get(name)))) {
      // like pandas.read_hdf without a key: the file's only pandas object, wherever it is
      const pandasGroups: H5Group[] = [];
      const walk = (parent: H5Group): void => {
        for (const name of parent.keys()) {
          const entity = parent.get(name);
          if (!isGroup(h5, entity)) continue;
          if (pandasType(entity) !== undefined) pandasGroups.push(entity);
          else walk(entity);
        }
      };
      walk(handle);
      if (pandasGroups.length === 1) group = pandasGroups[0]!;
      else if (pandasGroups.length > 1) {
        throw new FileFormatError(FORMAT, file, `holds several pandas objects (${pandasGroups.map((g) => `'${g.path}'`).join(', ')}); pass key to choose one`);
      }
    }
    const kind = pandasType(group);
    let table: TableSource;
    if (kind === 'frame') table = frameTable(h5, group, budget, options);
    else if (kind !== undefined) {
      throw new FileFormatError(
        FORMAT,
        file,
        `'${group.path}' is a pandas '${kind}' object; only fixed-format frames (df.to_hdf(..., format='fixed')) and plain datasets are supported`,
      );
    } else table = plainTable(h5, group, budget, options);
    return use(table);
  } catch (error) {
    throw readFailure(error, file);
  } finally {
    try {
      handle.close();
    } catch {
      // an aborted instance cannot close its files; it has been replaced
    }
  }
}

/** The `fmt: 'hdf5'` handler. */
export const hdf5Format: FormatHandler<Hdf5LoadOptions, Hdf5DumpOptions> = {
  async load(batch: BatchLike, options: Hdf5LoadOptions): Promise<void> {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    const staged = await withTable(file, options, (table): Map<string, Column> =>
      readComponents(table, batch, options.dst, policy, table.positional === 'locator' ? 'dataset' : 'column'),
    );
    await assignComponents(batch, staged);
  },

  async readTable(options: Hdf5LoadOptions, components: readonly string[] | null) {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    return withTable(file, options, (table) => readWholeTable(table, options.dst, components, policy, table.positional === 'locator' ? 'dataset' : 'column'));
  },

  async dump(batch: BatchLike, options: Hdf5DumpOptions): Promise<void> {
    checkOptions(FORMAT, options, dumpOptionNames);
    const file = resolvePath(FORMAT, options.dst, 'dst');
    const key = options.key ?? '/';
    if (typeof key !== 'string') throw new ArgumentError('key', `expected a group path, got ${typeof key}`);
    const indexName = options.indexKey === undefined ? DEFAULT_INDEX_KEY : options.indexKey;
    if (indexName !== null && (typeof indexName !== 'string' || indexName === ''))
      throw new ArgumentError('indexKey', `expected a dataset name or null, got ${JSON.stringify(indexName)}`);
    const level = options.compression ?? null;
    if (level !== null && !(typeof level === 'number' && Number.isInteger(level) && level >= 1 && level <= 9))
      throw new ArgumentError('compression', `expected a gzip level 1–9 or null, got ${JSON.stringify(level)}`);
    const layout = options.layout ?? 'pandas';
    if (layout !== 'pandas' && layout !== 'datasets') throw new ArgumentError('layout', `expected 'pandas' or 'datasets', got ${JSON.stringify(layout)}`);
    checkHdf5Path(file, 'dst');
    const names = dumpNames(batch, options.components, FORMAT, file);
    checkDumpNames(names, file, layout === 'datasets');
    checkDumpNames(key.split('/').filter(Boolean), file, true, 'key');
    if (indexName !== null && layout === 'datasets') checkDumpNames([indexName], file, true, 'indexKey');
    if (layout === 'pandas') {
      if (options.indexKey !== undefined) throw new ArgumentError('indexKey', "applies to layout 'datasets' only (a pandas frame keeps the ids as its index)");
      const table = batchToColumns(batch, names, FORMAT, file);
      await writeHdf5(file, (handle) => writePandasFrame(ensureGroup(handle, key), table, level, file));
      return;
    }
    if (indexName !== null && names.includes(indexName))
      throw new ArgumentError('indexKey', `'${indexName}' is also a component name; choose another indexKey`);
    const components = new Map(names.map((name) => [name, batch.getComponent(name)] as const));
    await writeDatasetsLayout(components, batch.indices.map(indexKey), file, key, indexName, level);
  },
};

/** Copies column `j` of a row-major block with `width` columns into `column` (one tight loop per call site type). */
function gatherColumn(block: TypedArray, column: TypedArray, j: number, width: number): void {
  for (let i = 0, k = j; i < column.length; i++, k += width) column[i] = block[k]!;
}
