/**
 * Preloaded data in shared memory, gathered by the batch worker itself. When a component of the
 * dataset's preloaded data is a numeric ndarray over a `SharedArrayBuffer` (`sharedNdarray`,
 * `toSharedNdarray`, `zeros(..., { shared: true })`), a batch sent to workers that share the calling
 * thread's memory ('threads') carries only where that storage is and the positions of the batch's
 * items in it: {@link shareRows} on the calling thread, {@link gatherSharedRows} on the worker, which
 * gathers the rows into memory the batch owns, the same values and layout the calling thread would
 * have sent (a contiguous array of the batch's rows, never a view of the dataset).
 * @module
 */
import ndarray from 'ndarray';
import type { Batch } from '../../batch/batch.js';
import { createLocator } from '../../batch/locator.js';
import { cropComponent } from '../../batch/source.js';
import { Dataset } from '../../dataset/dataset.js';
import type { SlotLease } from '../../engines/shared-slots.js';
import type { RowStorage } from '../../ndarray/gather-rows.js';
import { dtypeOf, isNdArray, isTypedArray, takeNdRows, typedArrayConstructor, type DType, type NDArray, type TypedArray } from '../../ndarray/ndarray-utils.js';

/** Where a worker finds one component's preloaded data in shared memory, and the batch's rows in it. */
export interface SharedSource {
  readonly buffer: SharedArrayBuffer;
  readonly dtype: DType;
  /** The typed array over `buffer`: its byte offset and element count. */
  readonly byteOffset: number;
  readonly length: number;
  /** The ndarray over that typed array. */
  readonly shape: readonly number[];
  readonly stride: readonly number[];
  readonly offset: number;
  /** The batch items' positions along its first axis, in batch order (all in bounds). */
  readonly positions: Int32Array;
}

/** The components a worker gathers itself: per column position (in the batch's component order), its source. */
export type SharedRows = ReadonlyArray<readonly [number, SharedSource]>;

/** True for a numeric ndarray over a SharedArrayBuffer (typed storage, one of the dtypes). */
function sharedSourceArray(value: unknown): value is NDArray<TypedArray> {
  return isNdArray(value) && isTypedArray(value.data) && value.data.buffer instanceof SharedArrayBuffer && dtypeOf(value) !== undefined;
}

/** The positions as an Int32Array, or null when one is not an in-bounds integer (the calling thread's own load reports it). */
function checkedPositions(positions: ArrayLike<number>, rowCount: number): Int32Array | null {
  const out = new Int32Array(positions.length);
  for (let k = 0; k < positions.length; k++) {
    const position = positions[k]!;
    if (!(Number.isInteger(position) && position >= 0 && position < rowCount)) return null;
    out[k] = position;
  }
  return out;
}

/**
 * For a batch just created by `dataset` (nothing loaded yet) whose dataset has preloaded components in
 * shared memory: the shared components as {@link SharedRows} (null in `columns`), the others cropped
 * here as the batch's own load would crop them (rows gathered into `storage`'s arrays). Null when the
 * batch does not qualify or anything is unusual (positions out of bounds, a source that cannot be
 * matched): the caller then loads the batch as usual, which reports any error as it always does.
 */
export function shareRows(batch: Batch, dataset: Dataset, storage: RowStorage): { rows: SharedRows; columns: unknown[] } | null {
  const names = batch.components;
  // a batch made elsewhere (an iterable dataset, an overridden createBatch) may hold other data
  if (names === null || batch.dataset !== dataset || dataset.createBatch !== Dataset.prototype.createBatch) return null;
  try {
    const data = dataset.data as Record<string, unknown> | null;
    if (data === null || !names.some((name) => sharedSourceArray(data[name]))) return null;
    const locator = createLocator(batch.indices, dataset);
    const rows: Array<readonly [number, SharedSource]> = [];
    const columns = new Array<unknown>(names.length).fill(null);
    for (let k = 0; k < names.length; k++) {
      const source = data[names[k]!];
      if (!sharedSourceArray(source)) continue;
      const positions = checkedPositions(locator.positions(source.shape[0]!), source.shape[0]!);
      if (positions === null) return null;
      const { buffer, byteOffset, length } = source.data;
      rows.push([
        k,
        {
          buffer: buffer as SharedArrayBuffer,
          dtype: dtypeOf(source)!,
          byteOffset,
          length,
          shape: source.shape.slice(),
          stride: source.stride.slice(),
          offset: source.offset,
          positions,
        },
      ]);
    }
    for (let k = 0; k < names.length; k++) {
      if (rows.some(([position]) => position === k)) continue;
      columns[k] = cropComponent(data[names[k]!], locator, { copy: dataset.copyData, component: names[k]!, storage });
    }
    return { rows, columns };
  } catch {
    return null;
  }
}

/**
 * On the worker: each shared component's rows at its positions, gathered into a new contiguous array
 * (into a slot of `lease` when large enough) and put at its position in `columns`.
 */
export function gatherSharedRows(rows: SharedRows, columns: unknown[], lease: SlotLease): void {
  const storage: RowStorage = (like, length) => lease.arrayLike(like, length);
  for (const [position, source] of rows) {
    const Constructor = typedArrayConstructor(source.dtype) as unknown as new (buffer: SharedArrayBuffer, byteOffset: number, length: number) => TypedArray;
    const array = ndarray(new Constructor(source.buffer, source.byteOffset, source.length), source.shape.slice(), source.stride.slice(), source.offset);
    columns[position] = takeNdRows(array, source.positions, storage);
  }
}
