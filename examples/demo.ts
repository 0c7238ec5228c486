/**
 * `npm run example:shapes`: a Batch class of your own (an image-augmentation one) run over a synthetic dataset.
 *
 * - `ShapesBatch` has three components (images, masks, labels) and three actions:
 *   `flip` (a tuple src: image and mask flipped together, applied with probability p),
 *   `noise` (per-item Gaussian noise from the item's own generator, `requiresRng`),
 *   `normalize` (a whole-batch `@action`).
 * - 64 images of 32×32 in a Dataset with string ids; 4 shuffled batches of 16 via `createBatch`.
 * - The same seeds give the same pixels on the 'for', 'async' and 'threads' engines (the seed tree).
 * @module
 */
import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { ActionError, Batch, Dataset, Rng, action, applyParallel, P, tuple, type ItemContext, type NDArray, type TypedArray } from '../src/index.js';
import { makeShapes } from './data.js';
import { runMain } from './run-main.js';

/** A contiguous copy of `array` with the same element type, optionally flipped along `axis`. */
function copyOf(array: NDArray, flipAxis?: 0 | 1): NDArray<TypedArray> {
  const Storage = (array.data as TypedArray).constructor as new (length: number) => TypedArray;
  const out = ndarray(new Storage(array.size), array.shape.slice());
  const view = flipAxis === undefined ? array : flipAxis === 0 ? array.step(-1, 1) : array.step(1, -1);
  ops.assign(out, view);
  return out;
}

export class ShapesBatch extends Batch {
  static override components = ['images', 'masks', 'labels'] as const;
  /** n×H×W float32 */
  declare images: NDArray;
  /** n×H×W uint8 */
  declare masks: NDArray;
  /** n labels (0 small square, 1 large) */
  declare labels: NDArray;

  /** Flips an image and its mask together: with a tuple src, each item is `[image, mask]`. */
  @applyParallel({ src: tuple('images', 'masks'), summary: 'Flips images and masks together.' })
  flip([image, mask]: [NDArray, NDArray], options: { axis: 0 | 1 }): [NDArray, NDArray] {
    if (options.axis !== 0 && options.axis !== 1) throw new RangeError(`axis must be 0 or 1, got ${String(options.axis)}`);
    return [copyOf(image, options.axis), copyOf(mask, options.axis)];
  }

  /** Adds Gaussian noise; `context.rng` is this item's generator (same on every engine). */
  @applyParallel({ src: 'images', requiresRng: true, summary: 'Adds Gaussian noise.' })
  noise(image: NDArray, options: { std: number }, context: ItemContext): NDArray {
    const out = copyOf(image);
    const data = out.data;
    for (let i = 0; i < data.length; i++) data[i]! += context.rng.normal(0, options.std);
    return out;
  }

  /** Scales all images of the batch to zero mean and unit variance. */
  @action({ summary: 'Normalizes images over the batch.' })
  async normalize(): Promise<this> {
    const out = copyOf(this.images);
    const mean = ops.sum(out) / out.size;
    ops.subseq(out, mean);
    ops.divseq(out, Math.sqrt(ops.norm2squared(out) / out.size) || 1);
    this.images = out;
    return this;
  }
}

/** Positions of items whose image changed (the flipped ones: the background texture is not symmetric). */
function changedItems(before: NDArray, after: NDArray): number[] {
  const changed: number[] = [];
  for (let i = 0; i < before.shape[0]!; i++) {
    const a = before.pick(i);
    const b = after.pick(i);
    let same = true;
    for (let y = 0; y < a.shape[0]! && same; y++) {
      for (let x = 0; x < a.shape[1]!; x++) {
        if (a.get(y, x) !== b.get(y, x)) {
          same = false;
          break;
        }
      }
    }
    if (!same) changed.push(i);
  }
  return changed;
}

/** How many items have their mask on the bright square (true after a joint flip of image and mask). */
function alignedItems(images: NDArray, masks: NDArray): number {
  let aligned = 0;
  for (let i = 0; i < images.shape[0]!; i++) {
    const image = images.pick(i);
    const mask = masks.pick(i);
    let inside = 0;
    let insideSum = 0;
    let outsideSum = 0;
    for (let y = 0; y < image.shape[0]!; y++) {
      for (let x = 0; x < image.shape[1]!; x++) {
        if (mask.get(y, x) === 1) {
          inside++;
          insideSum += image.get(y, x);
        } else {
          outsideSum += image.get(y, x);
        }
      }
    }
    if (insideSum / inside > 150 && outsideSum / (image.size - inside) < 50) aligned++;
  }
  return aligned;
}

/** FNV-1a hash of the float32 bit patterns of `array`'s values (equal hashes = identical pixels). */
function checksum(array: NDArray): string {
  const bits = new Uint32Array(Float32Array.from(copyOf(array).data as ArrayLike<number>).buffer);
  let hash = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) hash = Math.imul(hash ^ bits[i]!, 0x01000193) >>> 0;
  return hash.toString(16).padStart(8, '0');
}

