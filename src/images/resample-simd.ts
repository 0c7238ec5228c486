/**
 * The uint8 passes of `resize` in WebAssembly SIMD: the same sums as the JavaScript kernels of
 * `resample-kernels.ts` (Pillow's 22-bit fixed point: `HALF + Σ pixel · weight` in int32, `>> 22`,
 * clipped to 0..255), four int32 lanes at a time, so the results are bit-identical. The module is
 * written by `wasm-writer.ts` and compiled once, synchronously, when this file is loaded; where
 * WebAssembly SIMD is missing, or when {@link wasmKernels} is disabled, `resize` uses the
 * JavaScript kernels. An image is copied into the module's memory, both passes run there, and the
 * result is copied out.
 *
 * Functions (all arguments are byte addresses or byte counts in the module's memory):
 * - `horizontal3` / `horizontal4(src, inRow, dst, outRow, rows, outWidth, table)`: RGB or RGBA rows,
 *   four per sweep of a window; lanes are the channels of one pixel (8 bytes loaded, the first 4
 *   widened to int32: a pixel and a byte of the next). Per output pixel x, `table` holds `[source
 *   offset in the row, first weight, end of weights]`. Result pixels are stored as 4 bytes: for RGB
 *   the 4th byte lands on the next pixel, written later (a row's last pixel is stored as 2 + 1 bytes;
 *   `dst` has room for one byte more).
 * - `vertical(rowLength, dst, outHeight, table)`: 16 values of an output row at a time; per output
 *   row y, `table` holds `[first input row address, first weight, end of weights]`. A row's last
 *   block may read and write up to 15 bytes past its end (the next row, rewritten after; the
 *   buffers have 16 bytes of room).
 * @module
 */
import { BatchflowError } from '../errors.js';
import { PRECISION_BITS, type Windows } from './resample-kernels.js';
import { constant, get, i32, instantiate, load, copyOut, reserve, set, v128, wasmKernels, whileLoop, type FunctionSpec } from './wasm-writer.js';

const HALF = 1 << (PRECISION_BITS - 1);

/** `acc = acc + pixels * weights` on i32x4 (`pixels` and `weights` leave one v128 each). */
const multiplyAdd = (acc: number, pixels: number[], weights: number[]): number[] => [
  ...get(acc),
  ...pixels,
  ...weights,
  ...v128.i32x4Mul,
  ...v128.i32x4Add,
  ...set(acc),
];

/** Pillow's clip8 of an accumulator: `>> 22` (the narrowing instructions saturate to 0..255). */
const shifted = (acc: number): number[] => [...get(acc), ...constant(PRECISION_BITS), ...v128.i32x4ShiftRightSigned];

/**
 * The horizontal pass for `channels` 3 or 4: `sweepRows` rows per sweep of a window (each weight
 * loaded once for all of them), then single rows for the rest. A pixel is stored as 4 bytes; for RGB
 * the 4th lands on the next pixel, written later — except after a row's last pixel, whose next pixel
 * (the next row's first) a sweep of several rows has written already: that pixel is stored as 2 + 1
 * bytes.
 */
