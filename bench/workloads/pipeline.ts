/**
 * Workloads C and D (issue #4). C: a pipeline over 100,000 items preloaded with `x` (100000×16
 * float32) and `y` (100000 int32): per batch, load from preloaded data, applyParallel(x * 2) on 'for',
 * and add sum(y) to a pipeline variable; one shuffled epoch, batch sizes 1000 and 100 (items/s).
 * D: `new DatasetIndex(1_000_000)` fully iterated by genBatch(1000, shuffled, one epoch) (ms).
 * @module
 */
import ndarray from 'ndarray';
import { Batch, Dataset, DatasetIndex, F, B, V, type NDArray } from '../../src/index.js';
import { baseline, ratioOf } from '../baseline.js';
import { assertBench, measure, round, roundStats, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';

const ITEMS = 100_000;
const WIDTH = 16;

class TableBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: NDArray;
}

/** The item function: one 16-float row times 2. */
export function timesTwo(row: NDArray): NDArray {
  const size = row.shape[0]!;
  const source = row.data as Float32Array;
  const out = new Float32Array(size);
  for (let i = 0, j = row.offset; i < size; i++, j += row.stride[0]!) out[i] = source[j]! * 2;
  return ndarray(out, [size]);
}

/** Sum of a 1-D numeric component. */
function sumOf(values: NDArray): number {
  let total = 0;
  for (let i = 0; i < values.shape[0]!; i++) total += values.get(i) as number;
  return total;
}

function makeDataset(): { dataset: Dataset<TableBatch>; expectedSum: number } {
  const x = ndarray(
    Float32Array.from({ length: ITEMS * WIDTH }, (_, i) => (i % 97) / 7),
    [ITEMS, WIDTH],
  );
  const y = ndarray(
    Int32Array.from({ length: ITEMS }, (_, i) => i % 1000),
    [ITEMS],
  );
  let expectedSum = 0;
  for (let i = 0; i < ITEMS; i++) expectedSum += i % 1000;
  return { dataset: new Dataset(ITEMS, { batchClass: TableBatch, preloaded: { x, y } }), expectedSum };
}

async function pipelineThroughput(settings: BenchSettings, batchSize: number): Promise<WorkloadResult> {
  const { dataset, expectedSum } = makeDataset();
  const template = dataset.p
    .initVariable('s', 0)
    .applyParallel(timesTwo, { src: 'x', target: 'for' })
    .update(V('s'), V<number>('s').add(F(sumOf, B('y'))));
  let pipeline = template;
  const stats = await measure(
    settings,
    () => (pipeline = template.withConfig({})),
    (p) => p.run({ batchSize, nEpochs: 1, shuffle: 42 }),
    (p) => assertBench(p.v('s') === expectedSum, `C: sum of y is ${String(p.v('s'))}, expected ${expectedSum}`),
  );
  void pipeline;
  const itemsPerSecond = (ITEMS / stats.median) * 1000;
  const reference = batchSize === 1000 ? baseline.C_batch1000 : baseline.C_batch100;
  return {
    workload: 'C',
    name: `pipeline over ${ITEMS.toLocaleString('en-US')} items (load, applyParallel x*2, update sum y), batch ${batchSize}, shuffled`,
    engine: 'for',
    unit: 'ms/epoch',
    ...roundStats(stats),
    itemsPerSecond: Math.round(itemsPerSecond),
    batchflow: { itemsPerSecond: reference.value },
    ratio: round(ratioOf(reference, itemsPerSecond), 3),
    target: { text: batchSize === 1000 ? '≥ 1,000,000 items/s' : '≥ 600,000 items/s', met: itemsPerSecond >= (batchSize === 1000 ? 1_000_000 : 600_000) },
  };
}

async function indexIteration(settings: BenchSettings): Promise<WorkloadResult> {
  const stats = await measure(
    settings,
    () => null,
    () => {
      let count = 0;
      for (const batch of new DatasetIndex(1_000_000).genBatch({ batchSize: 1000, nEpochs: 1, shuffle: true })) count += batch.length;
      assertBench(count === 1_000_000, `D: iterated ${count} ids`);
    },
  );
  return {
    workload: 'D',
    name: 'DatasetIndex(1_000_000).genBatch({ batchSize: 1000, nEpochs: 1, shuffle: true }) fully iterated',
    engine: 'none',
    unit: 'ms',
    ...roundStats(stats),
    batchflow: { median: baseline.D_genBatch.value, unit: baseline.D_genBatch.unit },
    ratio: round(ratioOf(baseline.D_genBatch, stats.median), 3),
    target: { text: '< 35 ms', met: stats.median < 35 },
  };
}

export const workloadPipeline: Workload = {
  id: 'C',
  title: 'pipeline throughput (batch 1000 and 100)',
  async run(settings) {
    return [await pipelineThroughput(settings, 1000), await pipelineThroughput(settings, 100)];
  },
};

export const workloadIndex: Workload = {
  id: 'D',
  title: 'DatasetIndex genBatch over 1,000,000 ids',
  async run(settings) {
    return [await indexIteration(settings)];
  },
};
