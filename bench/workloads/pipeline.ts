/**
 * Workloads C and D (issue #4). C: a pipeline over 100,000 items preloaded with `x` (100000×16
 * float32) and `y` (100000 int32): per batch, load from preloaded data, applyParallel(x * 2) on 'for',
 * and add sum(y) to a pipeline variable; one shuffled epoch, batch sizes 1000 and 100 (items/s).
 * Next to it, a plain loop does the same work by hand (same shuffled batches, rows gathered into new
 * arrays, x * 2 into a new array, sum of y): `ratioToPlainLoop` is the pipeline's overhead (issue #11: ≤ 3×).
 * D: `new DatasetIndex(1_000_000)` fully iterated by genBatch(1000, shuffled, one epoch) (ms).
 * @module
 */
import ndarray from 'ndarray';
import { Batch, Dataset, DatasetIndex, F, B, V, type ItemContext, type NDArray } from '../../src/index.js';
import { baseline, ratioOf } from '../baseline.js';
import {
  assertBench,
  measure,
  measureAlternating,
  round,
  roundStats,
  type AlternatingVariant,
  type BenchSettings,
  type Stats,
  type Workload,
  type WorkloadResult,
} from '../harness.js';

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

/**
 * The same item function written into its row of the call's output (`context.output`), as the plain
 * loop writes x * 2 into one array per batch: no array and no `ndarray()` per item, no stacking.
 */
export function timesTwoIntoOutput(row: NDArray, _options: object, context: ItemContext): NDArray {
  const size = row.shape[0]!;
  const source = row.data as Float32Array;
  const out = context.output([size], 'float32');
  const target = out.data as Float32Array;
  for (let i = 0, j = row.offset, k = out.offset; i < size; i++, j += row.stride[0]!, k++) target[k] = source[j]! * 2;
  return out;
}

/** Sum of a 1-D numeric component. */
function sumOf(values: NDArray): number {
  let total = 0;
  for (let i = 0; i < values.shape[0]!; i++) total += values.get(i) as number;
  return total;
}

interface TableData {
  dataset: Dataset<TableBatch>;
  x: Float32Array;
  y: Int32Array;
  expectedSum: number;
}

function makeDataset(): TableData {
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
  return { dataset: new Dataset(ITEMS, { batchClass: TableBatch, preloaded: { x, y } }), x: x.data, y: y.data, expectedSum };
}

/** What the plain loop leaves behind for its check. */
interface PlainLoopOutput {
  sum: number;
  /** The last batch's first id and its doubled row (kept so the work cannot be optimised away). */
  lastId: number;
  lastDoubled: Float32Array;
}

/**
 * The pipeline's work written by hand: the same shuffled batches (the index generator with the run's
 * shuffle seed), the rows of x and y gathered into new arrays, x * 2 into a new array, y summed.
 */
function plainLoop(data: TableData, batchSize: number, shuffle: number): PlainLoopOutput {
  const { x: xData, y: yData } = data;
  const output: PlainLoopOutput = { sum: 0, lastId: -1, lastDoubled: new Float32Array(0) };
  for (const batch of data.dataset.index.genBatch({ batchSize, nEpochs: 1, shuffle })) {
    const ids = batch.indices as readonly number[];
    const n = ids.length;
    const x = new Float32Array(n * WIDTH);
    const y = new Int32Array(n);
    for (let k = 0; k < n; k++) {
      const row = ids[k]!;
      for (let j = 0, from = row * WIDTH, to = k * WIDTH; j < WIDTH; j++) x[to + j] = xData[from + j]!;
      y[k] = yData[row]!;
    }
    const doubled = new Float32Array(n * WIDTH);
    for (let i = 0; i < doubled.length; i++) doubled[i] = x[i]! * 2;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += y[k]!;
    output.sum += sum;
    output.lastId = ids[0]!;
    output.lastDoubled = doubled;
  }
  return output;
}

/** The plain loop as a variant of {@link measureAlternating}. */
function plainLoopVariant(data: TableData, batchSize: number): AlternatingVariant<null> {
  let output: PlainLoopOutput | null = null;
  return {
    setup: () => null,
    body: () => (output = plainLoop(data, batchSize, 42)),
    check: () => {
      const { sum, lastId, lastDoubled } = output!;
      assertBench(sum === data.expectedSum, `C plain loop: sum of y is ${sum}, expected ${data.expectedSum}`);
      assertBench(lastDoubled[WIDTH - 1] === data.x[lastId * WIDTH + WIDTH - 1]! * 2, 'C plain loop: x * 2 is wrong');
    },
  };
}

