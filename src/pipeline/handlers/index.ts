/**
 * One handler per record kind, and {@link runStep} that dispatches a record to its handler.
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import type { EvalContext } from '../expressions.js';
import type { PipelineRecord } from '../records.js';
import { runAction } from './action.js';
import { runCall } from './call.js';
import { runDiscardBatch } from './discard-batch.js';
import { runFilter } from './filter.js';
import { runJoin } from './join.js';
import { runAcquireLock, runReleaseLock } from './locks.js';
import { runMerge } from './merge.js';
import { runNested } from './nested.js';
import { runPrint } from './print.js';
import { runRebatch } from './rebatch.js';
import { runSkip, runTake } from './skip-take.js';
import type { StepEnv, StepHandler, StepResult } from './step.js';
import { runUpdate } from './update.js';

const handlers: { readonly [K in PipelineRecord['kind']]: StepHandler<K> } = {
  action: runAction,
  update: runUpdate,
  call: runCall,
  print: runPrint,
  acquireLock: runAcquireLock,
  releaseLock: runReleaseLock,
  discardBatch: runDiscardBatch,
  filter: runFilter,
  skip: runSkip,
  take: runTake,
  nested: runNested,
  rebatch: runRebatch,
  join: runJoin,
  merge: runMerge,
};

/** Runs one step (once, whatever its probability / repeat) and gives the batch the next step works on (or a promise of it). */
export function runStep(record: PipelineRecord, batch: Batch | null, context: EvalContext, env: StepEnv): StepResult {
  const handler = handlers[record.kind] as StepHandler<PipelineRecord['kind']>;
  return handler(record, batch, context, env);
}
