/**
 * Worker engines (issue #3): workload B (blur) and workload A (x + 1 on 10,000 scalars) on 'for',
 * 'threads' and 'mpc', measured in one process with the engines interleaved run by run, so the
 * speed-up ratios come from the same conditions. Also the pool start-up cost (first call on a new
 * pool, including the workers' import of the item function's module) against a warm call.
 * @module
 */
import ndarray from 'ndarray';
import { performance } from 'node:perf_hooks';
import { Batch, DatasetIndex, closeEngines, portable, type NDArray, type TargetName } from '../../src/index.js';
import { baseline } from '../baseline.js';
import { assertBench, round, roundStats, summarize, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';
import { addOne } from './apply-scalar.js';
import { blur } from './blur.js';
import { randomImages } from './blur-batch.js';

portable(blur, new URL('./blur.ts', import.meta.url));
portable(addOne, new URL('./apply-scalar.ts', import.meta.url));

class EngineBatch extends Batch {
  static override components = ['images', 'x'] as const;
  declare images: NDArray;
  declare x: NDArray;
}

const engines: readonly TargetName[] = ['for', 'threads', 'mpc'];

/**
 * Times `run(engine)` for every engine in blocks: each pass runs every engine in turn, a block of
 * warm-up runs then timed runs per engine, and two passes are made so slow drift of the machine hits
 * every engine alike. (Alternating engines run by run made each run pay for the previous engine's
 * garbage and cache state, which slowed all engines down.)
 */
async function interleaved<T>(
  settings: BenchSettings,
  run: (engine: TargetName) => Promise<T>,
  check: (result: T, engine: TargetName) => void,
): Promise<Map<TargetName, number[]>> {
  const times = new Map<TargetName, number[]>(engines.map((engine) => [engine, []]));
  const perPass = Math.ceil(settings.runs / 2);
  for (let pass = 0; pass < 2; pass++) {
    for (const engine of engines) {
      for (let round = 0; round < Math.max(1, settings.warmups) + perPass; round++) {
        const start = performance.now();
        const result = await run(engine);
        const elapsed = performance.now() - start;
        check(result, engine); // not timed
        if (round >= Math.max(1, settings.warmups)) times.get(engine)!.push(elapsed);
      }
    }
  }
  return times;
}

async function blurOnEngines(settings: BenchSettings): Promise<WorkloadResult[]> {
  const items = 200;
  const source = randomImages(items, 256);
  const index = new DatasetIndex(items);
  let reference: Float32Array | null = null;
  const times = await interleaved(
    settings,
    async (engine) => {
      const batch = new EngineBatch(index, { preloaded: { images: source } });
      await batch.applyParallel(blur, { src: 'images', target: engine, repeats: 5 });
      return batch;
    },
    (batch, engine) => {
      const data = (batch.images.data as Float32Array).subarray(batch.images.offset, batch.images.offset + 256 * 256 * items);
      if (reference === null) reference = data.slice();
      else
        assertBench(
          data.every((v, i) => v === reference![i]),
          `B-engines: ${engine} result differs from 'for'`,
        );
    },
  );
  const forMedian = summarize(times.get('for')!).median;
  return engines.map((engine) => {
    const stats = summarize(times.get(engine)!);
    return {
      workload: 'B-engines',
      name: 'box blur 3×3 ×5, 200 × 256×256 float32 items (engines in alternating blocks)',
      engine,
      unit: 'ms/batch',
      ...roundStats(stats),
      speedupVsFor: round(forMedian / stats.median, 3),
      target:
        engine === 'for'
          ? undefined
          : { text: `≥ ${engine === 'threads' ? 1.85 : 1.4}× for`, met: forMedian / stats.median >= (engine === 'threads' ? 1.85 : 1.4) },
      batchflow:
        engine === 'threads'
          ? { median: baseline.B_threads.value, unit: baseline.B_threads.unit, speedupVsFor: round(baseline.B_for.value / baseline.B_threads.value, 3) }
          : undefined,
    };
  });
}

async function scalarsOnEngines(settings: BenchSettings): Promise<WorkloadResult[]> {
  const items = 10_000;
  const values = ndarray(
    Float64Array.from({ length: items }, (_, i) => i),
    [items],
  );
  const index = new DatasetIndex(items);
  const times = await interleaved(
    settings,
    async (engine) => {
      const batch = new EngineBatch(index, { preloaded: { x: values } });
      await batch.applyParallel(addOne, { src: 'x', target: engine });
      return batch;
    },
    (batch, engine) => assertBench(batch.x.get(items - 1) === items, `A-engines: ${engine} gave ${batch.x.get(items - 1)}`),
  );
  return engines.map((engine) => {
    const stats = summarize(times.get(engine)!);
    return {
      workload: 'A-engines',
      name: 'applyParallel x + 1, 10,000 scalar items, warm pool',
      engine,
      unit: 'µs/item',
      ...roundStats({ ...stats, median: (stats.median * 1000) / items, min: (stats.min * 1000) / items, max: (stats.max * 1000) / items }),
      msPerBatch: round(stats.median, 3),
      target: engine === 'threads' ? { text: '< 1.5 µs/item', met: (stats.median * 1000) / items < 1.5 } : undefined,
      batchflow: engine === 'threads' ? { median: baseline.A_threads_10000.value / 10, unit: 'µs/item' } : undefined,
    };
  });
}

async function startup(settings: BenchSettings): Promise<WorkloadResult[]> {
  const items = 1_000;
  const values = ndarray(
    Float64Array.from({ length: items }, (_, i) => i),
    [items],
  );
  const index = new DatasetIndex(items);
  const results: WorkloadResult[] = [];
  for (const engine of ['threads', 'mpc'] as const) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let run = 0; run < Math.max(3, Math.ceil(settings.runs / 2)); run++) {
      await closeEngines();
      for (const list of [cold, warm]) {
        const batch = new EngineBatch(index, { preloaded: { x: values } });
        const start = performance.now();
        await batch.applyParallel(addOne, { src: 'x', target: engine });
        list.push(performance.now() - start);
      }
    }
    const coldStats = summarize(cold);
    results.push({
      workload: 'startup',
      name: 'first call on a new pool (workers start and import the module) vs the next call, 1,000 items',
      engine,
      unit: 'ms',
      ...roundStats(coldStats),
      warmMedian: round(summarize(warm).median, 3),
    });
  }
  return results;
}

export const workloadEngines: Workload = {
  id: 'E',
  title: "worker engines: blur and x + 1 on 'for' / 'threads' / 'mpc' (interleaved), pool start-up",
  async run(settings) {
    try {
      return [...(await blurOnEngines(settings)), ...(await scalarsOnEngines(settings)), ...(await startup(settings))];
    } finally {
      await closeEngines();
    }
  },
};
