/**
 * What evaluation needs to know of a named expression, below the expression classes: the brand that
 * marks one, the raw-result marker, and the {@link ExpressionRef} members `evalExpr` calls. The
 * expression classes and the evaluation recursion both depend on this module, not on each other.
 * @module
 */
import type { EvalContext } from './context.js';

/** @internal Marks expressions whose result `evalExpr` must not evaluate again (W, P, PP). */
export const RAW_RESULT: unique symbol = Symbol('batchflow.rawResult');

/** @internal Marks named expressions (the `NamedExpression` base class sets it on its prototype). */
export const EXPRESSION: unique symbol = Symbol('batchflow.namedExpression');

/** The members of a named expression that evaluation uses. */
export interface ExpressionRef<T = unknown> {
  /** @internal Always true on named expressions. */
  readonly [EXPRESSION]: true;
  /** @internal True when `evalExpr` must return the result as it is. */
  readonly [RAW_RESULT]: boolean;
  /** Evaluates the expression. */
  get(ctx?: EvalContext): T;
  /** A copy of the expression that always evaluates against `ctx`. */
  bind(ctx: EvalContext): ExpressionRef<T>;
  /** The expression's text. */
  toString(): string;
}

/** True for a named expression (any subclass of `NamedExpression`). */
export function isExpressionRef(value: unknown): value is ExpressionRef {
  return typeof value === 'object' && value !== null && (value as { readonly [EXPRESSION]?: unknown })[EXPRESSION] === true;
}
