/** Whether a task may go to a worker pool under target 'auto'; if not, why (it then stays on 'for'). */
import type { ItemTask } from '../item-task.js';
import { cloneable } from '../../util/cloneable.js';

/**
 * Null when the task can run on workers, else the reason it cannot: a function without a module
 * reference (a closure, an inline lambda), options or arguments that do not survive structured
 * cloning, or a call made inside a worker.
 */
export function workerBlocker(task: ItemTask): string | null {
  if ((globalThis as Record<symbol, unknown>)[Symbol.for('batchflow-ts:in-worker')] === true) return 'the call runs inside a batchflow-ts worker';
  if (!task.reference) return 'the function cannot travel to workers (not a decorated method or a portable() function)';
  if (!cloneable(task.options)) return 'an option cannot be sent to workers (structured cloning fails)';
  if (task.args.length > 0 && !cloneable(task.args)) return 'an extra argument cannot be sent to workers (structured cloning fails)';
  return null;
}
