/** The 'for' engine: items run one after another in the calling thread (async results awaited in turn). */
import { TimeoutError } from '../errors.js';
import type { Engine, EngineRunOptions } from './engine.js';
import { invokeItem, itemFailure, withoutUnseenThis, type ItemTask } from './item-task.js';
import { ItemOutputs } from './item-outputs.js';
import { memoryOf } from './batch-memory.js';

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/** Resolves like `result`, or rejects with a TimeoutError at `deadline`. */
function beforeDeadline(result: PromiseLike<unknown>, deadline: number, action: string, timeout: number): Promise<unknown> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(action, timeout)), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([result, expired]).finally(() => clearTimeout(timer));
}

export class ForEngine implements Engine {
  readonly name = 'for' as const;

  async run(givenTask: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    const task = withoutUnseenThis(givenTask);
    const count = task.items.length;
    const results = new Array<unknown>(count).fill(null); // generic elements: NaN payloads survive
    const deadline = options.timeout === undefined ? Infinity : Date.now() + options.timeout;
    const outputs = new ItemOutputs(count, task.offset, memoryOf(givenTask.thisArg));
    for (let position = 0; position < count; position++) {
      try {
        let result = invokeItem(task, position, outputs);
        if (isPromiseLike(result)) result = await (deadline === Infinity ? result : beforeDeadline(result, deadline, task.action, options.timeout!));
        results[position] = result;
      } catch (error) {
        if (error instanceof TimeoutError) throw error;
        throw itemFailure(task, position, error);
      }
      if (deadline !== Infinity && Date.now() > deadline) throw new TimeoutError(task.action, options.timeout!);
    }
    outputs.attachTo(results);
    return results;
  }

  async close(): Promise<void> {}
}
