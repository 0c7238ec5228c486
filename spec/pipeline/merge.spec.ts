/**
 * `pipeline.merge(...pipelines, options)`: for each batch, every merged pipeline gives its next batch
 * (with its lazy run) and the batch merged with them replaces the batch. Batch number n always gets
 * the n-th batches (also with prefetch), a pipeline that runs out is a PipelineError naming it, a
 * checkpointed run is refused before any work, and merge works on workers and in profiles.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Batch, CheckpointError, PipelineError, type MergeFunction, type Pipeline, type RunOptionsInput } from '../../src/index.js';
import { itemsDataset, jitterThenMerge, mergeSource, type ItemsBatch } from './fixtures/join-batches.js';
import { toList } from './fixtures/batches.js';

interface Seen {
  ids: unknown[];
  x: number[];
}

async function collect(pipeline: Pipeline<ItemsBatch>, options: RunOptionsInput): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const batch of pipeline.genBatch(options)) seen.push({ ids: [...batch.indices], x: toList(batch.x) as number[] });
  return seen;
}

describe('merge: sizes and values', () => {
  test("each batch is followed by the merged pipeline's next batch (its lazy run, continued across batches)", async () => {
    const other = itemsDataset(8).p.shift(1000).run({ batchSize: 2, nEpochs: null, lazy: true });
    const seen = await collect(itemsDataset(6).p.merge(other).shift(1), { batchSize: 3, nEpochs: 1 });
    expect(seen).toEqual([
      { ids: [0, 1, 2, 3, 4], x: [1, 11, 21, 1001, 1011] },
      { ids: [0, 1, 2, 3, 4], x: [31, 41, 51, 1021, 1031] },
    ]);
  });

  test('several pipelines are merged in order; the options choose the components and the merge function', async () => {
    const first = itemsDataset(4).p.shift(100).run({ batchSize: 1, lazy: true });
    const second = itemsDataset(4).p.shift(200).run({ batchSize: 2, lazy: true });
    const plain = await collect(itemsDataset(4).p.merge(first, second, { components: ['x'] }), { batchSize: 2, nEpochs: 1 });
    expect(plain.map((batch) => batch.x)).toEqual([
      [0, 10, 100, 200, 210],
      [20, 30, 110, 220, 230],
    ]);
    const calls: number[][] = [];
    const reversed: MergeFunction = (batches, options) => {
      calls.push([...batches.map((batch) => batch.size), options.batchSize]);
      return Batch.merge([...batches].reverse(), options);
    };
    const third = itemsDataset(4).p.shift(100).run({ batchSize: 1, lazy: true });
    const custom = await collect(itemsDataset(4).p.merge(third, { merge: reversed }), { batchSize: 2, nEpochs: 1 });
    expect(custom.map((batch) => batch.x)).toEqual([
      [100, 0, 10],
      [110, 20, 30],
    ]);
    expect(calls).toEqual([
      [2, 1, 3],
      [2, 1, 3],
    ]);
  });

  test('the same seeds give the same merged batches; randomness after the merge goes on from the batch generator', async () => {
    const build = (): Pipeline<ItemsBatch> => itemsDataset(8).p.jitter().merge(mergeSource()).jitter();
    const first = await collect(build(), { batchSize: 2, nEpochs: 1, shuffle: 6 });
    const second = await collect(build(), { batchSize: 2, nEpochs: 1, shuffle: 6 });
    expect(second).toEqual(first);
    expect(first.map((batch) => batch.x.length)).toEqual([4, 4, 4, 4]);
    expect(new Set(first.flatMap((batch) => batch.x.map((x) => Math.floor(x / 10)))).size).toBe(16);
  });

  test('with prefetch, batch n still gets the n-th batches of the merged pipeline', async () => {
    const build = (): Pipeline<ItemsBatch> => itemsDataset(12).p.settle().merge(mergeSource()).jitter();
    const expected = await collect(build(), { batchSize: 2, nEpochs: 1, shuffle: 2 });
    const prefetched = await collect(build(), { batchSize: 2, nEpochs: 1, shuffle: 2, prefetch: 4 });
    expect(prefetched).toEqual(expected);
  });
});

describe('merge: errors and limits', () => {
  test('a merged pipeline that runs out: a PipelineError naming it and the batch', async () => {
    const short = itemsDataset(2).p.run({ batchSize: 2, nEpochs: 1, lazy: true });
    const pipeline = itemsDataset(6).p.merge(itemsDataset(4).p.run({ batchSize: 2, lazy: true }), short);
    await expect(pipeline.run({ batchSize: 2, nEpochs: 1 })).rejects.toThrow(/merge pipeline #1 ran out of batches at batch 2 of this run/);
  });

  test('a merged pipeline without a lazy run: a PipelineError naming it', async () => {
    const pipeline = itemsDataset(4).p.merge(itemsDataset(4).p);
    const error = await pipeline.run({ batchSize: 2, nEpochs: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineError);
    expect((error as Error).message).toMatch(/merge pipeline #0 could not give its next batch: a run without arguments needs a lazy run/);
  });

  test('merge takes pipelines and one options object last', () => {
    const merge = itemsDataset(4).p.merge as unknown as (...args: unknown[]) => unknown;
    expect(() => merge.call(itemsDataset(4).p, itemsDataset(4))).toThrow(/pipelines\[0\].*got an object of class Dataset/);
    expect(() => merge.call(itemsDataset(4).p, {})).toThrow(/at least one pipeline/);
    expect(() => merge.call(itemsDataset(4).p, mergeSource(), { merge: 3 })).toThrow(/merge.*expected a function/);
  });

  test('a checkpointed or resumed run with merge: a CheckpointError before any batch is made', async () => {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-merge-spec-'));
    try {
      const pulled = jest.fn((batch: ItemsBatch) => batch);
      const pipeline = itemsDataset(4).p.merge(itemsDataset(4).p.call(pulled).run({ batchSize: 2, lazy: true }));
      const file = path.join(folder, 'merge.json');
      await expect(pipeline.run({ batchSize: 2, nEpochs: 1, checkpoint: { path: file, every: 1 } })).rejects.toThrow(CheckpointError);
      await expect(pipeline.run({ batchSize: 2, nEpochs: 1, resume: file })).rejects.toThrow(/merge cannot be checkpointed or resumed/);
      expect(pulled).not.toHaveBeenCalled();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('merge on workers and in profiles', () => {
  test("on 'threads' workers the merge and what follows run on the calling thread, with the same batches as 'for'", async () => {
    const expected = await collect(itemsDataset(8).p.jitter().merge(mergeSource()).jitter(), { batchSize: 2, nEpochs: 1, shuffle: 3 });
    const onThreads = await collect(jitterThenMerge, { batchSize: 2, nEpochs: 1, shuffle: 3, target: 'threads', nWorkers: 2, prefetch: 2 });
    expect(onThreads).toEqual(expected);
  }, 60_000);

  test('profile: true times the merge step like any other', async () => {
    const pipeline = itemsDataset(6).p.merge(mergeSource());
    await pipeline.run({ batchSize: 3, nEpochs: 1, profile: true });
    expect(pipeline.profileInfo().rows.find((row) => row.name === 'merge')?.calls).toBe(2);
  });
});
