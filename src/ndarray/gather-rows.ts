/**
 * Gathering rows of contiguous typed storage by position ("fancy indexing" on the first axis) with
 * tight loops: elements are copied through a 32-bit or a byte view of both buffers, so the copy loop
 * sees one or two array kinds whatever the dtype (a loop over every dtype's arrays is far slower), and
 * each run of consecutive positions is copied at once.
 * @module
 */
import type ndarray from 'ndarray';

type TypedArray = ndarray.TypedArray;

/** Runs shorter than this many elements are copied element by element (a `subarray` view costs more). */
const SHORT_RUN = 64;

/** `array`'s memory seen as 32-bit words (element widths of 4 and 8 bytes) or as bytes (any width). */
function wordView(array: TypedArray): Int32Array | Uint8Array {
  return array.BYTES_PER_ELEMENT % 4 === 0
    ? new Int32Array(array.buffer, array.byteOffset, (array.length * array.BYTES_PER_ELEMENT) / 4)
    : new Uint8Array(array.buffer, array.byteOffset, array.length * array.BYTES_PER_ELEMENT);
}

/** Copies `count` words from `source[from]` to `target[to]`. */
function copyWords(target: Int32Array | Uint8Array, to: number, source: Int32Array | Uint8Array, from: number, count: number): void {
  if (count < SHORT_RUN) {
    for (let i = 0; i < count; i++) target[to + i] = source[from + i]!;
  } else {
    target.set(source.subarray(from, from + count), to);
  }
}

/**
 * Copies the rows at `positions` of `source` (rows of `rowSize` elements starting at element
 * `sourceOffset`, `rowCount` rows) into `target`, one after another from element 0. `target` must have
 * the same element type as `source` and room for every row.
 * @throws RangeError for a position outside [0, rowCount).
 */
export function gatherRows(
  target: TypedArray,
  source: TypedArray,
  sourceOffset: number,
  rowCount: number,
  rowSize: number,
  positions: ArrayLike<number>,
): void {
  const to = wordView(target);
  const from = wordView(source);
  const scale = to.length / Math.max(target.length, 1);
  const rowWords = rowSize * scale;
  const base = sourceOffset * scale;
  const count = positions.length;
  let k = 0;
  while (k < count) {
    const start = positions[k]!;
    if (!(start >= 0 && start < rowCount)) throw new RangeError(`position ${start} is out of bounds for an array of ${rowCount} items`);
    // a run of consecutive positions is one block of memory
    let end = k + 1;
    while (end < count && positions[end] === start + (end - k) && start + (end - k) < rowCount) end++;
    copyWords(to, k * rowWords, from, base + start * rowWords, (end - k) * rowWords);
    k = end;
  }
}
