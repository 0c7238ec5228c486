/**
 * Batches on 'queue' workers: `run({ target: 'queue', prefetch })` against a real redis-server and two
 * real queue worker processes started with the command line gives the same batches, component values
 * and final variables as prefetch 0 on 'for', bit for bit; errors, SkipBatch and StopPipeline behave as
 * without workers; each batch says which worker process produced it; and batch data goes through Redis
 * as binary, not as JSON text. `reuseMemory` changes nothing for batches that come back through Redis;
 * with a payload directory, their reply files are read into memory the calling thread reuses.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WorkerCrashError, configureQueue, type NDArray, type RunOptions } from '../../src/index.js';
import { payloadFilesIn, startQueueCluster, waitFor, type QueueCluster, type WorkerProcess } from '../engines/queue/queue-processes.js';
import { BadBatchError, busyOnWorkers, crashing, failing, largeBatches, randomTail, skipping, stopping } from '../fixtures/pipeline-workers/pipelines.js';
import { collectBatches, type AnyPipeline } from '../fixtures/pipeline-workers/collect.js';
import { allocatedByStep, intoOutputRows, madeByStep, type ReuseBatch } from '../fixtures/pipeline-workers/reuse-pipelines.js';
import type { RedisServer } from '../helpers/redis-server.js';
import { expectSameValues } from '../helpers/values.js';

let cluster: QueueCluster;
let redis: RedisServer;
let workers: WorkerProcess[] = [];

beforeAll(async () => {
  cluster = await startQueueCluster(2);
  ({ redis, workers } = cluster);
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
}, 60_000);

// worker processes start slowly on a busy machine; no test asserts a duration
jest.setTimeout(90_000);

const collect = collectBatches;

/** The first id of each yielded batch, and the error that ended the run (if any). */
async function firstIds(pipeline: AnyPipeline, options: RunOptions): Promise<{ firstIds: unknown[]; error: unknown }> {
  const ids: unknown[] = [];
  try {
    for await (const batch of pipeline.genBatch({ batchSize: 8, ...options })) ids.push(batch.indices[0]);
    return { firstIds: ids, error: undefined };
  } catch (error) {
    return { firstIds: ids, error };
  }
}

/** A counter of the redis-server's INFO stats (bytes it received, …). */
async function redisStat(name: string): Promise<number> {
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  try {
    const info = await client.info('stats');
    const match = new RegExp(`^${name}:(\\d+)`, 'm').exec(info);
    if (!match) throw new Error(`INFO stats has no ${name}`);
    return Number(match[1]);
  } finally {
    client.disconnect();
  }
}

const onQueue = { target: 'queue', nWorkers: 2, prefetch: 3 } as const;

