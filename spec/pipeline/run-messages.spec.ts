/**
 * What a run says when it cannot start or yields nothing: a missing batchSize, a run without options,
 * nEpochs/nIters 0 (nothing runs, nothing is reported), every batch discarded (said so, with the count).
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { ArgumentError, B, Dataset, PipelineError, SkipBatch, V } from '../../src/index.js';
import { ImagesBatch, imagesData } from './fixtures/batches.js';

const imagesDataset = (n = 10): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

/** The messages of the warnings emitted while `body` runs. */
async function warningsOf(body: () => Promise<unknown>): Promise<string[]> {
  const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    await body();
    return warn.mock.calls.map((call) => String(call[0]));
  } finally {
    warn.mockRestore();
  }
}

afterEach(() => {
  jest.restoreAllMocks();
});

describe('a run without batchSize', () => {
  test('run({}) says that batchSize is required', async () => {
    const run = imagesDataset().p.run({});
    await expect(run).rejects.toBeInstanceOf(ArgumentError);
    await expect(imagesDataset().p.run({})).rejects.toThrow(/^batchSize: is required/);
  });

  test('run({ nEpochs: 2 }) without batchSize says so too, not "needs a lazy run"', async () => {
    await expect(imagesDataset().p.run({ nEpochs: 2 })).rejects.toThrow(/batchSize: is required/);
    await expect(imagesDataset().p.run({ nEpochs: 2 })).rejects.not.toThrow(/lazy/);
  });

  test('run() with no options and no lazy run explains both ways', async () => {
    await expect(imagesDataset().p.run()).rejects.toBeInstanceOf(PipelineError);
    await expect(imagesDataset().p.run()).rejects.toThrow(/run\(\{ batchSize: 32 \}\).*lazy: true/);
  });
});

describe('runs that ask for no batches', () => {
  test('nEpochs: 0 runs nothing (no batch, no before/after) and warns nothing', async () => {
    const calls: string[] = [];
    const pipeline = imagesDataset()
      .p.before((once) => once.call(() => calls.push('before')))
      .call(() => calls.push('batch'))
      .after((once) => once.call(() => calls.push('after')));
    const warnings = await warningsOf(() => pipeline.run({ batchSize: 4, nEpochs: 0 }));
    expect(calls).toEqual([]);
    expect(warnings).toEqual([]);
  });

  test('nIters: 0 is the same', async () => {
    const warnings = await warningsOf(() => imagesDataset().p.run({ batchSize: 4, nIters: 0 }));
    expect(warnings).toEqual([]);
  });
});

describe('runs whose batches were all dropped or discarded', () => {
  test('a batch larger than the dataset is an error naming batchSize (with or without dropLast), not a warning', async () => {
    await expect(imagesDataset(5).p.run({ batchSize: 8, dropLast: true })).rejects.toThrow(/^batchSize: .*8 > 5/);
  });

  test('every batch raising SkipBatch: says that all of them were discarded', async () => {
    const skip = (): never => {
      throw new SkipBatch();
    };
    const warnings = await warningsOf(() => imagesDataset(10).p.call(skip).run({ batchSize: 4 }));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/all 3 batches were discarded/);
    expect(warnings[0]).not.toMatch(/exhausted|restart/);
  });

  test('discardBatch on every batch says the same, with the count', async () => {
    const pipeline = imagesDataset(10)
      .p.initVariable('n', 0)
      .update(V('n'), V<number>('n').add(B('size')))
      .discardBatch();
    const warnings = await warningsOf(() => pipeline.run({ batchSize: 5 }));
    expect(pipeline.v<number>('n')).toBe(10);
    expect(warnings).toEqual([expect.stringMatching(/all 2 batches were discarded/)]);
  });

  test('a run that yields batches warns nothing', async () => {
    const warnings = await warningsOf(() => imagesDataset(10).p.run({ batchSize: 4, dropLast: true }));
    expect(warnings).toEqual([]);
  });
});
