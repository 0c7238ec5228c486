/**
 * `Dataset`: an index plus (optionally) preloaded data and the Batch class that slices it. This is
 * the minimal dataset the Batch needs; splits, pipelines and batch generation build on it.
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { Batch, BatchOptions } from '../batch/batch.js';
import { DatasetIndex, type IndexSource } from './dataset-index.js';
import { Batch as BatchRuntime } from '../batch/batch.js';

/** Constructor options of a dataset; any other key becomes a dataset attribute. */
export interface DatasetOptions<B extends Batch = Batch> {
  /** The class of the batches this dataset makes (default `Batch`). */
  batchClass?: new (index: IndexSource, options?: BatchOptions) => B;
  /** Data for all items (a record/tuple of components, or raw data); batches crop it to their ids. */
  preloaded?: unknown;
  /** Batches deep-copy their part of `preloaded` (default false: they may share memory with it). */
  copy?: boolean;
  [attribute: string]: unknown;
}

/** A dataset: ids, preloaded data and a batch class. */
export class Dataset<B extends Batch = Batch> {
  /** The dataset's ids. */
  readonly index: DatasetIndex;
  /** The class of the batches it creates. */
  readonly batchClass: new (index: IndexSource, options?: BatchOptions) => B;
  /** The data batches are cropped from. */
  readonly preloaded: unknown;
  /** Whether batches copy their data. */
  readonly copy: boolean;
  readonly #attributeNames: string[];

  constructor(index: IndexSource, options: DatasetOptions<B> = {}) {
    const { batchClass, preloaded, copy = false, ...attributes } = options;
    this.index = index instanceof DatasetIndex ? index : new DatasetIndex(index);
    this.batchClass = batchClass ?? (BatchRuntime as unknown as new (index: IndexSource, options?: BatchOptions) => B);
    this.preloaded = preloaded;
    this.copy = copy;
    this.#attributeNames = [];
    for (const [name, value] of Object.entries(attributes)) {
      if (name in this) throw new ArgumentError(name, 'cannot be a dataset attribute: it is a Dataset member');
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      this.#attributeNames.push(name);
    }
  }

  /** The ids. */
  get indices(): DatasetIndex['indices'] {
    return this.index.indices;
  }

  /** Number of items. */
  get length(): number {
    return this.index.length;
  }

  /** Number of items (same as `length`). */
  get size(): number {
    return this.index.length;
  }

  /** The dataset's extra attributes. */
  getAttrs(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.#attributeNames.map((name) => [name, self[name]]));
  }

  /**
   * A batch of the items with ids `ids` (or at positions `ids` with `pos: true`), holding the
   * dataset's preloaded data cropped to them (loaded on first access).
   */
  createBatch(ids: IndexSource, options: { pos?: boolean } = {}): B {
    const index = ids instanceof DatasetIndex ? ids : new DatasetIndex(ids);
    const batchIndex = options.pos ? this.index.createSubset(this.index.subsetByPos(index.indices as number[])) : index;
    return new this.batchClass(batchIndex, { dataset: this as unknown as Dataset, preloaded: this.preloaded, copy: this.copy });
  }
}
