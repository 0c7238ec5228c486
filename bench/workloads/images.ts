/**
 * Workload IMG: ImagesBatch throughput.
 * - chain: 32 RGB uint8 images of 512×512 (the astronaut photo), per batch: random 224×224 crop →
 *   rotate by a random angle in ±15° (one per item, nearest: BatchFlow's default) → flip with p = 0.5 →
 *   resize to 128×128 (bicubic: Pillow's default), items/s next to the same chain in Pillow, single
 *   process (bench/python/images_pillow.py). Three ways: every action on 'for'; every action on
 *   'threads' (2 workers: the batch goes to the workers and back for each action); and the chain as a
 *   pipeline whose batches are produced on 2 'threads' workers (`genBatch({ target: 'threads' })`: the
 *   images cross once per batch), checked equal to the same pipeline on 'for'.
 * - files: PNG and JPEG decode (load) and encode (dump) of the same 32 images on 'async' (2 at a time:
 *   sharp works on its own threads), MB/s of raw pixels, next to Pillow's single-process numbers.
 * Files go to a temp folder removed at the end. Workers import this module to reach the pipeline
 * `imagesChain`, so it only declares things: the dataset's 25 MB array is allocated here (untouched pages
 * cost nothing) and filled on the calling thread only.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import { Dataset, DatasetIndex, ImagesBatch, P, R, closeEngines, portablePipeline, type NDArray, type RunOptions, type TargetName } from '../../src/index.js';
import { assertBench, measure, round, roundStats, scaleStats, type BenchSettings, type Stats, type Workload, type WorkloadResult } from '../harness.js';

const ITEMS = 32;
const SIDE = 512;
const PHOTO = fileURLToPath(new URL('../../spec/fixtures/images/astronaut.png', import.meta.url));
const PILLOW_SCRIPT = fileURLToPath(new URL('../python/images_pillow.py', import.meta.url));

/**
 * Pillow 12.3 on this project's machine (2 cores), single process, from `python bench/python/images_pillow.py`:
 * the median of four runs made between the IMG runs (each run: the median of 9 timings; bench/README.md lists them).
 */
export const pillowImages = {
  chainItemsPerSecond: 742.7,
  png: { decodeMBps: 42.15, encodeMBps: 5.05 },
  jpeg: { decodeMBps: 485.4, encodeMBps: 567.4 },
} as const;

/** Pillow's chain measured during this run (items/s, one per measurement), when a python with Pillow is named. */
const livePillow: number[] = [];

/**
 * Runs the Pillow chain now (bench/python/images_pillow.py --chain-only) with the python named by
 * BATCHFLOW_BENCH_PILLOW_PYTHON, so that the ratios compare runs made minutes apart on the same
 * machine instead of a number kept from another day; nothing when the variable is unset.
 */
function measurePillow(): void {
  const python = process.env['BATCHFLOW_BENCH_PILLOW_PYTHON'];
  if (!python) return;
  const output = execFileSync(python, [PILLOW_SCRIPT, '--chain-only'], { encoding: 'utf8', timeout: 300_000 });
  const itemsPerSecond = (JSON.parse(output) as { chain: { itemsPerSecond: number } }).chain.itemsPerSecond;
  assertBench(Number.isFinite(itemsPerSecond) && itemsPerSecond > 0, `IMG: Pillow gave ${String(itemsPerSecond)} items/s`);
  livePillow.push(itemsPerSecond);
}

/** Pillow's items/s to compare with: the median of this run's Pillow measurements, else the kept number. */
function pillowReference(): { itemsPerSecond: number; note: string } {
  if (livePillow.length === 0)
    return { itemsPerSecond: pillowImages.chainItemsPerSecond, note: 'Pillow 12.3, single process (bench/python/images_pillow.py), kept from an earlier run' };
  const sorted = [...livePillow].sort((a, b) => a - b);
  const median = sorted.length % 2 === 1 ? sorted[sorted.length >> 1]! : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
  return { itemsPerSecond: round(median, 5), note: `Pillow, single process, measured during this run (median of ${sorted.length}: ${sorted.join(', ')})` };
}

/** Batches per pipeline run: the dataset's 32 images, once per epoch. */
const PIPELINE_BATCHES = 8;

