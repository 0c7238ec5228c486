/**
 * Positions in an index: reading any position argument (numpy rules) and taking the ids at positions.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { isSlice, slicePositions, type IndexSlice as Slice } from '../util/slice.js';
import type { IndexValue } from './index-ids.js';

/** A position argument: a slice, a boolean mask with one entry per id, or an iterable / array of integers. */
export type PositionsArgument = Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>;

/**
 * Positions in an index of `n` ids from any position argument: ints (negatives count from the end), a
 * slice, a boolean mask, an iterable.
 * @throws RangeError for a position out of bounds; TypeError / ArgumentError for a bad argument.
 */
export function positionsIn(pos: PositionsArgument, n: number): Int32Array {
  if (isSlice(pos)) return slicePositions(pos as Slice, n);
  const list = pos instanceof Int32Array ? pos : Array.isArray(pos) ? (pos as readonly unknown[]) : Array.from(pos as Iterable<unknown>);
  if (list.length > 0 && typeof list[0] === 'boolean') {
    if (list.length !== n) throw new ArgumentError('pos', `a boolean mask must have one entry per id (${n}), got ${list.length}`);
    const out: number[] = [];
    for (let i = 0; i < n; i++) {
      if (typeof list[i] !== 'boolean') throw new TypeError(`pos: a boolean mask must hold only booleans; entry ${i} is ${typeof list[i]}`);
      if (list[i]) out.push(i);
    }
    return Int32Array.from(out);
  }
  const out = new Int32Array(list.length);
  for (let k = 0; k < list.length; k++) {
    const position = list[k];
    if (typeof position !== 'number' || !Number.isInteger(position)) throw new TypeError(`pos: positions must be integers, got ${JSON.stringify(position)}`);
    const actual = position < 0 ? n + position : position;
    if (actual < 0 || actual >= n) throw new RangeError(`position ${position} is out of bounds for an index of ${n} ids`);
    out[k] = actual;
  }
  return out;
}

/** The ids at valid positions (no checks); `ids` null means the range 0..n-1. */
export function takeIds(ids: readonly IndexValue[] | null, positions: Int32Array): IndexValue[] {
  const out = new Array<IndexValue>(positions.length);
  if (ids === null) for (let k = 0; k < positions.length; k++) out[k] = positions[k]!;
  else for (let k = 0; k < positions.length; k++) out[k] = ids[positions[k]!]!;
  return out;
}
