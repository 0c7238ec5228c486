/**
 * Faults of target 'queue', for real: a queue worker killed with SIGKILL in the middle of a job, a
 * worker stopped with SIGTERM during a job, the Redis server killed during a call, and a caller
 * killed during a call. Real redis-server processes, real workers started with the command line;
 * short lock and liveness times so each fault resolves in seconds.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Dataset, QueueConnectionError, closeEngines, configureQueue, zeros } from '../../../src/index.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';
import { QueueImages } from './fixtures/queue-batches.js';
import { inspectQueue, payloadFilesIn, repoRoot, spawnTsx, startWorker, stopAll, waitFor, watchProcess, type WorkerProcess } from './queue-processes.js';

/** A worker releases a dead worker's job 1 s after its last lock renewal, looked for every 0.5 s. */
const fastRecovery = ['--concurrency', '1', '--lock-duration', '1000', '--stalled-interval', '500'];

let redis: RedisServer;
let doomedRedis: RedisServer;
let work: string;
const workers: Record<'term' | 'gone' | 'orphan' | 'killedA' | 'killedB' | 'filesA' | 'filesB' | 'prefetching', WorkerProcess | null> = {
  prefetching: null,
  term: null,
  gone: null,
  orphan: null,
  killedA: null,
  killedB: null,
  filesA: null,
  filesB: null,
};

beforeAll(async () => {
  [redis, doomedRedis] = await Promise.all([startRedisServer(), startRedisServer()]);
  work = mkdtempSync(path.join(tmpdir(), 'batchflow-queue-faults-'));
  [workers.term, workers.gone, workers.orphan, workers.killedA, workers.killedB, workers.filesA, workers.filesB, workers.prefetching] = await Promise.all([
    startWorker(redis.url, [...fastRecovery, '--queue', 'term']),
    startWorker(doomedRedis.url, [...fastRecovery, '--queue', 'gone']),
    startWorker(redis.url, [...fastRecovery, '--queue', 'orphan']),
    startWorker(redis.url, [...fastRecovery, '--queue', 'killed']),
    startWorker(redis.url, [...fastRecovery, '--queue', 'killed']),
    startWorker(redis.url, [...fastRecovery, '--queue', 'killed-files']),
    startWorker(redis.url, [...fastRecovery, '--queue', 'killed-files']),
    // one job on its thread, one more taken ahead (the default prefetch of 1)
    startWorker(redis.url, [...fastRecovery, '--queue', 'prefetched']),
  ]);
}, 120_000);

afterAll(async () => {
  await closeEngines();
  await configureQueue({});
  await stopAll();
  await Promise.all([redis?.stop(), doomedRedis?.stop()]);
  rmSync(work, { recursive: true, force: true });
}, 60_000);

function batchOf(labels: number[]): QueueImages {
  const data = zeros([labels.length], 'float64');
  labels.forEach((label, i) => data.set(i, label));
  const dataset = new Dataset(labels.length, { batchClass: QueueImages, preloaded: { images: zeros([labels.length, 2, 2], 'float32'), labels: data } });
  return dataset.createBatch([...labels.keys()]);
}

/** The `pid label` lines an item function appended to `log`. */
function started(log: string): Array<{ pid: number; label: number }> {
  if (!existsSync(log)) return [];
  return readFileSync(log, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => {
      const [pid, label] = line.split(' ').map(Number);
      return { pid: pid!, label: label! };
    });
}

function newLog(name: string): string {
  const log = path.join(work, `${name}.log`);
  writeFileSync(log, '');
  return log;
}

