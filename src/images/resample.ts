/**
 * `resize`: Pillow's resampling (`Image.resize`) on {@link Pixels}. The convolution filters (box,
 * bilinear, hamming, bicubic, lanczos) follow Pillow's Resample.c: per output pixel a window of
 * `support · max(scale, 1)` input pixels, weights normalised and, for uint8, turned into 22-bit fixed
 * point and rounded; the horizontal pass first (into an 8-bit intermediate), then the vertical pass.
 * 'nearest' follows Pillow's affine scaling (the input pixel under each output pixel's centre).
 * @module
 */
import { ArgumentError } from '../errors.js';
import { blankLike, type Pixels } from './pixels.js';

/** Pillow's resampling filters. */
export type Resample = 'nearest' | 'box' | 'bilinear' | 'hamming' | 'bicubic' | 'lanczos';

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const v = x * Math.PI;
  return Math.sin(v) / v;
};

const filters: Record<Exclude<Resample, 'nearest'>, { support: number; weight(x: number): number }> = {
  box: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  bilinear: { support: 1, weight: (x) => (Math.abs(x) < 1 ? 1 - Math.abs(x) : 0) },
  hamming: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const v = a * Math.PI;
      return (Math.sin(v) / v) * (0.54 + 0.46 * Math.cos(v));
    },
  },
  bicubic: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const v = Math.abs(x);
      if (v < 1) return ((a + 2) * v - (a + 3)) * v * v + 1;
      if (v < 2) return (((v - 5) * v + 8) * v - 4) * a;
      return 0;
    },
  },
  lanczos: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

/** The resample names, for error messages. */
export const resampleNames: readonly Resample[] = ['nearest', 'box', 'bilinear', 'hamming', 'bicubic', 'lanczos'];

/** Checks a `resample` option. */
export function checkResample(resample: unknown, allowed: readonly string[] = resampleNames): Resample {
  if (typeof resample !== 'string' || !allowed.includes(resample))
    throw new ArgumentError('resample', `expected one of ${allowed.map((name) => `'${name}'`).join(', ')}, got ${JSON.stringify(resample)}`);
  return resample as Resample;
}

const PRECISION_BITS = 22;

interface Coefficients {
  /** First input index of each output pixel's window. */
  readonly start: Int32Array;
  /** Window length of each output pixel. */
  readonly length: Int32Array;
  /** `size` weights per output pixel (normalised; fixed point for uint8 in `fixed`). */
  readonly weights: Float64Array;
  readonly fixed: Int32Array;
  readonly size: number;
}

function coefficients(inSize: number, outSize: number, filter: (typeof filters)['box']): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filter.support * filterScale;
  const size = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const length = new Int32Array(outSize);
  const weights = new Float64Array(outSize * size);
  const fixed = new Int32Array(outSize * size);
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    const xmin = Math.max(0, Math.trunc(center - support + 0.5));
    const xmax = Math.min(inSize, Math.trunc(center + support + 0.5)) - xmin;
    let total = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) / filterScale);
      weights[xx * size + x] = w;
      total += w;
    }
    for (let x = 0; x < xmax; x++) {
      const k = xx * size + x;
      if (total !== 0) weights[k] = weights[k]! / total;
      const v = weights[k]! * (1 << PRECISION_BITS);
      fixed[k] = v < 0 ? Math.trunc(v - 0.5) : Math.trunc(v + 0.5);
    }
    start[xx] = xmin;
    length[xx] = xmax;
  }
  return { start, length, weights, fixed, size };
}

