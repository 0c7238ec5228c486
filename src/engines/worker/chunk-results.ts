/**
 * The results of one chunk as a worker produces them. Numbers (scalar results, the common case of
 * cheap items) go straight into one Float64Array, the form they travel in, with no array of boxed
 * values and no second pass to pack them; the first result that is not a number turns the results
 * into a plain array (the numbers so far copied into it).
 * @module
 */
import { sharedTypedArray, typedArrayConstructor, type DType, type TypedArray } from '../../ndarray/ndarray-utils.js';
import { encodeList, type EncodedList } from './codec.js';

/** The results of a chunk of `count` items, set in item order. */
export class ChunkResults {
  private numbers: Float64Array | null;
  private values: unknown[] | null = null;

  /** @param into - where numbers go (shared memory the caller reads), or null for a buffer of their own. */
  constructor(
    readonly count: number,
    into: Float64Array | null = null,
  ) {
    this.numbers = into;
  }

  /** Stores the result of item `k` (items are set in order, each once). */
  set(k: number, value: unknown): void {
    if (this.values === null) {
      if (typeof value === 'number') {
        (this.numbers ??= new Float64Array(this.count))[k] = value;
        return;
      }
      this.values = this.boxed(k);
    }
    this.values[k] = value;
  }

  /** True when every result is a number (or there are none). */
  get allNumbers(): boolean {
    return this.values === null;
  }

  /**
   * Where the numbers go while every result so far is a number (the hot loop of cheap items writes
   * result k at index k itself); null before the first result or once one was not a number.
   */
  get numberStorage(): Float64Array | null {
    return this.values === null ? this.numbers : null;
  }

  /** The results as a plain array. */
  list(): unknown[] {
    return (this.values ??= this.boxed(this.count));
  }

  /**
   * The results encoded for the caller (see `encodeList`; numbers as the Float64Array they were written
   * to). With `storage`, ndarrays (same-shape results, or inside other results) are packed there, one
   * after the other (into fresh shared memory once it is full), instead of moving.
   */
  encode(transfer: ArrayBuffer[], moveOwned: boolean, storage?: SharedArrayBuffer): EncodedList {
    if (this.values === null && this.numbers !== null) {
      if (!(this.numbers.buffer instanceof SharedArrayBuffer)) transfer.push(this.numbers.buffer);
      return { kind: 'numbers', length: this.count, data: this.numbers };
    }
    const values = this.list();
    return encodeList(this.count, (k) => values[k], transfer, moveOwned, false, storage && packer(storage), true);
  }

  /** A plain array holding the numbers of items [0, upTo), null elsewhere (generic elements: NaN payloads survive). */
  private boxed(upTo: number): unknown[] {
    const values = new Array<unknown>(this.count).fill(null);
    if (this.numbers !== null) for (let k = 0; k < upTo; k++) values[k] = this.numbers[k];
    return values;
  }
}

/** Hands out `storage` piece by piece, each piece 8-aligned after the last; fresh shared memory once it is full. */
function packer(storage: SharedArrayBuffer): (dtype: DType, length: number) => TypedArray {
  let used = 0;
  return (dtype, length) => {
    const Constructor = typedArrayConstructor(dtype) as unknown as {
      new (buffer: SharedArrayBuffer, byteOffset: number, length: number): TypedArray;
      BYTES_PER_ELEMENT: number;
    };
    const start = Math.ceil(used / 8) * 8;
    const end = start + length * Constructor.BYTES_PER_ELEMENT;
    if (end > storage.byteLength) return sharedTypedArray(dtype, length);
    used = end;
    return new Constructor(storage, start, length);
  };
}
