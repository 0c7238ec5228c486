/**
 * The shape of a step handler: one function per record kind runs that step on a batch (or, in a
 * before/after pipeline, without one) and gives the batch the next step works on (null: discarded).
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import type { EvalContext } from '../expressions.js';
import type { PipelineRecord } from '../records.js';
import type { BatchScope, RunHost } from '../run-state.js';
import type { RunProfiler } from '../profile/profiler.js';

/** What a handler may use besides its record, batch and context. */
export interface StepEnv {
  readonly host: RunHost;
  readonly scope: BatchScope;
  /** Where timed steps go in a profiled run, with the batch and stage they belong to. */
  readonly profile?: { readonly profiler: RunProfiler; readonly batch: number; readonly stage: number };
  /** Runs `records` (with their probability / repeat) on `batch`: nested steps go through it. */
  runRecords(records: readonly PipelineRecord[], batch: Batch | null, context: EvalContext): Promise<Batch | null>;
}

/** The members of the record union `R` whose kind can be `K`. */
type RecordOfKind<R, K> = R extends { readonly kind: infer Kinds } ? (K extends Kinds ? R : never) : never;

/** The record of kind `K`. */
export type RecordOf<K extends PipelineRecord['kind']> = RecordOfKind<PipelineRecord, K>;

/** What a step gives: the batch the next step works on (null: discarded), or a promise of it when the step waits for something. */
export type StepResult = Promise<Batch | null> | Batch | null;

/** Runs one step of kind `K` (a step with nothing to wait for gives its batch without a promise). */
export type StepHandler<K extends PipelineRecord['kind']> = (record: RecordOf<K>, batch: Batch | null, context: EvalContext, env: StepEnv) => StepResult;

/** `context` for `batch`: the same object while the batch is the context's one. */
export function contextFor(context: EvalContext, batch: Batch | null): EvalContext {
  return batch === context.batch ? context : { ...context, batch };
}
