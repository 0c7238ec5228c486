/**
 * Target 'queue' with a shared payload directory: large chunks and results go through files there
 * and only their names through Redis, with the results of 'for'; the files are gone after the call,
 * and a reference to a file outside the directory is refused.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArgumentError, Dataset, MissingFileError, closeEngines, configureQueue, zeros, type NDArray } from '../../../src/index.js';
import type { RedisServer } from '../../helpers/redis-server.js';
import { QueueImages } from './fixtures/queue-batches.js';
import { inspectQueue, payloadFilesIn, startQueueCluster, waitFor, type QueueCluster } from './queue-processes.js';
import { expectSameValues } from '../../helpers/values.js';

let redis: RedisServer;
let directory: string;

let cluster: QueueCluster;

beforeAll(async () => {
  cluster = await startQueueCluster(1);
  redis = cluster.redis;
  directory = mkdtempSync(path.join(tmpdir(), 'batchflow-queue-files-'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(directory, { recursive: true, force: true });
}, 60_000);

const n = 16;

async function noisyImages(target: 'for' | 'queue'): Promise<number[]> {
  const images = zeros([n, 64, 64], 'float32');
  for (let i = 0; i < images.size; i++) (images.data as Float32Array)[i] = (i % 251) / 7;
  const batch = new Dataset(n, { batchClass: QueueImages, preloaded: { images, labels: zeros([n]) } }).createBatch([...Array(n).keys()]);
  batch.randomSeed = 99;
  await batch.actions.noisy({ scale: 2, target, nWorkers: 2 });
  return Array.from((batch.images as NDArray).data as Float32Array);
}

describe("target 'queue' with a payload directory", () => {
  test("sends large chunks and results through files, with the results of 'for', and leaves no file", async () => {
    const expected = await noisyImages('for');
    const inspector = await inspectQueue(redis.url, 'batchflow-ts');
    const received = async (): Promise<number> => Number(/total_net_input_bytes:(\d+)/.exec(await inspector.stats())![1]);
    const bytesOfCall = async (): Promise<number> => {
      const before = await received();
      expectSameValues(await noisyImages('queue'), expected);
      return (await received()) - before;
    };
    await configureQueue({ url: redis.url });
    const throughRedis = await bytesOfCall();
    await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 4096 });
    const throughFiles = await bytesOfCall();
    await inspector.close();
    // 16 images of 16 KiB go out and come back (512 KiB): with the directory only names travel through Redis
    expect(throughRedis - throughFiles).toBeGreaterThan(400 * 1024);
    // a worker lets go of a chunk's file once the reply is out: just after the call ends
    await waitFor(() => payloadFilesIn(directory).length === 0, 'the chunk files to be let go');
  }, 60_000);

  test('results of different shapes, which keep the memory their replies were read into, are not overwritten by later calls', async () => {
    await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 4096 });
    // rows of 32 KiB: each chunk's reply (several items of 1 to 3 rows) is read into reused memory
    const imagesOf = (seed: number): NDArray => {
      const images = zeros([n, 3, 8192], 'float32');
      for (let i = 0; i < images.size; i++) (images.data as Float32Array)[i] = ((i * seed) % 1009) / 8;
      return images;
    };
    const run = async (seed: number, target: 'for' | 'queue'): Promise<NDArray[]> => {
      const batch = new Dataset(n, { batchClass: QueueImages, preloaded: { images: imagesOf(seed), labels: zeros([n]) } }).createBatch([...Array(n).keys()]);
      // the same chunks in every call: replies of the same sizes, read into the same reused memory
      await batch.actions.leadingRows({ target, nWorkers: 2, chunkSize: 4, dst: 'labels' });
      return batch.labels as unknown as NDArray[];
    };
    const expected = (await run(3, 'for')).map((rows) => Array.from(rows.data as Float32Array));
    const first = await run(3, 'queue');
    expect(first.map((rows) => rows.shape[0])).toEqual([...Array(n).keys()].map((k) => 1 + (k % 3)));
    await run(5, 'queue');
    await run(7, 'queue');
    first.forEach((rows, k) => expectSameValues(Array.from(rows.data as Float32Array).slice(0, rows.size), expected[k]!));
  }, 60_000);

  test('an item function that returns its item (on the worker, a view of its chunk) gives each call its own items, through files and through Redis', async () => {
    await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 4096 });
    const run = async (seed: number): Promise<void> => {
      const images = zeros([n, 64, 1024], 'float32');
      for (let i = 0; i < images.size; i++) (images.data as Float32Array)[i] = (i * seed) % 4099;
      const expected = Array.from(images.data as Float32Array);
      const batch = new Dataset(n, { batchClass: QueueImages, preloaded: { images, labels: zeros([n]) } }).createBatch([...Array(n).keys()]);
      await batch.actions.same({ target: 'queue', nWorkers: 2 });
      expectSameValues(Array.from((batch.images as NDArray).data as Float32Array).slice(0, expected.length), expected);
    };
    // the worker reuses the memory of one call's chunks for the next: each call still gets its own items back
    for (const seed of [3, 5, 7, 11]) await run(seed);
    // chunks through Redis are copied into that memory on the worker: the same holds
    await configureQueue({ url: redis.url });
    for (const seed of [13, 17, 19]) await run(seed);
  }, 60_000);

  test('refuses a relative or non-string directory, naming the option', async () => {
    await expect(configureQueue({ payloadDirectory: 'relative/dir' })).rejects.toThrow(ArgumentError);
    await expect(configureQueue({ payloadDirectory: 42 as unknown as string })).rejects.toThrow(/payloadDirectory/);
  });

  test('a stray file in the directory (or the temp file of a writer killed mid-write) is left alone until it is older than twice the payload TTL, then swept', async () => {
    const stray = path.join(directory, 'bfq-stray.bin');
    const staleTemp = path.join(directory, 'bfq-chunk-7.tmp-4242-0a1b2c3d.bin');
    writeFileSync(stray, 'x');
    writeFileSync(staleTemp, 'half a payload');
    await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 4096 });
    await noisyImages('queue');
    await waitFor(() => payloadFilesIn(directory).length === 2, 'the chunk files to be let go');
    expect(payloadFilesIn(directory)).toEqual(['bfq-chunk-7.tmp-4242-0a1b2c3d.bin', 'bfq-stray.bin']);
    // once they are older than twice the TTL (their writers died), the next call that sends through the directory removes them
    const hourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(stray, hourAgo, hourAgo);
    utimesSync(staleTemp, hourAgo, hourAgo);
    await configureQueue({ url: redis.url, payloadDirectory: directory, payloadFileBytes: 4096, payloadTtlMs: 1000 });
    await new Promise((resolve) => setTimeout(resolve, 2100)); // directories are swept at most once per twice the TTL
    await noisyImages('queue');
    await waitFor(() => payloadFilesIn(directory).length === 0, 'the chunk files to be let go');
  }, 60_000);

  test('a payload directory removed between calls is made again by the next call', async () => {
    const own = path.join(directory, 'made-on-first-use');
    await configureQueue({ url: redis.url, payloadDirectory: own, payloadFileBytes: 4096 });
    const expected = await noisyImages('for');
    expectSameValues(await noisyImages('queue'), expected);
    rmSync(own, { recursive: true, force: true });
    expectSameValues(await noisyImages('queue'), expected);
    await waitFor(() => payloadFilesIn(own).length === 0, 'the chunk files to be let go');
  }, 60_000);

  test('a payload directory that cannot be made fails the call with an error naming it', async () => {
    const blocker = path.join(directory, 'a-file');
    writeFileSync(blocker, 'not a directory');
    await configureQueue({ url: redis.url, payloadDirectory: path.join(blocker, 'payloads'), payloadFileBytes: 4096 });
    const error = await noisyImages('queue').catch((thrown: unknown) => thrown);
    // the caller's file system, not a worker: a typed error naming the action and the file
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as MissingFileError).file).toBe(path.join(blocker, 'payloads'));
    expect((error as MissingFileError).message).toContain("action 'noisy'");
    expect((error as MissingFileError).message).toContain('not a directory');
    rmSync(blocker);
  }, 60_000);
  test('files read are kept to be written over by the next payloads, and removed when the engines close and when a worker stops', async () => {
    const own = path.join(directory, 'kept');
    await configureQueue({ url: redis.url, payloadDirectory: own, payloadFileBytes: 4096 });
    const expected = await noisyImages('for');
    const kept = (): string[] => readdirSync(own).filter((name) => name.startsWith('bfq-kept-'));
    const keptBy = (pid: number): string[] => kept().filter((name) => name.startsWith(`bfq-kept-${pid}-`));
    expectSameValues(await noisyImages('queue'), expected);
    // this process read the replies, the worker the chunks: each keeps files
    const worker = cluster.workers[0]!.pid;
    expect(keptBy(process.pid).length).toBeGreaterThan(0);
    expect(keptBy(worker).length).toBeGreaterThan(0);
    // written over by the next calls: the files kept do not pile up
    for (let call = 0; call < 3; call++) expectSameValues(await noisyImages('queue'), expected);
    expect(keptBy(process.pid).length).toBeLessThanOrEqual(16);
    await waitFor(() => payloadFilesIn(own).length === 0, 'the chunk files to be let go');
    await closeEngines();
    expect(keptBy(process.pid)).toEqual([]);
    expect(keptBy(worker).length).toBeGreaterThan(0);
    // a worker stopped cleanly (SIGTERM) removes its own; a killed one's are swept by age, as any payload file
    cluster.workers[0]!.process.kill('SIGTERM');
    expect(await cluster.workers[0]!.exited).toBe(0);
    expect(kept()).toEqual([]);
  }, 60_000);
});
