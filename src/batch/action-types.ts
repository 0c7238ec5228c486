/**
 * Types of the callable form of actions. TypeScript decorators cannot change a method's declared
 * type, so a method written for one item, `flip(image, options: {axis})`, keeps that per-item type
 * on the class. `batch.actions` (and pipelines) expose the action form instead:
 * `batch.actions.flip({ axis: 1, p: 0.5 })` → `Promise<batch>`, with the item options type-checked.
 * @module
 */
import type { ParallelOptions } from '../decorators/parallel-options.js';
import type { PerItem } from '../expr/per-item.js';
import type { AnyNamedExpression } from '../expr/named-expression.js';

/**
 * An item option may also be given per item, as `P([...])`, or as a named expression (`P(R(...))`,
 * `B('size')`, …) evaluated against the batch when the action is called.
 */
export type ItemOptionValues<O> = { [K in keyof NonNullable<O>]: NonNullable<O>[K] | PerItem<NonNullable<O>[K]> | AnyNamedExpression };

/** Options of a parallel action call: the reserved options plus the item function's own. */
export type ParallelCallOptions<O> = ParallelOptions & ItemOptionValues<O>;

/** Options of `batch.applyParallel(func, options)`: required when the function's own options have required keys. */
export type ApplyParallelArguments<O, A extends readonly unknown[]> = ParallelCallOptions<O> & { args?: { [K in keyof A]: A[K] | PerItem<A[K]> } };

/** Batch members that are not actions (excluded from `batch.actions`). */
export type NonActionMember =
  | 'get'
  | 'itemAt'
  | 'getAttrs'
  | 'createAttrs'
  | 'getErrors'
  | 'runOnce'
  | 'deepcopy'
  | 'asDataset'
  | 'getComponent'
  | 'setComponent'
  | 'actions'
  | 'constructor'
  | 'toString';

type AnyFunction = (...args: never[]) => unknown;
/** True when F returns a batch (or a promise of one): the signature of an `@action` method. */
type ReturnsBatch<F> = F extends (...args: never[]) => infer R ? ([Awaited<R>] extends [{ readonly actions: unknown }] ? true : false) : false;

/** The action form of one member of a batch class `B`. */
export type ActionForm<B, F> =
  ReturnsBatch<F> extends true
    ? F extends (...args: never[]) => Promise<unknown>
      ? F
      : F extends (...args: infer A) => unknown
        ? (...args: A) => Promise<B>
        : never
    : F extends (item: never, options: infer O, ...rest: never[]) => unknown
      ? unknown extends O
        ? (options?: ParallelCallOptions<{}>) => Promise<B>
        : {} extends O
          ? (options?: ParallelCallOptions<O>) => Promise<B>
          : (options: ParallelCallOptions<O>) => Promise<B>
      : (options?: ParallelCallOptions<{}>) => Promise<B>;

/**
 * The callable actions of a batch class `B`: `@action` methods as they are (returning `Promise<B>`)
 * and per-item methods (`@applyParallel`, `@inbatchParallel`) as `(options) => Promise<B>`.
 * `@action` methods must be declared to return `this` or `Promise<this>`; every other method is taken
 * as per-item. Non-action members and `_inner_` methods are left out. A method that is not decorated
 * still type-checks here; calling it through `actions` fails at run time with a clear error.
 */
export type ActionsOf<B> = {
  [K in keyof B as K extends NonActionMember ? never : K extends `_${string}` ? never : B[K] extends AnyFunction ? K : never]: ActionForm<B, B[K]>;
};
