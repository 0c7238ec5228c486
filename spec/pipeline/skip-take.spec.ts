/**
 * `pipeline.skip(n)` and `pipeline.take(n)`: batch counts per run and per stage, deterministic with
 * seeds and prefetch.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ArgumentError, B, Dataset, V } from '../../src/index.js';
import { ImagesBatch, imagesData, toList } from './fixtures/batches.js';

const dataset = (n = 10): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

async function idsOf(batches: AsyncIterable<ImagesBatch>): Promise<unknown[]> {
  const ids: unknown[] = [];
  for await (const batch of batches) ids.push(batch.indices);
  return ids;
}

describe('skip', () => {
  test('drops the first n batches of each run', async () => {
    const p = dataset().p.skip(3);
    const expected = [
      [6, 7],
      [8, 9],
    ];
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual(expected);
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1, prefetch: 2 }))).toEqual(expected);
  });

  test('batch k has the same seed and values with and without skip', async () => {
    const labels = async (skip: number, prefetch: number): Promise<number[][]> => {
      const out: number[][] = [];
      let p = dataset(12).p;
      if (skip > 0) p = p.skip(skip);
      p = p.jitter({}).call((batch: ImagesBatch) => void out.push(toList(batch.labels) as number[]), B());
      await p.run({ batchSize: 3, nEpochs: 1, shuffle: 5, seed: 11, prefetch });
      return out;
    };
    const full = await labels(0, 0);
    expect(full).toHaveLength(4);
    expect(await labels(2, 0)).toEqual(full.slice(2));
    expect(await labels(2, 3)).toEqual(full.slice(2));
  });

  test('steps recorded before skip still run on the skipped batches', async () => {
    const p = dataset().p.initVariable('before', 0).update(V('before'), V<number>('before').add(1)).skip(4);
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual([[8, 9]]);
    expect(p.v('before')).toBe(5);
  });

  test('after a rebatch it counts the batches of that stage', async () => {
    const p = dataset(12).p.rebatch(4).skip(1);
    const sizes: number[] = [];
    for await (const batch of p.genBatch({ batchSize: 3, nEpochs: 1 })) sizes.push(batch.size);
    expect(sizes).toEqual([4, 4]);
  });
});

describe('take', () => {
  test('ends each run after n batches, and the after pipeline runs', async () => {
    const p = dataset()
      .p.take(2)
      .after((once) => once.update(V('done'), true));
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(p.v('done')).toBe(true);
    expect(await idsOf(p.genBatch({ batchSize: 3, nEpochs: null }))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  test('recorded first, the batches after the n-th are not even made (also with prefetch)', async () => {
    const ds = dataset();
    const made = jest.spyOn(ds, 'createBatch');
    const ids = await idsOf(ds.p.take(2).addToLabels(1).genBatch({ batchSize: 2, nEpochs: 1, prefetch: 4 }));
    expect(ids).toHaveLength(2);
    expect(made).toHaveBeenCalledTimes(2);
  });

  test('after other steps, with prefetch: exactly the first n batches, in order', async () => {
    const p = dataset(20).p.randomDelay(3).take(3);
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1, prefetch: 3 }))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  test('skip then take: a window of batches', async () => {
    const p = dataset(20).p.skip(2).take(4);
    expect(await idsOf(p.genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual([
      [4, 5],
      [6, 7],
    ]);
  });

  test('after a rebatch it counts the re-cut batches', async () => {
    const sizes: number[] = [];
    for await (const batch of dataset(40).p.rebatch(8).take(2).genBatch({ batchSize: 3, nEpochs: 1 })) sizes.push(batch.size);
    expect(sizes).toEqual([8, 8]);
  });

  test('a resumed run counts from its checkpoint: take(n) counts over the whole run', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-take-spec-'));
    try {
      const file = path.join(folder, 'run.json');
      const p = dataset(20).p.take(7);
      let consumed = 0;
      for await (const _batch of p.genBatch({ batchSize: 2, nEpochs: 1, checkpoint: { path: file, every: 3 } })) if (++consumed === 4) break;
      expect(await idsOf(dataset(20).p.take(7).genBatch({ batchSize: 2, nEpochs: 1, resume: file }))).toEqual([
        [6, 7],
        [8, 9],
        [10, 11],
        [12, 13],
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  test('take(0) gives no batch', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      expect(await idsOf(dataset().p.take(0).genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual([]);
    } finally {
      warn.mockRestore();
    }
  });
});

test('skip and take need a non-negative integer', () => {
  const p = dataset().p;
  expect(() => p.skip(-1)).toThrow(ArgumentError);
  expect(() => p.take(1.5)).toThrow(/count.*non-negative integer/);
  expect(p.skip(1).take(2).toString()).toBe('#0 skip(1)\n#1 take(2)');
});
