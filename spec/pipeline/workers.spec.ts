/**
 * Batches on workers: `run({ target: 'threads' | 'mpc', nWorkers, prefetch })` gives the same batches,
 * component values and final variables as prefetch 0 on 'for', bit for bit, whatever the engine,
 * `nWorkers` and prefetch.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, test } from '@jest/globals';
import { closeEngines, type NDArray, type RunOptions } from '../../src/index.js';
import { allOnWorkers, nestedTarget, randomTail, splitAtVariable } from '../fixtures/pipeline-workers/pipelines.js';
import { collectBatches } from '../fixtures/pipeline-workers/collect.js';

afterAll(async () => {
  await closeEngines();
});

const collect = collectBatches;

describe('batches on workers', () => {
  test('random steps and a stateful tail give the same batches and variables as prefetch 0 on for, on every engine, nWorkers and prefetch', async () => {
    const expected = await collect(randomTail, { nEpochs: 2 });
    const expectedSum = randomTail.v<number>('sum');
    const expectedSeen = randomTail.v<unknown[]>('seen');
    expect(expected.length).toBe(10);
    expect(expectedSum).toBe(80);
    for (const target of ['threads', 'mpc'] as const)
      for (const nWorkers of [1, 2])
        for (const prefetch of [0, 2, 4]) {
          const got = await collect(randomTail, { nEpochs: 2, target, nWorkers, prefetch });
          expect({ target, nWorkers, prefetch, batches: got }).toEqual({ target, nWorkers, prefetch, batches: expected });
          expect(randomTail.v<number>('sum')).toBe(expectedSum);
          expect(randomTail.v<unknown[]>('seen')).toEqual(expectedSeen);
        }
  }, 120_000);

  test('a pipeline without stateful steps runs wholly on workers, with aliases for the target', async () => {
    const expected = await collect(allOnWorkers, {});
    expect(await collect(allOnWorkers, { target: 't', nWorkers: 2, prefetch: 1 })).toEqual(expected);
    expect(await collect(allOnWorkers, { target: 'm', nWorkers: 2 })).toEqual(expected);
  }, 60_000);

  test('the steps run in worker threads on threads and in other processes on mpc; the consumer gets the batches in order', async () => {
    const places = async (options: RunOptions): Promise<Array<{ pid: number; thread: number }>> => {
      const found: Array<{ pid: number; thread: number }> = [];
      let expectedFirst = 0;
      for await (const batch of allOnWorkers.genBatch({ batchSize: 10, ...options })) {
        expect(batch.indices[0]).toBe(expectedFirst);
        expectedFirst += 10;
        found.push(batch.getAttrs().producedIn as { pid: number; thread: number });
      }
      return found;
    };
    const local = await places({});
    expect(local.every((place) => place.pid === process.pid && place.thread === threadId)).toBe(true);
    const threads = await places({ target: 'threads', nWorkers: 2, prefetch: 3 });
    expect(threads.every((place) => place.pid === process.pid && place.thread !== threadId)).toBe(true);
    const processes = await places({ target: 'mpc', nWorkers: 2, prefetch: 3 });
    expect(processes.every((place) => place.pid !== process.pid)).toBe(true);
  }, 60_000);

  test('an item action with target threads inside the worker part runs there as on for, with the same values', async () => {
    const expected = await collect(nestedTarget, {});
    expect(await collect(nestedTarget, { target: 'threads', nWorkers: 2, prefetch: 2 })).toEqual(expected);
    expect(await collect(nestedTarget, { target: 'mpc', nWorkers: 1 })).toEqual(expected);
  }, 60_000);

  test('an action with a V() argument and the steps after it run on the calling thread; the steps before it on workers', async () => {
    for await (const batch of splitAtVariable.genBatch({ batchSize: 10, target: 'threads', nWorkers: 2, prefetch: 1 })) {
      const attributes = batch.getAttrs() as Record<string, { pid: number; thread: number }>;
      expect(attributes.before!.thread).not.toBe(threadId);
      expect(attributes.after).toEqual({ pid: process.pid, thread: threadId });
      expect((batch.data as { images: NDArray }).images.get(0, 0, 1)).toBeCloseTo(3 * Math.sin(Number(batch.indices[0]) * 16 + 1) * 10, 4);
    }
  }, 60_000);
});
