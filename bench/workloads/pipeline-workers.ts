/**
 * Workload P: batches produced on workers. A pipeline over 2,000 items of 128×128 float32 with a
 * CPU-bound whole-batch `@action` (the 3×3 box blur ×3 of workload B on every image, on 'for' inside
 * the action) and two cheap ones, batch 50, one epoch: items/s of prefetch 0 on 'for' against
 * `run({ target: 'threads' | 'mpc', nWorkers: 2, prefetch: 4 })`; every variant's pixels are checked
 * equal to 'for'.
 *
 * Workers import this module to reach the pipeline, so it only declares things. The dataset's
 * 131 MB array is allocated here in shared memory (`sharedNdarray`; untouched pages cost nothing) and
 * filled by the workload on the calling thread only: 'threads' workers gather each batch's rows from
 * it themselves (the calling thread sends only the batch's ids and where the array is), 'mpc' workers
 * receive each batch's images with the batch (through a shared-memory file).
 * @module
 */
import {
  Batch,
  Dataset,
  Rng,
  action,
  closeEngines,
  getAutoDecisions,
  portablePipeline,
  sharedNdarray,
  type NDArray,
  type RunOptions,
} from '../../src/index.js';
import { assertBench, measureAlternating, round, roundStats, type BenchSettings, type WorkloadResult, type Workload } from '../harness.js';
import { boxBlur3x3Into } from './blur.js';

const ITEMS = 2000;
const SIZE = 128;
const BATCH = 50;
const REPEATS = 3;

/** Images whose actions all work on the whole batch. */
export class WorkerImages extends Batch {
  static override components = ['images'] as const;
  declare images: NDArray;

  /** The CPU-bound step: every image blurred `repeats` times (one loop over the batch, in this thread). */
  @action
  async blurAll(options: { repeats: number }): Promise<this> {
    const source = this.images;
    const count = source.shape[0]!;
    const pixels = SIZE * SIZE;
    // the result's memory from the batch (on a worker: reused from batch to batch)
    const result = this.allocate([count, SIZE, SIZE], 'float32');
    const out = result.data as Float32Array;
    const data = source.data as Float32Array;
    for (let k = 0; k < count; k++) {
      const start = source.offset + k * pixels;
      boxBlur3x3Into(data.subarray(start, start + pixels), SIZE, SIZE, options.repeats, out.subarray(k * pixels, (k + 1) * pixels));
    }
    this.images = result;
    return this;
  }

  /** Cheap: x * factor, in place. */
  @action
  async scaleBy(options: { factor: number }): Promise<this> {
    const images = this.images;
    const data = images.data as Float32Array;
    for (let i = images.offset; i < images.offset + images.size; i++) data[i] = data[i]! * options.factor;
    return this;
  }

  /** Cheap: values clipped to [low, high], in place. */
  @action
  async clip(options: { low: number; high: number }): Promise<this> {
    const images = this.images;
    const data = images.data as Float32Array;
    for (let i = images.offset; i < images.offset + images.size; i++) data[i] = Math.min(options.high, Math.max(options.low, data[i]!));
    return this;
  }
}

// in shared memory: batches produced on 'threads' workers are gathered there, not on the calling thread
const images = sharedNdarray('float32', [ITEMS, SIZE, SIZE]);
const pixels = images.data as Float32Array;
const dataset = new Dataset(ITEMS, { batchClass: WorkerImages, preloaded: { images } });

/** The pipeline of workload P, reachable by workers through this module's export. */
export const augment = portablePipeline(
  dataset.p
    .blurAll({ repeats: REPEATS })
    .scaleBy({ factor: 1 / 255 })
    .clip({ low: 0.1, high: 0.9 }),
  import.meta.url,
  'augment',
);

/** Fills the images (calling thread only) with seeded values in [0, 255). */
export function fillImages(): void {
  const rng = new Rng(5);
  for (let i = 0; i < pixels.length; i++) pixels[i] = rng.uniform(0, 255);
}

