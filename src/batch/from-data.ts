/**
 * `Batch.fromData`: the index its data implies and, for a class without declared
 * components, the component names a record (or Map) of data makes.
 * @module
 */
import { DatasetIndex, type IndexSource } from '../dataset/dataset-index.js';
import { ArgumentError } from '../errors.js';
import { columnLength, isColumn, type Column } from '../ndarray/columns.js';
import { isRecordSource, isTupleSource } from './source.js';

/** `index`, or ids 0..n-1 for the length of the first array in `data`. */
export function indexForData(index: IndexSource | null | undefined, data: unknown): IndexSource {
  if (index !== undefined && index !== null) return index;
  const entries =
    isColumn(data) && !isTupleSource(data)
      ? [data]
      : Array.isArray(data)
        ? data
        : data instanceof Map
          ? [...data.values()]
          : Object.values((data ?? {}) as object);
  const first = entries.find((entry) => isColumn(entry));
  if (!first) throw new ArgumentError('data', 'cannot infer the number of items: pass an index or data with at least one array');
  return new DatasetIndex(columnLength(first as Column));
}

/** The component names `data` makes for a class whose declared components are `declared`, or null to preload it as it is. */
export function componentsFromData(declared: readonly string[] | null | undefined, data: unknown): string[] | null {
  if (declared !== null && declared !== undefined) return null;
  const keys = data instanceof Map ? [...data.keys()] : isRecordSource(data) ? Object.keys(data) : null;
  return keys !== null && keys.length > 0 && keys.every((key) => typeof key === 'string') ? (keys as string[]) : null;
}

/** The class `batchFromData` makes a batch of. */
export interface FromDataTarget<B> {
  new (index: IndexSource, options?: { preloaded?: unknown }): B;
  readonly components: readonly string[] | null;
}

/**
 * A batch of class `cls` holding `data` (see `Batch.fromData`): data that makes components is loaded
 * into a new batch by `loadNamed`; anything else is preloaded as it is.
 */
export function batchFromData<B>(
  cls: FromDataTarget<B>,
  index: IndexSource | null | undefined,
  data: unknown,
  loadNamed: (batch: B, data: unknown, names: string[]) => void,
): B {
  const resolved = indexForData(index, data);
  const names = componentsFromData(cls.components, data);
  if (names === null) return new cls(resolved, { preloaded: data });
  const batch = new cls(resolved);
  loadNamed(batch, data, names);
  return batch;
}
