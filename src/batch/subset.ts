/**
 * A batch made of some items of another one (`filter`): the same class, the ids at the kept positions,
 * every component cut down to those items, and the same dataset, pipeline, attributes and generator.
 * @module
 */
import type { IndexSource } from '../dataset/dataset-index.js';
import { takeColumn } from '../ndarray/columns.js';
import type { Batch } from './batch.js';
import type { BatchOptions } from './batch-class.js';
import { cropUnnamed, type ItemLocator } from './source.js';

/** A new batch of `batch`'s class holding the items at `positions` (0-based, in the order given). */
export async function batchSubset<B extends Batch>(batch: B, positions: readonly number[]): Promise<B> {
  const Ctor = batch.constructor as new (index: IndexSource, options?: BatchOptions) => B;
  const index = batch.index.createBatch(Int32Array.from(positions), { pos: true });
  const subset = new Ctor(index, { dataset: batch.dataset, pipeline: batch.pipeline, ...batch.getAttrs() });
  const names = batch.components;
  if (names === null) {
    const locator: ItemLocator = { ids: index.indices, positions: () => positions };
    subset.data = cropUnnamed(batch.data, locator, false);
  } else {
    // components added at run time are not the class's: the subset gets them too
    const added = names.filter((name) => !(subset.components ?? []).includes(name));
    if (added.length > 0) await subset.addComponents(added);
    subset.data = Object.fromEntries(
      names.map((name) => {
        const column = batch.getComponent(name);
        return [name, column === null ? null : takeColumn(column, positions)];
      }),
    );
  }
  // the subset continues the batch's generator: later random steps draw what they would have drawn
  subset.randomSeed = batch.randomSeed;
  subset.random.restore(batch.random.snapshot());
  return subset;
}
