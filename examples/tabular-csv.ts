/**
 * Example (b), `npm run example:tabular-csv`: a tabular pipeline over a CSV file — linear regression by
 * mini-batch gradient descent, with the model held in pipeline variables.
 *
 * 1. Writes `customers.csv` (600 rows: an id column, four features x0..x3 on very different scales,
 *    a text column and the target y) into a temp folder with plain `fs`.
 * 2. Reads the file once into a Dataset (`Dataset.fromTable`): the ids are the file's id column, the
 *    columns x0..x3 are reassembled into one n×4 component `x`, and y is `y`. Splits it 80/20 (shuffled)
 *    into train and test.
 * 3. Takes the train rows as one batch to get each feature's mean and std, which go into the pipeline
 *    config.
 * 4. The train pipeline gets each batch's rows cropped from memory by id (no file read per batch),
 *    standardises them, predicts, and updates the model variable
 *    `params` and a running mean of the loss. It runs 6 epochs, each in a new shuffled order; after
 *    each epoch a test pipeline reads the trained `params` from the train pipeline.
 * 5. Prints the losses per epoch and the learned coefficients (checked against the true ones), then
 *    removes the temp folder.
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Batch, B, C, Dataset, F, Rng, V, applyParallel, type NDArray } from '../src/index.js';
import { runMain } from './run-main.js';

/** The true model behind the generated target: y = 3·x0 − 2·x1 + 0.5·x2 + 0·x3 + 4 + noise. */
const TRUE_WEIGHTS = [3, -2, 0.5, 0];
const TRUE_BIAS = 4;
const ROWS = 600;

/** Linear-model parameters (a pipeline variable). */
interface Params {
  w: number[];
  b: number;
}

/** Rows of the table: `x` (n×4 features, from the columns x0..x3) and `y` (n targets). */
export class TabularBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: Float64Array;

  /** (row − mean) / std, per feature. */
  @applyParallel({ src: 'x', summary: 'Standardises feature rows.' })
  standardize(row: NDArray, options: { mean: number[]; std: number[] }): Float64Array {
    return Float64Array.from(options.mean, (mean, j) => ((row.get(j) as number) - mean) / options.std[j]!);
  }

  /** w·row + b for one row; the results go to a new component `pred`. */
  @applyParallel({ src: 'x', dst: 'pred', summary: 'Predicts with a linear model.' })
  predict(row: NDArray, options: { params: Params }): number {
    let sum = options.params.b;
    for (let j = 0; j < options.params.w.length; j++) sum += options.params.w[j]! * (row.get(j) as number);
    return sum;
  }
}

const column = (values: NDArray | Float64Array): number[] =>
  'shape' in values ? Array.from({ length: values.shape[0]! }, (_, i) => values.get(i) as number) : Array.from(values);

/** Mean squared error of a batch. */
function mse(pred: NDArray, y: Float64Array): number {
  const p = column(pred);
  return p.reduce((sum, v, i) => sum + (v - y[i]!) ** 2, 0) / p.length;
}

/** One gradient-descent step on the batch's MSE; returns new parameters. */
function sgdStep(params: Params, x: NDArray, pred: NDArray, y: Float64Array, lr: number): Params {
  const n = x.shape[0]!;
  const p = column(pred);
  const w = params.w.slice();
  let b = params.b;
  for (let i = 0; i < n; i++) {
    const error = (2 * (p[i]! - y[i]!)) / n;
    for (let j = 0; j < w.length; j++) w[j]! -= lr * error * (x.get(i, j) as number);
    b -= lr * error;
  }
  return { w, b };
}

/** An exponential running mean (null before the first value). */
const runningMean = (previous: number | null, value: number): number => (previous === null ? value : 0.8 * previous + 0.2 * value);