const pixels = new Uint8Array(new SharedArrayBuffer(ITEMS * SIDE * SIDE * 3)); // shared memory: batches produced on threads gather their rows on the workers
const dataset = new Dataset(ITEMS, { batchClass: ImagesBatch, preloaded: { images: ndarray(pixels, [ITEMS, SIDE, SIDE, 3]) as unknown as NDArray } });

/** The chain as a pipeline, reachable by workers through this module's export. */
export const imagesChain = portablePipeline(
  dataset.p
    .crop({ origin: 'random', shape: [224, 224] })
    .rotate({ angle: P(R('uniform', -15, 15)) })
    .flip({ mode: 'lr', p: 0.5 })
    .resize({ size: [128, 128] }),
  import.meta.url,
  'imagesChain',
);

/** The 32 photos (filled into the dataset's array, calling thread only). */
async function photos(): Promise<NDArray> {
  const one = new ImagesBatch(new DatasetIndex(['astronaut']));
  await one.actions.load({ fmt: 'png', src: () => PHOTO });
  const image = one.images as NDArray;
  assertBench(image.shape.join() === `1,${SIDE},${SIDE},3`, `IMG: expected a ${SIDE}×${SIDE} RGB photo, got ${image.shape.join('×')}`);
  for (let i = 0; i < ITEMS; i++) pixels.set(image.data as unknown as Uint8Array, i * SIDE * SIDE * 3);
  return ndarray(pixels, [ITEMS, SIDE, SIDE, 3]) as unknown as NDArray;
}

async function chain(batch: ImagesBatch, target: TargetName): Promise<void> {
  await batch.actions.crop({ origin: 'random', shape: [224, 224], target, nWorkers: 2 });
  await batch.actions.rotate({ angle: P(R('uniform', -15, 15)), target, nWorkers: 2 });
  await batch.actions.flip({ mode: 'lr', p: 0.5, target, nWorkers: 2 });
  await batch.actions.resize({ size: [128, 128], target, nWorkers: 2 });
}

const CHAIN = 'crop 224 (random) → rotate ±15° → flip p=0.5 → resize 128';

function chainResult(engine: string, name: string, stats: Stats): WorkloadResult {
  const itemsPerSecond = round(ITEMS / (stats.median / 1000), 4);
  const pillow = pillowReference();
  return {
    workload: 'IMG',
    name,
    engine,
    unit: 'ms/batch',
    ...roundStats(stats),
    items: ITEMS,
    itemsPerSecond,
    pillow,
    ratioToPillow: round(itemsPerSecond / pillow.itemsPerSecond, 3),
    ...(engine === 'for' ? {} : { target: { text: '>= 2× Pillow items/s', met: itemsPerSecond >= 2 * pillow.itemsPerSecond } }),
  };
}

/** One pipeline run of {@link PIPELINE_BATCHES} batches; returns every batch's pixels in order. */
async function pipelineRun(options: RunOptions): Promise<Buffer[]> {
  const out: Buffer[] = [];
  const run = { batchSize: ITEMS, nEpochs: PIPELINE_BATCHES, shuffle: false, seed: 2000, ...options };
  for await (const batch of imagesChain.genBatch(run)) {
    const result = batch.images as NDArray;
    assertBench(result.shape.join() === `${ITEMS},128,128,3` && result.data instanceof Uint8Array, `IMG: pipeline result ${result.shape.join('×')}`);
    out.push(Buffer.from(result.data.buffer, result.data.byteOffset + result.offset, result.size));
  }
  assertBench(out.length === PIPELINE_BATCHES, `IMG: ${out.length} pipeline batches instead of ${PIPELINE_BATCHES}`);
  return out;
}

/**
 * The chain as a pipeline with batches produced on 2 'threads' workers, per batch; checked against 'for'.
 * Gives the result to make once Pillow's last measurement is in.
 */
async function pipelineMeasurement(settings: BenchSettings): Promise<() => WorkloadResult> {
  const expected = await pipelineRun({});
  const options: RunOptions = { target: 'threads', nWorkers: 2, prefetch: 3 };
  const stats = await measure(
    settings,
    () => null,
    async () => {
      const batches = await pipelineRun(options);
      assertBench(
        batches.every((batch, i) => batch.equals(expected[i]!)),
        "IMG: the pipeline's batches on 'threads' workers differ from the same pipeline on 'for'",
      );
    },
  );
  return () =>
    chainResult(
      'threads',
      `${CHAIN}, ${ITEMS} RGB uint8 images of ${SIDE}×${SIDE}: a pipeline with batches produced on 'threads' workers (nWorkers 2, prefetch 3; the images cross once per batch), per batch of a run of ${PIPELINE_BATCHES}`,
      scaleStats(stats, 1 / PIPELINE_BATCHES),
    );
}

