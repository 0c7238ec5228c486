/**
 * Reused shared-memory slots for what the calling thread sends to workers that share its memory
 * (worker threads): packed items of a chunk, a batch's large columns. A fresh buffer per message
 * costs a page fault per 4 KiB page on first touch (about 20× the copy itself on a virtual machine);
 * a slot is faulted in once and then reused, and the worker reads it in place, without a copy.
 * Slots come in power-of-two sizes; the pool keeps at most {@link maxPooledBytes} of free slots.
 * @module
 */
import ndarray from 'ndarray';
import {
  copyInto,
  dtypeOf,
  isNdArray,
  isTypedArray,
  typedArrayConstructor,
  typedArrayDType,
  type DType,
  type NDArray,
  type TypedArray,
} from '../ndarray/ndarray-utils.js';
import { isPlainObject } from '../util/plain-object.js';

/** Smaller packs are left to the allocator (its small blocks are reused without page faults). */
export const minSlotBytes = 64 * 1024;
/** The most free slot memory the pool keeps. */
const maxPooledBytes = 256 * 1024 * 1024;

const free = new Map<number, SharedArrayBuffer[]>();
let pooledBytes = 0;

/** Slots that left their lease with a value ({@link SlotLease.handOver}): nothing here reuses them. */
const handedOver = new WeakSet<SharedArrayBuffer>();

/**
 * True when `buffer` is a slot handed over with a value: no lease or pool of this thread writes into
 * it again, so a view of it may go to another thread of the process by reference.
 */
export function isHandedOver(buffer: ArrayBufferLike): boolean {
  return buffer instanceof SharedArrayBuffer && handedOver.has(buffer);
}

type SharedConstructor = { new (buffer: SharedArrayBuffer, byteOffset: number, length: number): TypedArray; BYTES_PER_ELEMENT: number };

/** The slots one call or batch holds until it ends. */
export class SlotLease {
  private readonly held: SharedArrayBuffer[] = [];
  /** Slots handed over with a value. */
  private readonly given: SharedArrayBuffer[] = [];
  /** A view of a slot stays where {@link detach} could not replace it. */
  private pinned = false;

  /**
   * A typed array of `length` elements of `dtype` in a slot of this lease; null when smaller than
   * `minimumBytes` (by default {@link minSlotBytes}: smaller packs are left to the allocator).
   */
  array(dtype: DType, length: number, minimumBytes = minSlotBytes): TypedArray | null {
    return this.take(dtype, length, minimumBytes, false);
  }

  /** Like {@link array}, with every element 0. */
  zeros(dtype: DType, length: number): TypedArray | null {
    return this.take(dtype, length, minSlotBytes, true);
  }

