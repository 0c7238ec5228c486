/**
 * The shape of a batch as the layers below the Batch class see it (file formats, named expressions,
 * decorators, the parallel runtime). Types only: those modules depend on this interface, never on
 * the class, so the class can depend on them.
 * @module
 */
import type { DatasetIndex, IndexValue } from '../dataset/dataset-index.js';
import type { ComponentTuple } from '../decorators/parallel-options.js';
import type { Column } from '../ndarray/columns.js';
import type { Rng } from '../random/rng.js';
import type { DatasetOf } from './dataset-link.js';
import type { DumpOptions, LoadOptions } from './load-dump-options.js';

/**
 * Filled in by the batch module through declaration merging with `{ readonly batch: Batch }`, so that
 * {@link BatchType} names the class in public types declared below it.
 */
// filled in by declaration merging
export interface BatchTypes {}

/** The `Batch` class's instance type (once the batch module is loaded; {@link BatchLike} before). */
export type BatchType = BatchTypes extends { readonly batch: infer B } ? B : BatchLike;

/** What code below the Batch class may use of a batch (`Batch` implements it). */
export interface BatchLike {
  /** The batch's ids. */
  readonly index: DatasetIndex;
  /** The item ids, in batch order. */
  readonly indices: readonly IndexValue[];
  /** Number of items. */
  readonly size: number;
  /** Component names, or null for a batch of unnamed data. */
  readonly components: readonly string[] | null;
  /** The batch data (a record of components, or the raw data). */
  readonly data: unknown;
  /** The dataset the batch came from. */
  readonly dataset: DatasetOf<BatchLike> | null;
  /** The pipeline running the batch, if any. */
  pipeline: object | null;
  /** The batch's generator. */
  readonly random: Rng;
  /** The data of component `name`. */
  getComponent(name: string): Column | null;
  /** Replaces the data of component `name`. */
  setComponent(name: string, value: unknown): void;
  /** The extra attributes. */
  getAttrs(): Record<string, unknown>;
  /** Sets extra attributes. */
  createAttrs(attributes: Readonly<Record<string, unknown>>): void;
  /** Adds components. */
  addComponents(components: string | readonly string[], init?: unknown): Promise<this>;
  /** Loads data. */
  load(options?: LoadOptions): Promise<this>;
  /** Writes data out. */
  dump(options?: DumpOptions): Promise<this>;
  /** Applies `func` to each item (see `Batch.applyParallel`, whose typing needs the class: callers here pass `as never`). */
  applyParallel(func: never, options?: never): Promise<this>;
  /** A deep copy. */
  deepcopy(): this;
  /** The default `post` of parallel actions: stores per-item results in `dst`. */
  _assemble(results: readonly unknown[], options: { dst: string | readonly string[] | ComponentTuple | null }): this;
}
