/**
 * Compile-only type tests of datasets built from an iterable: the batch type follows `batchClass`,
 * items (and batches of items) are checked against the components a class declares `as const`, and
 * `kind` decides what a source may yield. Checked by `tsc -p . --noEmit`; the function is never called.
 */
import { Batch, Dataset, IterableDataset, zeros, type NDArray } from '../../src/index.js';

export async function typeChecks(): Promise<void> {
  class SensorBatch extends Batch {
    static override components = ['values', 'labels'] as const;
    declare values: NDArray;
    declare labels: NDArray;
  }
  interface Reading {
    values: Float32Array;
    labels: number;
  }
  function* readings(): Generator<Reading> {
    yield { values: new Float32Array(3), labels: 1 };
  }
  async function* asyncReadings(): AsyncGenerator<Reading> {
    yield { values: new Float32Array(3), labels: 1 };
  }

  // the batch type follows batchClass, whatever the source
  const fromFunction: IterableDataset<SensorBatch> = Dataset.fromIterable(() => readings(), { batchClass: SensorBatch });
  const fromAsync: Dataset<SensorBatch> = Dataset.fromIterable(asyncReadings(), { batchClass: SensorBatch });
  const fromArray = new IterableDataset([{ values: zeros([3]), labels: 0 }], { batchClass: SensorBatch });
  for await (const batch of fromFunction.batches({ batchSize: 4, nEpochs: 2, dropLast: true })) {
    const values: NDArray = batch.values;
    void values;
  }
  const pipelineBatch: SensorBatch | null = await fromArray.p.nextBatch({ batchSize: 2 });
  void [fromAsync, pipelineBatch];

  // @ts-expect-error 'value' is not a component of SensorBatch (an item sharing no name with them)
  Dataset.fromIterable([{ value: 1 }], { batchClass: SensorBatch });
  // @ts-expect-error a number is not an item
  Dataset.fromIterable([1, 2, 3], { batchClass: SensorBatch });
  // @ts-expect-error a function source must return an iterable
  Dataset.fromIterable(() => 5, { batchClass: SensorBatch });
  // @ts-expect-error kind is 'items' or 'batches'
  Dataset.fromIterable(() => readings(), { batchClass: SensorBatch, kind: 'rows' });
  // @ts-expect-error batches() needs a batch size
  fromFunction.batches({ nEpochs: 1 });

  // kind 'batches': Batch instances or records of component arrays
  Dataset.fromIterable([new SensorBatch([0, 1]), { values: zeros([2, 3]), labels: [1, 2] }], { batchClass: SensorBatch, kind: 'batches' });

  // without declared components, any record (interfaces too) or Map is an item
  const plain: IterableDataset<Batch> = Dataset.fromIterable(() => readings());
  Dataset.fromIterable([new Map([['x', 1]])]);
  // @ts-expect-error a string is not an item
  Dataset.fromIterable(['a', 'b']);
  void plain;
}