  private take(dtype: DType, length: number, minimumBytes: number, zeroed: boolean): TypedArray | null {
    const Constructor = typedArrayConstructor(dtype) as unknown as SharedConstructor;
    const byteLength = length * Constructor.BYTES_PER_ELEMENT;
    if (byteLength < minimumBytes || byteLength === 0) return null;
    const size = 2 ** Math.ceil(Math.log2(byteLength));
    const reused = free.get(size)?.pop();
    if (reused) pooledBytes -= size;
    // a new buffer is all zeros; a reused one is cleared eight bytes at a time (filling a shared byte array goes byte by byte)
    if (reused && zeroed) new Float64Array(reused, 0, Math.ceil(byteLength / 8)).fill(0);
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
   * Entries of `values` that view a slot of this lease (a worker gave an input back, a step kept its
   * input) are replaced by copies, so the slots can be reused: ndarrays and typed arrays, also inside
   * plain arrays and objects (replaced in place). A view inside a frozen container cannot be replaced:
   * the lease's slots then go to the garbage collector instead of the pool.
   */
  detach(values: unknown[]): void {
    this.walk(values, false);
  }

  /**
   * Like {@link detach}, except that an ndarray filling at least half of a slot takes the slot with it
   * instead of being copied: the slot leaves the lease and is never pooled again. For values handed to
   * another thread of this process (a batch made on a worker thread), which reads the slot in place.
   */
  handOver(values: unknown[], options: { copyOwned?: boolean } = {}): void {
    this.walk(values, true, options.copyOwned === true);
  }

  /** The slots {@link handOver} let go, in order (a calling thread may give them back for reuse: {@link adoptSlots}). */
  handedOverSlots(): SharedArrayBuffer[] {
    return this.given.slice();
  }

  private walk(values: unknown[], handOver: boolean, copyOwned = false): void {
    if (copyOwned) this.moveOwnedIntoSlots(values);
    if (this.held.length === 0) return;
    const seen = new Set<object>();
    // containers still to walk (no recursion: a value may be nested thousands of levels deep)
    const pending: Array<Record<string | number, unknown>> = [values as unknown as Record<number, unknown>];
    while (pending.length > 0) {
      const container = pending.pop()!;
      for (const key of Array.isArray(container) ? container.keys() : Object.keys(container)) {
        const value = container[key];
        if (typeof value !== 'object' || value === null) continue;
        if (handOver && this.handsOver(value)) continue;
        const copy = this.copyOfView(value);
        if (copy !== null) {
          if (Object.isFrozen(container)) this.pinned = true;
          else container[key] = copy;
        } else if (!seen.has(value) && (Array.isArray(value) || isPlainObject(value))) {
          seen.add(value);
          pending.push(value as Record<string | number, unknown>);
        }
      }
    }
  }

  /**
   * Top-level ndarrays of `values` over memory of their own (an ordinary ArrayBuffer they fill, at
   * least {@link minSlotBytes}) are copied into slots of this lease, so that they can leave as slots
   * instead of as fresh memory (a copy costs far less than the page faults of the next fresh buffer).
   */
  private moveOwnedIntoSlots(values: unknown[]): void {
    for (let k = 0; k < values.length; k++) {
      const value = values[k];
      if (!isNdArray(value) || !ArrayBuffer.isView(value.data) || value.data.buffer instanceof SharedArrayBuffer) continue;
      const data = value.data as TypedArray;
      if (value.size * data.BYTES_PER_ELEMENT * 2 < data.buffer.byteLength) continue; // a small view of a larger buffer: left as it is
      const slot = this.arrayLike(data, value.size);
      if (slot === null) continue;
      copyInto(slot, 0, value);
      values[k] = ndarray(slot, value.shape.slice());
    }
  }

  /** True when `value` is an ndarray filling at least half of a slot of this lease, which then leaves the lease. */
  private handsOver(value: object): boolean {
    if (!isNdArray(value) || !ArrayBuffer.isView(value.data)) return false;
    const slot = value.data.buffer as SharedArrayBuffer;
    const at = this.held.indexOf(slot);
    if (at < 0 || value.size * (value.data as TypedArray).BYTES_PER_ELEMENT * 2 < slot.byteLength) return false;
    this.held.splice(at, 1);
    handedOver.add(slot);
    this.given.push(slot);
    return true;
  }

  /** A copy (in fresh memory) of `value` when it is an ndarray or typed array viewing a slot of this lease; else null. */
  private copyOfView(value: object): unknown {
    if (isNdArray(value)) {
      if (!this.holds(value)) return null;
      const data = new (typedArrayConstructor(dtypeOf(value)!))(value.size);
      copyInto(data, 0, value);
      return ndarray(data, value.shape.slice());
    }
    if (isTypedArray(value) && this.held.includes(value.buffer as SharedArrayBuffer)) return value.slice();
    return null;
  }

  /**
   * Lets go of every slot without pooling them: values in them now own them (a batch the consumer
   * receives). Returns the slots, to be given back with {@link adoptSlots} once nothing reads them.
   */
  surrender(): SharedArrayBuffer[] {
    return this.held.splice(0);
  }

  /** Gives the slots back to the pool (only once no worker may still use them). */
  release(): void {
    const slots = this.held.splice(0);
    if (this.pinned) return; // a view that could not be detached may still be read: the slots are not reused
    for (const slot of slots) pool(slot);
  }
}

/** Puts `slot` among the free slots of this thread (unless the pool is full). */
function pool(slot: SharedArrayBuffer): void {
  if (pooledBytes + slot.byteLength > maxPooledBytes) return;
  const list = free.get(slot.byteLength) ?? [];
  list.push(slot);
  free.set(slot.byteLength, list);
  pooledBytes += slot.byteLength;
}

/**
 * Takes slots that another thread handed over and has given back (nothing of it reads them any more)
 * into this thread's pool. Only slots of the pool's sizes (powers of two) are taken.
 */
export function adoptSlots(slots: readonly SharedArrayBuffer[]): void {
  for (const slot of slots) {
    const size = slot.byteLength;
    if (size >= minSlotBytes && (size & (size - 1)) === 0) {
      handedOver.delete(slot);
      pool(slot);
    }
  }
}

/** Slots the calling thread gave back, waiting to go to a worker with its next batch (at most {@link maxPooledBytes}). */
const givenBack: SharedArrayBuffer[] = [];
let givenBackBytes = 0;

/**
 * Slots of a consumed batch, handed over by the worker that made it, to go back to the workers'
 * pools with the next batches ({@link takeGivenBackSlots}). The caller guarantees that nothing reads
 * them any more.
 */
export function giveBackSlots(slots: readonly SharedArrayBuffer[]): void {
  for (const slot of slots) {
    if (givenBackBytes + slot.byteLength > maxPooledBytes) return;
    givenBack.push(slot);
    givenBackBytes += slot.byteLength;
  }
}

/** The slots given back so far (now the caller's to send to a worker), or an empty list. */
export function takeGivenBackSlots(): SharedArrayBuffer[] {
  if (givenBack.length === 0) return [];
  givenBackBytes = 0;
  return givenBack.splice(0);
}

/** Frees the pooled slots (closeEngines). */
export function clearSharedSlots(): void {
  free.clear();
  pooledBytes = 0;
  givenBack.length = 0;
  givenBackBytes = 0;
}
