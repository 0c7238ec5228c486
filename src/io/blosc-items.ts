/**
 * The per-item functions of `fmt: 'blosc'` (portable: they also run on worker engines) and the
 * assembly of the loaded items' values into components.
 * @module
 */
import ndarray from 'ndarray';
import { assembleColumn } from '../batch/assemble.js';
import type { Column } from '../ndarray/columns.js';
import { dtypeOf, isNdArray, sameShape, stackNdArrays, typedArrayConstructor, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { portable } from '../engines/function-reference.js';
import { jsDtype, type ColumnKind } from './blosc-container.js';
import { readBloscFile, writeBloscFile, type BloscSettings } from './blosc-file.js';
import { IoError, MissingColumnError, toIoErrorRecord, type IoErrorRecord } from './errors.js';
import type { Int64Policy } from './table.js';

const FORMAT = 'blosc';

/**
 * A load item: the file, the components to read (null: all; `strict`: each must be there), the int64
 * policy and the load limit of the process that started the load (workers have their own settings).
 */
export type LoadItem = [file: string, names: string[] | null, strict: boolean, int64?: Int64Policy, maxBytes?: number];
/** A loaded item: names, values, column kinds and dtypes (or an error record). */
export type LoadedItem = [names: string[], values: unknown[], columns: ColumnKind[], dtypes: string[]] | IoErrorRecord;

/** Per-item load function (runs in-process or in a worker). */
export async function loadBloscItem(item: LoadItem): Promise<LoadedItem> {
  const [file, names, strict, int64, maxBytes] = item;
  try {
    const entries = await readBloscFile(file, int64, maxBytes);
    const wanted = names ?? [...entries.keys()];
    const found = wanted.filter((name) => entries.has(name));
    if (strict && found.length < wanted.length) {
      const missing = wanted.find((name) => !entries.has(name))!;
      throw new MissingColumnError(FORMAT, file, missing, [...entries.keys()], 'component');
    }
    return [
      found,
      found.map((name) => entries.get(name)!.value),
      found.map((name) => entries.get(name)!.column),
      found.map((name) => entries.get(name)!.dtype),
    ];
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(loadBloscItem, import.meta.url);

/** A dump item: the file, names, values, column kinds and element dtypes of scalar items. */
export type DumpItem = [file: string, names: string[], values: unknown[], columns: ColumnKind[], dtypes: Array<string | null>];

/** Per-item dump function (runs in-process or in a worker). */
export async function dumpBloscItem(item: DumpItem, options: BloscSettings): Promise<IoErrorRecord | 0> {
  const [file, names, values, columns, dtypes] = item;
  try {
    const entries = names.map((name, i) => ({ name, value: values[i], column: columns[i]!, ...(dtypes[i] ? { dtype: dtypes[i]! } : {}) }));
    await writeBloscFile(file, entries, options);
    return 0;
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(dumpBloscItem, import.meta.url);

/** A loaded item without the error case. */
export type LoadedValues = Exclude<LoadedItem, IoErrorRecord>;

/**
 * The components of the loaded items, each assembled from every item (one missing from an item is a
 * MissingColumnError naming that item's file), in `names` order (null: the order found). Linear in
 * items × components: each item's names are looked up in a map, never searched.
 */
export function stageLoaded(loaded: readonly LoadedValues[], files: readonly string[], names: readonly string[] | null): Map<string, Column> {
  const positions = loaded.map(([itemNames]) => new Map(itemNames.map((name, k) => [name, k] as const)));
  const found = new Set<string>();
  for (const item of positions) for (const name of item.keys()) found.add(name);
  if (found.size === 0) throw new MissingColumnError(FORMAT, files[0]!, names?.[0] ?? '(any)', [], 'component');
  const staged = new Map<string, Column>();
  for (const name of (names ?? [...found]).filter((n) => found.has(n))) {
    const values: unknown[] = new Array(loaded.length);
    const columns: ColumnKind[] = new Array(loaded.length);
    const dtypes: string[] = new Array(loaded.length);
    loaded.forEach(([itemNames, itemValues, itemColumns, itemDtypes], position) => {
      const k = positions[position]!.get(name);
      if (k === undefined) throw new MissingColumnError(FORMAT, files[position]!, name, itemNames, 'component');
      values[position] = itemValues[k];
      columns[position] = itemColumns[k]!;
      dtypes[position] = itemDtypes[k]!;
    });
    staged.set(name, assembleLoaded(values, columns, dtypes));
  }
  return staged;
}

/** One component from its per-item values: the same kind of column it was dumped from when possible. */
export function assembleLoaded(values: unknown[], columns: ColumnKind[], dtypes: string[]): Column {
  const column = columns[0];
  const dtype = dtypes[0]!;
  const uniform = columns.every((c) => c === column) && dtypes.every((d) => d === dtype);
  if (uniform && column === 'typedarray' && values.every((v) => typeof v === 'number' || typeof v === 'bigint')) {
    if (dtype === 'I64') return BigInt64Array.from(values as bigint[]) as unknown as Column;
    if (dtype === 'U64') return BigUint64Array.from(values as bigint[]) as unknown as Column;
    const js = jsDtype(dtype);
    if (js && js !== 'int64' && js !== 'uint64')
      return (typedArrayConstructor(js) as unknown as { from(v: ArrayLike<number>): TypedArray }).from(values as number[]);
  }
  if (uniform && column === 'ndarray') {
    const js = jsDtype(dtype);
    if (values.every((v) => typeof v === 'number') && js && js !== 'int64' && js !== 'uint64') {
      const Constructor = typedArrayConstructor(js);
      const out = new Constructor(values.length);
      values.forEach((v, i) => (out[i] = v as number));
      return ndarray(out, [values.length]);
    }
    if (values.every(isNdArray)) {
      const first = values[0] as NDArray;
      if (values.every((v) => sameShape((v as NDArray).shape, first.shape))) return stackNdArrays(values as NDArray[], dtypeOf(first));
    }
  }
  if (column === 'array' || !uniform) return values;
  return assembleColumn(values);
}
