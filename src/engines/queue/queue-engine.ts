/**
 * The 'queue' engine: the worker engine's scheduler over the queue transport, registered as target
 * `'queue'` (alias `'q'`). A lost Redis server surfaces as a `QueueConnectionError` (not as a crashed
 * worker). `nWorkers` is the number of worker slots the caller expects across all queue workers: it
 * sets how many chunks a call is cut into (default: this machine's CPU count).
 * @module
 */
import { availableParallelism } from 'node:os';
import { WorkerCrashError } from '../../errors.js';
import { FileFormatError, IoError, MissingFileError } from '../../io/errors.js';
import { isNdArray } from '../../ndarray/ndarray-utils.js';
import type { EngineRunOptions } from '../engine.js';
import type { ItemTask } from '../item-task.js';
import { registerEngine } from '../registry.js';
import { WorkerEngine } from '../worker-engine.js';
import { QueueConnectionError } from './errors.js';
import { createQueueTransport } from './queue-transport.js';
import { onQueueSettingsChange } from './settings.js';

declare module '../target.js' {
  interface EngineRegistry {
    queue: true;
    q: 'queue';
  }
}

/** Item data per chunk above which the engine cuts smaller chunks than guided chunking would (bytes). */
const chunkBytes = 4 * 1024 * 1024;

/**
 * Items per chunk for a call without `chunkSize` whose items are ndarrays so large that guided
 * chunking's first chunks (half the items over the workers) would carry more than `chunkBytes`: the
 * first job then reaches a worker sooner, the workers' last chunks end closer together, and every
 * payload stays small enough that the Redis client's receive buffers and the payload buffers are
 * recycled memory instead of fresh pages. Undefined (guided chunking) otherwise.
 */
function queueChunkSize(task: ItemTask, nWorkers: number): number | undefined {
  const count = task.items.length;
  const first = count > 0 ? task.items.at(0) : undefined;
  if (!isNdArray(first)) return undefined;
  const itemBytes = first.size * ((first.data as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 8);
  const guidedFirst = Math.ceil(count / (2 * nWorkers));
  const fitting = Math.max(1, Math.floor(chunkBytes / Math.max(1, itemBytes)));
  return fitting < guidedFirst ? fitting : undefined;
}

/** `error` (the file system refused a payload file of this process) as the same kind of error, naming the action. */
function payloadFileError(error: IoError, action: string): IoError {
  const Kind = error instanceof MissingFileError ? MissingFileError : error instanceof FileFormatError ? FileFormatError : IoError;
  return new Kind(error.format, error.file, `action '${action}': ${error.detail}`, { cause: error });
}

/** The 'queue' engine: chunks run as BullMQ jobs on queue workers (see `configureQueue`, `startQueueWorker`). */
class QueueEngine extends WorkerEngine {
  private readonly unsubscribe: () => void;

  constructor() {
    // the settings are read when the transport is made (on the first call), so configureQueue may come later
    super('queue', () => createQueueTransport());
    this.unsubscribe = onQueueSettingsChange(() => super.close());
  }

  override async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    const chunkSize = options.chunkSize ?? queueChunkSize(task, options.nWorkers ?? availableParallelism());
    try {
      return await super.run(task, chunkSize === undefined ? options : { ...options, chunkSize });
    } catch (error) {
      // the scheduler reports a lost transport as a crashed worker: say that Redis is the problem
      if (error instanceof WorkerCrashError && error.cause instanceof QueueConnectionError) {
        throw new QueueConnectionError(error.cause.url, `${error.cause.reason}, during action '${task.action}'`, { cause: error.cause });
      }
      // so is a payload file this process could not write or read (its payloadDirectory): the file is the problem
      if (error instanceof WorkerCrashError && error.cause instanceof IoError) throw payloadFileError(error.cause, task.action);
      throw error;
    }
  }

  override async close(): Promise<void> {
    this.unsubscribe();
    await super.close();
  }
}

registerEngine('queue', () => new QueueEngine(), { aliases: ['q'] });
