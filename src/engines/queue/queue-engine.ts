/**
 * The 'queue' engine: the worker engine's scheduler over the queue transport, registered as target
 * `'queue'` (alias `'q'`). A lost Redis server surfaces as a `QueueConnectionError` (not as a crashed
 * worker). `nWorkers` is the number of worker slots the caller expects across all queue workers: it
 * sets how many chunks a call is cut into (default: this machine's CPU count).
 * @module
 */
import { WorkerCrashError } from '../../errors.js';
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

/** The 'queue' engine: chunks run as BullMQ jobs on queue workers (see `configureQueue`, `startQueueWorker`). */
class QueueEngine extends WorkerEngine {
  private readonly unsubscribe: () => void;

  constructor() {
    // the settings are read when the transport is made (on the first call), so configureQueue may come later
    super('queue', () => createQueueTransport());
    this.unsubscribe = onQueueSettingsChange(() => super.close());
  }

  override async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    try {
      return await super.run(task, options);
    } catch (error) {
      // the scheduler reports a lost transport as a crashed worker: say that Redis is the problem
      if (error instanceof WorkerCrashError && error.cause instanceof QueueConnectionError) {
        throw new QueueConnectionError(error.cause.url, `${error.cause.reason}, during action '${task.action}'`, { cause: error.cause });
      }
      throw error;
    }
  }

  override async close(): Promise<void> {
    this.unsubscribe();
    await super.close();
  }
}

registerEngine('queue', () => new QueueEngine(), { aliases: ['q'] });
