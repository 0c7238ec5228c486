/**
 * Example (c), `npm run example:files-blosc`: one blosc file per item, found again through a FilesIndex.
 *
 * 1. Makes 24 "scans" in memory (a 48×48 float32 image, an int32 label and a JSON `meta` object per
 *    item, ids `scan-00` … `scan-23`) and dumps them with `batch.dump({fmt: 'blosc', dst: folder})`
 *    — one file `<id>.blosc` per item, compressed on worker threads.
 * 2. Builds `new FilesIndex({path: '<folder>/*.blosc', noExt: true})`: the ids are the file names
 *    without the extension, and each id knows its path.
 * 3. A pipeline over a Dataset on that index loads every batch's items from their own files
 *    (`.load({fmt: 'blosc'})`, no `src` needed), computes a per-item statistic, and collects it.
 * 4. Verifies every loaded item against the original (bit for bit, by id), loads once more on
 *    'threads', shows that a truncated file is detected, and removes the temp folder.
 *
 * Worker threads import this module (it defines the batch class), so the program only runs when the
 * file is the entry point (see `runMain` in run-main.ts).
 * @module
 */
import { mkdtempSync, readdirSync, rmSync, statSync, truncateSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { B, Batch, CorruptFileError, Dataset, F, FilesIndex, Rng, V, applyParallel, zeros, type NDArray } from '../src/index.js';
import { runMain } from './run-main.js';

const COUNT = 24;
const SIDE = 48;

/** One scan per item: an image, a label and free-form metadata. */
export class ScanBatch extends Batch {
  static override components = ['images', 'labels', 'meta'] as const;
  /** n×48×48 float32 */
  declare images: NDArray;
  /** n int32 */
  declare labels: Int32Array;
  /** n plain objects */
  declare meta: Array<{ patient: string; tags: string[] }>;

  /** Fraction of an image's pixels above `level` (one number per item → component `bright`). */
  @applyParallel({ src: 'images', dst: 'bright', summary: 'Fraction of bright pixels.' })
  brightFraction(image: NDArray, options: { level: number }): number {
    let count = 0;
    for (let y = 0; y < image.shape[0]!; y++) for (let x = 0; x < image.shape[1]!; x++) if ((image.get(y, x) as number) > options.level) count++;
    return count / image.size;
  }
}

/** Smooth blobs (compressible, like real images). */
function makeScans(): { ids: string[]; images: NDArray; labels: Int32Array; meta: ScanBatch['meta'] } {
  const rng = new Rng(3);
  const images = zeros([COUNT, SIDE, SIDE], 'float32');
  const labels = new Int32Array(COUNT);
  const meta: ScanBatch['meta'] = [];
  for (let i = 0; i < COUNT; i++) {
    const [cy, cx, r] = [rng.uniform(10, 38), rng.uniform(10, 38), rng.uniform(4, 12)];
    for (let y = 0; y < SIDE; y++)
      for (let x = 0; x < SIDE; x++) images.set(i, y, x, Math.round(255 * Math.exp(-((y - cy) ** 2 + (x - cx) ** 2) / (2 * r * r))));
    labels[i] = r > 8 ? 1 : 0;
    meta.push({ patient: `p${100 + (i % 7)}`, tags: i % 3 === 0 ? ['follow-up'] : [] });
  }
  return { ids: Array.from({ length: COUNT }, (_, i) => `scan-${String(i).padStart(2, '0')}`), images, labels, meta };
}

/** Same shape and bit-identical pixels. */
function sameImage(a: NDArray, b: NDArray): boolean {
  if (a.shape.join() !== b.shape.join()) return false;
  for (let y = 0; y < a.shape[0]!; y++) for (let x = 0; x < a.shape[1]!; x++) if (!Object.is(a.get(y, x), b.get(y, x))) return false;
  return true;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'batchflow-files-'));
  try {
    // 1. dump: one file per item
    const scans = makeScans();
    const source = new ScanBatch(scans.ids, { preloaded: { images: scans.images, labels: scans.labels, meta: scans.meta } });
    await source.dump({ fmt: 'blosc', dst: dir, target: 'threads', nWorkers: 2 });
    const files = readdirSync(dir).sort();
    const bytes = files.reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0);
    console.log(
      `files-blosc: dumped ${COUNT} items to ${files.length} files (${files[0]}, ${files[1]}, …): ${(bytes / 1024).toFixed(1)} KiB for ${((COUNT * SIDE * SIDE * 4) / 1024).toFixed(1)} KiB of pixels`,
    );

    // 2. an index over the files: ids = names without the extension
    const index = new FilesIndex({ path: path.join(dir, '*.blosc'), noExt: true, sort: true });
    console.log(`FilesIndex: ${index.length} ids (${String(index.indices[0])} → ${path.basename(index.getFullpath(index.indices[0]!))})`);

    // 3. a pipeline that loads each batch from its items' files
    const dataset = new Dataset(index, { batchClass: ScanBatch });
    const pipeline = dataset.p
      .initVariables({ loaded: [], bright: [] })
      .load({ fmt: 'blosc' }) // no src: each item's own path in the FilesIndex
      .brightFraction({ level: 128 })
      .update(
        V('bright', 'e'),
        F((values: NDArray) => Array.from({ length: values.shape[0]! }, (_, i) => values.get(i) as number), B('bright')),
      )
      .update(V('loaded', 'a'), B());
    await pipeline.run({ batchSize: 8, nEpochs: 1, shuffle: 1 });
    const batches = pipeline.v('loaded') as ScanBatch[];
    const bright = pipeline.v('bright') as number[];
    console.log(`pipeline: ${batches.length} batches of 8, bright fraction per item ${Math.min(...bright).toFixed(3)}…${Math.max(...bright).toFixed(3)}`);

    // 4. verify by id: image bits, label and meta
    let verified = 0;
    for (const batch of batches) {
      batch.indices.forEach((id, position) => {
        const k = scans.ids.indexOf(String(id));
        const ok =
          sameImage(batch.images.pick(position), scans.images.pick(k)) &&
          batch.labels[position] === scans.labels[k] &&
          JSON.stringify(batch.meta[position]) === JSON.stringify(scans.meta[k]);
        if (ok) verified++;
        else console.log(`  MISMATCH for ${String(id)}`);
      });
    }
    console.log(`verified ${verified}/${COUNT} items: ${verified === COUNT ? 'identical to the originals' : 'DIFFERENT'}`);
    if (verified !== COUNT) process.exitCode = 1;

    const onThreads = dataset.createBatch(index.indices.slice(0, 6));
    await onThreads.load({ fmt: 'blosc', target: 'threads', nWorkers: 2 });
    const threadsOk = onThreads.indices.every((id, position) => sameImage(onThreads.images.pick(position), scans.images.pick(scans.ids.indexOf(String(id)))));
    console.log(`load on 'threads': ${onThreads.size} items, ${threadsOk ? 'identical' : 'DIFFERENT'}`);
    if (!threadsOk) process.exitCode = 1;

    // a damaged file is an error naming it, and the batch is left unchanged
    truncateSync(index.getFullpath('scan-05'), 100);
    const damaged = dataset.createBatch(['scan-04', 'scan-05']);
    try {
      await damaged.load({ fmt: 'blosc' });
      console.log('truncated file: NOT detected');
      process.exitCode = 1;
    } catch (error) {
      if (!(error instanceof CorruptFileError)) throw error;
      console.log(`truncated file: ${error.name} for ${path.basename(error.file)}; images still ${String(damaged.getComponent('images'))}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runMain(import.meta.url, main);