/** Pillow's 8-bit clip of a fixed-point sum. */
function clip8(sum: number): number {
  const v = sum >> PRECISION_BITS;
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/**
 * The horizontal pass: every output pixel of rows `firstRow`.. of `image` is the weighted sum of its
 * window along the row (channels accumulated together; uint8 in 22-bit fixed point as Pillow).
 */
function horizontalPass(image: Pixels, out: Pixels, c: Coefficients, firstRow: number): void {
  if (image.dtype === 'uint8') return horizontalPass8(image.data as Uint8Array, image.width, image.channels, out, c, firstRow);
  const { channels, width } = image;
  const src = image.data;
  const dst = out.data;
  const weights = c.weights;
  const sums = new Float64Array(channels);
  for (let y = 0; y < out.height; y++) {
    const rowBase = (y + firstRow) * width * channels;
    let target = y * out.width * channels;
    for (let x = 0; x < out.width; x++, target += channels) {
      const n = c.length[x]!;
      const kBase = x * c.size;
      let base = rowBase + c.start[x]! * channels;
      sums.fill(0);
      for (let k = 0; k < n; k++, base += channels) {
        const w = weights[kBase + k]!;
        for (let ch = 0; ch < channels; ch++) sums[ch] = sums[ch]! + src[base + ch]! * w;
      }
      for (let ch = 0; ch < channels; ch++) dst[target + ch] = sums[ch]!;
    }
  }
}

/** The uint8 horizontal pass in int32 arithmetic, as Pillow's `ImagingResampleHorizontal_8bpc`. */
function horizontalPass8(src: Uint8Array, width: number, channels: number, out: Pixels, c: Coefficients, firstRow: number): void {
  const dst = out.data as Uint8Array;
  const weights = c.fixed;
  const initial = 1 << (PRECISION_BITS - 1);
  const sums = new Int32Array(channels);
  const outWidth = out.width;
  for (let y = 0; y < out.height; y++) {
    const rowBase = (y + firstRow) * width * channels;
    let target = y * outWidth * channels;
    for (let x = 0; x < outWidth; x++, target += channels) {
      const n = c.length[x]!;
      const kBase = x * c.size;
      let base = rowBase + c.start[x]! * channels;
      if (channels === 3) {
        let s0 = initial;
        let s1 = initial;
        let s2 = initial;
        for (let k = 0; k < n; k++, base += 3) {
          const w = weights[kBase + k]!;
          s0 = (s0 + Math.imul(src[base]!, w)) | 0;
          s1 = (s1 + Math.imul(src[base + 1]!, w)) | 0;
          s2 = (s2 + Math.imul(src[base + 2]!, w)) | 0;
        }
        dst[target] = clip8(s0);
        dst[target + 1] = clip8(s1);
        dst[target + 2] = clip8(s2);
        continue;
      }
      sums.fill(initial);
      for (let k = 0; k < n; k++, base += channels) {
        const w = weights[kBase + k]!;
        for (let ch = 0; ch < channels; ch++) sums[ch] = (sums[ch]! + Math.imul(src[base + ch]!, w)) | 0;
      }
      for (let ch = 0; ch < channels; ch++) dst[target + ch] = clip8(sums[ch]!);
    }
  }
}

/** The vertical pass: each output row is the weighted sum of its window of input rows (row by row, in memory order). */
function verticalPass(image: Pixels, out: Pixels, c: Coefficients): void {
  const rowLength = image.width * image.channels;
  const src = image.data;
  const dst = out.data;
  const uint8 = image.dtype === 'uint8';
  const initial = uint8 ? 1 << (PRECISION_BITS - 1) : 0;
  const fixedSums = new Int32Array(rowLength);
  const floatSums = new Float64Array(uint8 ? 0 : rowLength);
  for (let y = 0; y < out.height; y++) {
    const n = c.length[y]!;
    const kBase = y * c.size;
    const target = y * rowLength;
    if (uint8) {
      fixedSums.fill(initial);
      for (let k = 0; k < n; k++) {
        const w = c.fixed[kBase + k]!;
        const base = (c.start[y]! + k) * rowLength;
        for (let j = 0; j < rowLength; j++) fixedSums[j] = (fixedSums[j]! + Math.imul(src[base + j]!, w)) | 0;
      }
      for (let j = 0; j < rowLength; j++) dst[target + j] = clip8(fixedSums[j]!);
      continue;
    }
    floatSums.fill(0);
    for (let k = 0; k < n; k++) {
      const w = c.weights[kBase + k]!;
      const base = (c.start[y]! + k) * rowLength;
      for (let j = 0; j < rowLength; j++) floatSums[j] = floatSums[j]! + src[base + j]! * w;
    }
    for (let j = 0; j < rowLength; j++) dst[target + j] = floatSums[j]!;
  }
}

/** Nearest neighbour as Pillow's affine scaling: the input pixel under each output pixel's centre. */
function nearest(image: Pixels, rows: number, columns: number): Pixels {
  const out = blankLike(image, rows, columns);
  const table = (inSize: number, outSize: number): Int32Array => {
    const scale = inSize / outSize;
    const index = new Int32Array(outSize);
    let position = scale * 0.5;
    for (let i = 0; i < outSize; i++, position += scale) index[i] = Math.min(inSize - 1, Math.trunc(position));
    return index;
  };
  const ys = table(image.height, rows);
  const xs = table(image.width, columns);
  const { channels } = image;
  for (let y = 0; y < rows; y++)
    for (let x = 0; x < columns; x++) {
      const from = (ys[y]! * image.width + xs[x]!) * channels;
      const to = (y * columns + x) * channels;
      for (let c = 0; c < channels; c++) out.data[to + c] = image.data[from + c]!;
    }
  return out;
}

/** `image` resized to `rows`×`columns` with `resample` (Pillow's `Image.resize`). */
export function resizePixels(image: Pixels, [rows, columns]: readonly [number, number], resample: Resample): Pixels {
  if (rows === image.height && columns === image.width) return { ...image, data: image.data.slice() };
  if (resample === 'nearest') return nearest(image, rows, columns);
  const filter = filters[resample];
  const horizontal = coefficients(image.width, columns, filter);
  const vertical = coefficients(image.height, rows, filter);
  let current = image;
  if (columns !== image.width) {
    const first = vertical.start[0]!;
    const last = vertical.start[rows - 1]! + vertical.length[rows - 1]!;
    const temp = blankLike(image, rows !== image.height ? last - first : image.height, columns);
    horizontalPass(image, temp, horizontal, rows !== image.height ? first : 0);
    if (rows !== image.height) for (let i = 0; i < rows; i++) vertical.start[i] = vertical.start[i]! - first;
    current = temp;
  }
  if (rows === image.height) return current;
  const out = blankLike(image, rows, columns);
  verticalPass(current, out, vertical);
  return out;
}