async function pipelineThroughput(settings: BenchSettings, batchSize: number): Promise<WorkloadResult[]> {
  const data = makeDataset();
  const { dataset, expectedSum } = data;
  const template = dataset.p
    .initVariable('s', 0)
    .applyParallel(timesTwo, { src: 'x', target: 'for' })
    .update(V('s'), V<number>('s').add(F(sumOf, B('y'))));
  const intoOutput = dataset.p
    .initVariable('s', 0)
    .applyParallel(timesTwoIntoOutput, { src: 'x', target: 'for' })
    .update(V('s'), V<number>('s').add(F(sumOf, B('y'))));
  // the pipeline, the same run with profile: true (issue #15: its cost < 5% of the run) and the plain loop,
  // run by run in turn, so that drift of the machine does not show as a difference between them
  const [stats, profiled, plain, outputStats] = (await measureAlternating(settings, [
    {
      setup: () => template.withConfig({}),
      body: (p: typeof template) => p.run({ batchSize, nEpochs: 1, shuffle: 42 }),
      check: (p: typeof template) => assertBench(p.v('s') === expectedSum, `C: sum of y is ${String(p.v('s'))}, expected ${expectedSum}`),
    },
    {
      setup: () => template.withConfig({}),
      body: (p: typeof template) => p.run({ batchSize, nEpochs: 1, shuffle: 42, profile: true }),
      check: (p: typeof template) => assertBench(p.profileInfo().batches === Math.ceil(ITEMS / batchSize), 'C: the profile misses batches'),
    },
    plainLoopVariant(data, batchSize),
    {
      setup: () => intoOutput.withConfig({}),
      body: (p: typeof intoOutput) => p.run({ batchSize, nEpochs: 1, shuffle: 42 }),
      check: (p: typeof intoOutput) => assertBench(p.v('s') === expectedSum, `C: sum of y is ${String(p.v('s'))}, expected ${expectedSum}`),
    },
  ])) as [Stats, Stats, Stats, Stats];
  const itemsPerSecond = (ITEMS / stats.median) * 1000;
  const reference = batchSize === 1000 ? baseline.C_batch1000 : baseline.C_batch100;
  const profileOverhead = round(profiled.median / stats.median - 1, 4);
  const ratioToPlainLoop = round(stats.median / plain.median, 3);
  const plainLoopTarget = { text: 'pipeline ≤ 3× the plain loop', met: ratioToPlainLoop <= 3 };
  const pipelineResult: WorkloadResult = {
    workload: 'C',
    name: `pipeline over ${ITEMS.toLocaleString('en-US')} items (load, applyParallel x*2, update sum y), batch ${batchSize}, shuffled`,
    engine: 'for',
    unit: 'ms/epoch',
    ...roundStats(stats),
    itemsPerSecond: Math.round(itemsPerSecond),
    batchflow: { itemsPerSecond: reference.value },
    ratio: round(ratioOf(reference, itemsPerSecond), 3),
    target: { text: batchSize === 1000 ? '≥ 1,000,000 items/s' : '≥ 600,000 items/s', met: itemsPerSecond >= (batchSize === 1000 ? 1_000_000 : 600_000) },
    plainLoop: { median: round(plain.median) },
    ratioToPlainLoop,
    plainLoopTarget,
    profiled: { median: round(profiled.median), overhead: profileOverhead, target: { text: 'profile: true costs < 5%', met: profileOverhead < 0.05 } },
  };
  const plainResult: WorkloadResult = {
    workload: 'C',
    name: `plain loop: the same batches gathered by hand, x*2, sum y, batch ${batchSize}, shuffled`,
    engine: 'none',
    unit: 'ms/epoch',
    ...roundStats(plain),
    ratioToPlainLoop,
    target: plainLoopTarget,
  };
  const outputRatio = round(outputStats.median / plain.median, 3);
  const outputResult: WorkloadResult = {
    workload: 'C',
    name: `the same pipeline, its item function computing into context.output (no array per item), batch ${batchSize}, shuffled`,
    engine: 'for',
    unit: 'ms/epoch',
    ...roundStats(outputStats),
    itemsPerSecond: Math.round((ITEMS / outputStats.median) * 1000),
    plainLoop: { median: round(plain.median) },
    ratioToPlainLoop: outputRatio,
  };
  return [pipelineResult, plainResult, outputResult];
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
    return [...(await pipelineThroughput(settings, 1000)), ...(await pipelineThroughput(settings, 100))];
  },
};

export const workloadIndex: Workload = {
  id: 'D',
  title: 'DatasetIndex genBatch over 1,000,000 ids',
  async run(settings) {
    return [await indexIteration(settings)];
  },
};
