/**
 * Operations on pixel values: invert, posterize, clip, add/multiply (by a constant or by noise) and
 * salt. Each returns a new image. On uint8 images they equal Pillow/numpy (`ImageChops.invert`,
 * `ImageOps.posterize`, `ImageChops.lighter/darker`, numpy arithmetic in float32 then `astype`).
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { Rng } from '../random/rng.js';
import { blankLike, copyPixels, maxValue, type Pixels } from './pixels.js';

/** Inverts the given channels (all by default): `255 − v` for uint8, `1 − v` for floating-point images. */
export function invertPixels(image: Pixels, channels: 'all' | readonly number[]): Pixels {
  const out = copyPixels(image);
  const top = maxValue(image.dtype);
  const selected = new Array<boolean>(image.channels).fill(channels === 'all');
  if (channels !== 'all')
    for (const c of channels) {
      if (!Number.isInteger(c) || c < 0 || c >= image.channels)
        throw new ArgumentError('channels', `channel ${JSON.stringify(c)} is not one of the image's ${image.channels} channel(s)`);
      selected[c] = true;
    }
  for (let k = 0; k < out.data.length; k++) if (selected[k % image.channels]) out.data[k] = top - out.data[k]!;
  return out;
}

/** Keeps the `bits` high bits of each 8-bit value (floating-point images: of `round(v·255)`, scaled back). */
export function posterizePixels(image: Pixels, bits: number): Pixels {
  if (!Number.isInteger(bits) || bits < 1 || bits > 8) throw new ArgumentError('bits', `expected an integer 1–8, got ${JSON.stringify(bits)}`);
  const mask = ~(2 ** (8 - bits) - 1) & 0xff;
  const out = copyPixels(image);
  if (image.dtype === 'uint8') for (let k = 0; k < out.data.length; k++) out.data[k] = out.data[k]! & mask;
  else for (let k = 0; k < out.data.length; k++) out.data[k] = (Math.round(Math.min(1, Math.max(0, out.data[k]!)) * 255) & mask) / 255;
  return out;
}

/** `min(max(v, low), high)` per channel. */
export function clipPixels(image: Pixels, low: readonly number[], high: readonly number[]): Pixels {
  const out = copyPixels(image);
  const n = image.channels;
  for (let k = 0; k < out.data.length; k++) out.data[k] = Math.max(Math.min(out.data[k]!, high[k % n]!), low[k % n]!);
  return out;
}

/** How add/multiply store their result. */
export interface ArithmeticOptions {
  /** Limit values to the input dtype's range: [0, 255] for uint8, [0, 1] for floating-point images. */
  readonly clip: boolean;
  /** Keep the input dtype (uint8 values are clipped to [0, 255] and truncated as numpy's `astype`); otherwise float32. */
  readonly preserveType: boolean;
}

/**
 * `v + term(k)` (`op` 'add') or `v · term(k)` ('multiply') for every value `k`, computed in float32
 * as numpy does with a float32 operand.
 */
export function arithmeticPixels(image: Pixels, op: 'add' | 'multiply', term: (k: number) => number, options: ArithmeticOptions): Pixels {
  const dtype = options.preserveType ? image.dtype : 'float32';
  const out = blankLike({ ...image, dtype }, image.height, image.width);
  const top = maxValue(image.dtype);
  const toUint8 = dtype === 'uint8';
  const { data } = image;
  for (let k = 0; k < data.length; k++) {
    const t = Math.fround(term(k));
    let v = Math.fround(op === 'add' ? data[k]! + t : data[k]! * t);
    if (options.clip) v = Math.min(Math.max(v, 0), top);
    out.data[k] = toUint8 ? Math.trunc(Math.min(Math.max(v, 0), 255)) : v;
  }
  return out;
}

/** A distribution for `additiveNoise` / `multiplicativeNoise`, drawn once per value from the item's generator. */
export type NoiseSpec =
  | { readonly kind: 'normal'; /** Mean (default 0). */ readonly loc?: number; /** Standard deviation (default 1). */ readonly scale?: number }
  | { readonly kind: 'uniform'; /** Default 0. */ readonly low?: number; /** Default 1. */ readonly high?: number };

/** A function giving one draw of `noise` per call, in the image's row-major value order. */
export function noiseSampler(noise: NoiseSpec, rng: Rng): () => number {
  if (typeof noise !== 'object' || noise === null) throw new ArgumentError('noise', `expected { kind: 'normal' | 'uniform', … }, got ${JSON.stringify(noise)}`);
  if (noise.kind === 'normal') {
    const loc = noise.loc ?? 0;
    const scale = noise.scale ?? 1;
    if (!Number.isFinite(loc) || !(scale >= 0))
      throw new ArgumentError('noise', `normal noise needs a finite loc and a scale >= 0, got ${JSON.stringify(noise)}`);
    return () => rng.normal(loc, scale);
  }
  if (noise.kind === 'uniform') {
    const low = noise.low ?? 0;
    const high = noise.high ?? 1;
    if (!(high >= low)) throw new ArgumentError('noise', `uniform noise needs low <= high, got ${JSON.stringify(noise)}`);
    return () => rng.uniform(low, high);
  }
  throw new ArgumentError('noise', `unknown noise kind ${JSON.stringify((noise as { kind?: unknown }).kind)}; expected 'normal' or 'uniform'`);
}

/**
 * Sets each pixel, with probability `pNoise`, to `color` (one value per channel); with `size` above
 * 1×1, the `size` box starting at the chosen pixel. Pixels are chosen in row-major order from `rng`.
 */
export function saltPixels(image: Pixels, pNoise: number, color: readonly number[], [rows, columns]: readonly [number, number], rng: Rng): Pixels {
  const out = copyPixels(image);
  const { height, width, channels } = image;
  const chosen: number[] = [];
  for (let k = 0; k < height * width; k++) if (rng.random() < pNoise) chosen.push(k);
  for (const k of chosen) {
    const y0 = Math.floor(k / width);
    const x0 = k % width;
    for (let y = y0; y < Math.min(height, y0 + rows); y++)
      for (let x = x0; x < Math.min(width, x0 + columns); x++) for (let c = 0; c < channels; c++) out.data[(y * width + x) * channels + c] = color[c]!;
  }
  return out;
}