const shape = (array: NDArray): string => array.shape.join('×');
const fmt = (value: number, digits = 3): string => (Math.abs(value) < 0.5 * 10 ** -digits ? 0 : value).toFixed(digits);

/** Runs the augmentations over all batches; returns the hashes of the final images and the time spent in actions. */
async function augmentDataset(
  dataset: Dataset<ShapesBatch>,
  target: 'for' | 'async' | 'threads',
  log: boolean,
): Promise<{ hashes: string[]; msPerBatch: number }> {
  const batchSize = 16;
  const order = new Rng(2024).permutation(dataset.length);
  const sums: string[] = [];
  let flipped = 0;
  let actionMs = 0;
  for (let start = 0; start < order.length; start += batchSize) {
    const ids = Array.from(order.subarray(start, start + batchSize), (position) => dataset.indices[position]!);
    const batch = dataset.createBatch(ids);
    batch.randomSeed = 1000 + start; // the batch seed: every random draw below derives from it

    const imagesBefore = batch.images;
    // 'labels' are per item: large squares (label 1) get stronger noise, through P(...)
    const stds = Array.from(batch.labels.data as Float64Array, (label) => (label === 1 ? 12 : 6));
    let actionStart = performance.now();
    await batch.actions.flip({ axis: 1, p: 0.5, target });
    actionMs += performance.now() - actionStart;
    const changed = changedItems(imagesBefore, batch.images).length;
    const aligned = alignedItems(batch.images, batch.masks);
    actionStart = performance.now();
    await batch.actions.noise({ std: P(stds), target });
    await batch.actions.normalize();
    actionMs += performance.now() - actionStart;
    flipped += changed;
    sums.push(checksum(batch.images));

    if (log) {
      const images = batch.images;
      const area = ops.sum(batch.masks) / batch.size;
      const large = ops.sum(batch.labels);
      console.log(
        `  batch ${start / batchSize + 1}: ids ${String(ids[0])}, ${String(ids[1])}, … | images ${shape(images)} float32, masks ${shape(batch.masks)} uint8, labels ${batch.labels.shape[0]} (${large} large)` +
          ` | flipped ${changed}/${batch.size}, masks aligned ${aligned}/${batch.size} | mean ${fmt(ops.sum(images) / images.size)}, min ${fmt(ops.inf(images), 2)}, max ${fmt(ops.sup(images), 2)} | mask area ${fmt(area, 1)} px`,
      );
    }
  }
  if (log) console.log(`  flipped ${flipped} of ${dataset.length} items (p = 0.5)`);
  return { hashes: sums, msPerBatch: actionMs / Math.ceil(order.length / batchSize) };
}

async function main(): Promise<void> {
  const started = performance.now();
  const data = makeShapes(64, 32);
  const dataset = new Dataset(data.ids, { batchClass: ShapesBatch, preloaded: { images: data.images, masks: data.masks, labels: data.labels } });
  console.log(`batchflow-ts demo: ${dataset.length} synthetic ${shape(data.images.pick(0))} images (one bright square each), batches of 16`);
  console.log(`actions of ShapesBatch: flip (tuple src images+masks, p), noise (requiresRng, P(std) per item), normalize (@action)`);

  const first = await augmentDataset(dataset, 'for', true);
  const again = await augmentDataset(dataset, 'for', false);
  const onAsync = await augmentDataset(dataset, 'async', false);
  const onThreads = await augmentDataset(dataset, 'threads', false);
  const same = [again, onAsync, onThreads].every((run) => run.hashes.every((hash, i) => hash === first.hashes[i]));
  console.log(
    `  time in the 3 actions: ${fmt(first.msPerBatch, 1)} ms per batch of 16 (first run, incl. JIT warm-up), ${fmt(again.msPerBatch, 1)} ms warm on 'for', ${fmt(onAsync.msPerBatch, 1)} ms on 'async', ${fmt(onThreads.msPerBatch, 1)} ms on 'threads' (incl. starting the pool; items this small do not pay off on workers)`,
  );
  console.log(
    `determinism: same batch seeds, four runs ('for', 'for', 'async', 'threads') → ${same ? 'identical images' : 'DIFFERENT images'} (hashes ${first.hashes.join(' ')})`,
  );
  if (!same) process.exitCode = 1;

  // a failing item surfaces as one ActionError naming the action, the item id and its position
  const batch = dataset.createBatch(data.ids.slice(0, 4));
  try {
    await batch.actions.flip({ axis: 2 as 0 });
  } catch (error) {
    if (!(error instanceof ActionError)) throw error;
    console.log(`errors: ${error.name}: ${error.message}`);
  }
  console.log(`done in ${fmt(performance.now() - started, 0)} ms`);
}

await runMain(import.meta.url, main);