/** One epoch consumed; returns a checksum of every pixel in batch order. */
async function epoch(options: RunOptions): Promise<number> {
  let checksum = 0;
  let batches = 0;
  for await (const batch of augment.genBatch({ batchSize: BATCH, ...options })) {
    const images = batch.images;
    const data = images.data as Float32Array;
    for (let i = images.offset; i < images.offset + images.size; i += 97) checksum += data[i]! * (batches + 1);
    batches++;
  }
  assertBench(batches === ITEMS / BATCH, `P: ${batches} batches instead of ${ITEMS / BATCH}`);
  return checksum;
}

/**
 * The consumer reads each batch before asking for the next, so every variant runs with `reuseMemory`
 * (consumed batches' memory serves the next ones; no effect on 'for' and 'mpc'). A variant without it
 * cannot share this process: it would draw on the slots the others gave back to the same workers.
 */
const variants: ReadonlyArray<{ engine: string; detail: string; options: RunOptions; goal?: number }> = [
  { engine: 'for', detail: ', prefetch 0', options: { reuseMemory: true } },
  {
    engine: 'threads',
    detail: ', nWorkers 2, prefetch 4, reuseMemory',
    options: { target: 'threads', nWorkers: 2, prefetch: 4, reuseMemory: true },
    goal: 1.7,
  },
  { engine: 'mpc', detail: ', nWorkers 2, prefetch 4', options: { target: 'mpc', nWorkers: 2, prefetch: 4, reuseMemory: true }, goal: 1.4 },
  // 'auto': the first batch on the calling thread decides; nWorkers defaults to the CPUs
  { engine: 'auto', detail: ', prefetch 4, reuseMemory', options: { target: 'auto', prefetch: 4, reuseMemory: true } },
];

async function runAll(settings: BenchSettings): Promise<WorkloadResult[]> {
  fillImages();
  const expected = await epoch({});
  const results: WorkloadResult[] = [];
  // every variant runs once per round, in balanced orders of the four: an epoch
  // takes about a second, and this machine's speed drifts over minutes, so blocks of one variant
  // would measure the drift (one full bench gave 'threads' 0.96x 'for' that way, against 1.4x alone)
  const allStats = await measureAlternating(
    settings,
    variants.map(({ engine, options }) => ({
      setup: () => null,
      body: async () => {
        const checksum = await epoch(options);
        assertBench(checksum === expected, `P: pixels on '${engine}' differ from 'for' (checksum ${checksum} vs ${expected})`);
      },
    })),
  );
  const forMedian = allStats[0]!.median;
  for (const [k, { engine, detail, goal }] of variants.entries()) {
    const stats = allStats[k]!;
    const decision = engine === 'auto' ? getAutoDecisions().at(-1) : undefined;
    const itemsPerSecond = round((ITEMS / stats.median) * 1000);
    results.push({
      workload: 'P',
      name: `pipeline of ${ITEMS} × ${SIZE}×${SIZE} float32, batch ${BATCH}: blur ×${REPEATS} + two cheap actions${detail}`,
      engine,
      unit: 'ms/epoch',
      ...roundStats(stats),
      items: ITEMS,
      itemsPerSecond,
      ...(engine === 'for' ? {} : { speedupVsFor: round(forMedian / stats.median, 3), ...(goal === undefined ? {} : { goal }) }),
      ...(decision
        ? { decision: { engine: decision.engine, reason: decision.reason, probeMs: round(decision.probe?.ms ?? 0), estimate: decision.estimate } }
        : {}),
    });
  }
  await closeEngines();
  return results;
}

export const workloadPipelineWorkers: Workload = {
  id: 'P',
  title: "pipeline with a CPU-bound action, batches produced on 'for' vs 'threads' / 'mpc' workers",
  defaultRuns: 7,
  run: runAll,
};
