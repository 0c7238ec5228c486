/**
 * Workload B's item function, in its own module so that worker engines can import it by reference
 * (module path + export name `blur`) once the 'threads' and 'mpc' targets exist.
 *
 * The function, exactly as BatchFlow's baseline: repeat `repeats` (5) times { pad the image by one
 * pixel replicating the edge; each output pixel = mean of its 3×3 neighbourhood }; float32 output.
 *
 * It works on the raw Float32Array (no per-pixel `ndarray.get`). The 3×3 mean is separable: a
 * horizontal 3-sum per row into a scratch image, then a vertical 3-sum of those, times 1/9. Edge
 * replication is the same as clamping the neighbour index to the image. Scratch buffers are kept
 * per module instance (one per worker) and reused; only the output is allocated per item.
 * @module
 */
import ndarray from 'ndarray';
import type { NDArray } from '../../src/index.js';

/** Options of {@link blur} (the item function's own options). */
export interface BlurOptions {
  /** How many times the 3×3 box blur is applied (default 5). */
  repeats?: number;
}

const NINTH = 1 / 9;

/** Reused scratch images: row sums, and the intermediate result of alternate passes. */
const scratch = { rowSums: new Float32Array(0), intermediate: new Float32Array(0) };

/** rows[y, x] = src[y, x-1] + src[y, x] + src[y, x+1], neighbours clamped to the row. */
function horizontalSums(src: Float32Array, rows: Float32Array, height: number, width: number): void {
  const last = width - 1;
  for (let y = 0; y < height; y++) {
    const o = y * width;
    let left = src[o]!;
    let centre = left;
    let right: number;
    for (let x = 0; x < last; x++) {
      right = src[o + x + 1]!;
      rows[o + x] = left + centre + right;
      left = centre;
      centre = right;
    }
    rows[o + last] = left + 2 * centre;
  }
}

/** dst[y, x] = (rows[y-1, x] + rows[y, x] + rows[y+1, x]) / 9, neighbours clamped to the image. */
function verticalMean(rows: Float32Array, dst: Float32Array, height: number, width: number): void {
  for (let y = 0; y < height; y++) {
    const o = y * width;
    const up = y > 0 ? o - width : o;
    const down = y < height - 1 ? o + width : o;
    for (let x = 0; x < width; x++) dst[o + x] = (rows[up + x]! + rows[o + x]! + rows[down + x]!) * NINTH;
  }
}

/**
 * Blurs a `height`×`width` row-major float32 image `repeats` times with the edge-padded 3×3 mean
 * and returns a new array (`image` is not modified).
 */
export function boxBlur3x3(image: Float32Array, height: number, width: number, repeats = 5): Float32Array {
  return boxBlur3x3Into(image, height, width, repeats, new Float32Array(height * width));
}

/** Like {@link boxBlur3x3}, into `out` (at least `height × width` elements, not overlapping `image`); returns `out`. */
export function boxBlur3x3Into(image: Float32Array, height: number, width: number, repeats: number, out: Float32Array): Float32Array {
  if (!(Number.isInteger(height) && Number.isInteger(width) && height > 0 && width > 0)) throw new RangeError(`boxBlur3x3: bad image size ${height}×${width}`);
  if (!(Number.isInteger(repeats) && repeats >= 0)) throw new RangeError(`boxBlur3x3: repeats must be a non-negative integer, got ${repeats}`);
  const size = height * width;
  if (image.length < size) throw new RangeError(`boxBlur3x3: expected ${size} pixels, got ${image.length}`);
  if (out.length < size) throw new RangeError(`boxBlur3x3: expected room for ${size} pixels, got ${out.length}`);
  if (repeats === 0) {
    out.set(image.subarray(0, size));
    return out;
  }
  if (scratch.rowSums.length < size) scratch.rowSums = new Float32Array(size);
  if (scratch.intermediate.length < size) scratch.intermediate = new Float32Array(size);
  const { rowSums, intermediate } = scratch;
  let src: Float32Array = image;
  for (let pass = 0; pass < repeats; pass++) {
    // alternate between `intermediate` and `out` so that the last pass writes `out`
    const dst = (repeats - 1 - pass) % 2 === 0 ? out : intermediate;
    horizontalSums(src, rowSums, height, width);
    verticalMean(rowSums, dst, height, width);
    src = dst;
  }
  return out;
}

/** The raw float32 pixels of a 2-D image, without copying when it is already a contiguous float32 view. */
function pixelsOf(image: NDArray): Float32Array {
  const [height, width] = image.shape as [number, number];
  const data = image.data as unknown;
  if (data instanceof Float32Array && image.stride[1] === 1 && (image.stride[0] === width || height === 1)) {
    return data.subarray(image.offset, image.offset + height * width);
  }
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = image.get(y, x);
  return out;
}

/**
 * The item function, for `batch.applyParallel(blur, { src: 'images', repeats: 5 })`: `image` is one
 * H×W item (a contiguous float32 view is read in place; anything else is converted); the result is
 * a new float32 H×W ndarray.
 */
export function blur(image: NDArray, options: BlurOptions): NDArray<Float32Array> {
  if (image.shape.length !== 2) throw new TypeError(`blur: expected a 2-D image, got shape [${image.shape.join(', ')}]`);
  const [height, width] = image.shape as [number, number];
  return ndarray(boxBlur3x3(pixelsOf(image), height, width, options?.repeats ?? 5), [height, width]);
}

/**
 * A slow, obviously correct version (explicit edge padding, then the mean of 9 values per pixel),
 * used by the bench to check {@link boxBlur3x3} before timing it.
 */
export function referenceBlur(image: Float32Array, height: number, width: number, repeats = 5): Float32Array {
  let current = Float32Array.from(image.subarray(0, height * width));
  const paddedWidth = width + 2;
  for (let pass = 0; pass < repeats; pass++) {
    const padded = new Float32Array((height + 2) * paddedWidth);
    for (let y = -1; y <= height; y++) {
      for (let x = -1; x <= width; x++) {
        const sy = Math.min(height - 1, Math.max(0, y));
        const sx = Math.min(width - 1, Math.max(0, x));
        padded[(y + 1) * paddedWidth + (x + 1)] = current[sy * width + sx]!;
      }
    }
    const next = new Float32Array(height * width);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        for (let dy = 0; dy < 3; dy++) for (let dx = 0; dx < 3; dx++) sum += padded[(y + dy) * paddedWidth + (x + dx)]!;
        next[y * width + x] = sum / 9;
      }
    }
    current = next;
  }
  return current;
}