/** The chain with every action on 'for', then on 'threads'; gives the results to make once Pillow's last measurement is in. */
async function chainResults(settings: BenchSettings, images: NDArray): Promise<Array<() => WorkloadResult>> {
  const out: Array<() => WorkloadResult> = [];
  const outputs: Record<string, string> = {};
  for (const target of ['for', 'threads'] as TargetName[]) {
    let seed = 0;
    const stats = await measure(
      settings,
      () => {
        const batch = ImagesBatch.fromData(null, { images });
        batch.randomSeed = 1000 + seed++;
        return batch;
      },
      (batch) => chain(batch, target),
      (batch) => {
        const result = batch.images as NDArray;
        assertBench(result.shape.join() === `${ITEMS},128,128,3` && result.data instanceof Uint8Array, `IMG: chain result ${result.shape.join('×')}`);
        if (seed === 1) outputs[target] = Buffer.from(result.data).toString('base64');
      },
    );
    const how = target === 'for' ? "every action on 'for'" : "every action on 'threads' (2 workers; the batch goes out and back for each action)";
    out.push(() => chainResult(target, `${CHAIN}, ${ITEMS} RGB uint8 images of ${SIDE}×${SIDE}: ${how}`, stats));
  }
  assertBench(outputs['for'] === outputs['threads'], "IMG: 'for' and 'threads' give different pixels for the same seed");
  return out;
}

async function fileResults(settings: BenchSettings, images: NDArray, dir: string): Promise<WorkloadResult[]> {
  const bytes = images.size;
  const index = new DatasetIndex(Array.from({ length: ITEMS }, (_, i) => `p${i}`));
  const out: WorkloadResult[] = [];
  for (const fmt of ['png', 'jpeg'] as const) {
    const folder = path.join(dir, fmt);
    const encode = await measure(
      settings,
      () => new ImagesBatch(index, { preloaded: { images } }),
      (batch) => batch.dump({ fmt, dst: folder, target: 'async', nWorkers: 2 }),
    );
    const decode = await measure(
      settings,
      () => new ImagesBatch(index),
      (batch) => batch.load({ fmt, src: folder, target: 'async', nWorkers: 2 }),
      (batch) => assertBench((batch.images as NDArray).shape.join() === images.shape.join(), `IMG: ${fmt} load shape`),
    );
    for (const [what, stats, pillow] of [
      ['encode (dump)', encode, pillowImages[fmt].encodeMBps],
      ['decode (load)', decode, pillowImages[fmt].decodeMBps],
    ] as const) {
      const mbPerSecond = round(bytes / 1e6 / (stats.median / 1000), 4);
      out.push({
        workload: 'IMG',
        name: `${fmt.toUpperCase()} ${what}, ${ITEMS} RGB images of ${SIDE}×${SIDE} (${round(bytes / 1e6, 3)} MB of pixels)`,
        engine: 'async',
        unit: 'ms',
        ...roundStats(stats),
        megabytes: round(bytes / 1e6, 3),
        mbPerSecond,
        pillow: { mbPerSecond: pillow },
        ratioToPillow: round(mbPerSecond / pillow, 3),
      });
    }
  }
  return out;
}

export const workloadImages: Workload = {
  id: 'IMG',
  title:
    'ImagesBatch: an augmentation chain (items/s) on for/threads, and as a pipeline with batches on threads workers, against Pillow; PNG/JPEG decode and encode MB/s',
  defaultRuns: 9,
  async run(settings) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bf-bench-img-'));
    try {
      const images = await photos();
      // Pillow (when a python is named) runs before, between and after the chains, and every ratio uses the median
      livePillow.length = 0;
      measurePillow();
      const chains = await chainResults(settings, images);
      measurePillow();
      const pipeline = await pipelineMeasurement(settings);
      measurePillow();
      return [...chains.map((measured) => measured()), pipeline(), ...(await fileResults(settings, images, dir))];
    } finally {
      rmSync(dir, { recursive: true, force: true });
      await closeEngines();
    }
  },
};
