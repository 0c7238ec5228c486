/** The messages between a worker engine and its workers (one task = one chunk of items). */
import type { FunctionReference } from '../function-reference.js';
import type { RngSeeding } from '../item-task.js';
import type { EncodedList, IdRange } from './codec.js';
import type { SharedOutput } from '../result-buffer.js';
import type { SerialisedThrown } from './error-codec.js';

/** What `this` is inside the worker: a fresh instance of the batch class with the chunk's ids (`ids` of the message) and the batch attributes. */
export interface WorkerSelf {
  readonly module: string | undefined;
  readonly className: string;
  readonly attributes: Record<string, unknown>;
}

/** One chunk of an action: items [start, end). */
export interface WorkerTaskMessage {
  readonly action: string;
  readonly fn: FunctionReference;
  /** The batch `this` is rebuilt from; null when `this` is not a batch or the item function never reads it. */
  readonly self: WorkerSelf | null;
  /**
   * The ids of the chunk's items in their batch (when `this` is a batch): a range of consecutive
   * integers as its first id and count, else packed (numbers travel in one Float64Array).
   */
  readonly ids: EncodedList | IdRange | null;
  readonly start: number;
  readonly end: number;
  readonly items: EncodedList;
  readonly options: Record<string, unknown>;
  readonly perItemOptions: ReadonlyArray<readonly [string, EncodedList]>;
  readonly args: readonly unknown[];
  readonly perItemArgs: ReadonlyArray<readonly [number, EncodedList]>;
  readonly applyMask: Uint8Array | null;
  readonly rngSeeding: RngSeeding;
  /** The index value of each item of the chunk, packed; null when they are the chunk's `ids`, sent once. */
  readonly indexValues: EncodedList | null;
  /** Write large result buffers to shared memory (the 'mpc' transport). */
  readonly sharedMemory: boolean;
  /**
   * Shared memory to pack same-shape ndarray results into (fresh shared memory when they do not fit)
   * instead of moving their buffers: a queue worker's, whose main thread writes them out from there and
   * reuses it for a later chunk (shared memory is not counted as its own, so results passing through do
   * not set off its garbage collections).
   */
  readonly resultStorage?: SharedArrayBuffer;
  /** Threads: a shared buffer for the whole action's results; results of this shape/dtype are written into row `position`. */
  readonly output: SharedOutput | null;
  /** Threads, scalar items: shared room for this chunk's results (item k at index k), where number results are written. */
  readonly numbersOutput: Float64Array | null;
}

/** An item that failed in the worker. */
export interface WorkerFailure {
  readonly position: number;
  /** What the item threw. */
  readonly error: SerialisedThrown;
}

/** A chunk's results. */
export interface WorkerResultMessage {
  readonly results: EncodedList;
  readonly failures: readonly WorkerFailure[];
  /** The shared-memory file holding large result buffers (the main side deletes it). */
  readonly sharedMemoryFile: string | null;
  /** 1 for each result already written into the shared output (its entry in `results` is null). */
  readonly written: Uint8Array | null;
  /** The chunk could not start (its module or class could not be loaded): what was thrown; no item ran. */
  readonly setupFailure: SerialisedThrown | null;
  /** Milliseconds the worker spent running the chunk's items (0 when it could not start). */
  readonly busyMs: number;
}
