/**
 * The convolution passes of `resize` as plain typed-array loops over interleaved channels: per output
 * pixel a precomputed window of input pixels and its weights ({@link Windows}). uint8 images are summed
 * in 22-bit fixed point as Pillow's `ImagingResampleHorizontal_8bpc` / `ImagingResampleVertical_8bpc`
 * (the exact sums stay below 2^31, so `>> 22` gives Pillow's int32 result); floating-point images in
 * double precision. Several outputs are accumulated at once so that each weight is loaded once.
 * @module
 */
import type { Pixels } from './pixels.js';

/** Pillow's fixed-point precision of uint8 resampling. */
export const PRECISION_BITS = 22;

const HALF = 1 << (PRECISION_BITS - 1);

/** The input windows of one axis: output pixel `i` sums `length[i]` inputs from `start[i]`. */
export interface Windows {
  /** First input index of each output pixel's window. */
  readonly start: Int32Array;
  /** Window length of each output pixel. */
  readonly length: Int32Array;
  /** `size` normalised weights per output pixel. */
  readonly weights: Float64Array;
  /** The same weights in 22-bit fixed point (uint8 images). */
  readonly fixed: Int32Array;
  /** Stride of the weight tables: the longest possible window. */
  readonly size: number;
}

/** Pillow's 8-bit clip of a fixed-point sum. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** uint8 RGB horizontal pass, two rows per sweep of a window (six sums share each weight). */
function horizontalRgb8(src: Uint8Array, inRow: number, dst: Uint8Array, outWidth: number, outHeight: number, w: Windows, firstRow: number): void {
  const { fixed, start, length, size } = w;
  const outRow = outWidth * 3;
  const pairs = outHeight & ~1;
  for (let x = 0, kBase = 0; x < outWidth; x++, kBase += size) {
    const end = kBase + length[x]!;
    let rowBase = firstRow * inRow + start[x]! * 3;
    let target = x * 3;
    let y = 0;
    for (; y < pairs; y += 2, rowBase += 2 * inRow, target += 2 * outRow) {
      let r0 = HALF,
        g0 = HALF,
        b0 = HALF,
        r1 = HALF,
        g1 = HALF,
        b1 = HALF;
      for (let k = kBase, at = rowBase; k < end; k++, at += 3) {
        const weight = fixed[k]!;
        const below = at + inRow;
        r0 += src[at]! * weight;
        g0 += src[at + 1]! * weight;
        b0 += src[at + 2]! * weight;
        r1 += src[below]! * weight;
        g1 += src[below + 1]! * weight;
        b1 += src[below + 2]! * weight;
      }
      dst[target] = clip8(r0);
      dst[target + 1] = clip8(g0);
      dst[target + 2] = clip8(b0);
      dst[target + outRow] = clip8(r1);
      dst[target + outRow + 1] = clip8(g1);
      dst[target + outRow + 2] = clip8(b1);
    }
    if (y < outHeight) {
      let r = HALF,
        g = HALF,
        b = HALF;
      for (let k = kBase, at = rowBase; k < end; k++, at += 3) {
        const weight = fixed[k]!;
        r += src[at]! * weight;
        g += src[at + 1]! * weight;
        b += src[at + 2]! * weight;
      }
      dst[target] = clip8(r);
      dst[target + 1] = clip8(g);
      dst[target + 2] = clip8(b);
    }
  }
}

/**
 * The horizontal pass: every output pixel of rows `firstRow`.. of `image` is the weighted sum of its
 * window along the row (uint8 in 22-bit fixed point as Pillow).
 */
export function horizontalPass(image: Pixels, out: Pixels, w: Windows, firstRow: number): void {
  const { channels } = image;
  const inRow = image.width * channels;
  const uint8 = image.dtype === 'uint8';
  if (uint8 && channels === 3) return horizontalRgb8(image.data as Uint8Array, inRow, out.data as Uint8Array, out.width, out.height, w, firstRow);
  const src = image.data;
  const dst = out.data;
  const table = uint8 ? w.fixed : w.weights;
  const { start, length, size } = w;
  const initial = uint8 ? HALF : 0;
  const outRow = out.width * channels;
  for (let x = 0, kBase = 0; x < out.width; x++, kBase += size) {
    const end = kBase + length[x]!;
    const first = start[x]! * channels;
    for (let y = 0; y < out.height; y++) {
      const rowBase = (y + firstRow) * inRow + first;
      const target = y * outRow + x * channels;
      for (let c = 0; c < channels; c++) {
        let sum = initial;
        for (let k = kBase, at = rowBase + c; k < end; k++, at += channels) sum += src[at]! * table[k]!;
        dst[target + c] = uint8 ? clip8(sum) : sum;
      }
    }
  }
}

/** uint8 vertical pass: eight values of an output row at a time, each a column of its row window. */
function vertical8(src: Uint8Array, rowLength: number, dst: Uint8Array, outHeight: number, w: Windows): void {
  const { fixed, start, length, size } = w;
  const eights = rowLength & ~7;
  let target = 0;
  for (let y = 0, kBase = 0; y < outHeight; y++, kBase += size) {
    const end = kBase + length[y]!;
    const first = start[y]! * rowLength;
    let j = 0;
    for (; j < eights; j += 8, target += 8) {
      let s0 = HALF,
        s1 = HALF,
        s2 = HALF,
        s3 = HALF,
        s4 = HALF,
        s5 = HALF,
        s6 = HALF,
        s7 = HALF;
      for (let k = kBase, at = first + j; k < end; k++, at += rowLength) {
        const weight = fixed[k]!;
        s0 += src[at]! * weight;
        s1 += src[at + 1]! * weight;
        s2 += src[at + 2]! * weight;
        s3 += src[at + 3]! * weight;
        s4 += src[at + 4]! * weight;
        s5 += src[at + 5]! * weight;
        s6 += src[at + 6]! * weight;
        s7 += src[at + 7]! * weight;
      }
      dst[target] = clip8(s0);
      dst[target + 1] = clip8(s1);
      dst[target + 2] = clip8(s2);
      dst[target + 3] = clip8(s3);
      dst[target + 4] = clip8(s4);
      dst[target + 5] = clip8(s5);
      dst[target + 6] = clip8(s6);
      dst[target + 7] = clip8(s7);
    }
    for (; j < rowLength; j++, target++) {
      let sum = HALF;
      for (let k = kBase, at = first + j; k < end; k++, at += rowLength) sum += src[at]! * fixed[k]!;
      dst[target] = clip8(sum);
    }
  }
}

/** The vertical pass: each output row is the weighted sum of its window of input rows. */
export function verticalPass(image: Pixels, out: Pixels, w: Windows): void {
  const rowLength = image.width * image.channels;
  if (image.dtype === 'uint8') return vertical8(image.data as Uint8Array, rowLength, out.data as Uint8Array, out.height, w);
  const src = image.data;
  const dst = out.data;
  const { weights, start, length, size } = w;
  let target = 0;
  for (let y = 0, kBase = 0; y < out.height; y++, kBase += size) {
    const end = kBase + length[y]!;
    const first = start[y]! * rowLength;
    for (let j = 0; j < rowLength; j++, target++) {
      let sum = 0;
      for (let k = kBase, at = first + j; k < end; k++, at += rowLength) sum += src[at]! * weights[k]!;
      dst[target] = sum;
    }
  }
}
