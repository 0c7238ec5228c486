/**
 * How a profiled step learns the time its items spent in their function on workers: the step registers
 * with {@link collectWorkerTime} for its batch until it ends, and a worker engine reports each call's function time
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

const collectors = new WeakMap<object, (functionMs: number) => void>();

/**
 * From now until the returned `end` is called, the worker function time reported for `owner` (the
 * step's batch) goes to `record`; `end` gives `owner` back to the collector it had before (a step
 * inside a step).
 */
export function collectWorkerTime(owner: object, record: (functionMs: number) => void): () => void {
  const outer = collectors.get(owner);
  collectors.set(owner, record);
  return () => {
    if (outer === undefined) collectors.delete(owner);
    else collectors.set(owner, outer);
  };
}

/** Reports that a call on `owner` spent `functionMs` milliseconds of its items' time in their function on workers (summed over workers). */
export function reportWorkerTime(owner: unknown, functionMs: number): void {
  if (typeof owner !== 'object' || owner === null) return;
  collectors.get(owner)?.(functionMs);
}
