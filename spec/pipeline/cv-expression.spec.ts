/**
 * `dataset.CV(fold)`: a named expression choosing a cross-validation fold lazily, usable as a
 * pipeline's dataset that follows the config at every run.
 */
import { describe, expect, test } from '@jest/globals';
import { B, BatchflowError, C, Dataset, ExpressionError, Pipeline, V } from '../../src/index.js';
import { ImagesBatch, imagesData, range } from './fixtures/batches.js';

describe('CV', () => {
  test('a pipeline on ds.CV(C("fold")).train runs on the train part of the fold its config names', async () => {
    const ds = new Dataset(30);
    ds.cvSplit({ nSplits: 2 });
    const template = new Pipeline()
      .initVariable('indices', [])
      .update(V('indices', 'a'), B('indices').item(0))
      .withDataset(ds.CV(C('fold')).train);
    const seen: unknown[] = [];
    for (const fold of [0, 1]) {
      const p = template.withConfig({ fold });
      await p.run({ batchSize: 1, nEpochs: 1 });
      seen.push(p.v('indices'));
      expect(p.dataset).toBe(ds.cv(fold).train);
    }
    expect(seen).toEqual([range(15, 30), range(0, 15)]);
  });

  test('the same pipeline object follows a config change between runs; .test gives the fold', async () => {
    const ds = new Dataset(9);
    ds.cvSplit({ nSplits: 3 });
    const p = new Pipeline({ config: { fold: 2 } })
      .initVariable('indices', [])
      .update(V('indices', 'e'), B('indices'))
      .withDataset(ds.CV(C('fold')).test);
    await p.run({ batchSize: 2, nEpochs: 1 });
    expect(p.v('indices')).toEqual([6, 7, 8]);
    p.config.update({ fold: 0 });
    await p.run({ batchSize: 2, nEpochs: 1, reset: 'all' });
    expect(p.v('indices')).toEqual([0, 1, 2]);
  });

  test('a typed expression keeps the batch class: the pipeline records its actions', async () => {
    const ds = new Dataset(6, { batchClass: ImagesBatch, preloaded: imagesData(6) });
    ds.cvSplit({ nSplits: 3 });
    const labels: number[] = [];
    const p = ds.p
      .withDataset(ds.CV(1).train)
      .addToLabels(10)
      .call((batch: ImagesBatch) => void labels.push(...Array.from({ length: batch.size }, (_, i) => batch.labels.get(i) as number)), B());
    await p.run({ batchSize: 4, nEpochs: 1 });
    expect(labels).toEqual([10, 11, 14, 15]);
    expect(String(ds.CV(C('fold')).train)).toBe("CV(C('fold')).train");
  });

  test('a fold that is not an integer or does not exist is an error naming the expression', () => {
    const ds = new Dataset(6);
    expect(() => ds.CV(C('fold')).get({})).toThrow(ExpressionError);
    ds.cvSplit({ nSplits: 3 });
    expect(() => ds.CV(3).train.get({})).toThrow(/expected a fold number from 0 to 2, got 3/);
    expect(() => ds.CV(1.5).get({})).toThrow(/CV\(1.5\).*integer fold number/);
    const noSplit = new Dataset(4);
    expect(() => noSplit.CV(0).get({})).toThrow(BatchflowError);
  });
});
