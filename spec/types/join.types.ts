/**
 * Compile-only type tests of `pipeline.join(...)` and `pipeline.merge(...)`: the action after a join
 * drops the joined batches' parameters, a misspelled or unfitting action after a join is an error,
 * and merge takes pipelines and an options object. Checked by `tsc -p . --noEmit`; never run.
 */
import { Batch, C, Dataset, type JoinedPipeline, type Pipeline } from '../../src/index.js';
import { itemsDataset, labelsDataset, type ItemsBatch, type LabelsBatch } from '../pipeline/fixtures/join-batches.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

/** Never called: tsc only type-checks it. */
export function joinTypeChecks(): void {
  const items = itemsDataset(4);
  const labels = labelsDataset(4);
  const labelsPipeline = labels.p.times({ factor: 2 });

  // the joined batch fills `labels`: the recorded call gives the other parameters
  const joined = items.p.join(labels);
  assertType<Equal<typeof joined, JoinedPipeline<ItemsBatch, [LabelsBatch]>>>();
  const recorded: Pipeline<ItemsBatch> = joined.addLabels(2);
  recorded.shift(1);
  items.p.join(labels).addLabels();
  items.p.join(labelsPipeline).addLabels(3);
  items.p.join(labels, labelsPipeline).sumLabels();
  items.p.join(labels).addLabels(C('scale'));
  // a named expression typed to give a source gives that source's batches; an untyped one gives a Batch
  items.p.join(C<Dataset<LabelsBatch>>('labels')).addLabels(2);
  assertType<Equal<'addLabels' extends keyof JoinedPipeline<ItemsBatch, [Batch]> ? true : false, false>>();
  // @ts-expect-error - addLabels needs a LabelsBatch, an untyped C('labels') gives some Batch
  items.p.join(C('labels')).addLabels(2);

  // @ts-expect-error - a misspelled action after join
  items.p.join(labels).addLabelz(2);
  // @ts-expect-error - the joined parameter is not given again
  items.p.join(labels).addLabels(labels.createBatch([0]), 2);
  // @ts-expect-error - scale is a number
  items.p.join(labels).addLabels('2');
  // @ts-expect-error - shift's first parameter is a number, not a joined batch
  items.p.join(labels).shift(1);
  // @ts-expect-error - a parallel action takes no joined batch
  items.p.join(labels).jitter();
  // @ts-expect-error - two joined batches: sumLabels takes both, addLabels only one
  items.p.join(labels, labels).addLabels(1);
  // @ts-expect-error - only a batch action may follow join
  items.p.join(labels).update(C('a'), 1);
  // @ts-expect-error - join takes Datasets, Pipelines or named expressions
  items.p.join(42);
  // @ts-expect-error - a dataset of another batch class does not fit addLabels
  items.p.join(new Dataset(4, { batchClass: Batch })).addLabels(1);

  // merge: pipelines, then an options object
  const other = itemsDataset(4).p.shift(1).run({ batchSize: 2, lazy: true });
  const merged: Pipeline<ItemsBatch> = items.p.merge(other);
  items.p.merge(other, other, { components: ['x'] });
  items.p.merge(other, { merge: (batches) => [batches[0]!, null] });
  // @ts-expect-error - merge takes pipelines
  items.p.merge(labels);
  // @ts-expect-error - unknown merge option
  items.p.merge(other, { batchSize: 4 });
  merged.shift(1);
}
