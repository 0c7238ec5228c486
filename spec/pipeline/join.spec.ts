/**
 * `pipeline.join(...sources)`: for each batch, every source (a Dataset, a Pipeline or a named
 * expression giving one) makes a batch with the same ids, and these batches fill the first
 * parameters of the next action. The record is never changed, a joined pipeline needs no earlier run,
 * missing ids are a MissingIdError naming the source, and join works with shuffle, seeds, checkpoints,
 * batches on workers and profiling.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ndarray from 'ndarray';
import { C, Dataset, MissingIdError, PipelineError, type Pipeline, type RunOptionsInput } from '../../src/index.js';
import { itemsDataset, jitterThenJoin, labelsDataset, LabelsBatch, type ItemsBatch } from './fixtures/join-batches.js';
import { toList } from './fixtures/batches.js';

interface Seen {
  ids: unknown[];
  x: number[];
  label: number[];
}

async function collect(pipeline: Pipeline<ItemsBatch>, options: RunOptionsInput): Promise<Seen[]> {
  const seen: Seen[] = [];
  for await (const batch of pipeline.genBatch(options)) {
    seen.push({ ids: [...batch.indices], x: toList(batch.x) as number[], label: toList(batch.label) as number[] });
  }
  return seen;
}

describe('join: batches with the same ids', () => {
  test('with shuffle, every joined item is the one with the same id (the sources list ids in another order)', async () => {
    // the labels dataset holds ids 0..9 in reverse order: positions differ from ids
    const ids = Array.from({ length: 10 }, (_, k) => 9 - k);
    const labels = new Dataset(ids, { batchClass: LabelsBatch, preloaded: { labels: ndarray(Float64Array.from(ids, (id) => id + 0.5)) } });
    const seen = await collect(itemsDataset(8).p.join(labels).addLabels(2), { batchSize: 3, nEpochs: 1, shuffle: 7 });
    expect(seen.map((batch) => batch.ids.length)).toEqual([3, 3, 2]);
    const order = seen.flatMap((batch) => batch.ids);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(order).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    for (const batch of seen) {
      expect(batch.x).toEqual(batch.ids.map((id) => 10 * (id as number)));
      expect(batch.label).toEqual(batch.ids.map((id) => ((id as number) + 0.5) * 2));
    }
  });

  test('a joined pipeline that never ran makes its batches with its own steps', async () => {
    const labels = labelsDataset(6).p.times({ factor: 10 });
    const seen = await collect(itemsDataset(6).p.join(labels).addLabels(), { batchSize: 4, nEpochs: 1, shuffle: 3 });
    for (const batch of seen) expect(batch.label).toEqual(batch.ids.map((id) => ((id as number) + 0.5) * 10));
  });

  test('several sources fill the first parameters in order; later actions are not given them', async () => {
    const pipeline = itemsDataset(5)
      .p.join(labelsDataset(5), labelsDataset(5).p.times({ factor: 100 }))
      .sumLabels()
      .shift(1);
    const seen = await collect(pipeline, { batchSize: 2, nEpochs: 1 });
    for (const batch of seen) {
      expect(batch.label).toEqual(batch.ids.map((id) => ((id as number) + 0.5) * 101));
      expect(batch.x).toEqual(batch.ids.map((id) => 10 * (id as number) + 1));
    }
  });

  test('a named expression source is evaluated when the step runs', async () => {
    const pipeline = itemsDataset(4)
      .pipeline({ labels: labelsDataset(4) })
      .join(C<Dataset<LabelsBatch>>('labels'))
      .addLabels(C('scale'))
      .withConfig({ scale: 3 });
    const seen = await collect(pipeline as unknown as Pipeline<ItemsBatch>, { batchSize: 4, nEpochs: 1 });
    expect(seen[0]!.label).toEqual([1.5, 4.5, 7.5, 10.5]);
  });

  test('the record is not changed: two runs of one pipeline give the same batches and the same steps', async () => {
    const pipeline = itemsDataset(6).p.join(labelsDataset(6)).addLabels(2);
    const steps = pipeline.toString();
    const first = await collect(pipeline, { batchSize: 2, nEpochs: 2, shuffle: 1 });
    const second = await collect(pipeline, { batchSize: 2, nEpochs: 2, shuffle: 1 });
    expect(second).toEqual(first);
    expect(first).toHaveLength(6);
    for (const batch of first) expect(batch.label).toEqual(batch.ids.map((id) => ((id as number) + 0.5) * 2));
    expect(pipeline.toString()).toBe(steps);
  });

  test('the same seed gives the same joined values; the joined pipeline draws per batch', async () => {
    const build = (): Pipeline<ItemsBatch> => itemsDataset(9).p.join(labelsDataset(9).p.noise()).addLabels();
    const first = await collect(build(), { batchSize: 3, nEpochs: 1, shuffle: 5 });
    const second = await collect(build(), { batchSize: 3, nEpochs: 1, shuffle: 5 });
    expect(second).toEqual(first);
    const noise = first.flatMap((batch) => batch.label.map((label, i) => label - ((batch.ids[i] as number) + 0.5)));
    for (const value of noise) expect(value >= 0 && value < 1).toBe(true);
    expect(new Set(noise).size).toBe(9);
  });

  test("pipeline.createBatch runs the join too, and the joined pipeline's seed option makes it reproducible", async () => {
    const labels = labelsDataset(5).p.noise();
    const a = await labels.createBatch([1, 3], { seed: 4 });
    const b = await labels.createBatch([1, 3], { seed: 4 });
    expect(toList(a!.labels)).toEqual(toList(b!.labels));
    await expect(labels.createBatch([1, 7])).rejects.toThrow(/id 7 not found in the pipeline's dataset/);
    const batch = await itemsDataset(5).p.join(labelsDataset(5)).addLabels(2).createBatch([4, 0]);
    expect(toList(batch!.label)).toEqual([9, 1]);
  });
});

describe('join: errors', () => {
  test('ids a joined Dataset does not have: a MissingIdError naming the source and the ids', async () => {
    const pipeline = itemsDataset(6).p.join(labelsDataset(4)).addLabels();
    const run = pipeline.run({ batchSize: 3, nEpochs: 1 });
    await expect(run).rejects.toThrow(MissingIdError);
    await expect(pipeline.run({ batchSize: 3, nEpochs: 1 })).rejects.toThrow(/ids 4, 5 not found in join source #0 \(a Dataset of LabelsBatch with 4 items\)/);
  });

  test("ids a joined Pipeline's dataset does not have: a MissingIdError naming the source, before its steps run", async () => {
    const times = jest.fn((batch: LabelsBatch) => batch);
    const labels = labelsDataset(4).p.call(times);
    const error = await itemsDataset(5)
      .p.join(labelsDataset(5), labels)
      .sumLabels()
      .run({ batchSize: 5, nEpochs: 1 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingIdError);
    expect((error as MissingIdError).ids).toEqual([4]);
    expect((error as Error).message).toMatch(/join source #1 \(a Pipeline\)'s dataset/);
    expect(times).not.toHaveBeenCalled();
  });

  test('join followed by a step that is not an action: a PipelineError when recording', () => {
    const joined = itemsDataset(4).p.join(labelsDataset(4)) as unknown as Pipeline<ItemsBatch>;
    expect(() => joined.print('x')).toThrow(PipelineError);
    expect(() => joined.discardBatch()).toThrow(/join\(\.\.\.\) must be followed by a batch action.*got 'discardBatch'/);
  });

  test('join as the last step: a PipelineError when the run starts, before any batch', async () => {
    const before = jest.fn();
    const shifted = jest.fn((batch: ItemsBatch) => batch);
    const pipeline = itemsDataset(4)
      .p.before((once) => once.call(before))
      .call(shifted)
      .join(labelsDataset(4)) as unknown as Pipeline<ItemsBatch>;
    await expect(pipeline.run({ batchSize: 2, nEpochs: 1 })).rejects.toThrow(
      /join\(\.\.\.\) at step #1 must be followed by a batch action.*it is the last step/,
    );
    await expect(pipeline.createBatch([0])).rejects.toThrow(PipelineError);
    expect(before).not.toHaveBeenCalled();
    expect(shifted).not.toHaveBeenCalled();
  });

  test('join takes Datasets, Pipelines and named expressions only', () => {
    const join = itemsDataset(4).p.join as unknown as (...sources: unknown[]) => unknown;
    expect(() => join.call(itemsDataset(4).p, 42)).toThrow(/sources\[0\].*got number/);
    expect(() => join.call(itemsDataset(4).p)).toThrow(/at least one/);
  });
});

describe('join with checkpoints, workers and profiling', () => {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-join-spec-'));
  afterAll(() => rmSync(folder, { recursive: true, force: true }));
  const build = (): Pipeline<ItemsBatch> => itemsDataset(12).p.jitter().join(labelsDataset(12).p.noise()).addLabels(2);
  const order = { batchSize: 2, nEpochs: 1, shuffle: 9 } as const;

  test('a run resumed from a checkpoint gives the same joined batches as the whole run', async () => {
    const expected = await collect(build(), order);
    const file = path.join(folder, 'join.json');
    const first: Seen[] = [];
    for await (const batch of build().genBatch({ ...order, checkpoint: { path: file, every: 2 } })) {
      first.push({ ids: [...batch.indices], x: toList(batch.x) as number[], label: toList(batch.label) as number[] });
      if (first.length === 3) break;
    }
    const rest = await collect(build(), { ...order, resume: file });
    expect([...first.slice(0, 2), ...rest]).toEqual(expected);
  });

  test("on 'threads' workers the join and what follows run on the calling thread, with the same batches as 'for'", async () => {
    const expected = await collect(build(), order);
    const onThreads = await collect(jitterThenJoin, { ...order, target: 'threads', nWorkers: 2, prefetch: 2 });
    expect(onThreads).toEqual(expected);
  }, 60_000);

  test('profile: true times the join step like any other', async () => {
    const pipeline = build();
    await pipeline.run({ ...order, profile: true });
    const join = pipeline.profileInfo().rows.find((row) => row.name === 'join');
    expect(join?.calls).toBe(6);
  });
});
