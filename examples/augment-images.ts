/**
 * Example (a), `npm run example:augment-images`: image augmentation with an ImagesBatch-like class on the
 * 'threads' engine.
 *
 * - 192 generated 128×128 float32 images (a bright square or disc on a textured gradient).
 * - `AugmentBatch` has four per-item actions: `flip` (image and its flag together, with `p`),
 *   `rotate` (a random angle per item from `context.rng`; two results → two components), `smooth`
 *   (a repeated box blur, the CPU-heavy part) and `noise` (Gaussian noise from `context.rng`).
 * - One pipeline runs them over a shuffled epoch in batches of 32, once on 'for' and twice on
 *   'threads' (the first run starts the worker pool), and checks that both engines give the same
 *   pixels: every random draw comes from the batch seed, never from the engine or the worker.
 *
 * Worker threads import THIS module to find `AugmentBatch`'s methods (by module path, class name and
 * method name), so the program itself only runs when the file is the entry point (see `runMain` in run-main.ts).
 * @module
 */
import os from 'node:os';
import ndarray from 'ndarray';
import { Batch, C, Dataset, F, B, V, Rng, applyParallel, tuple, zeros, type ItemContext, type NDArray, type TargetName } from '../src/index.js';
import { runMain } from './run-main.js';

const SIZE = 128;
const COUNT = 192;

/** The pixels of an H×W image as a contiguous Float32Array (read in place when possible). */
function pixelsOf(image: NDArray): Float32Array {
  const [height, width] = image.shape as [number, number];
  const data = image.data as unknown;
  if (data instanceof Float32Array && image.stride[1] === 1 && image.stride[0] === width) return data.subarray(image.offset, image.offset + height * width);
  const out = new Float32Array(height * width);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = image.get(y, x);
  return out;
}

const image2d = (pixels: Float32Array, height: number, width: number): NDArray<Float32Array> => ndarray(pixels, [height, width]);

/** One horizontal + one vertical box pass of radius `r` (edges clamped), `src` → `dst`. */
function boxPass(src: Float32Array, dst: Float32Array, tmp: Float32Array, height: number, width: number, r: number): void {
  const norm = 1 / (2 * r + 1);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += src[row + Math.min(width - 1, Math.max(0, x + k))]!;
      tmp[row + x] = sum * norm;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = -r; k <= r; k++) sum += tmp[Math.min(height - 1, Math.max(0, y + k)) * width + x]!;
      dst[y * width + x] = sum * norm;
    }
  }
}

/** Images, a per-item "flipped" flag and class labels; the per-item actions are written for ONE item. */
export class AugmentBatch extends Batch {
  static override components = ['images', 'flipped', 'labels'] as const;
  /** n×128×128 float32 */
  declare images: NDArray;
  /** n uint8: 1 once the item was flipped */
  declare flipped: NDArray;
  /** n float64: 0 square, 1 disc */
  declare labels: NDArray;

  /**
   * Mirrors an image left-right. The item is `[image, flag]` (a tuple src); with `p`, items that are
   * not picked pass through unchanged, so the flag stays 0 for them.
   */
  @applyParallel({ src: tuple('images', 'flipped'), summary: 'Mirrors images left-right and marks them.' })
  flip([image]: [NDArray, number]): [NDArray, number] {
    const [height, width] = image.shape as [number, number];
    const src = pixelsOf(image);
    const out = new Float32Array(height * width);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) out[y * width + x] = src[y * width + width - 1 - x]!;
    return [image2d(out, height, width), 1];
  }

  /** Rotates by a random angle in ±maxAngle degrees (bilinear, edges clamped); returns [image, angle]. */
  @applyParallel({ src: 'images', dst: ['images', 'angles'], requiresRng: true, summary: 'Rotates images by a random angle.' })
  rotate(image: NDArray, options: { maxAngle: number }, context: ItemContext): [NDArray, number] {
    const [height, width] = image.shape as [number, number];
    const angle = context.rng.uniform(-options.maxAngle, options.maxAngle);
    const [cos, sin] = [Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)];
    const src = pixelsOf(image);
    const out = new Float32Array(height * width);
    const [cy, cx] = [(height - 1) / 2, (width - 1) / 2];
    const at = (y: number, x: number): number => src[Math.min(height - 1, Math.max(0, y)) * width + Math.min(width - 1, Math.max(0, x))]!;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const sy = cy + (y - cy) * cos - (x - cx) * sin;
        const sx = cx + (y - cy) * sin + (x - cx) * cos;
        const [y0, x0] = [Math.floor(sy), Math.floor(sx)];
        const [fy, fx] = [sy - y0, sx - x0];
        out[y * width + x] = (at(y0, x0) * (1 - fx) + at(y0, x0 + 1) * fx) * (1 - fy) + (at(y0 + 1, x0) * (1 - fx) + at(y0 + 1, x0 + 1) * fx) * fy;
      }
    }
    return [image2d(out, height, width), angle];
  }

  /** A box blur of radius `radius`, `repeats` times (≈ a Gaussian blur). */
  @applyParallel({ src: 'images', summary: 'Blurs images.' })
  smooth(image: NDArray, options: { radius: number; repeats: number }): NDArray {
    const [height, width] = image.shape as [number, number];
    let current = Float32Array.from(pixelsOf(image));
    let next = new Float32Array(height * width);
    const tmp = new Float32Array(height * width);
    for (let pass = 0; pass < options.repeats; pass++) {
      boxPass(current, next, tmp, height, width, options.radius);
      [current, next] = [next, current];
    }
    return image2d(current, height, width);
  }

  /** Adds Gaussian noise from the item's own generator (the same on every engine). */
  @applyParallel({ src: 'images', requiresRng: true, summary: 'Adds Gaussian noise.' })
  noise(image: NDArray, options: { std: number }, context: ItemContext): NDArray {
    const [height, width] = image.shape as [number, number];
    const out = Float32Array.from(pixelsOf(image));
    for (let i = 0; i < out.length; i++) out[i]! += context.rng.normal(0, options.std);
    return image2d(out, height, width);
  }
}

