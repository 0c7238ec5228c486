/**
 * Reused shared-memory slots for what the calling thread sends to workers that share its memory
 * (worker threads): packed items of a chunk, a batch's large columns. A fresh buffer per message
 * costs a page fault per 4 KiB page on first touch (about 20× the copy itself on a virtual machine);
 * a slot is faulted in once and then reused, and the worker reads it in place, without a copy.
 * Slots come in power-of-two sizes; the pool keeps at most {@link maxPooledBytes} of free slots.
 * @module
 */
import ndarray from 'ndarray';
import { copyInto, dtypeOf, isNdArray, typedArrayConstructor, typedArrayDType, type DType, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';

/** Smaller packs are left to the allocator (its small blocks are reused without page faults). */
export const minSlotBytes = 64 * 1024;
/** The most free slot memory the pool keeps. */
const maxPooledBytes = 256 * 1024 * 1024;

const free = new Map<number, SharedArrayBuffer[]>();
let pooledBytes = 0;

type SharedConstructor = { new (buffer: SharedArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

/** The slots one call or batch holds until it ends. */
export class SlotLease {
  private readonly held: SharedArrayBuffer[] = [];

  /**
   * A typed array of `length` elements of `dtype` in a slot of this lease; null when smaller than
   * `minimumBytes` (by default {@link minSlotBytes}: smaller packs are left to the allocator).
   */
  array(dtype: DType, length: number, minimumBytes = minSlotBytes): TypedArray | null {
    const Constructor = typedArrayConstructor(dtype) as unknown as SharedConstructor;
    const byteLength = length * Constructor.BYTES_PER_ELEMENT;
    if (byteLength < minimumBytes || byteLength === 0) return null;
    const size = 2 ** Math.ceil(Math.log2(byteLength));
    const reused = free.get(size)?.pop();
    if (reused) pooledBytes -= size;
    const slot = reused ?? new SharedArrayBuffer(size);
    this.held.push(slot);
    return new Constructor(slot, 0, length);
  }

  /** A typed array of `like`'s class and `length` elements in a slot of this lease; null when too small to pool or not a plain typed-array class. */
  arrayLike(like: TypedArray, length: number): TypedArray | null {
    const dtype = typedArrayDType(like);
    return dtype === undefined ? null : this.array(dtype, length);
  }

  /** A copy of `column` (a numeric ndarray) in a slot of this lease, or null when too small to pool. */
  copy(column: NDArray): NDArray | null {
    const data = this.array(dtypeOf(column)!, column.size);
    if (data === null) return null;
    copyInto(data, 0, column);
    return ndarray(data, column.shape.slice());
  }

  /** True when `value` is an ndarray whose storage is a slot of this lease. */
  holds(value: unknown): boolean {
    return isNdArray(value) && ArrayBuffer.isView(value.data) && this.held.includes(value.data.buffer as SharedArrayBuffer);
  }

  /**
   * Entries of `values` that view a slot of this lease (a worker gave an input back) are replaced by
   * copies, so the slots can be reused.
   */
  detach(values: unknown[]): void {
    if (this.held.length === 0) return;
    for (let k = 0; k < values.length; k++) {
      const value = values[k];
      if (typeof value !== 'object' || !this.holds(value)) continue;
      const column = value as NDArray;
      const data = new (typedArrayConstructor(dtypeOf(column)!))(column.size);
      copyInto(data, 0, column);
      values[k] = ndarray(data, column.shape.slice());
    }
  }

  /** Gives the slots back to the pool (only once no worker may still use them). */
  release(): void {
    for (const slot of this.held.splice(0)) {
      if (pooledBytes + slot.byteLength > maxPooledBytes) continue;
      const list = free.get(slot.byteLength) ?? [];
      list.push(slot);
      free.set(slot.byteLength, list);
      pooledBytes += slot.byteLength;
    }
  }
}

/** Frees the pooled slots (closeEngines). */
export function clearSharedSlots(): void {
  free.clear();
  pooledBytes = 0;
}
