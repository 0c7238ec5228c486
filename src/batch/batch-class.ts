/**
 * Public types around the `Batch` class: its constructor options and the shape of a Batch class.
 * They name the class through {@link BatchType}, so this module stays below the batch module.
 * @module
 */
import type { IndexSource } from '../dataset/dataset-index.js';
import type { ParallelDecoratorOptions } from '../decorators/parallel-options.js';
import type { Column } from '../ndarray/columns.js';
import type { BatchType } from './batch-like.js';
import type { DatasetOf } from './dataset-link.js';

/** Constructor options of a batch; any other key becomes a batch attribute (see `getAttrs`). */
export interface BatchOptions {
  /** The dataset the batch was taken from (its index maps ids to positions in preloaded data). */
  dataset?: DatasetOf<BatchType> | null;
  /** The pipeline running the batch, if any. */
  pipeline?: object | null;
  /** In-memory data to load lazily on first access: a record/tuple of components, or raw data. */
  preloaded?: unknown;
  /** Deep-copy loaded data so the batch never shares memory with its source (default false: may share). */
  copy?: boolean;
  /** Extra attributes. */
  [attribute: string]: unknown;
}

/** A Batch class (the constructor and its statics). */
export interface BatchClass<B extends BatchType = BatchType> {
  new (index: IndexSource, options?: BatchOptions): B;
  readonly components: readonly string[] | null;
  readonly applyDefaults: Readonly<ParallelDecoratorOptions>;
  readonly name: string;
  mergeComponent(component: string, data: readonly Column[]): Column;
}
