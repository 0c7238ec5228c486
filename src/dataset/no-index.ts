/**
 * The index of a dataset built from an iterable: empty, because items get their ids only as they
 * arrive. What would read ids from it (a batch by ids, a subset, a split, batch generation) is a
 * {@link NoIndexError}, so code that reaches the index directly (`pipeline.createBatch(ids)`) says why.
 * @module
 */
import { DatasetIndex, trustedIds } from './dataset-index.js';
import { NoIndexError } from './iterable-errors.js';

/** Why a batch by ids cannot be made (shared by the dataset and its index). */
export const noBatchByIds =
  'a batch by ids needs an index; run a pipeline on the dataset (ds.p.run({ batchSize })) or read batches with ds.batches({ batchSize })';

/** The empty index of an `IterableDataset`. */
export class NoIndex extends DatasetIndex {
  constructor() {
    super(trustedIds([], true));
  }

  /** @throws NoIndexError */
  override createBatch(): never {
    throw new NoIndexError('createBatch', noBatchByIds);
  }

  /** @throws NoIndexError */
  override createSubset(): never {
    throw new NoIndexError('createSubset', 'a subset by ids needs an index');
  }

  /** @throws NoIndexError */
  override split(): never {
    throw new NoIndexError('split', "a split needs the items' ids; split the source yourself (two generators) and make a dataset of each");
  }

  /** @throws NoIndexError */
  override genBatch(): never {
    throw new NoIndexError('genBatch', 'its batches come asynchronously: use ds.batches({ batchSize }) or a pipeline (ds.p.genBatch({ batchSize }))');
  }

  /** @throws NoIndexError */
  override nextBatch(): never {
    throw new NoIndexError('nextBatch', 'its batches come asynchronously: use ds.batches({ batchSize }) or a pipeline (ds.p.nextBatch({ batchSize }))');
  }
}
