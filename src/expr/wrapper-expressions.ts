/**
 * The named expressions built around other values: F (function call), W (wrap unevaluated), P / PP
 * (per-item values) and IF (conditional). R (random) is in random-expr.ts.
 * @module
 */
import type { NDArray } from '../ndarray/ndarray-utils.js';
import { isNdArray, isTypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import type { EvalContext } from './context.js';
import { evalExpr } from './evaluate.js';
import { RAW_RESULT } from './expression-ref.js';
import { AlgebraicExpression, NamedExpression, type ExprOptions, type ExprOr } from './named-expression.js';
import * as ops from './ops.js';
import { PerItem } from './per-item.js';
import { RandomExpression } from './random-expr.js';
import { reprValue } from './repr.js';
import type { SetMode, SetOptions } from './set-mode.js';
import { requireBatch } from './batch-members.js';

// ---- F --------------------------------------------------------------------------------------

type AnyFunction = (...args: never[]) => unknown;

/**
 * `F(fn, ...args)`: calls `fn(...evaluated args)` when evaluated. In call position
 * (`F(fn).call(a, b)`) the function is not called first: the call gives `fn(...presetArgs, a, b)`.
 */
export class FunctionExpression<T = unknown> extends NamedExpression<T> {
  constructor(
    readonly fn: AnyFunction | NamedExpression<AnyFunction>,
    readonly args: readonly unknown[] = [],
    options: ExprOptions = {},
  ) {
    super(options);
  }
  override toString(): string {
    const fnText = this.fn instanceof NamedExpression ? this.fn.toString() : this.fn.name || 'function';
    return `F(${[fnText, ...this.args.map(reprValue)].join(', ')})`;
  }
  #function(ctx: EvalContext): (...args: unknown[]) => unknown {
    const fn = this.fn instanceof NamedExpression ? evalExpr(this.fn, ctx) : this.fn;
    if (typeof fn !== 'function') throw new TypeError(`F: expected a function, got ${fn === null ? 'null' : typeof fn}`);
    return fn as (...args: unknown[]) => unknown;
  }
  protected override evaluate(ctx: EvalContext): T {
    const fn = this.#function(ctx);
    return fn(...(evalExpr(this.args, ctx) as unknown[])) as T;
  }
  override callee(ctx: EvalContext): unknown {
    const full = this.context(ctx);
    const fn = this.#function(full);
    if (this.args.length === 0) return fn;
    const preset = evalExpr(this.args, full) as unknown[];
    return (...more: unknown[]) => fn(...preset, ...more);
  }
}

/** Arguments of `F`: each value or an expression giving it. */
export type ExprArgs<A extends readonly unknown[]> = { [K in keyof A]: ExprOr<A[K]> };

/** `F(fn, ...args)`: `fn(...args)` at run time (args evaluated first). `F(fn).call(...args)` is the same call. */
export function F<Fn extends (...args: never) => unknown>(fn: Fn | NamedExpression<Fn>, ...args: unknown[]): FunctionExpression<ReturnType<Fn>> {
  return new FunctionExpression<ReturnType<Fn>>(fn as AnyFunction | NamedExpression<AnyFunction>, args);
}

// ---- W, P, PP -------------------------------------------------------------------------------

/** `W(expr)`: gives `expr` itself (bound to the current context), not its value. */
export class WrapExpression<T = unknown> extends NamedExpression<NamedExpression<T>> {
  constructor(readonly expression: NamedExpression<T>) {
    super({ mode: expression.mode });
  }
  override get [RAW_RESULT](): boolean {
    return true;
  }
  override toString(): string {
    return `W(${this.expression.toString()})`;
  }
  protected override evaluate(ctx: EvalContext): NamedExpression<T> {
    return this.expression.bind(ctx);
  }
  override set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    this.expression.set(value, this.context(ctx), options);
  }
}

/** `W(expr)`: the expression is handed over unevaluated (bound to the current batch and pipeline). */
export function W<T>(expression: NamedExpression<T>): WrapExpression<T> {
  if (!(expression instanceof NamedExpression)) throw new ArgumentError('expression', 'W expects a named expression');
  return new WrapExpression(expression);
}

function toPerItem(values: unknown, expression: string, size: number): PerItem {
  if (!(Array.isArray(values) || isTypedArray(values) || isNdArray(values))) {
    throw new TypeError(`it must give one value per batch item (${size}), got ${values === null ? 'null' : typeof values}`);
  }
  const perItem = new PerItem(values as ArrayLike<unknown> | NDArray);
  if (perItem.length !== size)
    throw new RangeError(`${expression} gives ${perItem.length} values, but the batch has ${size} items (it must give one value per item)`);
  return perItem;
}

