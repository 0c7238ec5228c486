/**
 * Workload AUTO (issue 11): target 'auto' against what a user would otherwise pick by hand. Workload
 * A (x + 1 on 10,000 scalar items) against 'for', and workload B (blur ×5 of 200 × 256×256 float32)
 * against 'threads' with chunk sizes 1, 5, 25 and the default. The scalar set runs in alternating
 * blocks (two passes of: every variant in turn, warm-ups then timed runs); the blur set in rounds that
 * run every variant once, in balanced orders of the variants. 'auto' decides during its first
 * call (the probe, untimed); the timed runs use the remembered choice, shown as `decision`.
 * @module
 */
import ndarray from 'ndarray';
import { performance } from 'node:perf_hooks';
import { Batch, DatasetIndex, closeEngines, getAutoDecisions, portable, resetAutoDecisions, type AutoDecision, type NDArray } from '../../src/index.js';
import {
  assertBench,
  measureAlternating,
  round,
  roundStats,
  summarize,
  type BenchSettings,
  type Stats,
  type Workload,
  type WorkloadResult,
} from '../harness.js';
import { addOne } from './apply-scalar.js';
import { cheapSettings } from './engines.js';
import { blur } from './blur.js';
import { randomImages } from './blur-batch.js';

portable(blur, new URL('./blur.ts', import.meta.url));
portable(addOne, new URL('./apply-scalar.ts', import.meta.url));

class AutoBenchBatch extends Batch {
  static override components = ['images', 'x'] as const;
  declare images: NDArray;
  declare x: NDArray;
}

/** One way of running the action: a target and its chunk size. */
interface Variant {
  readonly label: string;
  readonly target: 'for' | 'threads' | 'auto';
  readonly chunkSize?: number;
}

/** Timed runs per variant, plus the time of each variant's first (untimed) call. */
interface Timings {
  readonly times: Map<string, number[]>;
  readonly firstCall: Map<string, number>;
}

/**
 * Times `run(variant)` for every variant in blocks: each of `passes` passes runs every variant in turn,
 * warm-ups then timed runs, so slow drift of the machine hits every variant alike. Calls of well under
 * a millisecond want many passes (as workload E's x + 1): a block of 16 of them lasts under 10 ms, and
 * one busy stretch of this shared machine would decide a whole block (one full bench gave 'auto' 1.43×
 * 'for' with 2 passes, two runs right after it 0.60× and 0.62×).
 */
async function inBlocks<S, T>(
  settings: BenchSettings,
  variants: readonly Variant[],
  prepare: () => S,
  run: (state: S, variant: Variant) => Promise<T>,
  check: (result: T, variant: Variant) => void,
  passes = 2,
): Promise<Timings> {
  const times = new Map<string, number[]>(variants.map((variant) => [variant.label, []]));
  const firstCall = new Map<string, number>();
  const perPass = Math.ceil(settings.runs / passes);
  const warmups = Math.max(1, settings.warmups);
  for (let pass = 0; pass < passes; pass++) {
    for (const variant of variants) {
      for (let round = 0; round < warmups + perPass; round++) {
        const state = prepare(); // not timed
        const start = performance.now();
        const result = await run(state, variant);
        const elapsed = performance.now() - start;
        check(result, variant); // not timed
        if (!firstCall.has(variant.label)) firstCall.set(variant.label, elapsed);
        if (round >= warmups) times.get(variant.label)!.push(elapsed);
      }
    }
  }
  return { times, firstCall };
}

function decisionFor(action: string): Pick<AutoDecision, 'engine' | 'chunkSize' | 'reason' | 'probe' | 'estimate'> | undefined {
  const found = getAutoDecisions().find((decision) => decision.action === action);
  return found && { engine: found.engine, chunkSize: found.chunkSize, reason: found.reason, probe: found.probe, estimate: found.estimate };
}

function result(name: string, variant: Variant, stats: Stats, extra: Record<string, unknown> = {}): WorkloadResult {
  return {
    workload: 'AUTO',
    name,
    engine: variant.target,
    unit: 'ms/batch',
    ...roundStats(stats),
    ...(variant.chunkSize ? { chunkSize: variant.chunkSize } : {}),
    ...extra,
  };
}

