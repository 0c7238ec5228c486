/**
 * The `rebatch` step. It splits a pipeline into stages (see `splitStages`): inside a stage it does
 * nothing, and between stages {@link rebatchStream} re-cuts the stream of batches to the new size.
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import { ArgumentError } from '../../errors.js';
import { Rng } from '../../random/rng.js';
import { evalExpr } from '../expressions.js';
import type { RunHost, RunState } from '../run-state.js';
import type { RecordOf, StepHandler } from './step.js';

/** Runs a `rebatch` record inside a stage: the batch goes on unchanged. */
export const runRebatch: StepHandler<'rebatch'> = async (_record, batch) => batch;

/** The batches of `input` merged and split into batches of the record's `batchSize` items. */
export async function* rebatchStream<B extends Batch>(input: AsyncIterable<B>, record: RecordOf<'rebatch'>, host: RunHost, run: RunState): AsyncGenerator<B> {
  const size = evalExpr(record.batchSize, { batch: null, pipeline: host.view(run.dataset, new Rng(run.seeds.pipeline), { current: 0, total: run.total }) });
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1)
    throw new ArgumentError('batchSize', `rebatch needs a positive integer, got ${String(size)}`);
  let pending: Batch[] = [];
  let count = 0;
  const merge = (batches: readonly Batch[]): [Batch | null, Batch | null] => {
    const cls = (record.batchClass ?? batches[0]!.constructor) as unknown as { merge: (b: readonly Batch[], o: object) => [Batch | null, Batch | null] };
    const mergeOptions = {
      batchSize: size,
      components: typeof record.components === 'string' ? [record.components] : (record.components ?? null),
      batchClass: record.batchClass ?? null,
    };
    return record.merge ? record.merge(batches, mergeOptions) : cls.merge(batches, mergeOptions);
  };
  for await (const batch of input) {
    pending.push(batch);
    count += batch.size;
    while (count >= size) {
      const [merged, rest] = merge(pending);
      pending = rest ? [rest] : [];
      count = rest ? rest.size : 0;
      if (merged) yield merged as unknown as B;
    }
  }
  if (count > 0) {
    const [merged] = merge(pending);
    if (merged) yield merged as unknown as B;
  }
}
