/**
 * The transport of the 'queue' engine: each chunk becomes a BullMQ job on Redis, run by queue workers
 * (`batchflow-ts worker`) anywhere that reaches the server. The chunk travels as a binary payload key
 * (a binary frame, with a TTL); the job holds only where it is and whom to answer. Workers push each
 * reply to the caller's result list, which one blocking connection per transport reads (`BLPOP`).
 * While chunks are in flight the caller renews its liveness key and its payloads; a caller that dies
 * leaves keys that expire, and workers drop its jobs. Nothing connects before the first chunk.
 * @module
 */
import { randomUUID } from 'node:crypto';
import type { Queue } from 'bullmq';
import { basename } from 'node:path';
import type { ReplyMemory } from '../engine.js';
import type { ChunkMessage, ChunkResult, Transport, TransportCapabilities, WorkerWatch } from '../transport/transport.js';
import { BulkReaders, readValue } from './bulk-reader.js';
import { closeConnection, openConnection, safeUrl, type ManagedConnection } from './connection.js';
import { QueueConnectionError } from './errors.js';
import {
  discardPayload,
  loadPayload,
  payloadFile,
  payloadFileName,
  releasePayloadFile,
  removeKeptPayloadFiles,
  replyPayloadName,
  storePayload,
  sweepPayloadFiles,
} from './payload-files.js';
import { decodeReply, encodeChunk, queueKeys, referencedReplyKey, type QueueJobData, type QueueKeys, type QueueReply } from './protocol.js';
import { loadWire, sendFramed } from './wire.js';
import { queueSettings, type QueueSettings, type ResolvedQueueSettings } from './settings.js';

/** A chunk waiting for its reply. */
interface Pending {
  readonly payloadKey: string;
  /** The job exists in BullMQ (its `add` answered). */
  added: boolean;
  /** Renewals in a row that found the job finished (removed) with no reply read yet. */
  finishedTicks: number;
  /** Where a reply file of this job may be read (see `EngineRunOptions.replyMemory`). */
  readonly replyMemory: ReplyMemory | undefined;
  resolve(result: ChunkResult): void;
  reject(error: unknown): void;
}

/** The open connections of a transport. */
interface Connected {
  readonly command: ManagedConnection;
  readonly reader: ManagedConnection;
  /** Reads large replies straight into the call's reply memory (the client reads them when there is none). */
  readonly bulk: BulkReaders;
  readonly queue: Queue;
}

/** How long one BLPOP waits (seconds) before the reader checks whether it should go on. */
const readerBlockSeconds = 1;

class QueueTransport implements Transport {
  readonly capabilities: TransportCapabilities = { sharesMemory: false, sharedMemoryFiles: false, serializesMessages: true };
  /** This caller's id: its jobs, liveness key and result list carry it. */
  readonly callerId = randomUUID();
  private readonly keys: QueueKeys;
  private readonly pending = new Map<string, Pending>();
  private connecting: Promise<Connected> | null = null;
  /** The connections being opened (closed at once by `close()`, which does not wait for a slow server). */
  private opening: ManagedConnection[] = [];
  private connected: Connected | null = null;
  private sequence = 0;
  /** Settles when the chunk being written has its job added: the next chunk's turn. */
  private writing: Promise<void> = Promise.resolve();
  private reading = false;
  private heartbeat: NodeJS.Timeout | null = null;
  private closed = false;
  private failure: unknown = null;
  private readonly broken: Promise<never>;
  private markBroken: (error: unknown) => void = () => {};

  constructor(private readonly settings: ResolvedQueueSettings) {
    this.keys = queueKeys(settings.prefix, settings.queueName);
    this.broken = new Promise<never>((_, reject) => (this.markBroken = reject));
    this.broken.catch(() => {});
  }

  private connect(): Promise<Connected> {
    this.connecting ??= (async () => {
      const command = await openConnection(this.settings, 'command');
      const reader = await openConnection(this.settings, 'result reader');
      this.opening = [command, reader];
      if (this.closed) this.abandonOpening();
      for (const connection of [command, reader]) void connection.ended.catch((error: unknown) => this.fail(error));
      try {
        await Promise.all([command.ready, reader.ready]);
      } catch (error) {
        this.fail(error);
        throw error;
      }
      const bulk = new BulkReaders(this.settings);
      await bulk.start();
      const { Queue: BullQueue } = await import('bullmq');
      await loadWire();
      const queue = new BullQueue(this.settings.queueName, { connection: command.redis, prefix: this.settings.prefix, skipVersionCheck: true });
      queue.on('error', () => {}); // connection errors reach the calls through `ended`
      this.connected = { command, reader, bulk, queue };
      if (this.closed) await this.release();
      return this.connected;
    })();
    return this.connecting;
  }