describe("faults of target 'queue'", () => {
  test.each([
    { through: 'Redis', queueName: 'killed', pair: ['killedA', 'killedB'] as const, directory: null },
    { through: 'a payload file', queueName: 'killed-files', pair: ['filesA', 'filesB'] as const, directory: 'payloads' },
  ])(
    'a worker killed (SIGKILL) in the middle of a job whose chunk came through $through: another worker runs the job again and the call returns the right results',
    async ({ queueName, pair, directory }) => {
      const payloadDirectory = directory === null ? null : path.join(work, directory);
      await configureQueue({ url: redis.url, queueName, ...(payloadDirectory === null ? {} : { payloadDirectory, payloadFileBytes: 1 }) });
      const log = newLog(queueName);
      const batch = batchOf([1, 2]);
      const call = batch.actions.logged({ log, spinMs: 1200, target: 'queue', nWorkers: 1, chunkSize: 2, timeout: 60_000 });
      await waitFor(() => started(log).length > 0, 'the first item to start');
      // the worker whose thread started the chunk dies; the other one is idle
      const [first, second] = [workers[pair[0]]!, workers[pair[1]]!];
      const [victim, survivor] = started(log)[0]!.pid === first.pid ? [first, second] : [second, first];
      victim.process.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      await call;
      expect(Array.from(batch.labels.data as Float64Array)).toEqual([1001, 1002]);
      const runs = started(log);
      expect(runs[0]).toEqual({ pid: victim.pid, label: 1 });
      // the chunk ran again from its start on the other worker (which read its file again: it is kept until the reply is out)
      expect(runs.filter((run) => run.pid !== victim.pid)).toEqual([
        { pid: survivor.pid, label: 1 },
        { pid: survivor.pid, label: 2 },
      ]);
      // then the chunk's file is let go (kept only to be written over by a live process)
      if (payloadDirectory !== null) await waitFor(() => payloadFilesIn(payloadDirectory).length === 0, 'the chunk file to be let go');
    },
    90_000,
  );

  test('a worker killed (SIGKILL) with a job running and one taken ahead: both run again elsewhere, the call returns the right results', async () => {
    await configureQueue({ url: redis.url, queueName: 'prefetched' });
    const log = newLog('prefetched');
    const batch = batchOf([1, 2]);
    const call = batch.actions.logged({ log, spinMs: 1500, target: 'queue', nWorkers: 1, chunkSize: 1, timeout: 60_000 });
    await waitFor(() => started(log).length > 0, 'the first item to start');
    const inspector = await inspectQueue(redis.url, 'prefetched');
    try {
      // the only worker holds both jobs: one on its thread, the other decoded and waiting for it
      await waitFor(async () => (await inspector.activeJobs()) === 2, 'the worker to take the second job ahead', 5_000);
    } finally {
      await inspector.close();
    }
    const victim = workers.prefetching!;
    victim.process.kill('SIGKILL');
    expect(await victim.exited).toBe('SIGKILL');
    const survivor = await startWorker(redis.url, [...fastRecovery, '--queue', 'prefetched']);
    await call;
    expect(Array.from(batch.labels.data as Float64Array)).toEqual([1001, 1002]);
    const runs = started(log);
    // the job taken ahead never started on the victim; both ran on the survivor
    expect(runs.filter((run) => run.pid === victim.pid)).toEqual([{ pid: victim.pid, label: 1 }]);
    expect(
      runs
        .filter((run) => run.pid !== victim.pid)
        .map((run) => run.label)
        .sort(),
    ).toEqual([1, 2]);
    expect(runs.every((run) => run.pid === victim.pid || run.pid === survivor.pid)).toBe(true);
  }, 90_000);

  test('a worker stopped with SIGTERM during a job finishes it, then exits 0', async () => {
    await configureQueue({ url: redis.url, queueName: 'term' });
    const worker = workers.term!;
    const log = newLog('term');
    const batch = batchOf([5, 6]);
    const call = batch.actions.logged({ log, spinMs: 1000, target: 'queue', nWorkers: 1, chunkSize: 2, timeout: 60_000 });
    await waitFor(() => started(log).length > 0, 'the first item to start');
    worker.process.kill('SIGTERM');
    await call;
    expect(Array.from(batch.labels.data as Float64Array)).toEqual([1005, 1006]);
    expect(await worker.exited).toBe(0);
    expect(started(log).map((run) => run.label)).toEqual([5, 6]);
  }, 60_000);

  test('the Redis server killed during a call: a QueueConnectionError, no hang', async () => {
    await configureQueue({ url: doomedRedis.url, queueName: 'gone', connectTimeoutMs: 1000 });
    const log = newLog('gone');
    const batch = batchOf([1, 2]);
    const call = batch.actions.logged({ log, spinMs: 3000, target: 'queue', nWorkers: 1, timeout: 60_000 }).catch((error: unknown) => error);
    await waitFor(() => started(log).length > 0, 'the first item to start');
    await doomedRedis.stop();
    const error = await call;
    expect(error).toBeInstanceOf(QueueConnectionError);
    expect((error as QueueConnectionError).message).toContain('went away');
    expect((error as QueueConnectionError).message).toContain("action 'logged'");
  }, 60_000);

  test('a caller killed during a call: its payloads expire, workers drop its jobs, nothing of it stays in Redis', async () => {
    const log = newLog('orphan');
    const script = path.join(repoRoot, 'spec/engines/queue/fixtures/killed-caller.ts');
    const caller = spawnTsx([script, 'orphan', log, '1000'], { BATCHFLOW_REDIS_URL: redis.url });
    const { output, exited } = watchProcess(caller);
    await waitFor(() => started(log).length > 0, `the caller's first item to start (caller output: ${output()})`);
    caller.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const redisView = await inspectQueue(redis.url, 'orphan');
    try {
      // the worker goes through the caller's jobs: the one it runs finishes, the later ones are dropped
      await waitFor(async () => (await redisView.unfinishedJobs()) === 0, "the worker to go through the dead caller's jobs");
      // payloads, results and the caller's liveness key expire (1 s without the caller renewing them)
      await waitFor(async () => (await redisView.keys('batchflow:orphan:bf:*')).length === 0, "the dead caller's keys to expire", 15_000);
      const jobs = (await redisView.keys('batchflow:orphan:*')).filter((key) => /:[0-9a-f-]{36}-\d+$/.test(key));
      expect(jobs).toEqual([]);
      const runs = started(log);
      expect(runs.length).toBeGreaterThanOrEqual(1);
      expect(runs.length).toBeLessThan(8); // 8 chunks were sent: the jobs after the caller's keys expired never ran
    } finally {
      await redisView.close();
    }
  }, 90_000);
});
