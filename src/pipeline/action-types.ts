/**
 * Types of a pipeline's recording methods: every action of the batch class, with each argument (and
 * each option of an options object) also accepting a named expression evaluated per batch.
 * @module
 */
import type { ActionsOf } from '../batch/action-types.js';
import type { Batch } from '../batch/batch.js';
import type { ParallelOptions } from '../decorators/parallel-options.js';
import type { PerItem } from '../expr/per-item.js';
import type { AnyNamedExpression, NamedExpression } from '../expr/expression.js';
import type { PipelineCore } from './pipeline.js';

export type { AnyNamedExpression } from '../expr/expression.js';

/** A value, or a named expression giving it per batch. */
export type Evaluable<T> = T | NamedExpression<T> | AnyNamedExpression;

/** An options object whose option values may be named expressions (one level deep). */
export type EvaluableOptions<T> = T extends readonly unknown[]
  ? Evaluable<T>
  : T extends object
    ? { [K in keyof T]: T[K] | AnyNamedExpression | PerItem<unknown> } | AnyNamedExpression
    : Evaluable<T>;

/** The arguments of an action, with named expressions allowed. */
export type EvaluableArguments<A extends readonly unknown[]> = { [K in keyof A]: EvaluableOptions<A[K]> };

/** Options of `pipeline.applyParallel(fn, options)`. */
export type PipelineApplyParallelOptions<O> = EvaluableOptions<ParallelOptions & { [K in keyof NonNullable<O>]: NonNullable<O>[K] | PerItem<NonNullable<O>[K]> }>;

/** The recording methods a pipeline gets from its batch class. */
export type PipelineActions<B extends Batch> = {
  [K in keyof ActionsOf<B> as K extends keyof PipelineCore<B> ? never : K]: ActionsOf<B>[K] extends (...args: infer A extends readonly unknown[]) => unknown
    ? (...args: EvaluableArguments<A>) => PipelineCore<B> & PipelineActions<B>
    : never;
};
