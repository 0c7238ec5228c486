/**
 * Batches of a dataset built from a generator, produced on workers: the calling thread pulls the items
 * and assembles each batch, which is shipped to a worker like any batch with data. Results equal 'for'.
 */
import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, test } from '@jest/globals';
import { closeEngines } from '../../src/index.js';
import { collectBatches } from '../fixtures/pipeline-workers/collect.js';
import { pulls, streamOnWorkers } from '../fixtures/iterable-workers/pipelines.js';

afterAll(async () => {
  await closeEngines();
});

describe('an IterableDataset with batches on workers', () => {
  test("'threads', 'mpc' and 'auto' give the same batches, values and variables as 'for' (shuffle buffer, random steps, stateful tail)", async () => {
    const expected = await collectBatches(streamOnWorkers, { nEpochs: 2 });
    expect(expected).toHaveLength(5);
    expect(streamOnWorkers.v<number>('sum')).toBe(40);
    for (const target of ['threads', 'mpc', 'auto'] as const)
      for (const prefetch of [0, 2]) {
        const got = await collectBatches(streamOnWorkers, { nEpochs: 2, target, nWorkers: 2, prefetch });
        expect({ target, prefetch, batches: got }).toEqual({ target, prefetch, batches: expected });
        expect(streamOnWorkers.v<number>('sum')).toBe(40);
      }
  }, 120_000);

  test('the steps run in worker threads while the calling thread pulls the source at most prefetch + 1 batches ahead', async () => {
    const prefetch = 1;
    const batchSize = 4;
    const before = pulls.count;
    let consumed = 0;
    let ahead = 0;
    for await (const batch of streamOnWorkers.genBatch({ batchSize, target: 'threads', nWorkers: 2, prefetch, reset: 'all' })) {
      consumed++;
      await new Promise((resolve) => setTimeout(resolve, 30));
      ahead = Math.max(ahead, (pulls.count - before) / batchSize - consumed);
      const place = batch.getAttrs().producedIn as { pid: number; thread: number };
      expect(place.pid).toBe(process.pid);
      expect(place.thread).not.toBe(threadId);
    }
    expect(consumed).toBe(5);
    expect(ahead).toBeLessThanOrEqual(prefetch + 1);
  }, 60_000);
});