  /** The transport is unusable (Redis unreachable or gone): every chunk in flight fails with `error`. */
  private fail(error: unknown): void {
    if (this.failure !== null) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.failure = error instanceof QueueConnectionError ? error : new QueueConnectionError(safeUrl(this.settings.url), `failed (${reason})`, { cause: error });
    this.markBroken(this.failure);
    for (const [jobId, pending] of this.pending) {
      this.pending.delete(jobId);
      pending.reject(this.failure);
    }
    void this.release();
  }

  async send(message: ChunkMessage, _transferList: readonly ArrayBuffer[], signal: AbortSignal | undefined, replyMemory?: ReplyMemory): Promise<ChunkResult> {
    if (this.failure !== null) throw this.failure;
    if (signal?.aborted) throw abortReason(signal);
    // a call that times out while Redis is being reached ends at its time limit, not the connection's
    const { command, queue } = await (signal ? raceAbort(this.connect(), signal) : this.connect());
    // chunks are encoded and written one at a time, each job added before the next chunk is encoded:
    // the first job reaches the workers while the caller encodes the next ones
    const turn = this.writing;
    let endTurn: () => void = () => {};
    this.writing = new Promise<void>((resolve) => (endTurn = resolve));
    let written: { readonly reply: Promise<ChunkResult> };
    try {
      await (signal ? raceAbort(turn, signal) : turn);
      written = await this.write(message, command, queue, signal, replyMemory);
    } finally {
      // after the job's add is on the connection (BullMQ writes it within the microtasks of this turn)
      setImmediate(endTurn);
    }
    return written.reply;
  }

