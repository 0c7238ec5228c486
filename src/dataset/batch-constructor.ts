/**
 * The type of a Batch class as datasets see it (kept apart so modules below `Dataset` can use it).
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { BatchOptions } from '../batch/batch-class.js';
import type { IndexSource } from './dataset-index.js';

/** A Batch class a dataset can make batches with. */
export type BatchConstructor<B extends Batch = Batch> = new (index: IndexSource, options?: BatchOptions) => B;
