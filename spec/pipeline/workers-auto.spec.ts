/**
 * `run({ target: 'auto' })` for a pipeline: the first batch runs on the calling thread while its
 * worker-side steps are timed; a trivial pipeline stays there, a heavy one (40 ms of CPU per batch)
 * goes to 'threads' workers; either way the batches and variables are those of 'for', bit for bit. A
 * pipeline that cannot run on workers stays on the calling thread without an error. Decisions are
 * asserted, never durations.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { closeEngines, getAutoDecisions, resetAutoDecisions, type RunOptions } from '../../src/index.js';
import { dataset, heavyAuto, statefulFirst, trivialAuto, unmarked } from '../fixtures/pipeline-workers/pipelines.js';
import { seeBatch, type AnyPipeline, type SeenBatch } from '../fixtures/pipeline-workers/collect.js';

beforeEach(() => resetAutoDecisions());
afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(60_000);

/** Every yielded batch as plain numbers, in order, and the thread its worker-side steps ran in. */
async function collect(pipeline: AnyPipeline, options: RunOptions): Promise<{ batches: SeenBatch[]; threads: number[] }> {
  const batches: SeenBatch[] = [];
  const threads: number[] = [];
  for await (const batch of pipeline.genBatch({ batchSize: 8, shuffle: 3, reset: 'all', ...options })) {
    batches.push(seeBatch(batch));
    const place = batch.getAttrs().producedIn as { thread: number } | undefined;
    if (place) threads.push(place.thread);
  }
  return { batches, threads };
}

describe("batches with target 'auto'", () => {
  test('keeps a trivial pipeline on the calling thread, with the batches and variables of for', async () => {
    const expected = await collect(trivialAuto, { nEpochs: 2 });
    const sum = trivialAuto.v<number>('sum');
    const got = await collect(trivialAuto, { nEpochs: 2, target: 'auto', nWorkers: 2, prefetch: 2 });
    expect(got.batches).toEqual(expected.batches);
    expect(trivialAuto.v<number>('sum')).toBe(sum);
    expect(got.threads).toEqual(got.batches.map(() => threadId));
    const decisions = getAutoDecisions();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({
      engine: 'for',
      batchClass: 'WorkBatch',
      itemShape: 'batch of 8 items',
      nWorkers: 2,
      reason: 'batches too cheap to ship',
    });
    expect(decisions[0]!.action).toMatch(/trivialAuto/);
    expect(decisions[0]!.probe!.items).toBe(1);
  });

  test("sends a heavy pipeline to 'threads' after its first batch, with the batches and variables of for", async () => {
    const expected = await collect(heavyAuto, {});
    const sum = heavyAuto.v<number>('sum');
    const got = await collect(heavyAuto, { target: 'auto', nWorkers: 2, prefetch: 2 });
    expect(got.batches).toEqual(expected.batches);
    expect(heavyAuto.v<number>('sum')).toBe(sum);
    // the first batch was timed on the calling thread; the others were produced by workers
    expect(got.threads[0]).toBe(threadId);
    expect(got.threads.slice(1).every((thread) => thread !== threadId)).toBe(true);
    expect(got.threads).toHaveLength(5);
    const decision = getAutoDecisions()[0]!;
    expect(decision).toMatchObject({ engine: 'threads', nWorkers: 2, reason: 'batches estimated faster on workers' });
    expect(decision.action).toMatch(/heavyAuto/);
    expect(decision.estimate!.workersMs).toBeLessThan(decision.estimate!.forMs);
  });

  test('a later run of the same kind reuses the decision: no timing, its first batch goes to the workers too', async () => {
    const expected = await collect(heavyAuto, {});
    await collect(heavyAuto, { target: 'auto', nWorkers: 2, prefetch: 2 });
    const [decided] = getAutoDecisions();
    const got = await collect(heavyAuto, { target: 'auto', nWorkers: 2, prefetch: 2 });
    expect(got.batches).toEqual(expected.batches);
    expect(got.threads).toHaveLength(5);
    expect(got.threads.every((thread) => thread !== threadId)).toBe(true);
    const decisions = getAutoDecisions();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toMatchObject({ engine: 'threads', uses: 2, probe: decided!.probe });
    // another batch size is another kind of run: timed again
    await collect(heavyAuto, { target: 'auto', nWorkers: 2, prefetch: 2, batchSize: 4 });
    expect(getAutoDecisions()).toHaveLength(2);
  });

  test('keeps a pipeline that is not marked portable (or built in place) on the calling thread, without an error', async () => {
    for (const pipeline of [unmarked, dataset.p.scale({ factor: 2 }).locate()]) {
      resetAutoDecisions();
      const expected = await collect(pipeline, {});
      const got = await collect(pipeline, { target: 'auto', nWorkers: 2, prefetch: 1 });
      expect(got.batches).toEqual(expected.batches);
      expect(got.threads.every((thread) => thread === threadId)).toBe(true);
      const [decision] = getAutoDecisions();
      expect(decision).toMatchObject({ engine: 'for', probe: null, estimate: null });
      expect(decision!.reason).toMatch(/cannot run on workers.*not marked/);
    }
  });

  test('keeps a pipeline that is stateful from its first step on the calling thread, without an error', async () => {
    const expected = await collect(statefulFirst, {});
    const n = statefulFirst.v<number>('n');
    const got = await collect(statefulFirst, { target: 'auto', nWorkers: 2 });
    expect(got.batches).toEqual(expected.batches);
    expect(statefulFirst.v<number>('n')).toBe(n);
    expect(getAutoDecisions()[0]!.reason).toMatch(/cannot run on workers.*stateful/);
  });

  test("logs the run's decision when BATCHFLOW_DEBUG names 'auto'", async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => {});
    const saved = process.env.BATCHFLOW_DEBUG;
    process.env.BATCHFLOW_DEBUG = 'auto';
    let lines: string[];
    try {
      await collect(trivialAuto, { target: 'auto' });
    } finally {
      if (saved === undefined) delete process.env.BATCHFLOW_DEBUG;
      else process.env.BATCHFLOW_DEBUG = saved;
      lines = log.mock.calls.map((call) => String(call[0]));
      log.mockRestore();
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^\[batchflow-ts auto\] 'pipeline trivialAuto of pipelines\.ts' on WorkBatch, 1 × batch of 8 items: probe .* → 'for'/);
  });
});