  /** Writes the chunk's payload and adds its job (without waiting for Redis); resolves with the reply's promise. */
  private async write(
    message: ChunkMessage,
    command: ManagedConnection,
    queue: Queue,
    signal: AbortSignal | undefined,
    replyMemory: ReplyMemory | undefined,
  ): Promise<{ readonly reply: Promise<ChunkResult> }> {
    if (this.failure !== null) throw this.failure;
    // closed while this chunk waited for its turn
    if (this.closed) throw this.closedError();
    if (signal?.aborted) throw abortReason(signal);
    const payload = encodeChunk(message); // binary: typed arrays stay packed, never JSON
    const jobId = `${this.callerId}-${++this.sequence}`;
    const payloadKey = this.keys.payload(jobId);
    const { payloadDirectory, payloadFileBytes } = this.settings;
    const data: QueueJobData = {
      callerId: this.callerId,
      payloadKey,
      callerKey: this.keys.caller(this.callerId),
      resultsKey: this.keys.results(this.callerId),
      ttlMs: this.settings.payloadTtlMs,
      payloadDirectory,
      payloadFileBytes,
      replyKey: this.keys.reply(jobId),
    };
    // a large chunk through shared storage (payloadDirectory): only the file's name goes through Redis
    sweepPayloadFiles(payloadDirectory, 2 * this.settings.payloadTtlMs);
    const stored = await storePayload(payload, payloadDirectory, payloadFileBytes, jobId);
    if (signal?.aborted) {
      discardPayload(stored);
      throw abortReason(signal);
    }
    const reply = new Promise<ChunkResult>((resolve, reject) =>
      this.pending.set(jobId, { payloadKey, added: false, finishedTicks: 0, replyMemory, resolve, reject }),
    );
    this.startActivity();
    const ttl = String(this.settings.payloadTtlMs);
    // in order on one connection: the liveness key and the payload are written before the job exists
    // (the payload's bytes go to the socket as they were encoded, without a copy by the client)
    const alive = command.redis.set(data.callerKey, '1', 'PX', ttl);
    const written = sendFramed(command.redis, 'SET', 1, [payloadKey, stored.frame, 'PX', ttl]);
    const added = queue.add('chunk', data, { jobId, removeOnComplete: true, removeOnFail: { age: 3600, count: 1000 }, attempts: 1 });
    Promise.all([alive, written, added]).then(
      () => {
        const pending = this.pending.get(jobId);
        if (pending) pending.added = true;
      },
      (error: unknown) => this.settle(jobId, null, error),
    );
    if (signal) {
      const onAbort = (): void => {
        if (!this.pending.has(jobId)) return;
        this.settle(jobId, null, abortReason(signal));
        // the job is dropped: removed while it waits; a worker that already took it finds no payload
        void command.redis.del(payloadKey).catch(() => {});
        discardPayload(stored);
        void queue.remove(jobId).catch(() => {});
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void reply.then(
        () => signal.removeEventListener('abort', onAbort),
        () => signal.removeEventListener('abort', onAbort),
      );
    }
    return { reply };
  }

  /** Ends the wait of job `jobId` (its payload key is deleted by the worker that ran it). */
  private settle(jobId: string, result: ChunkResult | null, error?: unknown): void {
    const pending = this.pending.get(jobId);
    if (!pending) return; // a duplicate reply (a job run twice after its worker died), or a call that ended
    this.pending.delete(jobId);
    if (result) pending.resolve(result);
    else pending.reject(error);
    if (this.pending.size === 0) this.stopActivity();
  }

  /** Chunks are in flight: read replies, renew the caller's keys, keep the process alive. */
  private startActivity(): void {
    if (!this.connected) return;
    this.connected.command.setRef(true);
    this.connected.reader.setRef(true);
    if (!this.reading) void this.readReplies(this.connected);
    this.heartbeat ??= setInterval(() => this.renew(), Math.max(50, Math.floor(this.settings.payloadTtlMs / 3)));
  }

  private stopActivity(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.connected?.command.setRef(false);
    this.connected?.reader.setRef(false);
  }

  /**
   * The reader loop: BLPOP on this caller's result list while chunks are in flight. A large reply
   * waits in a key of its own (the list holds a reference to it): it is read and removed with the next
   * BLPOP sent right behind, on the same connection, so that reply costs no round trip of its own.
   */
  private async readReplies(connected: Connected): Promise<void> {
    this.reading = true;
    const redis = connected.reader.redis;
    const resultsKey = this.keys.results(this.callerId);
    const goOn = (): boolean => !this.closed && this.failure === null && this.pending.size > 0;
    try {
      let popping: Promise<[Buffer, Buffer] | null> | null = redis.blpopBuffer(resultsKey, readerBlockSeconds);
      while (popping) {
        const popped = await popping;
        popping = null;
        if (popped) {
          const key = referencedReplyKey(popped[1]);
          const jobId = key === null ? null : this.replyJob(key);
          let stored: Buffer | null | Promise<Buffer | null> = popped[1];
          if (jobId !== null) {
            // into the call's reply memory when the bulk reader reads it; removed once read (it may be read on a
            // connection of its own, so the UNLINK waits for the read, and goes on the command connection)
            const reading = readValue(connected.bulk.current(), redis, key!, this.pending.get(jobId)?.replyMemory);
            const command = connected.command.redis;
            void reading.finally(() => command.unlink(key!).catch(() => {})).catch(() => {});
            stored = reading;
          }
          // more replies to come: the next BLPOP goes out now, behind this reply's GET
          if (jobId !== null && this.pending.size > 1 && goOn()) popping = redis.blpopBuffer(resultsKey, readerBlockSeconds);
          const reply = await stored;
          if (reply === null) {
            const ttl = this.settings.payloadTtlMs;
            this.settle(
              jobId!,
              null,
              new Error(
                `the reply of queue job ${jobId} expired before this caller read it (was its event loop blocked longer than payloadTtlMs = ${ttl} ms?)`,
              ),
            );
          } else {
            const bytes = await loadPayload(reply, this.settings.payloadDirectory, (file) => this.replyMemoryOf(file));
            // read: the reply's file is kept to be written over by a later chunk
            void releasePayloadFile(payloadFile(reply), this.settings.payloadDirectory);
            this.accept(decodeReply(bytes));
          }
        }
        if (!popping && goOn()) popping = redis.blpopBuffer(resultsKey, readerBlockSeconds);
      }
    } catch (error) {
      // a lost server rejects the pending BLPOP before the connection ends: say so, not what ioredis says
      if (!this.closed) this.fail(redis.status === 'ready' ? error : connected.reader.lost());
    } finally {
      this.reading = false;
    }
    // a chunk sent while the loop was ending
    if (goOn()) void this.readReplies(connected);
  }

  /** The job whose reply key `key` is: one of this caller's in flight (a reference to anything else is refused). */
  private replyJob(key: string): string | null {
    const prefix = this.keys.reply(`${this.callerId}-`);
    if (!key.startsWith(prefix)) throw new Error(`a reply on this caller's result list refers to ${JSON.stringify(key)}, which is not one of its reply keys`);
    return `${this.callerId}-${key.slice(prefix.length)}`;
  }

  /** The reply memory of the job in flight whose reply file `file` is (workers name it after the job), if any. */
  private replyMemoryOf(file: string): ReplyMemory | undefined {
    const name = basename(file);
    for (const [jobId, pending] of this.pending)
      if (pending.replyMemory !== undefined && name === payloadFileName(replyPayloadName(jobId))) return pending.replyMemory;
    return undefined;
  }

  /** Settles the chunk a decoded reply answers. */
  private accept(reply: QueueReply): void {
    if ('result' in reply) this.settle(reply.jobId, reply.result);
    else {
      const lost = new Error(reply.lost.message);
      lost.name = reply.lost.name;
      lost.stack = `${reply.lost.stack || `${lost.name}: ${lost.message}`}\n    (on a queue worker)`;
      this.settle(reply.jobId, null, lost);
    }
  }

  /**
   * Renews the caller's keys and looks at the jobs in flight: a job BullMQ gave up (its worker died
   * too often) fails its chunk; so does a job that finished (BullMQ removed it) while its reply did not
   * arrive for two renewals in a row — the reply expired before this caller read it.
   */
  private renew(): void {
    const connected = this.connected;
    if (!connected || this.pending.size === 0) return;
    const ttl = this.settings.payloadTtlMs;
    const batch = connected.command.redis.pipeline().set(this.keys.caller(this.callerId), '1', 'PX', ttl).pexpire(this.keys.results(this.callerId), ttl);
    for (const pending of this.pending.values()) batch.pexpire(pending.payloadKey, ttl);
    batch.exec().catch(() => {});
    for (const [jobId, pending] of this.pending) {
      if (!pending.added) continue;
      void connected.queue
        .getJobState(jobId)
        .then(async (state) => {
          if (state === 'failed') {
            const job = await connected.queue.getJob(jobId);
            const reason = job?.failedReason ?? 'unknown reason';
            this.settle(
              jobId,
              null,
              new Error(`queue job ${jobId} failed: ${reason} (its worker died more than maxStalledCount times, or could not reach Redis)`),
            );
          } else if (state === 'unknown' || state === 'completed') {
            if (++pending.finishedTicks < 2) return;
            const message = `the reply of queue job ${jobId} expired before this caller read it (was its event loop blocked longer than payloadTtlMs = ${ttl} ms?)`;
            this.settle(jobId, null, new Error(message));
          } else pending.finishedTicks = 0;
        })
        .catch(() => {});
    }
  }

  watch(): WorkerWatch {
    return { died: this.broken, stop: () => {} };
  }

  discard(): void {
    void this.close();
  }

  private async release(): Promise<void> {
    const connected = this.connected;
    this.connected = null;
    this.stopActivity();
    if (!connected) return;
    // closing takes round trips: the process waits for them even when the connections were idle (unref'd)
    connected.command.setRef(true);
    connected.reader.setRef(true);
    if (connected.command.redis.status === 'ready') await connected.command.redis.del(this.keys.caller(this.callerId)).catch(() => {});
    await connected.queue.close().catch(() => {});
    connected.bulk.close();
    await Promise.all([closeConnection(connected.command), closeConnection(connected.reader, true)]);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const closing = this.closedError();
    for (const [jobId, pending] of this.pending) {
      this.pending.delete(jobId);
      pending.reject(closing);
    }
    this.abandonOpening();
    await this.connecting?.catch(() => {});
    await this.release();
    removeKeptPayloadFiles();
  }

  private closedError(): QueueConnectionError {
    return new QueueConnectionError(safeUrl(this.settings.url), 'is no longer used: the engine was closed (closeEngines or configureQueue)');
  }

  /** Closes connections that are not ready yet (a server that does not answer would keep `close()` waiting). */
  private abandonOpening(): void {
    if (this.connected) return;
    for (const connection of this.opening) connection.redis.disconnect();
  }
}

function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('the call was aborted');
}

/** `promise`, or a rejection with the abort reason as soon as `signal` aborts. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A transport that runs chunks as BullMQ jobs on Redis (the 'queue' engine's): `settings` over those of
 * `configureQueue` (a bad option is an ArgumentError naming it). It connects on its first chunk;
 * `close()` closes its connections.
 */
export function createQueueTransport(settings: QueueSettings = {}): Transport {
  return new QueueTransport(queueSettings(settings));
}