describe("batches on 'queue' workers (real redis-server, two CLI workers)", () => {
  test('random steps and a stateful tail give the same batches, generator draws and variables as prefetch 0 on for', async () => {
    const expected = await collect(randomTail, { nEpochs: 2 });
    const expectedSum = randomTail.v<number>('sum');
    const expectedSeen = randomTail.v<unknown[]>('seen');
    expect(expected).toHaveLength(10);
    for (const nWorkers of [1, 2])
      for (const prefetch of [0, 3]) {
        const got = await collect(randomTail, { nEpochs: 2, target: 'queue', nWorkers, prefetch });
        expectSameValues({ nWorkers, prefetch, batches: got }, { nWorkers, prefetch, batches: expected });
        expect(randomTail.v<number>('sum')).toBe(expectedSum);
        expectSameValues(randomTail.v<unknown[]>('seen'), expectedSeen);
      }
    expectSameValues(await collect(randomTail, { nEpochs: 2, target: 'q', prefetch: 1 }), expected); // the alias
  });

  test('each batch says which worker process produced it: both workers produce batches, the consumer gets them in order', async () => {
    const expected = await collect(busyOnWorkers, {});
    const pids: number[] = [];
    let next = 0;
    for await (const batch of busyOnWorkers.genBatch({ batchSize: 4, ...onQueue, prefetch: 4 })) {
      expect(batch.indices[0]).toBe(next);
      next += 4;
      pids.push((batch.getAttrs().producedIn as { pid: number }).pid);
    }
    expect(pids).toHaveLength(10);
    const workerPids = workers.map((worker) => worker.pid).sort();
    expect([...new Set(pids)].sort()).toEqual(workerPids);
    expect(pids).not.toContain(process.pid);
    expectSameValues(await collect(busyOnWorkers, { ...onQueue }), expected);
  });

  test('an error of a worker step ends the run with the original error, class restored, after the batches before it', async () => {
    const onFor = await firstIds(failing, {});
    const got = await firstIds(failing, onQueue);
    expect(got.firstIds).toEqual(onFor.firstIds);
    expect(got.error).toBeInstanceOf(BadBatchError);
    expect((got.error as Error).message).toBe('batch with id 13 is bad');
  });

  test('ignoreExceptions drops the failing batch and warns, as on for', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const onFor = await firstIds(failing, { ignoreExceptions: true });
      const got = await firstIds(failing, { ...onQueue, ignoreExceptions: true });
      expectSameValues(got, onFor);
      expect(got.firstIds).toEqual([0, 16, 24, 32]);
      expect(warn.mock.calls.filter(([message]) => String(message).includes('batch with id 13 is bad'))).toHaveLength(2);
    } finally {
      warn.mockRestore();
    }
  });

  test('SkipBatch on a worker drops that batch only; StopPipeline ends the run quietly with the variables of for', async () => {
    const skipped = await firstIds(skipping, onQueue);
    expect(skipped).toEqual(await firstIds(skipping, {}));
    expect(skipped.firstIds).toEqual([0, 16, 24, 32]);
    const stoppedOnFor = await firstIds(stopping, { reset: 'all' });
    const countOnFor = stopping.v<number>('count');
    const stopped = await firstIds(stopping, { ...onQueue, reset: 'all' });
    expect(stopped).toEqual(stoppedOnFor);
    expect(stopped).toEqual({ firstIds: [0, 8], error: undefined });
    expect(stopping.v<number>('count')).toBe(countOnFor);
  });

  test("a step that ends its worker's thread is a WorkerCrashError; with ignoreExceptions its batch is dropped and the run goes on", async () => {
    const crashed = await firstIds(crashing, { ...onQueue, prefetch: 0 });
    expect(crashed.firstIds).toEqual([0]);
    expect(crashed.error).toBeInstanceOf(WorkerCrashError);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      expect(await firstIds(crashing, { ...onQueue, prefetch: 0, ignoreExceptions: true })).toEqual({ firstIds: [0, 16, 24, 32], error: undefined });
    } finally {
      warn.mockRestore();
    }
    // the worker processes are still there and take the next run
    expect(workers.every((worker) => worker.process.exitCode === null && worker.process.signalCode === null)).toBe(true);
  });

  test('large batches travel through Redis as binary: the bytes Redis receives stay near the raw data size (JSON text would be ~5 times it)', async () => {
    const expected = await collect(largeBatches, { batchSize: 32, nEpochs: 2 });
    const sum = largeBatches.v<number>('sum');
    const before = await redisStat('total_net_input_bytes');
    const got = await collect(largeBatches, { batchSize: 32, nEpochs: 2, ...onQueue });
    const received = (await redisStat('total_net_input_bytes')) - before;
    expectSameValues(got, expected);
    expect(largeBatches.v<number>('sum')).toBe(sum);
    // each batch goes out (caller → Redis) and comes back (worker → Redis): float32 images and float64 labels
    const rawBytes = got.reduce((total, batch) => total + batch.images.length * 4 + batch.labels.length * 8, 0);
    expect(rawBytes).toBe(6 * 32 * (32 * 32 * 4 + 8));
    expect(received).toBeGreaterThan(2 * rawBytes);
    expect(received).toBeLessThan(3 * rawBytes);
  });

  test.each([
    ['an array from Batch.allocate', allocatedByStep],
    ['context.output rows', intoOutputRows],
  ])(
    'reuseMemory reads batches that come back through Redis into reused memory too: batches whose images end in %s, read while current, equal prefetch 0 on for; a kept batch sees a later one, and without reuseMemory kept batches keep their values',
    // every reply (8 images of 64×64 float32: 128 KiB) waits in a reply key of its own and is read straight into reused memory
    async (_name, pipeline) => expectRepliesInReusedMemory(pipeline),
  );

  test.each([
    ['images a step made in memory of its own', madeByStep as unknown as typeof allocatedByStep],
    ['an array from Batch.allocate', allocatedByStep],
  ])(
    'with a payload directory, reuseMemory reads the reply files of batches whose images end in %s into reused memory: batches read while current equal prefetch 0 on for, a kept batch sees a later one',
    async (_name, pipeline) => {
      const directory = mkdtempSync(path.join(tmpdir(), 'batchflow-queue-reuse-'));
      try {
        // every reply (8 images of 64×64 float32) is a file of the directory
        await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 1024 });
        await expectRepliesInReusedMemory(pipeline);
        // every payload and reply file was read and let go (kept only to be written over)
        await waitFor(() => payloadFilesIn(directory).length === 0, 'the chunk files to be let go');
      } finally {
        await configureQueue({ url: redis.url });
        rmSync(directory, { recursive: true, force: true });
      }
    },
  );
});

/**
 * Runs `pipeline` on 'queue' with and without `reuseMemory`: batches read while current equal prefetch 0
 * on 'for' either way; with it, kept batches show later batches' values (their memory was reused), except
 * the last (never followed by a request); without it, kept batches keep theirs.
 */
async function expectRepliesInReusedMemory(pipeline: typeof allocatedByStep): Promise<void> {
  const run = { batchSize: 8, shuffle: 3, reset: 'all' } as const;
  const expected: Float32Array[] = [];
  for await (const batch of pipeline.genBatch(run)) expected.push(pixelsOf(batch.images));
  const consume = async (reuseMemory: boolean): Promise<{ current: Float32Array[]; kept: ReuseBatch[] }> => {
    const current: Float32Array[] = [];
    const kept: ReuseBatch[] = [];
    for await (const batch of pipeline.genBatch({ ...run, ...onQueue, reuseMemory })) {
      current.push(pixelsOf(batch.images));
      kept.push(batch);
    }
    return { current, kept };
  };
  const reused = await consume(true);
  expectSameValues(reused.current, expected);
  const changed = reused.kept.filter((batch, k) => !pixelsOf(batch.images).every((value, i) => value === expected[k]![i]));
  expect(changed.length).toBeGreaterThan(0);
  expectSameValues(pixelsOf(reused.kept.at(-1)!.images), expected.at(-1));
  const fresh = await consume(false);
  expectSameValues(fresh.current, expected);
  expectSameValues(
    fresh.kept.map((batch) => pixelsOf(batch.images)),
    expected,
  );
}

function pixelsOf(images: NDArray): Float32Array {
  return (images.data as Float32Array).slice(images.offset, images.offset + images.size);
}
