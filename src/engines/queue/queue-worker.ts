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
import { BulkReaders, readValue } from './bulk-reader.js';
import { closeConnection, openConnection, redisOptions, safeUrl, type ManagedConnection } from './connection.js';
import { loadPayload, payloadFile, releasePayloadFile, removeKeptPayloadFiles, replyPayloadName, storePayload, sweepPayloadFiles } from './payload-files.js';
import { decodeChunk, encodeReply, replyKeyBytes, replyReference, type LostChunk, type QueueJobData, type QueueReply } from './protocol.js';
import { queueSettings, type QueueSettings } from './settings.js';
import { SlotLease } from '../shared-slots.js';
import type { Frame } from './frame.js';
import { loadWire, sendFramed } from './wire.js';

/** Options of {@link startQueueWorker}: the queue settings (over `configureQueue`'s) and the worker's own. */
export interface QueueWorkerOptions extends QueueSettings {
  /** Jobs run at the same time, each on its own local worker thread (default: this machine's CPU count). */
  readonly concurrency?: number;
  /**
   * Jobs taken ahead of the threads (default 1): their chunks are read from Redis and decoded while
   * the threads compute, so a thread starts its next chunk as soon as it is free instead of waiting a
   * round trip for it. 0 takes a job only when a thread is free (the most even spread of few long
   * jobs over many workers). A job taken ahead is locked to this worker like a running one: if the
   * worker dies, it runs elsewhere after `lockDurationMs`.
   */
  readonly prefetch?: number;
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
  /** Jobs taken ahead of the threads. */
  readonly prefetch: number;
  /** Stops taking jobs, lets the running ones finish, stops the threads and closes the connections. */
  close(): Promise<void>;
}

/** What a job's processor answers (kept by BullMQ only until the job is removed). */
type JobOutcome = 'done' | 'dropped';

/**
 * The worker threads a queue worker runs chunks on (replaced when a thread dies), and their slots: a
 * job taken ahead waits for a free slot here, not in the pool's queue, so it can still be dropped
 * before it starts.
 */
