/**
 * The transport of a worker engine: how one chunk of items reaches a worker and how its results come
 * back. The scheduler (`../scheduler/`) does everything else (chunking, ordering, encoding, failures,
 * time limits, placing results), so a new kind of worker (another pool, a job queue on other
 * machines) only implements this interface.
 * @module
 */
import type { ReplyMemory } from '../engine.js';
import type { WorkerResultMessage, WorkerTaskMessage } from '../worker/messages.js';

/** One chunk as the scheduler sends it: structured-cloneable data, its buffers listed in the transfer list. */
export type ChunkMessage = WorkerTaskMessage;
/** What the worker answers for a chunk (results, item failures, or why the chunk could not start). */
export type ChunkResult = WorkerResultMessage;

/** What a transport can do, which decides how the scheduler packs messages. */
export interface TransportCapabilities {
  /**
   * Workers see the caller's `SharedArrayBuffer`s (worker threads): results shaped like the items are
   * written by the workers straight into one shared output buffer.
   */
  readonly sharesMemory: boolean;
  /**
   * Large buffers go through files in /dev/shm, because the channel copies every byte (child
   * processes); only names and offsets travel in the message. Small payloads stay in the message.
   */
  readonly sharedMemoryFiles: boolean;
  /**
   * The transport turns each message into bytes itself (written to a socket or a file before the
   * chunk's answer arrives) and never moves its buffers: the scheduler may then put views of the
   * caller's arrays in it instead of packed copies (a job queue). Absent: false.
   */
  readonly serializesMessages?: boolean;
}

/** Watches a transport's workers while a call is in flight (see {@link Transport.watch}). */
export interface WorkerWatch {
  /** Rejects with the reason when a worker dies during the call; never resolves. */
  readonly died: Promise<never>;
  /** Stops watching (called when the call ends, however it ends). */
  stop(): void;
}

/**
 * Sends chunks to a fixed set of workers. The scheduler calls {@link send} once per chunk, possibly
 * many times before the first answer, and the transport queues them to its workers.
 */
export interface Transport {
  readonly capabilities: TransportCapabilities;
  /**
   * Runs one chunk on a worker and resolves with its answer. `transferList` holds buffers of the
   * message that may be moved instead of copied. When `signal` aborts, the chunk must stop (the
   * worker running it is stopped) and the promise reject. A rejection means the chunk was lost (its
   * worker died or could not answer): the scheduler reports it as a `WorkerCrashError` with the cause.
   * `replyMemory` (optional to use) is where a transport that reads the reply's bytes itself may put
   * them; the answer may then hold views of it (see `EngineRunOptions.replyMemory`).
   */
  send(message: ChunkMessage, transferList: readonly ArrayBuffer[], signal: AbortSignal | undefined, replyMemory?: ReplyMemory): Promise<ChunkResult>;
  /**
   * Starts watching for a worker that dies while chunks are in flight without rejecting their
   * {@link send} (a worker thread that exits). Transports whose `send` always rejects on a lost worker
   * return a watch whose `died` never settles.
   */
  watch(): WorkerWatch;
  /**
   * Gives up a transport after a dead worker: stops its workers in the background. The engine never
   * uses it again (it creates a new one on the next call).
   */
  discard(): void;
  /** Stops the workers and releases the transport's resources. */
  close(): Promise<void>;
}

/** Creates the transport of a worker engine for `nWorkers` workers (called once per worker count, lazily). */
export type TransportFactory = (nWorkers: number) => Transport;

/** A watch that never reports a death (for transports whose `send` rejects when its worker dies). */
export function quietWatch(): WorkerWatch {
  return { died: new Promise<never>(() => {}), stop: () => {} };
}
