/**
 * A queue worker (`batchflow-ts worker`, or `startQueueWorker` in a script): takes the 'queue'
 * engine's jobs from BullMQ and runs each chunk on a local worker thread — the same worker runtime as
 * the 'threads' engine, which imports the item function's module by reference — so CPU-heavy items
 * never block BullMQ's lock renewal on this process's event loop. Item failures are part of a normal
 * reply (never retried); a job whose caller is gone (its liveness key expired) or whose payload is gone
 * (expired, or the call was aborted) is dropped without running.
 * @module
 */
import { randomBytes } from 'node:crypto';
import { hostname, availableParallelism } from 'node:os';
import type { Job, RedisOptions as BullConnectionOptions, Worker } from 'bullmq';
import { ArgumentError } from '../../errors.js';
import { createThreadsTransport } from '../transport/tinypool-threads.js';
import type { ChunkMessage, ChunkResult, Transport } from '../transport/transport.js';
import { closeConnection, openConnection, redisOptions, safeUrl, type ManagedConnection } from './connection.js';
import { discardPayload, loadPayload, storePayload, sweepPayloadFiles } from './payload-files.js';
import { decodeChunk, encodeReply, type LostChunk, type QueueJobData, type QueueReply } from './protocol.js';
import { queueSettings, type QueueSettings } from './settings.js';
import { loadWire, sendFramed } from './wire.js';

/** Options of {@link startQueueWorker}: the queue settings (over `configureQueue`'s) and the worker's own. */
export interface QueueWorkerOptions extends QueueSettings {
  /** Jobs run at the same time, each on its own local worker thread (default: this machine's CPU count). */
  readonly concurrency?: number;
  /** The worker's name in logs and Redis client lists (default: `host-pid-random`). */
  readonly id?: string;
  /** Called with what went wrong in the background (lost connections, …); default: printed to stderr. */
  readonly onError?: (error: Error) => void;
}

/** A running queue worker. */
export interface QueueWorker {
  /** The worker's name. */
  readonly id: string;
  /** The queue it takes jobs from. */
  readonly queueName: string;
  /** The Redis server (password hidden). */
  readonly url: string;
  /** Jobs run at the same time. */
  readonly concurrency: number;
  /** Stops taking jobs, lets the running ones finish, stops the threads and closes the connections. */
  close(): Promise<void>;
}

/** What a job's processor answers (kept by BullMQ only until the job is removed). */
type JobOutcome = 'done' | 'dropped';

/** The worker threads a queue worker runs chunks on; replaced when a thread dies. */
class LocalThreads {
  private transport: Transport;

  constructor(private readonly size: number) {
    this.transport = createThreadsTransport(size);
  }

