/**
 * The named-expression base class, the lazy algebra built by its methods (`AlgebraicExpression`) and
 * bound expressions (`BoundExpression`). The text and the evaluation of algebra nodes are in
 * `algebra-text.ts` and `algebra-eval.ts` (the classes hand them what they need to know of expressions).
 * @module
 */
import type { BatchType } from '../batch/batch-like.js';
import { isPipelineLike, type EvalContext, type PipelineLike, type PipelinePreset } from './context.js';
import { ExpressionError } from './errors.js';
import { assignNode, evaluateNode, type AlgebraHooks } from './algebra-eval.js';
import { algebraText, sliceNodeText } from './algebra-text.js';
import { evalExpr } from './evaluate.js';
import { EXPRESSION, RAW_RESULT } from './expression-ref.js';
import type { AddResult, AlgebraNode, Callback, CompareResult, ItemResult, NumericResult } from './algebra-types.js';
import type { BinaryOp, UnaryOp } from './ops.js';
import { combineForMode, normaliseMode, type SetMode, type SetOptions, type StoredMode } from './set-mode.js';

/** Preset evaluation arguments: a non-null preset wins over the context given at evaluation time. */
export interface ExprParams {
  /** Evaluate against this batch (or the batch an expression gives). */
  batch?: BatchType | NamedExpression<BatchType> | null;
  /** Evaluate against this pipeline (e.g. `V('loss', { pipeline: trainPipeline })`). */
  pipeline?: PipelineLike | PipelinePreset | NamedExpression<PipelineLike> | null;
}

/** Options shared by the expression factories. */
export interface ExprOptions extends ExprParams {
  /** Default mode of `set` (default `'w'`). */
  mode?: SetMode;
}

/**
 * Any named expression, whatever its result type (NamedExpression<T> is invariant in T, so
 * `NamedExpression<unknown>` would not accept e.g. `P(R(...))`): the members every expression has.
 */
export type AnyNamedExpression = Pick<NamedExpression, 'mode' | 'params'> & { get(ctx?: EvalContext): unknown };

/** A value or an expression that gives one. */
export type ExprOr<T> = T | NamedExpression<T>;

/** A slice bound: an integer, null (open), or an expression giving one. */
export type SliceBound = number | null | NamedExpression;

/**
 * A named expression: a lazy reference to something known only when a pipeline runs (a batch
 * component, a variable, a config entry, a random draw, …). `get(ctx)` evaluates it, `set(value,
 * ctx)` assigns through it, and the algebra methods (`add`, `item`, `attr`, `call`, …) build new
 * lazy expressions.
 */
export abstract class NamedExpression<T = unknown> {
  /** The default mode of `set`. */
  readonly mode: StoredMode;
  /** Preset evaluation arguments. */
  readonly params: Readonly<ExprParams>;

  constructor(options: ExprOptions = {}) {
    this.mode = normaliseMode(options.mode ?? 'w');
    this.params = { batch: options.batch ?? null, pipeline: options.pipeline ?? null };
  }

  /** @internal True when `evalExpr` must return this expression's result as it is. */
  get [RAW_RESULT](): boolean {
    return false;
  }

  /** @internal Marks named expressions for `evalExpr`. */
  get [EXPRESSION](): true {
    return true;
  }

  /** The expression's text, e.g. `V('loss') + B('size') * 2`. */
  abstract toString(): string;

  /** Works out the value (the context is already completed with presets). */
  protected abstract evaluate(ctx: EvalContext): T;

  /** Assigns a value (the context is already completed). Not assignable by default. */
  protected assign(_value: unknown, _ctx: EvalContext): void {
    throw new TypeError('this expression cannot be assigned');
  }

  /** The current value for the modes a/e/u (default: `evaluate`). */
  protected current(ctx: EvalContext): unknown {
    return this.evaluate(ctx);
  }

