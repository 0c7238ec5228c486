/**
 * The 'async' engine: every item's call starts at once (or at most `nWorkers` at a time) and the
 * engine awaits them all. For I/O-bound async item functions; sync functions work too.
 */
import { TimeoutError } from '../errors.js';
import type { Engine, EngineRunOptions } from './engine.js';
import { invokeItem, itemFailure, type ItemTask } from './item-task.js';
import { ItemOutputs } from './item-outputs.js';
import { memoryOf } from './batch-memory.js';

export class AsyncEngine implements Engine {
  readonly name = 'async' as const;

  async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    const count = task.items.length;
    const limit = options.nWorkers === undefined ? count : Math.max(1, options.nWorkers);
    const results = new Array<unknown>(count).fill(null); // generic elements: NaN payloads survive
    const failures = new Map<number, unknown>();
    const outputs = new ItemOutputs(count, task.offset, memoryOf(task.thisArg));
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < count) {
        const position = next++;
        try {
          results[position] = await invokeItem(task, position, outputs);
        } catch (error) {
          failures.set(position, error);
        }
      }
    };
    const all = Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
    if (options.timeout === undefined) {
      await all;
    } else {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimeoutError(task.action, options.timeout!)), options.timeout);
        timer.unref();
      });
      try {
        await Promise.race([all, timeout]);
      } finally {
        clearTimeout(timer);
      }
    }
    if (failures.size > 0) {
      const first = Math.min(...failures.keys());
      throw itemFailure(task, first, failures.get(first), failures.size);
    }
    outputs.attachTo(results);
    return results;
  }

  async close(): Promise<void> {}
}