async function scalars(settings: BenchSettings): Promise<WorkloadResult[]> {
  const items = 10_000;
  const values = Float64Array.from({ length: items }, (_, i) => i);
  const index = new DatasetIndex(items);
  const variants: Variant[] = [
    { label: 'for', target: 'for' },
    { label: 'auto', target: 'auto' },
  ];
  // a call takes well under a millisecond: like workload A, many runs after a longer warm-up, so the
  // median measures the steady state and not the just-in-time compiler's first tiers
  const { times, firstCall } = await inBlocks(
    cheapSettings(settings),
    variants,
    () => new AutoBenchBatch(index, { preloaded: { x: ndarray(values.slice(), [items]) } }),
    async (batch, variant) => {
      await batch.applyParallel(addOne, { src: 'x', target: variant.target });
      return batch;
    },
    (batch, variant) =>
      assertBench(batch.x.get(0) === 1 && batch.x.get(items - 1) === items, `AUTO: x + 1 on '${variant.label}' gave ${batch.x.get(items - 1)}`),
    8,
  );
  const forStats = summarize(times.get('for')!);
  const autoStats = summarize(times.get('auto')!);
  const ratio = autoStats.median / forStats.median;
  const name = 'applyParallel x + 1, 10,000 scalar items';
  return [
    result(name, variants[0]!, forStats),
    result(name, variants[1]!, autoStats, {
      ratioToFor: round(ratio, 3),
      firstCallMs: round(firstCall.get('auto')!, 4),
      decision: decisionFor('addOne'),
      target: { text: "≤ 1.3× 'for'", met: ratio <= 1.3 },
    }),
  ];
}

async function images(settings: BenchSettings): Promise<WorkloadResult[]> {
  const items = 200;
  const source = randomImages(items, 256);
  const index = new DatasetIndex(items);
  const variants: Variant[] = [
    { label: 'threads, chunk 1', target: 'threads', chunkSize: 1 },
    { label: 'threads, chunk 5', target: 'threads', chunkSize: 5 },
    { label: 'threads, chunk 25', target: 'threads', chunkSize: 25 },
    { label: 'threads, default chunks', target: 'threads' },
    { label: 'auto', target: 'auto' },
  ];
  let reference: Float32Array | null = null;
  const run = async (batch: AutoBenchBatch, variant: Variant): Promise<AutoBenchBatch> => {
    await batch.applyParallel(blur, { src: 'images', target: variant.target, repeats: 5, ...(variant.chunkSize ? { chunkSize: variant.chunkSize } : {}) });
    return batch;
  };
  const check = (batch: AutoBenchBatch, variant: Variant): void => {
    const data = (batch.images.data as Float32Array).subarray(batch.images.offset, batch.images.offset + 256 * 256 * items);
    if (reference === null) reference = data.slice();
    else
      assertBench(
        data.every((v, i) => v === reference![i]),
        `AUTO: blur on '${variant.label}' differs from the first variant`,
      );
  };
  const fresh = (): AutoBenchBatch => new AutoBenchBatch(index, { preloaded: { images: source } });
  // 'auto' decides in its first call (timed on its own, not counted); then every variant runs once per
  // round, in balanced orders of the variants: a call takes a few hundred
  // milliseconds, so drift of the machine over blocks of one variant would decide the ratio otherwise
  const autoVariant = variants.at(-1)!;
  const firstStart = performance.now();
  check(await run(fresh(), autoVariant), autoVariant);
  const firstCallMs = performance.now() - firstStart;
  const stats = await measureAlternating(
    settings,
    variants.map((variant) => ({
      setup: fresh,
      body: (batch: AutoBenchBatch) => run(batch, variant),
      check: (batch: AutoBenchBatch) => check(batch, variant),
    })),
  );
  const times = new Map(variants.map((variant, k) => [variant.label, stats[k]!] as const));
  const name = 'box blur 3×3 ×5, 200 × 256×256 float32 items';
  const threads = variants.slice(0, -1).map((variant) => ({ variant, stats: times.get(variant.label)! }));
  const best = threads.reduce((a, b) => (b.stats.median < a.stats.median ? b : a));
  const autoStats = times.get('auto')!;
  const ratio = autoStats.median / best.stats.median;
  return [
    ...threads.map(({ variant, stats }) => result(`${name}, ${variant.label}`, variant, stats)),
    result(name, variants.at(-1)!, autoStats, {
      bestThreads: { label: best.variant.label, median: round(best.stats.median, 4) },
      ratioToBestThreads: round(ratio, 3),
      firstCallMs: round(firstCallMs, 4),
      decision: decisionFor('blur'),
      target: { text: "≤ 1.1× the best 'threads' chunk size", met: ratio <= 1.1 },
    }),
  ];
}

export const workloadAuto: Workload = {
  id: 'AUTO',
  title: "target 'auto' against 'for' (x + 1, alternating blocks) and against the best 'threads' chunk size (blur, alternating rounds)",
  async run(settings) {
    resetAutoDecisions();
    try {
      return [...(await scalars(settings)), ...(await images(settings))];
    } finally {
      await closeEngines();
    }
  },
};
