/**
 * Item views: `batch.get(id)` returns an object whose component properties read and write that one
 * item of the batch (`batch.get(22).images = x` writes through to `batch.images`).
 * @module
 */
import { columnItem, isColumn, setColumnItem, type Column } from '../ndarray/columns.js';
import { isTupleSource } from './source.js';

/** The accessors an item view needs from its batch. */
export interface ItemViewHost {
  readonly components: readonly string[] | null;
  getComponent(name: string): Column | null;
}

/** One item of a components batch: a property per component. */
export type ItemView = Record<string, unknown>;

/** A live view of item `position` of `batch`. */
export function createItemView(batch: ItemViewHost, position: number): ItemView {
  const view: ItemView = {};
  for (const name of batch.components ?? []) {
    Object.defineProperty(view, name, {
      enumerable: true,
      get: () => {
        const column = batch.getComponent(name);
        return column === null ? null : columnItem(column, position);
      },
      set: (value: unknown) => {
        const column = batch.getComponent(name);
        if (column === null) throw new TypeError(`component '${name}' holds no data, so item ${position} cannot be written`);
        setColumnItem(column, position, value, name);
      },
    });
  }
  return view;
}

/** Item `position` of unnamed (no-components) data: a column entry, a tuple of entries, or a record of entries. */
export function unnamedItem(data: unknown, position: number): unknown {
  const entryAt = (entry: unknown): unknown => (entry === null || entry === undefined ? null : columnItem(entry as Column, position));
  if (data === null || data === undefined) return null;
  if (isTupleSource(data)) return data.map(entryAt);
  if (isColumn(data)) return columnItem(data, position);
  if (data instanceof Map) return new Map([...data].map(([key, value]) => [key, entryAt(value)]));
  return Object.fromEntries(Object.entries(data as Record<string, unknown>).map(([key, value]) => [key, entryAt(value)]));
}

/** What reading an item needs of a batch's component store. */
export interface ItemSource {
  readonly names: readonly string[] | null;
  readonly unnamed: unknown;
  ensureLoaded(): void;
}

/** Item `position` (0-based) of `batch`, whose data is in `store`: a view, or the raw item of unnamed data. */
export function batchItemAt(batch: ItemViewHost & { readonly size: number }, store: ItemSource, position: number): unknown {
  if (!Number.isInteger(position) || position < 0 || position >= batch.size)
    throw new RangeError(`position ${position} is out of bounds for a batch of ${batch.size} items`);
  store.ensureLoaded();
  return store.names === null ? unnamedItem(store.unnamed, position) : createItemView(batch, position);
}
