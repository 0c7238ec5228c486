/**
 * The errors of datasets built from an iterable: the user's source failed, gave a malformed value,
 * or an operation needs an index such a dataset does not have.
 * @module
 */
import { BatchflowError } from '../errors.js';

/** The source of an `IterableDataset` (its iterator's `next()`, or the factory function) threw. */
export class IterableSourceError extends BatchflowError {
  override name = 'IterableSourceError';
  /** The batch being assembled when it threw (0-based, in the order batches are made). */
  readonly batch: number;
  /** The number (= id) the next item would have had. */
  readonly item: number;
  constructor(batch: number, item: number, cause: unknown) {
    const text = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`the dataset's source threw while batch ${batch} was being assembled (before item ${item}): ${text}`, { cause });
    this.batch = batch;
    this.item = item;
  }
}

/** The source of an `IterableDataset` gave a value that is not a valid item (or batch of items). */
export class SourceItemError extends BatchflowError {
  override name = 'SourceItemError';
  /** The number (= id) of the item at fault, or of the first item of the batch at fault. */
  readonly item: number;
  /** The component at fault, or null when the value itself is wrong. */
  readonly component: string | null;
  constructor(item: number, component: string | null, message: string) {
    super(message);
    this.item = item;
    this.component = component;
  }
}

/** An operation that needs the dataset's ids (splits, a batch by ids, checkpoints, batch workers) on a dataset built from an iterable. */
export class NoIndexError extends BatchflowError {
  override name = 'NoIndexError';
  /** What was asked for (`'createBatch'`, `'split'`, `'checkpoint'`, `"target 'threads'"`, …). */
  readonly operation: string;
  constructor(operation: string, why: string) {
    super(`${operation}: not available on a dataset built from an iterable (its items have no index until they arrive): ${why}`);
    this.operation = operation;
  }
}
