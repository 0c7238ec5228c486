/**
 * Reusable shared-memory slots for the large columns a run sends to batch workers that share the
 * calling thread's memory (worker threads). A fresh buffer per batch costs a page fault per 4 KiB on
 * first touch (about 20× the copy itself on this kind of machine); a slot is faulted in once per run
 * and then reused, and the worker reads the column in place, without a copy of its own.
 * @module
 */
import { copyInto, dtypeOf, isNdArray, typedArrayConstructor, type NDArray, type TypedArray } from '../../ndarray/ndarray-utils.js';
import ndarray from 'ndarray';

/** Free slots, by byte length; a run keeps at most this many free slots of one length. */
const maxFreeSlotsPerLength = 8;

/** The slots of one run: {@link share} copies a column into a slot, {@link release} gives slots back. */
export class SharedSlots {
  private readonly free = new Map<number, SharedArrayBuffer[]>();

  /** A copy of `column` (a numeric ndarray) in a shared slot, and the slot. */
  share(column: NDArray): { column: NDArray; slot: SharedArrayBuffer } {
    const dtype = dtypeOf(column)!;
    const Constructor = typedArrayConstructor(dtype) as unknown as { new (buffer: SharedArrayBuffer): TypedArray; BYTES_PER_ELEMENT: number };
    const byteLength = column.size * Constructor.BYTES_PER_ELEMENT;
    const slot = this.free.get(byteLength)?.pop() ?? new SharedArrayBuffer(byteLength);
    const data = new Constructor(slot);
    copyInto(data, 0, column);
    return { column: ndarray(data, column.shape.slice()), slot };
  }

  /** Gives `slot` back for later batches. */
  release(slot: SharedArrayBuffer): void {
    const list = this.free.get(slot.byteLength) ?? [];
    if (list.length < maxFreeSlotsPerLength) list.push(slot);
    this.free.set(slot.byteLength, list);
  }
}

/**
 * Columns of a produced batch that still view one of `slots` (a step on the worker changed a column
 * in place and gave it back) are copied out, so the slots can be reused.
 */
export function detachFromSlots(columns: unknown[], slots: readonly SharedArrayBuffer[]): void {
  if (slots.length === 0) return;
  columns.forEach((column, k) => {
    if (isNdArray(column) && ArrayBuffer.isView(column.data) && slots.includes(column.data.buffer as SharedArrayBuffer)) {
      const Constructor = typedArrayConstructor(dtypeOf(column)!);
      const data = new Constructor(column.size);
      copyInto(data, 0, column);
      columns[k] = ndarray(data, column.shape.slice());
    }
  });
}
