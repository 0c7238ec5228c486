/**
 * `batch.asDataset()`: a dataset holding a batch's data, indexed by the batch ids, with the batch's
 * class as its batch class.
 * @module
 */
import type { BatchLike } from './batch-like.js';
import { defaultDatasetClass, type DatasetConstructor, type DatasetLike } from './dataset-link.js';

/** The dataset argument of `asDataset`: a Dataset class or instance, or none. */
export type DatasetChoice = DatasetLike | (new (...args: never[]) => DatasetLike) | null | undefined;

/**
 * A dataset holding `batch`'s data. Its class is `dataset`'s (a class, or an instance whose attributes
 * are carried over), else the class of `own` (the batch's own dataset), else the default Dataset.
 * Batch attributes are carried over too.
 * @param named - true when the batch holds components (the class's declared ones go), false for raw data
 */
export function batchAsDataset(batch: BatchLike, named: boolean, dataset: DatasetChoice, own: DatasetLike | null, copy: boolean): DatasetLike {
  const declared = (batch.constructor as { readonly components?: readonly string[] | null }).components;
  // components added to this batch at run time cannot go into a dataset of this class: only the class's own go
  const data = declared && named ? Object.fromEntries(declared.map((name) => [name, batch.getComponent(name)])) : batch.data;
  const source = dataset ?? own ?? defaultDatasetClass();
  const DatasetClass = (typeof source === 'function' ? source : source.constructor) as DatasetConstructor;
  const inherited = typeof source === 'function' ? {} : source.getAttrs();
  return new DatasetClass(batch.index, {
    ...inherited,
    ...batch.getAttrs(),
    batchClass: batch.constructor,
    preloaded: data,
    copy,
  });
}
