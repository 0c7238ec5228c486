/**
 * Target 'queue' against a real redis-server and real queue workers started with the command line:
 * the same results as 'for' for the same seed, item failures, settings, a process that exits after
 * closeEngines(), and the worker command's own behaviour (help, bad options, SIGTERM).
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  ActionError,
  ArgumentError,
  Dataset,
  QueueConnectionError,
  TimeoutError,
  WorkerCrashError,
  configureQueue,
  startQueueWorker,
  zeros,
  type NDArray,
} from '../../../src/index.js';
import { main } from '../../../src/cli.js';
import { freePort, type RedisServer } from '../../helpers/redis-server.js';
import { QueueImages } from './fixtures/queue-batches.js';
import { expectSameValues } from '../../helpers/values.js';
import {
  inspectQueue,
  repoRoot,
  spawnTsx,
  startQueueCluster,
  startWorker,
  waitFor,
  watchProcess,
  type QueueCluster,
  type WorkerProcess,
} from './queue-processes.js';

let cluster: QueueCluster;
let redis: RedisServer;
let workers: WorkerProcess[] = [];
let work: string;

beforeAll(async () => {
  cluster = await startQueueCluster(2);
  ({ redis, workers } = cluster);
  work = mkdtempSync(path.join(tmpdir(), 'batchflow-queue-'));
}, 120_000);

afterAll(async () => {
  await cluster?.stop();
  rmSync(work, { recursive: true, force: true });
}, 60_000);

const n = 12;

function dataset(): Dataset<QueueImages> {
  const images = zeros([n, 6, 5], 'float32');
  const labels = zeros([n], 'float64');
  for (let i = 0; i < n; i++) {
    labels.set(i, 10 + i);
    for (let y = 0; y < 6; y++) for (let x = 0; x < 5; x++) images.set(i, y, x, i + y * 0.5 - x);
  }
  return new Dataset(n, { batchClass: QueueImages, preloaded: { images, labels } });
}

async function augmented(target: 'for' | 'queue', nWorkers: number): Promise<{ images: number[]; labels: number[] }> {
  const batch = dataset().createBatch([3, 0, 7, 1, 11, 2, 5, 9, 4, 10, 6, 8]);
  batch.randomSeed = 1234;
  await batch.actions.noisy({ scale: 3, target, nWorkers, p: 0.75 });
  await batch.actions.relabel({ target, nWorkers });
  const images = batch.images as NDArray;
  expect(images.shape).toEqual([n, 6, 5]);
  return { images: Array.from(images.data as Float32Array), labels: Array.from(batch.labels.data as Float64Array) };
}

describe("target 'queue' on real workers", () => {
  test("gives the same pixels and labels as 'for' for the same seed, with 1 and 2 workers", async () => {
    const expected = await augmented('for', 1);
    expectSameValues(await augmented('queue', 1), expected);
    expectSameValues(await augmented('queue', 2), expected);
    expectSameValues(await augmented('q' as 'queue', 2), expected); // the alias
  }, 60_000);

  test("gives back typed arrays of every kind, small and large, nested in plain values, as 'for' does", async () => {
    const results = async (target: 'for' | 'queue'): Promise<unknown[]> => {
      let kept: unknown[] = [];
      const batch = dataset().createBatch([...Array(n).keys()]);
      await batch.actions.typedValues({ target, nWorkers: 2, post: (values: unknown[]) => void (kept = values) });
      return kept;
    };
    const expected = await results('for');
    const received = await results('queue');
    expect(received).toHaveLength(n);
    received.forEach((value, k) => {
      const { view, image, bytes, ...rest } = value as { view: DataView; image: NDArray; bytes: Buffer };
      const {
        view: expectedView,
        image: expectedImage,
        bytes: expectedBytes,
        ...expectedRest
      } = expected[k] as typeof value & { view: DataView; image: NDArray; bytes: Buffer };
      expect(rest).toEqual(expectedRest);
      // (a Buffer comes back as a Uint8Array of its bytes, as from any worker thread)
      expect(Buffer.from(bytes).equals(expectedBytes)).toBe(true);
      expect(view).toBeInstanceOf(DataView);
      expect(
        Buffer.from(view.buffer, view.byteOffset, view.byteLength).equals(Buffer.from(expectedView.buffer, expectedView.byteOffset, expectedView.byteLength)),
      ).toBe(true);
      expect(image.shape).toEqual(expectedImage.shape);
      // small typed arrays (inside the message) come back in memory of their own, not shared memory, as on 'for'
      for (const small of (value as { small: ArrayBufferView[] }).small) expect(small.buffer).toBeInstanceOf(ArrayBuffer);
    });
  }, 60_000);

  test("large items and results (written to the socket from their own memory, replies through reply keys) come back as on 'for'", async () => {
    const count = 8;
    const images = zeros([count, 256, 256], 'float32'); // 256 KiB per item: every array a piece of its own
    const pixels = images.data as Float32Array;
    for (let i = 0; i < pixels.length; i++) pixels[i] = (i % 1009) * 0.25 - 100;
    const run = async (target: 'for' | 'queue'): Promise<Float32Array> => {
      const batch = new Dataset(count, { batchClass: QueueImages, preloaded: { images, labels: zeros([count], 'float64') } }).createBatch([
        5, 0, 7, 2, 1, 6, 3, 4,
      ]);
      batch.randomSeed = 77;
      await batch.actions.noisy({ scale: 2, target, nWorkers: 2 });
      const out = batch.images as NDArray;
      return Float32Array.from({ length: out.size }, (_, k) => out.get(Math.floor(k / 65536), Math.floor((k % 65536) / 256), k % 256));
    };
    const expected = await run('for');
    const got = await run('queue');
    expect(got.length).toBe(expected.length);
    expect(Buffer.from(got.buffer).equals(Buffer.from(expected.buffer))).toBe(true);
    const inspector = await inspectQueue(redis.url, 'batchflow-ts');
    try {
      expect(await inspector.keys('batchflow:batchflow-ts:bf:reply:*')).toEqual([]);
    } finally {
      await inspector.close();
    }
  }, 60_000);

  test('cuts a call of large ndarray items into chunks of at most 4 MiB of items', async () => {
    const count = 12;
    const images = zeros([count, 512, 512], 'float32'); // 1 MiB per item
    const batch = new Dataset(count, { batchClass: QueueImages, preloaded: { images, labels: zeros([count], 'float64') } }).createBatch([
      ...Array(count).keys(),
    ]);
    let lengths: unknown[] = [];
    // guided chunking alone would start with chunks of 6 items (6 MiB) for 1 worker
    await batch.actions.chunkLength({ target: 'queue', nWorkers: 1, post: (values: unknown[]) => void (lengths = values) });
    expect(lengths).toEqual(Array(count).fill(4));
  }, 60_000);

  test('large chunks and replies are read on connections of their own (batchflow-ts:bulk) that the caller and every worker open, with the results of for', async () => {
    const count = 12;
    const images = zeros([count, 256, 256], 'float32'); // 256 KiB per item
    for (let i = 0; i < images.size; i++) (images.data as Float32Array)[i] = (i % 1009) / 3;
    const noisyImages = async (target: 'for' | 'queue'): Promise<number[]> => {
      const batch = new Dataset(count, { batchClass: QueueImages, preloaded: { images, labels: zeros([count]) } }).createBatch([...Array(count).keys()]);
      batch.randomSeed = 5;
      await batch.actions.noisy({ scale: 2, target, nWorkers: 2, chunkSize: 3 });
      return Array.from(batch.images.data as Float32Array);
    };
    const expected = await noisyImages('for');
    expectSameValues(await noisyImages('queue'), expected);
    const inspector = await inspectQueue(redis.url, 'batchflow-ts');
    const bulk = (await inspector.clients()).filter((client) => client.name === 'batchflow-ts:bulk');
    await inspector.close();
    // one for this process and one for each worker; this process read the replies (768 KiB each) and the
    // workers the chunks they ran (both, unless one took every chunk): their last command was a GET
    expect(bulk.length).toBeGreaterThanOrEqual(3);
    expect(bulk.filter((client) => client.cmd === 'get').length).toBeGreaterThanOrEqual(2);
  }, 60_000);

  test('spreads the chunks of a call over the workers', async () => {
    const log = path.join(work, 'spread.log');
    writeFileSync(log, '');
    const batch = dataset().createBatch([...Array(n).keys()]);
    await batch.actions.logged({ log, spinMs: 150, target: 'queue', nWorkers: 2, chunkSize: 1 });
    expect(Array.from(batch.labels.data as Float64Array)).toEqual(Array.from({ length: n }, (_, i) => 1010 + i));
    const pids = new Set(
      readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((line) => line.split(' ')[0]),
    );
    expect(pids.size).toBe(2);
  }, 60_000);

  test("an item that throws fails the call with an ActionError (index, position, cause, the worker's stack), and is not run again", async () => {
    const log = path.join(work, 'fail.log');
    writeFileSync(log, '');
    const batch = dataset().createBatch([5, 6, 7, 8]);
    const error = await batch.actions.failOn({ bad: 17, log, target: 'queue', nWorkers: 2 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(ActionError);
    const failure = error as ActionError;
    expect(failure.position).toBe(2);
    expect(failure.indexValue).toBe(7);
    expect(failure.cause).toBeInstanceOf(RangeError);
    expect((failure.cause as Error).message).toBe('label 17 is bad');
    expect((failure.cause as Error).stack).toContain('queue-batches.ts');
    expect((failure.cause as Error).stack).toContain('(in a worker)');
    // give a retry the time to happen (it must not): each item ran exactly once
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(readFileSync(log, 'utf8').trim().split('\n').sort()).toEqual(['15', '16', '17', '18']);
  }, 60_000);

  test("an item that ends its worker's thread fails the call with a WorkerCrashError; the worker goes on serving", async () => {
    const batch = dataset().createBatch([0, 1, 2, 3]);
    const error = await batch.actions.exitsOn({ bad: 12, target: 'queue', nWorkers: 1, chunkSize: 4 }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect((error as WorkerCrashError).positions).toEqual([0, 4]);
    expect(((error as WorkerCrashError).cause as Error).message).toContain('exited with code 7');
    await batch.actions.doubled({ target: 'queue', nWorkers: 2 });
    expect(Array.from(batch.labels.data as Float64Array)).toEqual([20, 22, 24, 26]);
  }, 60_000);

  test('a caller whose keys expired while it was blocked gets an error for the chunks workers dropped, not a hang', async () => {
    await configureQueue({ url: redis.url, payloadTtlMs: 300 });
    try {
      const log = path.join(work, 'blocked.log');
      writeFileSync(log, '');
      const batch = dataset().createBatch([0, 1, 2]);
      await batch.actions.doubled({ target: 'queue', nWorkers: 2, chunkSize: 1 }); // both workers have loaded the module
      const call = batch.actions.logged({ log, spinMs: 1500, target: 'queue', nWorkers: 1, chunkSize: 1, timeout: 30_000 }).catch((thrown: unknown) => thrown);
      await waitFor(() => readFileSync(log, 'utf8').split('\n').length > 2, 'both workers to start a chunk');
      // the caller's event loop is blocked: its keys (300 ms) expire long before a worker takes the third chunk
      const until = Date.now() + 2500;
      while (Date.now() < until);
      const error = await call;
      // the chunks that ran had their replies expire; the third was dropped by the worker that took it
      expect(error).toBeInstanceOf(WorkerCrashError);
      expect(((error as WorkerCrashError).cause as Error).message).toMatch(
        /(dropped the chunk without running it|expired before this caller read it).*payloadTtlMs/,
      );
      expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(2);
    } finally {
      await configureQueue({ url: redis.url });
    }
  }, 60_000);

  test('a call that times out is a TimeoutError; its waiting jobs are removed and their payloads deleted', async () => {
    const log = path.join(work, 'timeout.log');
    writeFileSync(log, '');
    const batch = dataset().createBatch([0, 1, 2, 3, 4, 5]);
    const error = await batch.actions
      .logged({ log, spinMs: 1000, target: 'queue', nWorkers: 1, chunkSize: 1, timeout: 500 })
      .catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(TimeoutError);
    const redisView = await inspectQueue(redis.url, 'batchflow-ts');
    try {
      await waitFor(async () => (await redisView.unfinishedJobs()) === 0, 'the workers to finish the chunks they had started');
      expect(await redisView.keys('batchflow:batchflow-ts:bf:payload:*')).toEqual([]);
      // 2 workers took a chunk each before the time limit; the 4 others never ran
      const runs = readFileSync(log, 'utf8').trim().split('\n');
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.length).toBeLessThan(6);
    } finally {
      await redisView.close();
    }
  }, 60_000);
});

describe('configureQueue', () => {
  test('names a bad option in an ArgumentError', async () => {
    await expect(configureQueue({ url: 'http://localhost:6379' })).rejects.toThrow(ArgumentError);
    await expect(configureQueue({ url: 'http://localhost:6379' })).rejects.toMatchObject({ argument: 'url' });
    await expect(configureQueue({ payloadTtlMs: -5 })).rejects.toMatchObject({ argument: 'payloadTtlMs' });
    await expect(configureQueue({ queueName: '' })).rejects.toMatchObject({ argument: 'queueName' });
    // @ts-expect-error -- not an option
    await expect(configureQueue({ lockDuration: 5 })).rejects.toMatchObject({ argument: 'lockDuration' });
    await configureQueue({ url: redis.url });
  });

  test('startQueueWorker names a bad concurrency or prefetch in an ArgumentError, before it connects', async () => {
    await expect(startQueueWorker({ url: redis.url, prefetch: -1 })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'prefetch' });
    await expect(startQueueWorker({ url: redis.url, prefetch: 1.5 })).rejects.toMatchObject({ argument: 'prefetch' });
    await expect(startQueueWorker({ url: redis.url, concurrency: 0 })).rejects.toMatchObject({ argument: 'concurrency' });
  });

  test("Redis that cannot be reached is a QueueConnectionError before the call's timeout; 'for' never connects", async () => {
    const port = await freePort();
    await configureQueue({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    try {
      const sockets = (): number => process.getActiveResourcesInfo().filter((name) => name.startsWith('TCP')).length;
      const before = sockets();
      const batch = dataset().createBatch([0, 1, 2]);
      await batch.actions.relabel({ target: 'for' });
      expect(sockets()).toBe(before);
      const error = await batch.actions.relabel({ target: 'queue', nWorkers: 1, timeout: 30_000 }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(QueueConnectionError);
      expect((error as QueueConnectionError).message).toContain(`127.0.0.1:${port}`);
      expect((error as QueueConnectionError).message).toContain("action 'relabel'");
    } finally {
      await configureQueue({ url: redis.url });
    }
  }, 60_000);

  test('a server that accepts connections but never answers is a QueueConnectionError, not a hang', async () => {
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => void sockets.add(socket)); // accepts, answers nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    await configureQueue({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 300 });
    try {
      const batch = dataset().createBatch([0, 1]);
      const error = await batch.actions.doubled({ target: 'queue', nWorkers: 1 }).catch((thrown: unknown) => thrown);
      expect(error).toBeInstanceOf(QueueConnectionError);
      expect((error as QueueConnectionError).message).toContain('no answer to the first command');
      // a call whose own time limit comes first ends with it
      await configureQueue({ url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 20_000 });
      const timedOut = await batch.actions.doubled({ target: 'queue', nWorkers: 1, timeout: 300 }).catch((thrown: unknown) => thrown);
      expect(timedOut).toBeInstanceOf(TimeoutError);
    } finally {
      await configureQueue({ url: redis.url });
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  }, 60_000);
});

describe('a script on the queue', () => {
  test('exits by itself after closeEngines() (no handle left open)', async () => {
    const script = path.join(repoRoot, 'spec/engines/queue/fixtures/one-call.ts');
    const child = spawnTsx([script], { BATCHFLOW_REDIS_URL: redis.url });
    const { output, exited } = watchProcess(child);
    const code = await exited;
    expect(output()).toContain('labels 20,22,24');
    expect(code).toBe(0);
  }, 60_000);
});

describe('batchflow-ts worker', () => {
  test('--help prints the usage; a bad option or URL exits 1 with a message', async () => {
    const help = watchProcess(spawnTsx([path.join(repoRoot, 'src/cli.ts'), 'worker', '--help']));
    const port = await freePort();
    const errors: string[] = [];
    const spy = jest.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void errors.push(args.join(' ')));
    try {
      expect(await main(['worker', '--redis', 'localhost:6379'])).toBe(1);
      expect(await main(['worker', '--concurency', '2'])).toBe(1);
      expect(await main(['worker', '--concurrency', 'two'])).toBe(1);
      expect(await main(['worker', '--redis', `redis://127.0.0.1:${port}`, '--connect-timeout', '300'])).toBe(1);
      expect(await main(['worker', '--prefetch', '-1'])).toBe(1);
    } finally {
      spy.mockRestore();
    }
    expect(errors[0]).toContain('redis://HOST:PORT');
    expect(errors[1]).toContain('unknown option --concurency');
    expect(errors[2]).toContain('--concurrency needs a whole number');
    expect(errors[3]).toContain(`127.0.0.1:${port} cannot be reached`);
    expect(errors[3]).toContain('ECONNREFUSED');
    expect(errors[4]).toContain('--prefetch needs a whole number');
    expect(await help.exited).toBe(0);
    expect(help.output()).toContain('Usage: batchflow-ts worker');
    expect(help.output()).toContain('--prefetch <n>');
  }, 60_000);

  test('--prefetch sets how many jobs a worker takes ahead (its ready line says so)', async () => {
    expect(workers[0]!.output()).toMatch(/\(concurrency 1, prefetch 1\)/);
    const worker = await startWorker(redis.url, ['--concurrency', '1', '--prefetch', '0', '--queue', 'prefetch-none']);
    try {
      expect(worker.output()).toMatch(/ready on prefetch-none .*\(concurrency 1, prefetch 0\)/);
    } finally {
      worker.process.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
    }
  }, 60_000);

  test('stops on SIGTERM and exits 0', async () => {
    const worker = workers.pop()!;
    worker.process.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    expect(worker.output()).toMatch(/worker \S+ stopped/);
  }, 30_000);
});
