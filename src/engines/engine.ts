/** The Engine interface every parallel target implements. */
import type { ItemTask } from './item-task.js';

/** Per-call settings an engine may use. */
export interface EngineRunOptions {
  /** Workers ('threads', 'mpc') or concurrent items ('async'); undefined = engine default. */
  readonly nWorkers?: number;
  /** Items per message (worker engines). */
  readonly chunkSize?: number;
  /** Milliseconds before the call fails with a TimeoutError. */
  readonly timeout?: number;
  /**
   * Where a transport may read the bytes of a chunk's reply that it reads itself (a reply file of the
   * 'queue' engine's payload directory). Results may then be views of that memory, so the caller
   * must keep it unchanged for as long as it uses them. A pipeline run with `reuseMemory` passes
   * memory it reuses once the batch is consumed. Without it, or when it returns null, replies get
   * fresh memory.
   */
  readonly replyMemory?: ReplyMemory;
}

/** Gives memory of at least `bytes` bytes for a reply, or null for fresh memory (see {@link EngineRunOptions.replyMemory}). */
export type ReplyMemory = (bytes: number) => Uint8Array | null;

/**
 * Runs a task's items and returns the results **in item order**. When items fail it throws one
 * `ActionError` for the failed item with the lowest position (its `failedCount` says how many failed):
 * `itemFailure(task, position, cause, failedCount)` builds it. `invokeItem(task, position)` runs one
 * item exactly as every built-in engine does (the `p` mask, per-item options, `context.rng`), so an
 * engine that calls it gives the same results as `'for'`. Register an engine with `registerEngine`.
 */
export interface Engine {
  /** The name the engine is registered under. */
  readonly name: string;
  run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]>;
  /**
   * True when the workers that `options` select see the caller's `SharedArrayBuffer`s (worker
   * threads): callers may then put large inputs in shared memory, which then travel by reference.
   * Optional; an engine without it is taken not to share memory.
   */
  sharesMemory?(options: EngineRunOptions): boolean;
  /**
   * True when the workers that `options` select run on this machine and read files in /dev/shm
   * (child processes): callers may then hand large data over through such files. Optional; an engine
   * without it is taken not to.
   */
  sharesMemoryFiles?(options: EngineRunOptions): boolean;
  /** Releases the engine's resources (worker pools). Safe to call more than once. */
  close(): Promise<void>;
}