function horizontalPass(channels: 3 | 4, sweepRows: number): FunctionSpec {
  // parameters
  const [src, inRow, dst, outRow, rows, outWidth, table] = [0, 1, 2, 3, 4, 5, 6];
  // i32 locals
  const [y, x, p, wp, end, row, out, entry] = [7, 8, 9, 10, 11, 12, 13, 14];
  // v128 locals
  const [half, weight] = [15, 16];
  const sums = Array.from({ length: sweepRows }, (_, r) => 17 + r);
  const packed = (sum: number): number[] => [...shifted(sum), ...shifted(sum), ...v128.i16x8NarrowSigned, ...get(half), ...v128.i8x16NarrowUnsigned];
  const word = (at: number[], sum: number): number[] => [...at, ...packed(sum), ...v128.store32Lane(0)];
  const bytes = (at: number[], sum: number): number[] =>
    channels === 4 ? word(at, sum) : [...at, ...packed(sum), ...v128.store16Lane(0), ...at, ...packed(sum), ...v128.store8Lane(2, 2)];
  const pixelAt = (address: number[]): number[] => [...address, ...v128.load8x8Unsigned(), ...v128.i32x4ExtendLowUnsigned];
  const rowOffset = (stride: number, r: number): number[] => (r === 0 ? [] : [...get(stride), ...constant(r), i32.mul, i32.add]);
  const advance = [...get(p), ...constant(channels), i32.add, ...set(p), ...get(wp), ...constant(4), i32.add, ...set(wp)];
  const sweep = (count: number, store: (at: number[], sum: number) => number[]): number[] => [
    ...[...get(row), ...get(entry), ...load(0), i32.add, ...set(p)],
    ...[...get(entry), ...load(4), ...set(wp), ...get(entry), ...load(8), ...set(end)],
    ...sums.slice(0, count).flatMap((sum) => [...get(half), ...set(sum)]),
    ...whileLoop(
      [...get(wp), ...get(end), i32.ltUnsigned],
      [
        ...[...get(wp), ...v128.load32Splat(), ...set(weight)],
        ...sums.slice(0, count).flatMap((sum, r) => multiplyAdd(sum, pixelAt([...get(p), ...rowOffset(inRow, r)]), get(weight))),
        ...advance,
      ],
    ),
    ...sums.slice(0, count).flatMap((sum, r) => store([...get(out), ...rowOffset(outRow, r)], sum)),
    ...[...get(out), ...constant(channels), i32.add, ...set(out), ...get(entry), ...constant(12), i32.add, ...set(entry)],
    ...[...get(x), ...constant(1), i32.add, ...set(x)],
  ];
  const rowStart = (count: number): number[] => [
    ...[...constant(0), ...set(x), ...get(table), ...set(entry)],
    ...[...get(src), ...get(y), ...get(inRow), i32.mul, i32.add, ...set(row)],
    ...[...get(dst), ...get(y), ...get(outRow), i32.mul, i32.add, ...set(out)],
    ...[...get(y), ...constant(count), i32.add, ...set(y)],
  ];
  const body = [
    ...[...constant(HALF), ...v128.i32x4Splat, ...set(half)],
    ...whileLoop(
      [...get(y), ...constant(sweepRows - 1), i32.add, ...get(rows), i32.ltUnsigned],
      [
        ...rowStart(sweepRows),
        ...whileLoop([...get(x), ...constant(1), i32.add, ...get(outWidth), i32.ltUnsigned], sweep(sweepRows, word)),
        ...whileLoop([...get(x), ...get(outWidth), i32.ltUnsigned], sweep(sweepRows, bytes)),
      ],
    ),
    ...whileLoop([...get(y), ...get(rows), i32.ltUnsigned], [...rowStart(1), ...whileLoop([...get(x), ...get(outWidth), i32.ltUnsigned], sweep(1, word))]),
  ];
  return { name: `horizontal${channels}`, parameters: 7, i32Locals: 8, v128Locals: 2 + sweepRows, body };
}

const vertical = (() => {
  const [rowLength, dst, outHeight, table] = [0, 1, 2, 3];
  const [y, j, p, wp, end, base, start, out] = [4, 5, 6, 7, 8, 9, 10, 11];
  const [a0, a1, a2, a3, half, values, low, high, weight] = [12, 13, 14, 15, 16, 17, 18, 19, 20];
  const tap = [
    ...[...get(p), ...v128.load(), ...set(values), ...get(wp), ...v128.load32Splat(), ...set(weight)],
    ...[...get(values), ...v128.i16x8ExtendLowUnsigned, ...set(low), ...get(values), ...v128.i16x8ExtendHighUnsigned, ...set(high)],
    ...multiplyAdd(a0, [...get(low), ...v128.i32x4ExtendLowUnsigned], get(weight)),
    ...multiplyAdd(a1, [...get(low), ...v128.i32x4ExtendHighUnsigned], get(weight)),
    ...multiplyAdd(a2, [...get(high), ...v128.i32x4ExtendLowUnsigned], get(weight)),
    ...multiplyAdd(a3, [...get(high), ...v128.i32x4ExtendHighUnsigned], get(weight)),
    ...[...get(p), ...get(rowLength), i32.add, ...set(p), ...get(wp), ...constant(4), i32.add, ...set(wp)],
  ];
  const block = [
    ...[...get(half), ...set(a0), ...get(half), ...set(a1), ...get(half), ...set(a2), ...get(half), ...set(a3)],
    ...[...get(base), ...get(j), i32.add, ...set(p), ...get(start), ...set(wp)],
    ...whileLoop([...get(wp), ...get(end), i32.ltUnsigned], tap),
    ...get(out),
    ...get(j),
    i32.add,
    ...[...shifted(a0), ...shifted(a1), ...v128.i16x8NarrowSigned, ...shifted(a2), ...shifted(a3), ...v128.i16x8NarrowSigned, ...v128.i8x16NarrowUnsigned],
    ...v128.store(),
    ...[...get(j), ...constant(16), i32.add, ...set(j)],
  ];
  const oneRow = [
    ...[...get(table), ...load(0), ...set(base), ...get(table), ...load(4), ...set(start), ...get(table), ...load(8), ...set(end)],
    ...[...constant(0), ...set(j)],
    ...whileLoop([...get(j), ...get(rowLength), i32.ltUnsigned], block),
    ...[...get(out), ...get(rowLength), i32.add, ...set(out), ...get(table), ...constant(12), i32.add, ...set(table)],
    ...[...get(y), ...constant(1), i32.add, ...set(y)],
  ];
  const body = [
    ...constant(HALF),
    ...v128.i32x4Splat,
    ...set(half),
    ...get(dst),
    ...set(out),
    ...whileLoop([...get(y), ...get(outHeight), i32.ltUnsigned], oneRow),
  ];
  return { name: 'vertical', parameters: 4, i32Locals: 8, v128Locals: 9, body };
})();