class LocalThreads {
  private transport: Transport;
  private free: number;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    this.transport = createThreadsTransport(size);
    this.free = size;
  }

  /** Resolves once a thread is free for this job; call the function it gives when the job is done. */
  async slot(): Promise<() => void> {
    if (this.free > 0) this.free--;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    };
  }

  /**
   * Runs one chunk on a thread (its typed arrays are shared memory: the thread reads them where they
   * are; same-shape ndarray results are packed into `resultStorage`); rejects when its thread (or
   * another of the pool) dies meanwhile.
   */
  async run(message: ChunkMessage, resultStorage: SharedArrayBuffer | undefined): Promise<ChunkResult> {
    const transport = this.transport;
    const watch = transport.watch();
    try {
      return await Promise.race([transport.send(resultStorage ? { ...message, resultStorage } : message, [], undefined), watch.died]);
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

/**
 * Answers a job without running it: its caller died or gave up the call. A caller that is alive after
 * all (its event loop was blocked so long that its keys expired) learns why its chunk will never come
 * back; for a dead one, the reply expires with its result list.
 */
async function drop(command: ManagedConnection, job: Job<QueueJobData>, why: string): Promise<'dropped'> {
  const data = job.data;
  const dropped: QueueReply = {
    jobId: job.id!,
    lost: {
      name: 'Error',
      message: `a queue worker dropped the chunk without running it: ${why} (a caller renews its keys every payloadTtlMs / 3 = ${Math.floor(data.ttlMs / 3)} ms while chunks are in flight; was its event loop blocked longer than payloadTtlMs?)`,
      stack: '',
    },
  };
  await Promise.all([
    command.redis.unlink(data.payloadKey),
    sendFramed(command.redis, 'RPUSH', 1, [data.resultsKey, encodeReply(dropped)]),
    command.redis.pexpire(data.resultsKey, data.ttlMs),
  ]);
  return 'dropped';
}

const expiredCaller = "the caller's liveness key had expired";

/**
 * The job processor: reads the chunk (while the threads may still be busy: jobs taken ahead), waits
 * for a free thread, runs the chunk there and pushes the reply to the caller.
 */
function processor(command: ManagedConnection, bulk: BulkReaders, threads: LocalThreads): (job: Job<QueueJobData>) => Promise<JobOutcome> {
  // the size of the last reply: the next chunk's result storage is at least as large
  let resultBytes = 0;
  return async (job) => {
    const data = job.data;
    const jobId = job.id!;
    // the chunk and its results live in reused shared memory (no page faults, and not counted as this thread's
    // own memory, so they set off no garbage collection), given back once the reply is out (results may view the chunk)
    const memory = new SlotLease();
    let reusable = true;
    const inMemory = (bytes: number): Uint8Array | null => memory.array('uint8', bytes) as Uint8Array | null;
    try {
      // a large chunk read by the bulk reader lands in that memory straight from the socket; both answers are
      // awaited before anything fails (the memory is not given back while the reader may still write into it)
      const [ttlRead, payloadRead] = await Promise.allSettled([
        command.redis.pttl(data.callerKey),
        readValue(bulk.current(), command.redis, data.payloadKey, inMemory),
      ]);
      if (ttlRead.status === 'rejected') throw ttlRead.reason;
      if (payloadRead.status === 'rejected') throw payloadRead.reason;
      const [callerTtl, payload] = [ttlRead.value, payloadRead.value];
      // the liveness key exists at least this long (unless renewed): a job that gets its thread later looks again
      const aliveUntil = callerTtl === -1 ? Number.POSITIVE_INFINITY : callerTtl > 0 ? Date.now() + callerTtl : null;
      const directory = data.payloadDirectory ?? null;
      if (aliveUntil === null || payload === null) {
        if (payload !== null) await releasePayloadFile(payloadFile(payload), directory);
        return await drop(command, job, aliveUntil === null ? expiredCaller : "the chunk's payload had expired or been withdrawn");
      }
      sweepPayloadFiles(directory, 2 * data.ttlMs);
      let reply: QueueReply;
      try {
        // decoded before a thread is free (a job taken ahead), in shared memory the thread reads in place: a chunk
        // read from its file or by the bulk reader is there already, one read by the client is copied out of its buffers
        const loaded = await loadPayload(payload, directory, () => inMemory);
        const shared = loaded.buffer instanceof SharedArrayBuffer;
        const copy = loaded === payload && !shared ? inMemory(loaded.byteLength) : null;
        copy?.set(loaded);
        const message = decodeChunk(copy ?? loaded, shared || copy !== null || loaded !== payload);
        const resultStorage = memory.array('uint8', Math.max(loaded.byteLength, resultBytes))?.buffer as SharedArrayBuffer | undefined;
        const release = await threads.slot();
        try {
          if (Date.now() >= aliveUntil && (await command.redis.exists(data.callerKey)) !== 1) {
            await releasePayloadFile(payloadFile(payload), directory);
            return await drop(command, job, expiredCaller);
          }
          reply = { jobId, result: await threads.run(message, resultStorage) };
        } finally {
          // the next job's chunk starts while this reply is encoded and pushed
          release();
        }
      } catch (error) {
        // the chunk's thread died (an item exited it, ran out of memory), or its payload file was gone: the caller fails the call with this
        reply = { jobId, lost: describeLost(error) };
        // a thread that died along with another of its pool may still be writing: its memory is not reused
        reusable = false;
      }
      const frame = encodeReply(reply);
      resultBytes = frame.byteLength;
      // until the push is done: one that fails (Redis gone) may leave the frame's memory queued on the socket
      const afterPush = reusable;
      reusable = false;
      await pushReply(command, data, reply.jobId, frame);
      reusable = afterPush;
      // the reply is out: the chunk's file is not needed any more (until then, a run of the job after this
      // worker's death would read it again); it is kept to be written over by a later reply
      await releasePayloadFile(payloadFile(payload), directory);
      return 'done';
    } finally {
      if (reusable) memory.release();
      else memory.surrender();
    }
  };
}

/** Pushes a reply to its caller's result list (a large one through its reply key). */
async function pushReply(command: ManagedConnection, data: QueueJobData, jobId: string, frame: Frame): Promise<void> {
  const directory = data.payloadDirectory ?? null;
  const stored = await storePayload(frame, directory, data.payloadFileBytes ?? Number.POSITIVE_INFINITY, replyPayloadName(jobId));
  // in this order on one connection: the reply key exists when its reference is pushed, and the list
  // exists when its expiry is set. The payload is freed by the server's background thread (UNLINK).
  const { replyKey } = data;
  const pushed =
    replyKey !== undefined && stored.file === null && stored.frame.byteLength >= replyKeyBytes
      ? [
          sendFramed(command.redis, 'SET', 1, [replyKey, stored.frame, 'PX', String(data.ttlMs)]),
          command.redis.rpush(data.resultsKey, replyReference(replyKey)),
        ]
      : [sendFramed(command.redis, 'RPUSH', 1, [data.resultsKey, stored.frame])];
  await Promise.all([...pushed, command.redis.pexpire(data.resultsKey, data.ttlMs), command.redis.unlink(data.payloadKey)]);
}

function assertCount(name: 'concurrency' | 'prefetch', value: unknown, fallback: number, minimum: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < minimum) {
    throw new ArgumentError(name, `a queue worker's ${name} must be an integer >= ${minimum}, got ${String(value)}`);
  }
  return value;
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
 * installed at the same path on every worker machine. `prefetch` more jobs are taken ahead and wait,
 * decoded, for a free thread. Resolves once the worker takes jobs; rejects
 * with a `QueueConnectionError` when Redis cannot be reached within `connectTimeoutMs`.
 */
export async function startQueueWorker(options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  const { concurrency: requested, prefetch: requestedPrefetch, id: requestedId, onError, ...queueOptions } = options;
  const concurrency = assertCount('concurrency', requested, availableParallelism(), 1);
  const prefetch = assertCount('prefetch', requestedPrefetch, 1, 0);
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
  const bulk = new BulkReaders(settings);
  await bulk.start();
  const threads = new LocalThreads(concurrency);
  await loadWire();
  const { Worker: BullWorker } = await import('bullmq');
  const worker: Worker<QueueJobData, JobOutcome> = new BullWorker<QueueJobData, JobOutcome>(settings.queueName, processor(command, bulk, threads), {
    connection: { ...redisOptions(settings), connectTimeout: settings.connectTimeoutMs } as BullConnectionOptions,
    prefix: settings.prefix,
    name: id,
    // the jobs taken ahead wait for a thread (in the pool's queue) with their chunks decoded
    concurrency: concurrency + prefetch,
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
    prefetch,
    close: () =>
      (closing ??= (async () => {
        await worker.close();
        await threads.close();
        bulk.close();
        await closeConnection(command);
        removeKeptPayloadFiles();
      })()),
  };
}
