/**
 * `elasticTransform` (Simard, Steinkraus and Platt 2003, as BatchFlow writes it) and its two SciPy
 * kernels: `gaussianFilter` (scipy.ndimage.gaussian_filter with mode 'constant', cval 0, truncate 4,
 * over every axis) and `warpImage` (scipy.ndimage.map_coordinates with order 1 and mode 'reflect').
 * @module
 */
import ndarray from 'ndarray';
import { ArgumentError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray-utils.js';
import type { Rng } from '../random/rng.js';
import { blankLike, readImage, toNdArray, type Pixels } from './pixels.js';

/** The values of `array` in row-major order, as float64. */
function contiguousValues(array: NDArray): Float64Array {
  const values = new Float64Array(array.size);
  let k = 0;
  const walk = (prefix: number[]): void => {
    if (prefix.length === array.shape.length) {
      values[k++] = array.get(...prefix);
      return;
    }
    for (let i = 0; i < array.shape[prefix.length]!; i++) walk([...prefix, i]);
  };
  walk([]);
  return values;
}

function kernel(sigma: number): Float64Array {
  const radius = Math.trunc(4 * sigma + 0.5);
  const weights = new Float64Array(2 * radius + 1);
  let total = 0;
  for (let i = -radius; i <= radius; i++) total += weights[i + radius] = Math.exp((-0.5 / (sigma * sigma)) * i * i);
  for (let i = 0; i < weights.length; i++) weights[i] = weights[i]! / total;
  return weights;
}

/** Gaussian smoothing of `values` (shape `shape`, row-major) along every axis; outside values count as 0. */
function smooth(values: Float64Array, shape: readonly number[], sigma: number): Float64Array {
  const weights = kernel(sigma);
  const radius = (weights.length - 1) / 2;
  let current = values;
  for (let axis = 0; axis < shape.length; axis++) {
    const length = shape[axis]!;
    const stride = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
    const out = new Float64Array(current.length);
    for (let k = 0; k < current.length; k++) {
      const i = Math.floor(k / stride) % length;
      let sum = 0;
      const from = Math.max(-radius, -i);
      const to = Math.min(radius, length - 1 - i);
      for (let d = from; d <= to; d++) sum += weights[d + radius]! * current[k + d * stride]!;
      out[k] = sum;
    }
    current = out;
  }
  return current;
}

/**
 * SciPy's `gaussian_filter(array, sigma, mode='constant', cval=0)` (truncate 4): smooths along every
 * axis, channels included. The result is float64.
 */
export function gaussianFilter(array: NDArray, sigma: number): NDArray {
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma))
    throw new ArgumentError('sigma', `expected a positive number, got ${JSON.stringify(sigma)}`);
  return ndarray(smooth(contiguousValues(array), array.shape, sigma), array.shape.slice()) as unknown as NDArray;
}

const reflect = (i: number, n: number): number => {
  if (n === 1) return 0;
  const period = 2 * n;
  const m = ((i % period) + period) % period;
  return m < n ? m : period - 1 - m;
};

function warp(image: Pixels, dy: ArrayLike<number>, dx: ArrayLike<number>): Pixels {
  const { height, width, channels, data } = image;
  const out = blankLike(image, height, width);
  const uint8 = image.dtype === 'uint8';
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) {
        const k = (y * width + x) * channels + c;
        const fy = y + dy[k]!;
        const fx = x + dx[k]!;
        const y0 = Math.floor(fy);
        const x0 = Math.floor(fx);
        const ty = fy - y0;
        const tx = fx - x0;
        const at = (r: number, q: number): number => data[(reflect(r, height) * width + reflect(q, width)) * channels + c]!;
        const v = (1 - ty) * ((1 - tx) * at(y0, x0) + tx * at(y0, x0 + 1)) + ty * ((1 - tx) * at(y0 + 1, x0) + tx * at(y0 + 1, x0 + 1));
        out.data[k] = uint8 ? (v > 0 ? Math.min(255, Math.floor(v + 0.5)) : 0) : v;
      }
  return out;
}

/**
 * Samples `image` at `(row + dy, column + dx)` for every value (SciPy's `map_coordinates` with
 * order 1, mode 'reflect'); `dy` and `dx` have the image's shape. uint8 results are rounded.
 */
export function warpImage(image: NDArray, dy: NDArray, dx: NDArray): NDArray {
  const pixels = readImage(image);
  const flat = (field: NDArray, argument: string): Float64Array => {
    if (field.shape.join() !== image.shape.join())
      throw new ArgumentError(argument, `expected the image's shape [${image.shape.join(', ')}], got [${field.shape.join(', ')}]`);
    return contiguousValues(field);
  };
  return toNdArray(warp(pixels, flat(dy, 'dy'), flat(dx, 'dx')));
}

/**
 * BatchFlow's elastic deformation: two fields of uniform(−1, 1) draws (rows first, then columns, one
 * per value, from `rng`), each smoothed by a Gaussian of `sigma` and scaled by `alpha`, displace
 * every value; sampled with linear interpolation and reflected edges.
 */
export function elasticPixels(image: Pixels, alpha: number, sigma: number, rng: Rng): Pixels {
  if (typeof alpha !== 'number' || !Number.isFinite(alpha)) throw new ArgumentError('alpha', `expected a finite number, got ${JSON.stringify(alpha)}`);
  if (typeof sigma !== 'number' || !(sigma > 0) || !Number.isFinite(sigma))
    throw new ArgumentError('sigma', `expected a positive number, got ${JSON.stringify(sigma)}`);
  const shape = [image.height, image.width, image.channels];
  const field = (): Float64Array => {
    const values = new Float64Array(image.data.length);
    for (let k = 0; k < values.length; k++) values[k] = rng.uniform(-1, 1);
    const smoothed = smooth(values, shape, sigma);
    for (let k = 0; k < smoothed.length; k++) smoothed[k] = smoothed[k]! * alpha;
    return smoothed;
  };
  const dy = field();
  const dx = field();
  return warp(image, dy, dx);
}
