/**
 * The `skip(n)` and `take(n)` steps. Both count the batches of their stage in the run's order (batch
 * number k of a stage is its k-th batch, whatever the prefetch): `skip` drops batches 0..n-1, `take` ends
 * the run at batch n (as `StopPipeline` would). {@link takeStream} spares making batches a `take` would
 * stop anyway.
 * @module
 */
import { nonNegativeInteger } from '../../util/counts.js';
import { PipelineError, StopPipeline } from '../errors.js';
import type { EvalContext } from '../expressions.js';
import type { PipelineRecord } from '../records.js';
import type { StepHandler } from './step.js';

/** The 0-based number of the context's batch in its stage. */
function batchNumber(kind: string, context: EvalContext): number {
  const current = context.pipeline?.iteration.current ?? 0;
  if (context.batch === null || current < 1) throw new PipelineError(`${kind} counts the batches of a run: it cannot run in a before/after pipeline`);
  return current - 1;
}

/** Runs a `skip` record. */
export const runSkip: StepHandler<'skip'> = async (record, batch, context) => (batchNumber('skip', context) < record.count ? null : batch);

/** Runs a `take` record. */
export const runTake: StepHandler<'take'> = async (record, batch, context) => {
  if (batchNumber('take', context) >= record.count) throw new StopPipeline(`take(${record.count}): the run took its ${record.count} batches`);
  return batch;
};

/**
 * The number of batches a stage needs from its input when its first step is a plain `take(n)` (no
 * probability or repeat): batch n would stop the run before any other step, so it need not be made.
 * `firstNumber`: the number of the stage's first batch (a resumed run continues its numbering).
 */
export function stageInputLimit(records: readonly PipelineRecord[], firstNumber: number): number | null {
  const first = records[0];
  if (first?.kind !== 'take' || first.probability !== undefined || first.repeat !== undefined) return null;
  return Math.max(0, first.count - firstNumber);
}

/** The first `limit` values of `input` (the input is not read further). */
export async function* takeStream<T>(input: AsyncIterable<T>, limit: number): AsyncGenerator<T> {
  if (limit <= 0) return;
  let count = 0;
  for await (const value of input) {
    yield value;
    if (++count >= limit) return;
  }
}

/** `value` when it is a non-negative integer (a batch count), else an ArgumentError naming `argument`. */
export function checkBatchCount(argument: string, value: unknown): number {
  return nonNegativeInteger(argument, value, 'a non-negative integer number of batches');
}