  /** @internal The function this expression stands for in call position (F gives its function uncalled). */
  callee(ctx: EvalContext): unknown {
    return this.get(ctx);
  }

  /** The context with presets applied (a non-null preset wins; `pipeline` falls back to `batch.pipeline`). */
  protected context(ctx: EvalContext = {}): EvalContext {
    let out: EvalContext = ctx;
    const { batch, pipeline } = this.params;
    if (batch !== null && batch !== undefined) out = { ...out, batch: batch instanceof NamedExpression ? evalExpr(batch, ctx) : batch };
    // a preset Pipeline object has variables and config but no per-batch random/iteration: R and I then say so
    if (pipeline !== null && pipeline !== undefined)
      out = { ...out, pipeline: (pipeline instanceof NamedExpression ? evalExpr(pipeline, ctx) : pipeline) as PipelineLike };
    if ((out.pipeline === null || out.pipeline === undefined) && out.batch) {
      const fromBatch = out.batch.pipeline;
      if (isPipelineLike(fromBatch)) out = { ...out, pipeline: fromBatch };
    }
    return out;
  }

  /** Wraps an error (unless it already is an ExpressionError) so that it names this expression. */
  protected fail(error: unknown): never {
    if (error instanceof ExpressionError) throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new ExpressionError(this.toString(), message, { cause: error });
  }

  /**
   * Evaluates the expression. The result itself is not evaluated further (a variable holding
   * expressions gives them as they are); {@link evalExpr} does that. Errors are ExpressionErrors
   * naming the expression, with the original error as `cause`.
   */
  get(ctx?: EvalContext): T {
    try {
      return this.evaluate(this.context(ctx));
    } catch (error) {
      return this.fail(error);
    }
  }

