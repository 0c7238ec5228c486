/** The Engine interface every parallel target implements. */
import type { ItemTask } from './item-task.js';
import type { TargetName } from './target.js';

/** Per-call settings an engine may use. */
export interface EngineRunOptions {
  /** Workers ('threads', 'mpc') or concurrent items ('async'); undefined = engine default. */
  readonly nWorkers?: number;
  /** Items per message (worker engines). */
  readonly chunkSize?: number;
  /** Milliseconds before the call fails with a TimeoutError. */
  readonly timeout?: number;
}

/**
 * Runs a task's items and returns the results **in item order**. When items fail it throws one
 * `ActionError` for the failed item with the lowest position (its `failedCount` says how many failed).
 */
export interface Engine {
  readonly name: TargetName;
  run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]>;
  /** Releases the engine's resources (worker pools). Safe to call more than once. */
  close(): Promise<void>;
}
