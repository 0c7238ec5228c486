/**
 * Worker engines (issue #3): workload B (blur) and workload A (x + 1 on 10,000 and 1,000 scalars) on
 * 'for', 'threads' and 'mpc', measured in one process with the engines interleaved block by block, so
 * the speed-up ratios come from the same conditions. A-engines also times the reference of the worker
 * engines' per-call overhead: tinypool used directly (worker_threads for 'threads', child_process for
 * 'mpc') doing the same x + 1 over the Float64Array in one chunk per worker. Also the pool start-up
 * cost (first call on a new pool, including the workers' import of the item function's module)
 * against a warm call.
 * @module
 */
import ndarray from 'ndarray';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Tinypool } from 'tinypool';
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
 * warm-up runs then timed runs per engine, and `passes` passes (default two) are made so slow drift
 * of the machine hits every engine alike. (Alternating engines run by run made each run pay for the
 * previous engine's garbage and cache state, which slowed all engines down.)
 */
async function interleaved<T, N extends string>(
  settings: BenchSettings,
  runners: readonly N[],
  run: (engine: N) => Promise<T>,
  check: (result: T, engine: N) => void,
  passes = 2,
): Promise<Map<N, number[]>> {
  const times = new Map<N, number[]>(runners.map((engine) => [engine, []]));
  const perPass = Math.ceil(settings.runs / passes);
  for (let pass = 0; pass < passes; pass++) {
    for (const engine of runners) {
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
    engines,
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

/** A tinypool pool used directly, the reference of A-engines: x + 1 over a Float64Array cut into one chunk per worker. */
class DirectPool {
  readonly pool: Tinypool;

  constructor(
    readonly runtime: 'worker_threads' | 'child_process',
    readonly nWorkers: number,
  ) {
    this.pool = new Tinypool({
      filename: new URL('./support/direct-pool-worker.mjs', import.meta.url).href,
      runtime,
      minThreads: nWorkers,
      maxThreads: nWorkers,
      isolateWorkers: false,
      ...(runtime === 'child_process' ? { serialization: 'advanced' as const } : {}),
    });
  }

  /** x + 1 on every value: chunks copied out, sent (moved on threads), results copied into one output. */
  async addOne(values: Float64Array): Promise<Float64Array> {
    const output = new Float64Array(values.length);
    const size = Math.ceil(values.length / this.nWorkers);
    const chunks: Promise<void>[] = [];
    for (let start = 0; start < values.length; start += size) {
      const chunk = values.slice(start, start + size);
      const sent = this.pool.run(chunk, this.runtime === 'worker_threads' ? { transferList: [chunk.buffer] } : {}) as Promise<Float64Array>;
      chunks.push(sent.then((result) => output.set(result, start)));
    }
    await Promise.all(chunks);
    return output;
  }
}

const directOf: Readonly<Record<string, 'worker_threads' | 'child_process'>> = { threads: 'worker_threads', mpc: 'child_process' };

async function scalarsOnEngines(settings: BenchSettings, items: number): Promise<WorkloadResult[]> {
  const values = ndarray(
    Float64Array.from({ length: items }, (_, i) => i),
    [items],
  );
  const index = new DatasetIndex(items);
  const nWorkers = availableParallelism();
  const direct = new Map(Object.entries(directOf).map(([engine, runtime]) => [`direct-${engine}`, new DirectPool(runtime, nWorkers)]));
  const runners = [...engines, ...direct.keys()];
  try {
    const times = await interleaved(
      settings,
      runners,
      async (runner) => {
        const pool = direct.get(runner);
        if (pool) return pool.addOne(values.data as Float64Array);
        const batch = new EngineBatch(index, { preloaded: { x: values } });
        await batch.applyParallel(addOne, { src: 'x', target: runner as TargetName });
        return batch.x.data as Float64Array;
      },
      (result, runner) => assertBench(result[items - 1] === items && result[0] === 1, `A-engines: ${runner} gave ${result[items - 1]}`),
      SCALAR_PASSES,
    );
    const limit = items >= 10_000 ? 2 : 4;
    return engines.map((engine) => {
      const stats = summarize(times.get(engine)!);
      const reference = direct.has(`direct-${engine}`) ? summarize(times.get(`direct-${engine}`)!) : null;
      const ratio = reference ? stats.median / reference.median : undefined;
      return {
        workload: 'A-engines',
        name: `applyParallel x + 1, ${items.toLocaleString('en-US')} scalar items, warm pool`,
        engine,
        unit: 'µs/item',
        ...roundStats({ ...stats, median: (stats.median * 1000) / items, min: (stats.min * 1000) / items, max: (stats.max * 1000) / items }),
        items,
        msPerBatch: round(stats.median, 3),
        // the reference: tinypool used directly on the same runtime, same work, one chunk per worker
        direct: reference ? { runtime: directOf[engine], nWorkers, msPerBatch: round(reference.median, 3), min: round(reference.min, 3) } : undefined,
        ratioVsDirect: ratio === undefined ? undefined : round(ratio, 3),
        target:
          engine === 'threads'
            ? { text: `within ${limit}× of a direct chunked tinypool`, met: ratio! <= limit }
            : engine === 'mpc'
              ? { text: `within ${limit}× of a direct chunked child_process pool (reported)`, met: ratio! <= limit }
              : undefined,
        batchflow: engine === 'threads' && items === 10_000 ? { median: baseline.A_threads_10000.value / 10, unit: 'µs/item' } : undefined,
      };
    });
  } finally {
    await Promise.all([...direct.values()].map((pool) => pool.pool.destroy()));
  }
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

/** More timed runs and warm-ups for calls of a few milliseconds (`--runs` and `--warmups` still raise them). */
export function cheapSettings(settings: BenchSettings): BenchSettings {
  return { runs: Math.max(settings.runs, 31), warmups: Math.max(settings.warmups, 10) };
}

/**
 * Passes of A-engines: a call of x + 1 takes about a millisecond, so a block of 16 timed runs lasted
 * some 15 ms, and one busy stretch of this shared machine decided a whole block (the same tree's
 * `'threads'`/direct ratio ranged 2.2–3.4× over runs). Many short blocks spread each engine's runs over
 * the whole measurement; workload E takes a few seconds longer.
 */
const SCALAR_PASSES = 8;

/** A-engines: at least 16 timed runs per engine in each of the {@link SCALAR_PASSES} passes. */
function scalarSettings(settings: BenchSettings): BenchSettings {
  const cheap = cheapSettings(settings);
  return { runs: Math.max(cheap.runs, 16 * SCALAR_PASSES), warmups: cheap.warmups };
}

export const workloadEngines: Workload = {
  id: 'E',
  title: "worker engines: blur and x + 1 on 'for' / 'threads' / 'mpc' (interleaved), pool start-up",
  async run(settings) {
    try {
      return [
        ...(await blurOnEngines(settings)),
        // a call of x + 1 takes a few milliseconds at most: like workload A, many runs after a longer
        // warm-up, so the medians measure warm pools and compiled code (first calls are in 'startup')
        ...(await scalarsOnEngines(scalarSettings(settings), 10_000)),
        ...(await scalarsOnEngines(scalarSettings(settings), 1_000)),
        ...(await startup(settings)),
      ];
    } finally {
      await closeEngines();
    }
  },
};
