/**
 * Writes a batch as a pandas "fixed"-format frame (what `df.to_hdf(path, key=key, format='fixed')`
 * writes and `pd.read_hdf(path, key)` reads), with h5wasm.
 *
 * Layout, copied from files pandas/PyTables write: the frame group carries the string attributes
 * `pandas_type='frame'`, `pandas_version`, `encoding`, `errors`, `axis0_variety`, `axis1_variety`,
 * `block<i>_items_variety` and the int64 scalars `ndim=2`, `nblocks`; its datasets are `axis0` (column
 * names), `axis1` (the index: the batch ids) and, per block of same-dtype columns, `block<i>_items`
 * (its column names) and `block<i>_values` (rows × columns, attribute `transposed`). Names are
 * fixed-length UTF-8 strings; PyTables' `CLASS`/`VERSION`/`FLAVOR` attributes are added so PyTables
 * sees ordinary arrays. Booleans are uint8 blocks marked `batchflow_dtype='bool'` (h5wasm cannot write
 * HDF5 bitfields: pandas sees 0/1). Strings cannot be written: pandas stores string columns as
 * pickles in variable-length arrays, which h5wasm cannot create.
 * @module
 */
import { UnsupportedDataError } from './errors.js';
import type { IndexKey, NumericArray } from './table.js';
import type { DumpColumn, DumpTable } from './table-dump.js';

type H5Group = InstanceType<(typeof import('h5wasm/node').default)['Group']>;

const FORMAT = 'hdf5';
/** The pickle of Python's `None` (protocol 0), as PyTables stores an attribute holding None. */
const PICKLED_NONE = 'N.';
/** Attribute of the frame group with the item shapes of components split into `name0…` columns. */
export const SHAPES_ATTRIBUTE = 'batchflow_shapes';

/** One block: columns of one dtype, stored rows × columns. */
interface Block {
  readonly items: string[];
  readonly values: NumericArray;
  readonly bool: boolean;
}

const utf8 = new TextEncoder();

function stringAttribute(entity: { create_attribute: H5Group['create_attribute'] }, name: string, value: string): void {
  if (value === PICKLED_NONE) entity.create_attribute(name, value, null, `A${PICKLED_NONE.length}`);
  else entity.create_attribute(name, value, null, `S${Math.max(1, utf8.encode(value).length)}`);
}

/** The attributes PyTables gives an array (and pandas its index arrays). */
function arrayAttributes(dataset: { create_attribute: H5Group['create_attribute'] }, kind?: string): void {
  stringAttribute(dataset, 'CLASS', 'ARRAY');
  stringAttribute(dataset, 'FLAVOR', 'numpy');
  stringAttribute(dataset, 'VERSION', '2.4');
  dataset.create_attribute('transposed', Uint8Array.of(1), [], '<B');
  if (kind !== undefined) {
    stringAttribute(dataset, 'kind', kind);
    stringAttribute(dataset, 'name', PICKLED_NONE);
  }
}

/** Groups consecutive-or-not columns of the same element type into blocks, in first-seen order. */
function frameBlocks(table: DumpTable, file: string): Block[] {
  const groups = new Map<string, DumpColumn[]>();
  for (const column of table.columns) {
    if (column.kind === 'string') {
      throw new UnsupportedDataError(
        FORMAT,
        file,
        `column '${column.name}' holds strings, which the pandas layout cannot write (pandas stores string columns as pickles); dump with layout: 'datasets' or fmt 'feather'`,
      );
    }
    const values = column.values as NumericArray | Array<boolean | null>;
    if (column.kind === 'bool' && (values as Array<boolean | null>).some((v) => v === null)) {
      throw new UnsupportedDataError(FORMAT, file, `column '${column.name}' holds booleans with nulls, which a pandas bool block cannot store`);
    }
    const type = column.kind === 'bool' ? 'bool' : values instanceof Uint8ClampedArray ? 'Uint8Array' : values.constructor.name;
    const list = groups.get(type) ?? [];
    list.push(column);
    groups.set(type, list);
  }
  const rows = table.ids.length;
  return [...groups.entries()].map(([type, columns]) => {
    const k = columns.length;
    const Constructor = (type === 'bool' ? Uint8Array : type === 'Uint8Array' ? Uint8Array : columns[0]!.values.constructor) as new (n: number) => NumericArray;
    const values = new Constructor(rows * k);
    columns.forEach((column, j) => {
      const source = column.values as ArrayLike<number | bigint | boolean | null>;
      for (let i = 0; i < rows; i++) {
        const value = source[i]!;
        (values as unknown as Array<number | bigint>)[i * k + j] = typeof value === 'boolean' ? Number(value) : (value as number | bigint);
      }
    });
    return { items: columns.map((column) => column.name), values, bool: type === 'bool' };
  });
}

function stringDataset(group: H5Group, name: string, values: readonly string[]): void {
  const size = Math.max(1, ...values.map((value) => utf8.encode(value).length));
  const dataset = group.create_dataset({ name, data: [...values], shape: [values.length], dtype: `S${size}` });
  arrayAttributes(dataset, 'string');
}

function indexDataset(group: H5Group, ids: readonly IndexKey[]): void {
  if (ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id))) {
    arrayAttributes(group.create_dataset({ name: 'axis1', data: BigInt64Array.from(ids as number[], (id) => BigInt(id)), shape: [ids.length] }), 'integer');
  } else if (ids.every((id) => typeof id === 'number')) {
    arrayAttributes(group.create_dataset({ name: 'axis1', data: Float64Array.from(ids as number[]), shape: [ids.length] }), 'float');
  } else {
    stringDataset(group, 'axis1', ids.map(String));
  }
}

/**
 * Writes `table` as a pandas fixed-format frame into `group`; `level` is a gzip level for the value
 * blocks (chunked) or null (contiguous).
 */
export function writePandasFrame(group: H5Group, table: DumpTable, level: number | null, file: string): void {
  const blocks = frameBlocks(table, file);
  const attributes: Record<string, string> = {
    CLASS: 'GROUP',
    VERSION: '1.0',
    pandas_type: 'frame',
    pandas_version: '0.15.2',
    encoding: 'UTF-8',
    errors: 'strict',
    axis0_variety: 'regular',
    axis1_variety: 'regular',
  };
  blocks.forEach((_, b) => {
    attributes[`block${b}_items_variety`] = 'regular';
  });
  for (const [name, value] of Object.entries(attributes)) stringAttribute(group, name, value);
  group.create_attribute('ndim', BigInt64Array.of(2n), [], '<q');
  group.create_attribute('nblocks', BigInt64Array.of(BigInt(blocks.length)), [], '<q');
  if (Object.keys(table.shapes).length > 0) stringAttribute(group, SHAPES_ATTRIBUTE, JSON.stringify(table.shapes));
  stringDataset(
    group,
    'axis0',
    table.columns.map((column) => column.name),
  );
  indexDataset(group, table.ids);
  const rows = table.ids.length;
  blocks.forEach((block, b) => {
    stringDataset(group, `block${b}_items`, block.items);
    const shape = [rows, block.items.length];
    const chunks = level === null || rows === 0 ? null : [Math.max(1, Math.min(rows, Math.ceil(65536 / block.items.length))), block.items.length];
    const dataset = group.create_dataset({
      name: `block${b}_values`,
      data: block.values,
      shape,
      ...(chunks ? { compression: 'gzip' as const, compression_opts: level!, chunks } : {}),
    });
    arrayAttributes(dataset);
    if (block.bool) stringAttribute(dataset, 'batchflow_dtype', 'bool');
  });
}