interface Kernels {
  horizontal3(src: number, inRow: number, dst: number, outRow: number, rows: number, outWidth: number, table: number): void;
  horizontal4(src: number, inRow: number, dst: number, outRow: number, rows: number, outWidth: number, table: number): void;
  vertical(rowLength: number, dst: number, outHeight: number, table: number): void;
}

const kernels = instantiate<Kernels>([horizontalPass(3, 4), horizontalPass(4, 4), vertical], 1);

/** True when `resize` may use these passes ({@link wasmKernels}). */
export const useSimdResample = (): boolean => kernels !== null && wasmKernels.enabled;

/** A uint8 image's geometry for {@link resizeUint8Simd}. */
export interface Uint8Image {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** Room after each buffer for the passes' overreach. */
const PAD = 16;

const align = (offset: number): number => (offset + 15) & ~15;

/** Writes the per-output table `[input offset, first weight, end of weights]` and the weights; returns the end. */
function writeWindows(memory: Int32Array, at: number, w: Windows, outSize: number, inputOffset: (start: number) => number): number {
  const weights = align(at + outSize * 12);
  memory.set(w.fixed.subarray(0, outSize * w.size), weights >> 2);
  for (let i = 0, entry = at >> 2; i < outSize; i++, entry += 3) {
    const first = weights + i * w.size * 4;
    memory[entry] = inputOffset(w.start[i]!);
    memory[entry + 1] = first;
    memory[entry + 2] = first + w.length[i]! * 4;
  }
  return align(weights + outSize * w.size * 4);
}

/**
 * `image` resized to `rows`×`columns` by the horizontal pass (`horizontalWindows`, over input rows
 * `firstRow`.. as many as `verticalWindows` reads; null: the width stays) then the vertical pass
 * (`verticalWindows`, starting at 0 for the intermediate; null: the height stays). Only for RGB and
 * RGBA when there is a horizontal pass. Written into `into` when given (of the result's size) or into a
 * new array; null when the images are too large for the module.
 */
export function resizeUint8Simd(
  image: Uint8Image,
  rows: number,
  columns: number,
  horizontalWindows: Windows | null,
  verticalWindows: Windows | null,
  firstRow: number,
  into: Uint8Array | null = null,
): Uint8Array | null {
  if (kernels === null) throw new BatchflowError('resizeUint8Simd: WebAssembly SIMD is not available (check useSimdResample() first)');
  const { channels } = image;
  const inRow = image.width * channels;
  const outRow = columns * channels;
  const middleRows = verticalWindows === null ? rows : verticalWindows.start[rows - 1]! + verticalWindows.length[rows - 1]!;
  const tables = 0;
  const tablesSize =
    (horizontalWindows === null ? 0 : columns * (12 + horizontalWindows.size * 4) + 32) +
    (verticalWindows === null ? 0 : rows * (12 + verticalWindows.size * 4) + 32);
  const source = align(tables + tablesSize);
  const middle = align(source + image.data.length + PAD);
  const target = align(middle + middleRows * outRow + PAD);
  const end = target + rows * outRow + PAD;
  const bytes = reserve(kernels.memory, end);
  if (bytes === null) return null;
  const words = new Int32Array(kernels.memory.buffer);
  bytes.set(image.data, source);
  let at = tables;
  let verticalInput = source;
  if (horizontalWindows !== null) {
    const horizontalTable = at;
    at = writeWindows(words, at, horizontalWindows, columns, (start) => start * channels);
    const output = verticalWindows === null ? target : middle;
    (channels === 3 ? kernels.horizontal3 : kernels.horizontal4)(source + firstRow * inRow, inRow, output, outRow, middleRows, columns, horizontalTable);
    verticalInput = middle;
  }
  if (verticalWindows !== null) {
    const input = verticalInput;
    writeWindows(words, at, verticalWindows, rows, (start) => input + start * outRow);
    kernels.vertical(outRow, target, rows, at);
  }
  return copyOut(bytes, target, rows * outRow, into);
}
