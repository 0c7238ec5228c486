/**
 * How a profiled step learns the time its items spent in their function on workers: the step runs
 * inside {@link collectWorkerTime} for its batch, and a worker engine reports each call's function time
 * with {@link reportWorkerTime} for the object the call ran on (`this` of the parallel action, the batch).
 * Steps of different batches may overlap (prefetch): each batch has its own collector, so time is never
 * given to another batch's step. A call on another object than the step's batch is not counted.
 * Outside a profiled step, reporting costs one lookup and records nothing.
 *
 * (An `AsyncLocalStorage` would also follow calls on other objects, but once used it makes every promise
 * of the process carry its context for the rest of the process's life, which slowed whole runs, profiled
 * or not, by several per cent.)
 * @module
 */

const collectors = new WeakMap<object, Array<(functionMs: number) => void>>();

/** Runs `work`; the worker function time reported for `owner` (the step's batch) inside it goes to `record`. */
export async function collectWorkerTime<T>(owner: object | null, record: (functionMs: number) => void, work: () => Promise<T>): Promise<T> {
  if (owner === null) return work();
  const stack = collectors.get(owner) ?? [];
  if (stack.length === 0) collectors.set(owner, stack);
  stack.push(record);
  try {
    return await work();
  } finally {
    stack.splice(stack.lastIndexOf(record), 1);
    if (stack.length === 0) collectors.delete(owner);
  }
}

/** Reports that a call on `owner` spent `functionMs` milliseconds of its items' time in their function on workers (summed over workers). */
export function reportWorkerTime(owner: unknown, functionMs: number): void {
  if (typeof owner !== 'object' || owner === null) return;
  collectors.get(owner)?.at(-1)?.(functionMs);
}
