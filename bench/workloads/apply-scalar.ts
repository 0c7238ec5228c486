/**
 * Workload A (issue #2): `applyParallel(x => x + 1)` over a batch of scalar items on the 'for'
 * engine — the per-item overhead of the machinery (task, options, context, engine loop, assembly).
 * The component is a 1-D Float64 ndarray; the result is assembled back into it.
 * @module
 */
import ndarray from 'ndarray';
import { Batch, DatasetIndex, type NDArray } from '../../src/index.js';
import { baseline, ratioOf, type BaselineEntry } from '../baseline.js';
import { assertBench, measure, roundStats, round, scaleStats, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';

/** A batch with one numeric component. */
class ScalarBatch extends Batch {
  static override components = ['x'] as const;
  declare x: NDArray;
}

/** The item function. */
export function addOne(x: number): number {
  return x + 1;
}

/** Target of issue #2: per-item overhead on 'for' under 0.3 µs. */
export const perItemTargetUs = 0.3;

async function measureSize(settings: BenchSettings, items: number, reference: BaselineEntry): Promise<WorkloadResult> {
  const values = Float64Array.from({ length: items }, (_, i) => i);
  const index = new DatasetIndex(items);
  const stats = await measure(
    settings,
    () => new ScalarBatch(index, { preloaded: { x: ndarray(values.slice(), [items]) } }),
    (batch) => batch.applyParallel(addOne, { src: 'x', target: 'for' }),
    (batch) => {
      const x = batch.x;
      assertBench(x.shape.length === 1 && x.shape[0] === items, `A: x has shape [${x.shape.join(', ')}]`);
      assertBench(x.get(0) === 1 && x.get(items - 1) === items, 'A: x + 1 was not applied to every item');
    },
  );
  const perItemUs = scaleStats(stats, 1000 / items);
  return {
    workload: 'A',
    name: `applyParallel x + 1, ${items.toLocaleString('en-US')} scalar items`,
    engine: 'for',
    unit: 'ms/batch',
    ...roundStats(stats),
    items,
    perItemUs: roundStats(perItemUs),
    batchflow: { median: reference.value, unit: reference.unit, perItemUs: round((reference.value * 1000) / items) },
    ratio: round(ratioOf(reference, stats.median), 3),
    target: { perItemUsBelow: perItemTargetUs, met: perItemUs.median < perItemTargetUs },
  };
}

export const workloadA: Workload = {
  id: 'A',
  title: "applyParallel(x => x + 1) over scalar items, target 'for'",
  defaultRuns: 31,
  async run(settings) {
    return [await measureSize(settings, 10_000, baseline.A_for_10000), await measureSize(settings, 1_000, baseline.A_for_1000)];
  },
};
