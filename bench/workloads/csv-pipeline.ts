/**
 * Workload CSV: a pipeline over a 100,000-row CSV file (~4.5 MB: an id column, x0..x3, y), two ways:
 * - load per batch: `Dataset(ids).p.load({ fmt: 'csv', src })`, which parses the whole file for every
 *   batch — timed over a few batches (ms/batch) and projected to one epoch at batch 100;
 * - table dataset: `Dataset.fromTable(src, { fmt: 'csv' })` parses it once (timed), then a whole
 *   shuffled epoch at batch 100 crops every batch from memory (timed, sum of y checked).
 * The file goes to a temp folder removed at the end.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { B, Batch, Dataset, F, V, type NDArray } from '../../src/index.js';
import { assertBench, measure, round, roundStats, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';

const ROWS = 100_000;
const BATCH = 100;
const LOADED_BATCHES = 2;

class RowsBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: Float64Array;
}

function sumOf(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i]!;
  return total;
}

/** Writes the CSV; returns its ids and the sum of y. */
function writeTable(file: string): { ids: number[]; sumY: number } {
  const ids: number[] = [];
  const lines = ['id,x0,x1,x2,x3,y'];
  let sumY = 0;
  for (let i = 0; i < ROWS; i++) {
    const id = 100_000 + 3 * i;
    const x = [Math.sin(i), Math.cos(i) * 10, (i % 977) / 977, (i % 13) - 6];
    const y = i % 1000;
    sumY += y;
    ids.push(id);
    lines.push(`${id},${x.map((v) => v.toFixed(4)).join(',')},${y}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  return { ids, sumY };
}

async function run(settings: BenchSettings): Promise<WorkloadResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-csv-'));
  try {
    const src = path.join(dir, 'rows.csv');
    const { ids, sumY } = writeTable(src);
    const megabytes = round(statSync(src).size / 1e6, 3);
    const batchesPerEpoch = Math.ceil(ROWS / BATCH);
    const countY = (p: { v(name: string): unknown }, expected: number): void => {
      assertBench(p.v('sumY') === expected, `CSV: sum of y is ${String(p.v('sumY'))}, expected ${expected}`);
    };

    // load per batch: every batch parses the whole file
    const perBatchTemplate = new Dataset(ids, { batchClass: RowsBatch }).p
      .initVariable('sumY', 0)
      .load({ fmt: 'csv', src, dst: ['x', 'y'] })
      .update(V('sumY'), V<number>('sumY').add(F(sumOf, B('y'))));
    const loadRuns = await measure(
      settings,
      () => perBatchTemplate.withConfig({}),
      (p) => p.run({ batchSize: BATCH, nIters: LOADED_BATCHES }),
      (p) => countY(p, sumOfFirst(LOADED_BATCHES * BATCH)),
    );
    const perBatch = { ...loadRuns, median: loadRuns.median / LOADED_BATCHES, min: loadRuns.min / LOADED_BATCHES, max: loadRuns.max / LOADED_BATCHES };

    // table dataset: parse once, then crop by id
    const parse = await measure(
      settings,
      () => null,
      () => Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch }),
    );
    const dataset = await Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch });
    assertBench(dataset.length === ROWS && dataset.indices[1] === ids[1], 'CSV: the table dataset does not have the file ids');
    const epochTemplate = dataset.p.initVariable('sumY', 0).update(V('sumY'), V<number>('sumY').add(F(sumOf, B('y'))));
    const epoch = await measure(
      settings,
      () => epochTemplate.withConfig({}),
      (p) => p.run({ batchSize: BATCH, nEpochs: 1, shuffle: 7 }),
      (p) => countY(p, sumY),
    );

    const projectedEpochMs = perBatch.median * batchesPerEpoch;
    const tableEpochMs = parse.median + epoch.median;
    const common = { workload: 'CSV', engine: 'for', megabytes, rows: ROWS, batchSize: BATCH };
    return [
      {
        ...common,
        name: `load({ fmt: 'csv' }) per batch, batch ${BATCH} (${LOADED_BATCHES} batches per run)`,
        unit: 'ms/batch',
        ...roundStats(perBatch),
        projectedEpochSeconds: round(projectedEpochMs / 1000, 3),
      },
      { ...common, name: 'Dataset.fromTable(csv): parse once', unit: 'ms', ...roundStats(parse) },
      {
        ...common,
        name: `table dataset: one shuffled epoch, batch ${BATCH} (${batchesPerEpoch} batches)`,
        unit: 'ms/epoch',
        ...roundStats(epoch),
        msPerBatch: round(epoch.median / batchesPerEpoch, 3),
        speedupPerEpoch: round(projectedEpochMs / tableEpochMs, 3),
        target: { text: 'parse + epoch < 1 load-per-batch batch × 10', met: tableEpochMs < perBatch.median * 10 },
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Sum of y over the first `n` rows (an unshuffled run reads rows in file order). */
function sumOfFirst(n: number): number {
  let total = 0;
  for (let i = 0; i < n; i++) total += i % 1000;
  return total;
}

export const workloadCsvPipeline: Workload = {
  id: 'CSV',
  title: 'CSV pipeline: load per batch vs Dataset.fromTable',
  defaultRuns: 7,
  run,
};
