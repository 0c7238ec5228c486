/**
 * How a profiled step learns the time its items spent in their function on workers: the step runs
 * inside {@link collectWorkerTime}, and a worker engine reports each call's function time with
 * {@link reportWorkerTime}. Outside a profiled step, reporting costs one lookup and records nothing.
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';

const collector = new AsyncLocalStorage<(functionMs: number) => void>();

/** Runs `work`; the worker function time reported inside it (however deep) goes to `record`. */
export function collectWorkerTime<T>(record: (functionMs: number) => void, work: () => Promise<T>): Promise<T> {
  return collector.run(record, work);
}

/** Reports that a call's items spent `functionMs` milliseconds in their function on workers (summed over workers). */
export function reportWorkerTime(functionMs: number): void {
  collector.getStore()?.(functionMs);
}