  /**
   * Runs one chunk on a thread (its `buffers` are moved there, not copied); rejects when its thread
   * (or another of the pool) dies meanwhile.
   */
  async run(message: ChunkMessage, buffers: readonly ArrayBuffer[]): Promise<ChunkResult> {
    const transport = this.transport;
    const watch = transport.watch();
    try {
      return await Promise.race([transport.send(message, buffers, undefined), watch.died]);
    } catch (error) {
      if (this.transport === transport) {
        transport.discard();
        this.transport = createThreadsTransport(this.size);
      }
      throw error;
    } finally {
      watch.stop();
    }
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

function describeLost(error: unknown): LostChunk {
  if (error instanceof Error) return { name: error.name, message: error.message, stack: error.stack ?? `${error.name}: ${error.message}` };
  return { name: 'Error', message: String(error), stack: `Error: ${String(error)}` };
}

/** The job processor: reads the chunk, runs it on a thread, pushes the reply to the caller. */
function processor(command: ManagedConnection, threads: LocalThreads): (job: Job<QueueJobData>) => Promise<JobOutcome> {
  return async (job) => {
    const data = job.data;
    const jobId = job.id!;
    const read = await command.redis.pipeline().exists(data.callerKey).getBuffer(data.payloadKey).exec();
    const alive = read?.[0]?.[1] === 1;
    const payload = read?.[1]?.[1];
    if (!alive || !Buffer.isBuffer(payload)) {
      // the caller died or gave up the call: nothing runs. A caller that is alive after all (its event
      // loop was blocked so long that its keys expired) learns why its chunk will never come back;
      // for a dead one, the reply expires with its result list.
      const why = alive ? "the chunk's payload had expired or been withdrawn" : "the caller's liveness key had expired";
      const dropped: QueueReply = {
        jobId,
        lost: {
          name: 'Error',
          message: `a queue worker dropped the chunk without running it: ${why} (a caller renews its keys every payloadTtlMs / 3 = ${Math.floor(data.ttlMs / 3)} ms while chunks are in flight; was its event loop blocked longer than payloadTtlMs?)`,
          stack: '',
        },
      };
      if (Buffer.isBuffer(payload)) discardPayload(payload);
      const stored = encodeReply(dropped);
      await Promise.all([
        command.redis.del(data.payloadKey),
        sendFramed(command.redis, 'RPUSH', 1, [data.resultsKey, stored]),
        command.redis.pexpire(data.resultsKey, data.ttlMs),
      ]);
      return 'dropped';
    }
    const directory = data.payloadDirectory ?? null;
    sweepPayloadFiles(directory, 2 * data.ttlMs);
    let reply: QueueReply;
    try {
      // the chunk's typed arrays are decoded into buffers of their own, which move to the thread
      const { message, buffers } = decodeChunk(await loadPayload(payload, directory));
      reply = { jobId, result: await threads.run(message, buffers) };
    } catch (error) {
      // the chunk's thread died (an item exited it, ran out of memory), or its payload file was gone: the caller fails the call with this
      reply = { jobId, lost: describeLost(error) };
    }
    const stored = await storePayload(encodeReply(reply), directory, data.payloadFileBytes ?? Number.POSITIVE_INFINITY, `${jobId}.reply`);
    // in this order on one connection: the list exists when its expiry is set
    await Promise.all([
      sendFramed(command.redis, 'RPUSH', 1, [data.resultsKey, stored.frame]),
      command.redis.pexpire(data.resultsKey, data.ttlMs),
      command.redis.del(data.payloadKey),
    ]);
    return 'done';
  };
}

function assertConcurrency(concurrency: unknown): number {
  if (concurrency === undefined) return availableParallelism();
  if (typeof concurrency !== 'number' || !Number.isInteger(concurrency) || concurrency < 1) {
    throw new ArgumentError('concurrency', `a queue worker's concurrency must be an integer >= 1, got ${String(concurrency)}`);
  }
  return concurrency;
}

/** Throttles background error reports to one per message per 10 s (a lost server repeats its error). */
function throttled(report: (error: Error) => void): (error: Error) => void {
  const last = new Map<string, number>();
  return (error) => {
    const now = Date.now();
    if (now - (last.get(error.message) ?? 0) < 10_000) return;
    last.set(error.message, now);
    report(error);
  };
}

/**
 * Starts a queue worker: it takes the 'queue' engine's jobs from Redis (settings as for
 * `configureQueue`, `options` over them) and runs them `concurrency` at a time on local worker
 * threads. Item functions are imported by module path, as on 'threads': the same code must be
 * installed at the same path on every worker machine. Resolves once the worker takes jobs; rejects
 * with a `QueueConnectionError` when Redis cannot be reached within `connectTimeoutMs`.
 */
export async function startQueueWorker(options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const { concurrency: requested, id: requestedId, onError, ...queueOptions } = options;
  const concurrency = assertConcurrency(requested);
  if (requestedId !== undefined && (typeof requestedId !== 'string' || requestedId === '')) {
    throw new ArgumentError('id', `a queue worker's id must be a non-empty string, got ${JSON.stringify(requestedId)}`);
  }
  const settings = queueSettings(queueOptions);
  const id = requestedId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
  const report = throttled(onError ?? ((error) => console.error(`batchflow-ts worker ${id}: ${error.message}`)));
  const command = await openConnection(settings, 'worker command', true);
  try {
    await command.ready;
  } catch (error) {
    await closeConnection(command);
    throw error;
  }
  const threads = new LocalThreads(concurrency);
  await loadWire();
  const { Worker: BullWorker } = await import('bullmq');
  const worker: Worker<QueueJobData, JobOutcome> = new BullWorker<QueueJobData, JobOutcome>(settings.queueName, processor(command, threads), {
    connection: { ...redisOptions(settings), connectTimeout: settings.connectTimeoutMs } as BullConnectionOptions,
    prefix: settings.prefix,
    name: id,
    concurrency,
    lockDuration: settings.lockDurationMs,
    stalledInterval: settings.stalledIntervalMs,
    maxStalledCount: settings.maxStalledCount,
    removeOnComplete: { count: 0 },
    removeOnFail: { age: 3600, count: 1000 },
    drainDelay: 1,
  });
  worker.on('error', (error) => report(error));
  worker.on('failed', (job, error) => report(new Error(`job ${job?.id ?? '?'} failed: ${error.message}`)));
  await worker.waitUntilReady();
  let closing: Promise<void> | null = null;
  return {
    id,
    queueName: settings.queueName,
    url: safeUrl(settings.url),
    concurrency,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await threads.close();
        await closeConnection(command);
      })()),
  };
}
