/**
 * The `filter` step: keeps the items of the batch its predicate accepts. The kept items make a new
 * batch of the same class (same dataset, pipeline, attributes and generator); a batch with no item
 * left is dropped, like `discardBatch`.
 * @module
 */
import type { ItemView } from '../../batch/item-view.js';
import { batchSubset } from '../../batch/subset.js';
import { ArgumentError } from '../../errors.js';
import { PipelineError } from '../errors.js';
import type { StepHandler } from './step.js';

/** Runs a `filter` record. */
export const runFilter: StepHandler<'filter'> = async (record, batch) => {
  if (batch === null) throw new PipelineError('filter needs a batch: it cannot run in a before/after pipeline');
  const kept: number[] = [];
  for (let position = 0; position < batch.size; position++) {
    const verdict: unknown = record.predicate(batch.itemAt(position) as ItemView, position, batch);
    if (typeof verdict !== 'boolean') {
      throw new ArgumentError(
        'predicate',
        `filter's predicate must return true or false, got ${verdict === null ? 'null' : typeof verdict} for item ${String(batch.indices[position])} (position ${position})`,
      );
    }
    if (verdict) kept.push(position);
  }
  if (kept.length === 0) return null;
  if (kept.length === batch.size) return batch;
  return batchSubset(batch, kept);
};
