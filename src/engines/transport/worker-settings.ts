/**
 * Settings of the worker pools (`configureWorkers`). The tinypool transports read them when they
 * create a pool; the worker engine closes its pools when they change.
 * @module
 */

/** Settings of the worker pools (see `configureWorkers`). */
export interface WorkerSettings {
  /** V8 heap limits of each worker thread (worker_threads only): an item exceeding them crashes its worker with a typed error. */
  readonly resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

let current: WorkerSettings = {};

/** The settings new pools start with. */
export function workerSettings(): WorkerSettings {
  return current;
}

/** Replaces the settings new pools start with. */
export function setWorkerSettings(settings: WorkerSettings): void {
  current = { ...settings };
}
