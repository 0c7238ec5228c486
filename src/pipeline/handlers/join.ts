/**
 * The `join` step: every joined source (a Dataset, a Pipeline, or a named expression giving one) makes
 * a batch with the ids of the current batch, and these batches go in front of the arguments of the next
 * action (the `action` handler takes them with {@link takeJoined}). The record is never changed.
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import { Dataset } from '../../dataset/dataset.js';
import { MissingIdError } from '../../errors.js';
import { Rng } from '../../random/rng.js';
import { isPipeline } from '../action-proxy.js';
import { PipelineError } from '../errors.js';
import { evalExpr } from '../expressions.js';
import type { PipelineRecord } from '../records.js';
import type { BatchScope } from '../run-state.js';
import { contextFor, type StepHandler } from './step.js';

/** The batches joined for the next action of a batch, until that action takes them. */
const pending = new WeakMap<BatchScope, readonly Batch[]>();

/** A pipeline as `join` uses it. */
interface JoinablePipeline {
  createBatch(ids: readonly unknown[], options: { seed: number }): Promise<Batch | null>;
}

function describeSource(source: unknown, position: number): string {
  const what =
    source instanceof Dataset
      ? `a Dataset of ${(source.batchClass as { name: string }).name} with ${source.length} items`
      : isPipeline(source)
        ? 'a Pipeline'
        : typeof source;
  return `join source #${position} (${what})`;
}

async function joinedBatch(source: unknown, position: number, ids: readonly unknown[], seed: number): Promise<Batch> {
  if (source instanceof Dataset) {
    const missing = ids.filter((id) => !source.index.has(id as never));
    if (missing.length > 0) throw new MissingIdError(missing, describeSource(source, position));
    return source.createBatch([...ids] as never);
  }
  if (!isPipeline(source)) throw new PipelineError(`${describeSource(source, position)}: expected a Dataset or a Pipeline`);
  let batch: Batch | null;
  try {
    batch = await (source as JoinablePipeline).createBatch(ids, { seed });
  } catch (error) {
    if (error instanceof MissingIdError) throw new MissingIdError(error.ids, `${describeSource(source, position)}'s dataset`);
    throw error;
  }
  if (batch === null) throw new PipelineError(`${describeSource(source, position)} discarded its batch for ids ${JSON.stringify(ids)}`);
  return batch;
}

/** Runs a `join` record: makes the joined batches for the next action. */
export const runJoin: StepHandler<'join'> = async (record, batch, context, env) => {
  if (batch === null) throw new PipelineError('join needs a batch (it cannot run in a before/after pipeline)');
  const ids = batch.indices;
  const joined: Batch[] = [];
  for (let position = 0; position < record.sources.length; position++) {
    const source = evalExpr(record.sources[position], contextFor(context, batch));
    // a joined pipeline's randomness follows from the batch's seed: the same run gives the same batches
    const seed = new Rng(batch.randomSeed, position + 1).nextSeed();
    joined.push(await joinedBatch(source, position, ids, seed));
  }
  pending.set(env.scope, joined);
  return batch;
};

/** The batches joined for the action that follows a `join` (none for another action); they are taken once. */
export function takeJoined(scope: BatchScope): readonly Batch[] {
  const joined = pending.get(scope) ?? [];
  pending.delete(scope);
  return joined;
}

/**
 * Checks that every `join` of `records` (nested ones too) is directly followed by a batch action.
 * @throws PipelineError naming the step that is not an action.
 */
export function checkJoins(records: readonly PipelineRecord[]): void {
  records.forEach((record, i) => {
    if (record.kind === 'nested') checkJoins(record.records);
    if (record.kind !== 'join') return;
    const next = records[i + 1];
    if (next?.kind !== 'action')
      throw new PipelineError(
        `join(...) at step #${i} must be followed by a batch action, which gets the joined batches as its first arguments; ${next ? `it is followed by '${next.kind}'` : 'it is the last step'}`,
      );
  });
}
