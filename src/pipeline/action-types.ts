/**
 * Argument types of a pipeline's recording methods: each argument of an action (and each option of an
 * options object) also accepts a named expression evaluated per batch (`PipelineActions` applies them).
 * @module
 */
import type { ParallelOptions } from '../decorators/parallel-options.js';
import type { PerItem } from '../expr/per-item.js';
import type { AnyNamedExpression, NamedExpression } from '../expr/named-expression.js';

export type { AnyNamedExpression } from '../expr/named-expression.js';

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
export type PipelineApplyParallelOptions<O> = EvaluableOptions<
  ParallelOptions & { [K in keyof NonNullable<O>]: NonNullable<O>[K] | PerItem<NonNullable<O>[K]> }
>;
