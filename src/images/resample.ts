/**
 * `resize`: Pillow's resampling (`Image.resize`) on {@link Pixels}. The convolution filters (box,
 * bilinear, hamming, bicubic, lanczos) follow Pillow's Resample.c: per output pixel a window of
 * `support · max(scale, 1)` input pixels, weights normalised and, for uint8, turned into 22-bit fixed
 * point and rounded; the horizontal pass first (into an 8-bit intermediate), then the vertical pass.
 * 'nearest' follows Pillow's affine scaling (the input pixel under each output pixel's centre).
 * @module
 */
import { ArgumentError } from '../errors.js';
import { blankLike, type ImageAllocator, type Pixels } from './pixels.js';
import { PRECISION_BITS, horizontalPass, verticalPass, type Windows } from './resample-kernels.js';
import { resizeUint8Simd, useSimdResample } from './resample-simd.js';

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

function coefficients(inSize: number, outSize: number, filter: (typeof filters)['box']): Windows {
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

/** Nearest neighbour as Pillow's affine scaling: the input pixel under each output pixel's centre. */
function nearest(image: Pixels, out: Pixels): Pixels {
  const rows = out.height;
  const columns = out.width;
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

let scratch = new Uint8Array(0);

/**
 * The uint8 image between the two passes, in a buffer reused from call to call (the horizontal pass
 * writes every value and the vertical pass reads it at once); other dtypes get a new image.
 */
function intermediate(like: Pixels, height: number, width: number): Pixels {
  if (like.dtype !== 'uint8') return blankLike(like, height, width);
  const size = height * width * like.channels;
  if (scratch.length < size) scratch = new Uint8Array(size);
  return { data: scratch.subarray(0, size), height, width, channels: like.channels, flat: like.flat, dtype: 'uint8' };
}

const windowCache = new Map<string, Windows>();

/**
 * The windows of one axis, computed once per (filter, sizes) and kept (a few dozen at most): a batch
 * of same-sized images reuses them. `shifted` windows start at 0 (for the intermediate image, which
 * holds only the rows the vertical pass reads).
 */
function windows(inSize: number, outSize: number, resample: Exclude<Resample, 'nearest'>, shifted: boolean): Windows {
  const key = `${resample} ${inSize} ${outSize} ${shifted}`;
  let found = windowCache.get(key);
  if (found === undefined) {
    found = coefficients(inSize, outSize, filters[resample]);
    if (shifted) {
      const first = found.start[0]!;
      found = { ...found, start: found.start.map((start) => start - first) };
    }
    if (windowCache.size >= 32) windowCache.clear();
    windowCache.set(key, found);
  }
  return found;
}

/**
 * `image` resized to `rows`×`columns` with `resample` (Pillow's `Image.resize`), into an image from
 * `allocate` (a new copy when the size stays).
 */
export function resizePixels(image: Pixels, [rows, columns]: readonly [number, number], resample: Resample, allocate: ImageAllocator = blankLike): Pixels {
  if (rows === image.height && columns === image.width) return { ...image, data: image.data.slice() };
  const out = allocate(image, rows, columns);
  if (resample === 'nearest') return nearest(image, out);
  if (image.dtype === 'uint8' && useSimdResample() && resizeSimd(image, out, resample)) return out;
  if (columns !== image.width && rows === image.height) {
    horizontalPass(image, out, windows(image.width, columns, resample, false), 0);
    return out;
  }
  let current = image;
  if (columns !== image.width) {
    const vertical = windows(image.height, rows, resample, false);
    const first = vertical.start[0]!;
    const last = vertical.start[rows - 1]! + vertical.length[rows - 1]!;
    current = intermediate(image, last - first, columns);
    horizontalPass(image, current, windows(image.width, columns, resample, false), first);
  }
  verticalPass(current, out, windows(image.height, rows, resample, current !== image));
  return out;
}

/**
 * The uint8 resize into `out` with the WebAssembly SIMD passes (bit-identical to the JavaScript ones);
 * false, with `out` left as it was, when the images are too large for the module. Images of other
 * than 3 or 4 channels get the JavaScript horizontal pass, then the SIMD vertical pass.
 */
function resizeSimd(image: Pixels, out: Pixels, resample: Exclude<Resample, 'nearest'>): boolean {
  const rows = out.height;
  const columns = out.width;
  const into = out.data as Uint8Array;
  const source = { ...image, data: image.data as Uint8Array };
  if (columns === image.width) return resizeUint8Simd(source, rows, columns, null, windows(image.height, rows, resample, false), 0, into) !== null;
  const horizontal = windows(image.width, columns, resample, false);
  const vertical = rows === image.height ? null : windows(image.height, rows, resample, true);
  const first = rows === image.height ? 0 : windows(image.height, rows, resample, false).start[0]!;
  if (image.channels === 3 || image.channels === 4) return resizeUint8Simd(source, rows, columns, horizontal, vertical, first, into) !== null;
  if (vertical === null) {
    horizontalPass(image, out, horizontal, first);
    return true;
  }
  const middleRows = vertical.start[rows - 1]! + vertical.length[rows - 1]!;
  const middle = blankLike(image, middleRows, columns);
  horizontalPass(image, middle, horizontal, first);
  return resizeUint8Simd({ ...middle, data: middle.data as Uint8Array }, rows, columns, null, vertical, 0, into) !== null;
}