/** `count` images: a bright square (label 0) or disc (label 1) on a textured gradient. */
function makeImages(count: number, size: number, seed = 11): { images: NDArray; labels: NDArray; flipped: NDArray } {
  const rng = new Rng(seed);
  const images = zeros([count, size, size], 'float32');
  const labels = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const disc = rng.random() < 0.5;
    const radius = rng.integers(size / 10, size / 4);
    const [cy, cx] = [rng.integers(radius, size - radius), rng.integers(radius, size - radius)];
    labels[i] = disc ? 1 : 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = disc ? (y - cy) ** 2 + (x - cx) ** 2 <= radius ** 2 : Math.abs(y - cy) <= radius && Math.abs(x - cx) <= radius;
        images.data[(i * size + y) * size + x] = (inside ? 200 : (40 * x) / size) + rng.uniform(-5, 5);
      }
    }
  }
  return { images, labels: ndarray(labels, [count]), flipped: ndarray(new Uint8Array(count), [count]) };
}

/** FNV-1a of the float32 bit patterns: equal hashes = identical pixels. */
function checksum(images: NDArray): string {
  const pixels = images.data as Float32Array; // assembled by the action: a fresh, contiguous float32 array
  const bits = new Uint32Array(pixels.buffer, pixels.byteOffset + images.offset * 4, images.size);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) hash = Math.imul(hash ^ bits[i]!, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

const listOf = (values: NDArray): number[] => Array.from({ length: values.shape[0]! }, (_, i) => values.get(i) as number);
const sumOf = (values: NDArray): number => listOf(values).reduce((a, b) => a + b, 0);

interface RunResult {
  ms: number;
  hashes: string[];
  flipped: number;
  angles: number[];
  batches: number;
}

async function augment(dataset: Dataset<AugmentBatch>, target: TargetName): Promise<RunResult> {
  const pipeline = dataset
    .pipeline({ target })
    .initVariables({ hashes: [], flipped: 0, angles: [] })
    .flip({ p: 0.5, target: C('target') })
    .rotate({ maxAngle: 20, target: C('target') })
    .smooth({ radius: 2, repeats: 4, target: C('target') })
    .noise({ std: 3, target: C('target') })
    .update(V('flipped'), V<number>('flipped').add(F(sumOf, B('flipped'))))
    .update(V('angles', 'e'), F(listOf, B('angles'))) // an ndarray is not iterable: extend with a list
    .update(V('hashes', 'a'), F(checksum, B('images')));
  const start = performance.now();
  await pipeline.run({ batchSize: 32, nEpochs: 1, shuffle: 42 });
  const ms = performance.now() - start;
  const hashes = pipeline.v('hashes') as string[];
  return { ms, hashes, flipped: pipeline.v('flipped') as number, angles: Array.from(pipeline.v('angles') as ArrayLike<number>), batches: hashes.length };
}

async function main(): Promise<void> {
  const data = makeImages(COUNT, SIZE);
  const dataset = new Dataset(COUNT, { batchClass: AugmentBatch, preloaded: data });
  const workers = Math.min(os.availableParallelism(), 4);
  console.log(
    `augment-images: ${COUNT} generated ${SIZE}×${SIZE} float32 images, batches of 32, ${workers} worker threads on ${os.availableParallelism()} CPUs`,
  );
  console.log('actions: flip (tuple src images+flipped, p 0.5), rotate (±20°, two dst), smooth (box blur r=2 ×4), noise (std 3)');

  const cold = await augment(dataset, 'threads'); // the first call on a new pool starts the workers
  const onFor = await augment(dataset, 'for');
  const onThreads = await augment(dataset, 'threads');
  const meanAbsAngle = onFor.angles.reduce((a, b) => a + Math.abs(b), 0) / onFor.angles.length;
  console.log(
    `did: ${onFor.batches} batches, flipped ${onFor.flipped}/${COUNT} items, rotated ${onFor.angles.length} items (mean |angle| ${meanAbsAngle.toFixed(1)}°), blurred and noised all`,
  );
  console.log(
    `time: 'for' ${onFor.ms.toFixed(0)} ms, 'threads' ${onThreads.ms.toFixed(0)} ms warm (${cold.ms.toFixed(0)} ms on the first run, incl. pool start-up) → speed-up ×${(onFor.ms / onThreads.ms).toFixed(2)}`,
  );
  const same = [cold, onThreads].every((run) => run.flipped === onFor.flipped && run.hashes.join() === onFor.hashes.join());
  console.log(`determinism: 'for' and 'threads' ${same ? 'give identical pixels' : 'DIFFER'} (batch hashes ${onFor.hashes.slice(0, 3).join(' ')} …)`);
  if (!same) process.exitCode = 1;
}

await runMain(import.meta.url, main);