  /**
   * Assigns `value` (evaluated first with the same context unless `{eval: false}`), combined by the
   * mode (the given one or the expression's own): `'w'` replaces; `'a'` appends to an array (adds to a
   * Set, merges into a Map/object/Config); `'e'` extends an array or Set; `'u'` updates a Map, Set,
   * object or Config. On a null/undefined current value `'a'` starts a one-element array, `'e'` an
   * array of the items, `'u'` assigns the value. Containers are changed in place, then re-assigned.
   */
  set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    const opts: SetOptions = typeof options === 'string' ? { mode: options } : (options ?? {});
    const mode = opts.mode === undefined ? this.mode : normaliseMode(opts.mode);
    try {
      const full = this.context(ctx);
      const newValue = opts.eval === false ? value : evalExpr(value, full);
      this.assign(mode === 'w' ? newValue : combineForMode(mode, this.current(full), newValue), full);
    } catch (error) {
      this.fail(error);
    }
  }

  /** A copy of this expression that always evaluates against `ctx` (what `W` and `noEval` hand to actions). */
  bind(ctx: EvalContext): BoundExpression<T> {
    return new BoundExpression(this, ctx);
  }

  // ---- algebra --------------------------------------------------------------------------------
  /** `this + other` (numbers add, strings concatenate, arrays elementwise). */
  add(other: unknown): NamedExpression<AddResult<T>> {
    return binaryExpr('add', this, other);
  }
  /** `other + this`. */
  radd(other: unknown): NamedExpression<AddResult<T>> {
    return binaryExpr('add', other, this);
  }
  /** `this - other`. */
  sub(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('sub', this, other);
  }
  /** `other - this`. */
  rsub(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('sub', other, this);
  }
  /** `this * other` (a string times an integer repeats it). */
  mul(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('mul', this, other);
  }
  /** `other * this`. */
  rmul(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('mul', other, this);
  }
  /** `this / other` (true division). */
  div(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('div', this, other);
  }
  /** `other / this`. */
  rdiv(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('div', other, this);
  }
  /** `this // other`: floor division (`-7 // 2 = -4`). */
  floorDiv(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('floorDiv', this, other);
  }
  /** `other // this`. */
  rfloorDiv(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('floorDiv', other, this);
  }
  /** `this % other` with Python's sign rule: the result has the divisor's sign (`-7 % 3 = 2`). */
  mod(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('mod', this, other);
  }
  /** `other % this`. */
  rmod(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('mod', other, this);
  }
  /** `this ** other`. */
  pow(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('pow', this, other);
  }
  /** `other ** this`. */
  rpow(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('pow', other, this);
  }
  /** `this << other` (integers). */
  lshift(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('lshift', this, other);
  }
  /** `this >> other` (integers, floor). */
  rshift(other: unknown): NamedExpression<NumericResult<T>> {
    return binaryExpr('rshift', this, other);
  }
  /** `this & other`: bitwise and (logical on two booleans, elementwise on arrays). */
  and(other: unknown): NamedExpression<unknown> {
    return binaryExpr('and', this, other);
  }
  /** `this | other`: bitwise or. */
  or(other: unknown): NamedExpression<unknown> {
    return binaryExpr('or', this, other);
  }
  /** `this ^ other`: bitwise xor. */
  xor(other: unknown): NamedExpression<unknown> {
    return binaryExpr('xor', this, other);
  }
  /** `this == other` (strict equality; elementwise on arrays). */
  eq(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('eq', this, other);
  }
  /** `this != other`. */
  ne(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('ne', this, other);
  }
  /** `this < other`. */
  lt(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('lt', this, other);
  }
  /** `this <= other`. */
  le(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('le', this, other);
  }
  /** `this > other`. */
  gt(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('gt', this, other);
  }
  /** `this >= other`. */
  ge(other: unknown): NamedExpression<CompareResult<T>> {
    return binaryExpr('ge', this, other);
  }
  /** `this is other` (identity, `Object.is`). */
  is(other: unknown): NamedExpression<boolean> {
    return binaryExpr('is', this, other);
  }
  /** `this is not other`. */
  isNot(other: unknown): NamedExpression<boolean> {
    return binaryExpr('isNot', this, other);
  }
  /** `-this`. */
  neg(): NamedExpression<NumericResult<T>> {
    return unaryExpr('neg', this);
  }
  /** `+this`. */
  pos(): NamedExpression<NumericResult<T>> {
    return unaryExpr('pos', this);
  }
  /** `abs(this)`. */
  abs(): NamedExpression<NumericResult<T>> {
    return unaryExpr('abs', this);
  }
  /** `~this` (integers; `!` on booleans). */
  invert(): NamedExpression<NumericResult<T>> {
    return unaryExpr('invert', this);
  }
  /** `not this` (JavaScript truthiness). */
  not(): NamedExpression<boolean> {
    return unaryExpr('not', this);
  }
  /** `str(this)`: the value as text. */
  str(): NamedExpression<string> {
    return unaryExpr('str', this);
  }
  /** `template.format(this)` with Python's format language, e.g. `V('x').format('{:5.2f}')`. */
  format(template: string | NamedExpression): NamedExpression<string> {
    return new AlgebraicExpression({ kind: 'format', a: this, template });
  }
  /** `this[key]`: negative indices count from the end; Maps/Configs/objects by key; an array of indices gathers. */
  item(key: unknown): NamedExpression<ItemResult<T>> {
    return new AlgebraicExpression({ kind: 'item', a: this, key });
  }
  /** `this[start:stop:step]` (Python slice; bounds may be expressions; null = open). */
  slice(start: SliceBound = null, stop: SliceBound = null, step: SliceBound = null): NamedExpression<T> {
    return new AlgebraicExpression({ kind: 'item', a: this, key: new AlgebraicExpression({ kind: 'slice', start, stop, step }) });
  }
  /** `this.name` (explicit, so it never collides with the expression's own members). */
  attr(name: string): NamedExpression<unknown> {
    return new AlgebraicExpression({ kind: 'attr', a: this, name });
  }
  /** `this(...args)`: calls the value (arguments evaluated). After `attr(name)` the call is a method call. */
  call(...args: unknown[]): NamedExpression<unknown> {
    return new AlgebraicExpression({ kind: 'call', fn: this, args });
  }
  /** `this.name(...args)`: a method call on the value, with `this` bound (`B('indices').method('slice', 1)`). */
  method(name: string, ...args: unknown[]): NamedExpression<unknown> {
    return new AlgebraicExpression({ kind: 'method', a: this, name, args });
  }
  /** `fn(this, ...args)`: applies a function to the value (`B('object').apply((a) => sum(a))`). */
  apply<R>(fn: Callback<T, R>, ...args: unknown[]): NamedExpression<R> {
    return new AlgebraicExpression({ kind: 'apply', a: this, fn, args });
  }
}

