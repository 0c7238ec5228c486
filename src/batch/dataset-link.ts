/**
 * How a batch reaches the dataset layer without importing it: the small {@link DatasetLike} shape a
 * batch reads, a type registry the dataset module fills in (so `batch.dataset` and `asDataset()` are
 * typed as `Dataset`), and the default dataset class, which the dataset module registers when loaded.
 * @module
 */
import type { DatasetIndex, IndexSource } from '../dataset/dataset-index.js';

/** What a batch needs from its dataset: the index that maps ids to positions, and its attributes. */
export interface DatasetLike {
  /** The dataset's ids. */
  readonly index: DatasetIndex;
  /** The index of the dataset's preloaded data (ids → positions in it). */
  readonly dataIndex: DatasetIndex;
  /** The dataset's extra attributes. */
  getAttrs(): Record<string, unknown>;
}

/**
 * Filled in by the dataset module through declaration merging with `{ readonly dataset: Dataset<B> }`,
 * so that {@link DatasetOf} names the real class while this module stays below both sides.
 */
// eslint-disable-next-line @typescript-eslint/no-unused-vars -- filled in by declaration merging
export interface DatasetTypes<B> {}

/** The dataset type of batches of type `B` (`Dataset<B>` once the dataset module is loaded). */
export type DatasetOf<B> = DatasetTypes<B> extends { readonly dataset: infer D } ? D : DatasetLike;

/** A dataset class as `asDataset` calls it. */
export type DatasetConstructor = new (index: IndexSource, options: Record<string, unknown>) => DatasetLike;

let defaultDataset: DatasetConstructor | undefined;

/** Called once by the dataset module: the class `batch.asDataset()` makes when given none. */
export function registerDefaultDatasetClass(cls: DatasetConstructor): void {
  defaultDataset = cls;
}

/** The registered default dataset class. */
export function defaultDatasetClass(): DatasetConstructor {
  if (!defaultDataset) throw new Error('asDataset: no Dataset class is registered; import Dataset from batchflow-ts (or pass a dataset class)');
  return defaultDataset;
}
