/**
 * Types of `pipeline.join(...)` and `pipeline.merge(...)`: what may be joined, the batches a join
 * gives, and the pipeline right after `join`, whose only methods are the batch actions that take the
 * joined batches as their first parameters (those parameters are dropped from the recorded call).
 * @module
 */
import type { ActionsOf } from '../batch/action-types.js';
import type { Batch } from '../batch/batch.js';
import type { BatchClass } from '../batch/batch-class.js';
import type { Dataset } from '../dataset/dataset.js';
import type { AnyNamedExpression, EvaluableArguments } from './action-types.js';
import type { MergeFunction } from './records.js';

/** Something that makes a batch for given ids: a pipeline (its `createBatch` runs its steps). */
export interface BatchMaker<J extends Batch = Batch> {
  createBatch(ids: never): Promise<J | null>;
}

/**
 * What `join` accepts: a Dataset, a Pipeline (it needs no earlier run), or a named expression giving
 * one of them when the step runs (`C('labels')`).
 */
export type JoinSource = Dataset<Batch> | BatchMaker | AnyNamedExpression;

/** The batch a Dataset or a Pipeline gives (never for anything else). */
type BatchOfSource<S> = S extends Dataset<infer D> ? D : S extends BatchMaker ? Exclude<Awaited<ReturnType<S['createBatch']>>, null> : never;

/**
 * The batch a join source gives; for a named expression, the batch of the source it is typed to give
 * (`C<Dataset<LabelsBatch>>('labels')`), else `Batch`.
 */
export type JoinedBatchOf<S> = [BatchOfSource<S>] extends [never]
  ? S extends { get(...args: never[]): infer T }
    ? [BatchOfSource<T>] extends [never]
      ? Batch
      : BatchOfSource<T>
    : Batch
  : BatchOfSource<S>;

/** The batches of `join(...sources)`, in order. */
export type JoinedBatches<S extends readonly unknown[]> = { -readonly [K in keyof S]: JoinedBatchOf<S[K]> };

/**
 * The parameters `A` of an action without its first `J.length` ones, each of which must accept the
 * joined batch at its place (an all-optional options object does not); `never` when the action cannot
 * take the joined batches.
 */
export type DropJoined<A extends readonly unknown[], J extends readonly unknown[]> = J extends readonly [infer First, ...infer Rest]
  ? A extends readonly [unknown?, ...infer Tail]
    ? A extends readonly [] // no parameter left for a joined batch
      ? never
      : {} extends NonNullable<A[0]> // an options object (a per-item action's), not a batch parameter
        ? never
        : [First] extends [NonNullable<A[0]>]
          ? DropJoined<Tail, Rest>
          : never
    : never
  : A;

/**
 * The pipeline right after `join(...)`: only the batch actions of `B` whose first parameters take the
 * joined batches `J`, recorded with the other parameters (`@action addLabels(labels: LabelsBatch,
 * scale = 1)` is recorded as `.join(labelsDataset).addLabels(2)`); each returns `P`. `Reserved`: names
 * that are pipeline methods, not actions.
 */
export type JoinedActions<B extends Batch, J extends readonly Batch[], P, Reserved extends PropertyKey> = {
  [
    K in keyof ActionsOf<B> as K extends Reserved
      ? never
      : ActionsOf<B>[K] extends (...args: infer A extends readonly unknown[]) => unknown
        ? [DropJoined<A, J>] extends [never]
          ? never
          : K
        : never
  ]: ActionsOf<B>[K] extends (...args: infer A extends readonly unknown[]) => unknown ? (...args: EvaluableArguments<DropJoined<A, J>>) => P : never;
};

/** Options of `pipeline.merge(...pipelines, options)`. */
export interface MergeOptions {
  /** Merges the batch and the other pipelines' batches (default: the batch class's `Batch.merge`); gets `batchSize` = their total size. */
  readonly merge?: MergeFunction;
  /** The components to merge (default: all of the batch class's). */
  readonly components?: string | readonly string[] | null;
  /** The class of the merged batch (default: the batch's class). */
  readonly batchClass?: BatchClass | null;
}