function binaryExpr<R>(op: BinaryOp, a: unknown, b: unknown): NamedExpression<R> {
  return new AlgebraicExpression<R>({ kind: 'binary', op, a, b });
}

function unaryExpr<R>(op: UnaryOp, a: unknown): NamedExpression<R> {
  return new AlgebraicExpression<R>({ kind: 'unary', op, a });
}

/** A lazy operation on expressions (and literals), built by the algebra methods. */
export class AlgebraicExpression<T = unknown> extends NamedExpression<T> {
  constructor(readonly node: AlgebraNode) {
    super();
  }

  override toString(): string {
    return algebraText(this.node, algebraHooks.nodeOf);
  }

  /** @internal `start:stop:step` of a slice node. */
  sliceText(): string {
    return sliceNodeText(this.node as Extract<AlgebraNode, { kind: 'slice' }>);
  }

  protected override evaluate(ctx: EvalContext): T {
    return evaluateNode(this.node, ctx, algebraHooks) as T;
  }

  protected override assign(value: unknown, ctx: EvalContext): void {
    // The container is read with get(), never copied, so the assignment reaches the real object.
    assignNode(this.node, value, ctx, algebraHooks);
  }
}

const algebraHooks: AlgebraHooks = {
  nodeOf: (value) => (value instanceof AlgebraicExpression ? value.node : undefined),
  callee: (value, ctx) => (value instanceof NamedExpression ? value.callee(ctx) : value),
  container: (value, ctx) => (value instanceof NamedExpression ? value.get(ctx) : evalExpr(value, ctx)),
};

function mergeBound(bound: EvalContext, ctx: EvalContext | undefined): EvalContext {
  const out: EvalContext = { ...(ctx ?? {}) };
  if (bound.batch !== null && bound.batch !== undefined) out.batch = bound.batch;
  if (bound.pipeline !== null && bound.pipeline !== undefined) out.pipeline = bound.pipeline;
  if (bound.size !== undefined) out.size = bound.size;
  return out;
}

/**
 * An expression bound to a context: evaluating or assigning it uses that context (its non-null
 * fields win over the one given later). `W(...)` and `noEval` produce these instead of changing the
 * shared expression, so concurrent batches cannot race.
 */
export class BoundExpression<T = unknown> extends NamedExpression<T> {
  constructor(
    readonly expression: NamedExpression<T>,
    readonly boundContext: EvalContext,
  ) {
    super({ mode: expression.mode });
  }

  override get [RAW_RESULT](): boolean {
    return this.expression[RAW_RESULT];
  }

  override toString(): string {
    return this.expression.toString();
  }

  protected override evaluate(ctx: EvalContext): T {
    return this.expression.get(mergeBound(this.boundContext, ctx));
  }

  override callee(ctx: EvalContext): unknown {
    return this.expression.callee(mergeBound(this.boundContext, ctx));
  }

  override set(value: unknown, ctx?: EvalContext, options?: SetMode | SetOptions): void {
    this.expression.set(value, mergeBound(this.boundContext, ctx), options);
  }
}

/** True for a named expression. */
export function isNamedExpression(value: unknown): value is NamedExpression {
  return value instanceof NamedExpression;
}