/**
 * `P(expr)`: one value per batch item, worked out once per action call. An `R(...)` or an algebraic
 * expression is drawn with `size` = batch size (so each item gets its own sample); any other
 * expression must give an array with one entry per item.
 */
export class PerItemExpression<T = unknown> extends NamedExpression<PerItem<T>> {
  constructor(readonly expression: NamedExpression) {
    super({ mode: expression.mode });
  }
  override get [RAW_RESULT](): boolean {
    return true;
  }
  override toString(): string {
    return `P(${this.expression.toString()})`;
  }
  protected override evaluate(ctx: EvalContext): PerItem<T> {
    const batch = requireBatch(ctx);
    const sized = this.expression instanceof RandomExpression || this.expression instanceof AlgebraicExpression;
    const values = evalExpr(this.expression, { batch, pipeline: ctx.pipeline ?? null, ...(sized ? { size: batch.size } : {}) });
    return toPerItem(values, this.toString(), batch.size) as PerItem<T>;
  }
  override set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    this.expression.set(value, this.context(ctx), options);
  }
}

/** `PP(expr)`: `expr` evaluated once per batch item (each `R` draws afresh), as per-item values. */
export class PerItemEachExpression<T = unknown> extends NamedExpression<PerItem<T>> {
  constructor(readonly expression: NamedExpression<T>) {
    super({ mode: expression.mode });
  }
  override get [RAW_RESULT](): boolean {
    return true;
  }
  override toString(): string {
    return `PP(${this.expression.toString()})`;
  }
  protected override evaluate(ctx: EvalContext): PerItem<T> {
    const batch = requireBatch(ctx);
    const inner: EvalContext = { batch, pipeline: ctx.pipeline ?? null };
    return new PerItem(Array.from({ length: batch.size }, () => evalExpr(this.expression, inner))) as PerItem<T>;
  }
  override set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    this.expression.set(value, this.context(ctx), options);
  }
}

/**
 * `P(values)`: per-item values given directly (item `i` of a parallel action gets `values[i]`) → a
 * {@link PerItem}. `P(expr)`: per-item values worked out at run time → a {@link PerItemExpression}.
 */
export function P<T>(values: ArrayLike<T> | NDArray): PerItem<T>;
export function P<T = unknown>(expression: NamedExpression): PerItemExpression<T>;
export function P<T>(x: ArrayLike<T> | NDArray | NamedExpression): PerItem<T> | PerItemExpression<T> {
  return x instanceof NamedExpression ? new PerItemExpression<T>(x) : new PerItem<T>(x);
}

/** `PP(expr)`: `expr` evaluated once per item (see {@link PerItemEachExpression}). */
export function PP<T>(expression: NamedExpression<T>): PerItemEachExpression<T> {
  if (!(expression instanceof NamedExpression))
    throw new ArgumentError('expression', 'PP expects a named expression (use P(values) for literal per-item values)');
  return new PerItemEachExpression(expression);
}

// ---- IF -------------------------------------------------------------------------------------

/** `IF(cond, then, else)`: evaluates `cond`, then one branch. */
export class ConditionalExpression<T = unknown> extends NamedExpression<T> {
  constructor(
    readonly condition: unknown,
    readonly whenTrue: unknown,
    readonly whenFalse: unknown = null,
    options: ExprOptions = {},
  ) {
    super(options);
  }
  override toString(): string {
    return `IF(${reprValue(this.condition)}, ${reprValue(this.whenTrue)}, ${reprValue(this.whenFalse)})`;
  }
  #branch(ctx: EvalContext): unknown {
    return ops.truthy(evalExpr(this.condition, ctx)) ? this.whenTrue : this.whenFalse;
  }
  protected override evaluate(ctx: EvalContext): T {
    return evalExpr(this.#branch(ctx), ctx) as T;
  }
  override set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    const full = this.context(ctx);
    let branch: unknown;
    try {
      branch = this.#branch(full);
      if (!(branch instanceof NamedExpression)) throw new TypeError('the chosen branch is not an expression, so it cannot be assigned');
    } catch (error) {
      this.fail(error);
    }
    branch.set(value, full, options ?? (this.mode === 'w' ? undefined : this.mode));
  }
}

/** `IF(cond, then, else = null)`: `then` if `cond` is truthy (JavaScript truthiness), else `else`; each may be an expression. */
export function IF<A, Bv = null>(condition: unknown, whenTrue: ExprOr<A>, whenFalse?: ExprOr<Bv>): ConditionalExpression<A | Bv> {
  return new ConditionalExpression<A | Bv>(condition, whenTrue, whenFalse ?? null);
}