/** Writes the CSV: an id column (customer ids 1001…), x0..x3, a text column, y. */
function writeCsv(file: string): void {
  const rng = new Rng(5);
  const regions = ['north', 'south', 'east', 'west'];
  const lines = ['id,x0,x1,x2,x3,region,y'];
  for (let i = 0; i < ROWS; i++) {
    const x = [rng.uniform(0, 10), rng.normal(50, 10), rng.uniform(-1, 1), rng.normal(0, 1)];
    const y = x.reduce((sum, v, j) => sum + TRUE_WEIGHTS[j]! * v, TRUE_BIAS) + rng.normal(0, 0.1);
    lines.push([1001 + i, ...x.map((v) => v.toFixed(6)), regions[i % 4], y.toFixed(6)].join(','));
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'batchflow-tabular-'));
  try {
    const src = path.join(dir, 'customers.csv');
    writeCsv(src);
    // parsed once: ids from the id column, x0..x3 → one n×4 component x; batches are cropped from memory
    const dataset = await Dataset.fromTable(src, { fmt: 'csv', batchClass: TabularBatch });
    console.log(
      `tabular-csv: wrote ${dataset.length} rows (id, x0..x3, region, y) to ${path.basename(src)} in a temp folder; ids ${String(dataset.indices[0])}…`,
    );

    dataset.split(0.8, { shuffle: 42 });
    const train = dataset.train!;
    const test = dataset.test!;
    console.log(`split: ${train.length} train rows, ${test.length} test rows (shuffled, seed 42)`);

    // feature statistics from the train rows only: one batch of all of them
    const all = train.createBatch(train.indices);
    const features = all.x.shape[1]!;
    const mean = Array.from({ length: features }, (_, j) => column(all.x.pick(null, j)).reduce((a, b) => a + b, 0) / all.size);
    const std = mean.map((m, j) => Math.sqrt(column(all.x.pick(null, j)).reduce((a, v) => a + (v - m) ** 2, 0) / all.size));
    console.log(`train features: means ${mean.map((v) => v.toFixed(2)).join(', ')}; stds ${std.map((v) => v.toFixed(2)).join(', ')}`);

    const config = { lr: 0.1, mean, std };
    const trainPipeline = train
      .pipeline(config)
      .initVariables({ params: { w: new Array<number>(features).fill(0), b: 0 }, runningLoss: null, steps: 0 })
      .standardize({ mean: C('mean'), std: C('std') })
      .predict({ params: V('params') })
      .update(V('runningLoss'), F(runningMean, V('runningLoss'), F(mse, B('pred'), B('y'))))
      .update(V('params'), F(sgdStep, V('params'), B('x'), B('pred'), B('y'), C('lr')))
      .update(V('steps'), V<number>('steps').add(1));

    const testPipeline = test
      .pipeline(config)
      .initVariable('losses', [])
      .standardize({ mean: C('mean'), std: C('std') })
      .predict({ params: F(() => trainPipeline.v('params')) }) // the trained model, read per batch
      .update(V('losses', 'a'), F(mse, B('pred'), B('y')));

    for (let epoch = 1; epoch <= 6; epoch++) {
      await trainPipeline.run({ batchSize: 32, nEpochs: 1, shuffle: epoch, dropLast: true }); // variables persist across runs
      await testPipeline.run({ batchSize: 60, reset: 'all' });
      const losses = testPipeline.v<number[]>('losses');
      const testLoss = losses.reduce((a, b) => a + b, 0) / losses.length;
      console.log(
        `epoch ${epoch}: ${trainPipeline.v<number>('steps')} steps, running train loss ${trainPipeline.v<number>('runningLoss').toFixed(4)}, test MSE ${testLoss.toFixed(4)}`,
      );
    }

    // back from standardised features to the original scale: w_j / std_j, b − Σ w_j·mean_j / std_j
    const params = trainPipeline.v<Params>('params');
    const weights = params.w.map((w, j) => w / std[j]!);
    const bias = params.w.reduce((b, w, j) => b - (w * mean[j]!) / std[j]!, params.b);
    const formula = (w: number[], b: number, digits: number): string =>
      `${w.map((v, j) => `${j === 0 ? '' : v < 0 ? ' − ' : ' + '}${Math.abs(v).toFixed(digits)}·x${j}`).join('')}${b < 0 ? ' − ' : ' + '}${Math.abs(b).toFixed(digits)}`;
    console.log(`learned: y ≈ ${formula(weights, bias, 3)}`);
    const close = weights.every((w, j) => Math.abs(w - TRUE_WEIGHTS[j]!) < 0.05) && Math.abs(bias - TRUE_BIAS) < 0.3;
    console.log(`true:    y = ${formula(TRUE_WEIGHTS, TRUE_BIAS, 1)} → ${close ? 'recovered' : 'NOT recovered'}`);
    if (!close) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await runMain(import.meta.url, main);
