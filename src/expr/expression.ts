/**
 * The named-expression base class, the lazy algebra built by its methods, bound expressions and
 * {@link evalExpr}, the recursion that evaluates expressions nested in arrays, objects, Maps and Configs.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { Config } from '../config/config.js';
import { isPlainObject } from '../util/plain-object.js';
import { ArgumentError } from '../errors.js';
import { isPipelineLike, type EvalContext, type PipelineLike, type PipelinePreset } from './context.js';
import { ExpressionError } from './errors.js';
import * as ops from './ops.js';
import { Slice } from '../util/slice.js';
import { PerItem } from './per-item.js';
import { isNdArray, ndItem } from '../ndarray/ndarray-utils.js';

/** How `set` combines the new value with the current one: write, append, extend, update. */
export type SetMode = 'w' | 'a' | 'e' | 'u' | 'write' | 'append' | 'extend' | 'update';

/** Options of `set`: the mode (default: the expression's own) and whether to evaluate the value first (default true). */
export interface SetOptions {
  mode?: SetMode;
  eval?: boolean;
}

/** Preset evaluation arguments: a non-null preset wins over the context given at evaluation time. */
export interface ExprParams {
  /** Evaluate against this batch (or the batch an expression gives). */
  batch?: Batch | NamedExpression<Batch> | null;
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

/** The type `evalExpr` gives for a value of type `T`: expressions replaced by their results, containers mapped. */
export type Evaluated<T> =
  T extends NamedExpression<infer U> ? U
    : T extends PerItem<unknown> ? T
      : T extends Config ? Config
        : T extends ReadonlyMap<infer K, infer V> ? Map<Evaluated<K>, Evaluated<V>>
          : T extends readonly unknown[] ? { -readonly [K in keyof T]: Evaluated<T[K]> }
            : T extends (...args: never[]) => unknown ? T
              : T extends Record<string, unknown> ? { [K in keyof T]: Evaluated<T[K]> }
                : T;

/** Options of {@link evalExpr}. */
export interface EvalOptions {
  /**
   * Keys (of plain objects, Maps and Configs at the top level) whose values are not evaluated; an
   * expression there is returned bound to the current context (so an action can `get`/`set` it later).
   */
  noEval?: readonly string[];
}

/** @internal Marks expressions whose result `evalExpr` must not evaluate again (W, P, PP). */
export const RAW_RESULT: unique symbol = Symbol('batchflow.rawResult');

type StoredMode = 'w' | 'a' | 'e' | 'u';
const modeNames: Record<SetMode, StoredMode> = { w: 'w', a: 'a', e: 'e', u: 'u', write: 'w', append: 'a', extend: 'e', update: 'u' };

/** Normalises a mode name; throws an ArgumentError for an unknown one. */
export function normaliseMode(mode: unknown): StoredMode {
  const found = typeof mode === 'string' ? (modeNames as Record<string, StoredMode | undefined>)[mode] : undefined;
  if (!found) throw new ArgumentError('mode', `unknown mode ${JSON.stringify(mode)}; expected one of ${Object.keys(modeNames).map((m) => `'${m}'`).join(', ')}`);
  return found;
}

// ---- result types of the algebra ----------------------------------------------------------------
/** Result of `add`: number + number → number, string + string → string, else unknown (arrays work elementwise). */
export type AddResult<T> = [T] extends [number] ? number : [T] extends [string] ? string : unknown;
/** Result of arithmetic: number → number, else unknown. */
export type NumericResult<T> = [T] extends [number] ? number : unknown;
/** Result of comparisons: scalar → boolean, else unknown (arrays compare elementwise). */
export type CompareResult<T> = [T] extends [number | string | boolean | bigint | null | undefined] ? boolean : unknown;
/** Result of `item`: the element type of arrays, else unknown. */
export type ItemResult<T> = [T] extends [readonly (infer E)[]] ? E : [T] extends [string] ? string : unknown;

/** A function of the value (its parameter is checked bivariantly, so `(a: number[]) => …` fits an untyped expression). */
export type Callback<T, R> = { bivarianceHack(value: T, ...args: never[]): R }['bivarianceHack'];

/** Text of a literal inside an expression's text. */
export function reprValue(value: unknown): string {
  if (value instanceof NamedExpression) return value.toString();
  if (typeof value === 'string') return `'${value.replace(/'/gu, "\\'")}'`;
  if (typeof value === 'function') return value.name || 'function';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(reprValue).join(', ')}]`;
  if (isPlainObject(value)) return `{${Object.entries(value).map(([k, v]) => `${k}: ${reprValue(v)}`).join(', ')}}`;
  if (value instanceof Slice) return value.toString();
  if (typeof value === 'object' && value !== null && !(value instanceof Config)) return `<${(value as object).constructor?.name ?? 'object'}>`;
  return String(value);
}

/** The entries of a value used with mode 'e': an ndarray gives its items along the first axis. */
function iterableOf(value: unknown): Iterable<unknown> | null {
  if (isNdArray(value)) return Array.from({ length: value.shape[0]! }, (_, i) => ndItem(value, i));
  if (value !== null && value !== undefined && typeof value !== 'string' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function') return value as Iterable<unknown>;
  return null;
}

function currentForMode(mode: StoredMode, current: unknown, value: unknown): unknown {
  const kind = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current;
  if (current === null || current === undefined) {
    if (mode === 'a') return [value];
    if (mode === 'e') {
      const iterable = iterableOf(value);
      if (iterable === null) throw new TypeError(`cannot extend with a non-iterable ${typeof value}`);
      return Array.from(iterable);
    }
    return value;
  }
  const entries = (source: unknown): Iterable<[unknown, unknown]> => {
    if (source instanceof Map) return source.entries() as Iterable<[unknown, unknown]>;
    if (source instanceof Config) return source.items();
    if (isPlainObject(source)) return Object.entries(source);
    throw new TypeError(`cannot update a ${kind} with a ${source === null ? 'null' : typeof source}`);
  };
  const items = (source: unknown): Iterable<unknown> => {
    const iterable = iterableOf(source);
    if (iterable !== null) return iterable;
    throw new TypeError(`cannot extend a ${kind} with a non-iterable ${source === null ? 'null' : typeof source}`);
  };
  if (Array.isArray(current)) {
    if (mode === 'a') current.push(value);
    else if (mode === 'e') for (const item of items(value)) current.push(item);
    else throw new TypeError(`mode 'u' needs a Map, Set, Config or plain object, not an array`);
    return current;
  }
  if (current instanceof Set) {
    if (mode === 'a' && !(value instanceof Set) && !Array.isArray(value)) current.add(value);
    else for (const item of items(value)) current.add(item);
    return current;
  }
  if (current instanceof Config) {
    if (mode === 'e') throw new TypeError(`mode 'e' cannot extend a Config`);
    current.update(value as Record<string, unknown>);
    return current;
  }
  if (current instanceof Map || isPlainObject(current)) {
    if (mode === 'e') throw new TypeError(`mode 'e' cannot extend a ${current instanceof Map ? 'Map' : 'plain object'}`);
    for (const [key, item] of entries(value)) {
      if (current instanceof Map) current.set(key, item);
      else (current as Record<string, unknown>)[String(key)] = item;
    }
    return current;
  }
  throw new TypeError(`mode '${mode}' cannot be applied to a ${kind} (it needs an array, Set, Map, Config or plain object)`);
}

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
    if (pipeline !== null && pipeline !== undefined) out = { ...out, pipeline: (pipeline instanceof NamedExpression ? evalExpr(pipeline, ctx) : pipeline) as PipelineLike };
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
      this.assign(mode === 'w' ? newValue : currentForMode(mode, this.current(full), newValue), full);
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
  add(other: unknown): NamedExpression<AddResult<T>> { return binaryExpr('add', this, other); }
  /** `other + this`. */
  radd(other: unknown): NamedExpression<AddResult<T>> { return binaryExpr('add', other, this); }
  /** `this - other`. */
  sub(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('sub', this, other); }
  /** `other - this`. */
  rsub(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('sub', other, this); }
  /** `this * other` (a string times an integer repeats it). */
  mul(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('mul', this, other); }
  /** `other * this`. */
  rmul(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('mul', other, this); }
  /** `this / other` (true division). */
  div(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('div', this, other); }
  /** `other / this`. */
  rdiv(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('div', other, this); }
  /** `this // other`: floor division (`-7 // 2 = -4`). */
  floorDiv(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('floorDiv', this, other); }
  /** `other // this`. */
  rfloorDiv(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('floorDiv', other, this); }
  /** `this % other` with Python's sign rule: the result has the divisor's sign (`-7 % 3 = 2`). */
  mod(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('mod', this, other); }
  /** `other % this`. */
  rmod(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('mod', other, this); }
  /** `this ** other`. */
  pow(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('pow', this, other); }
  /** `other ** this`. */
  rpow(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('pow', other, this); }
  /** `this << other` (integers). */
  lshift(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('lshift', this, other); }
  /** `this >> other` (integers, floor). */
  rshift(other: unknown): NamedExpression<NumericResult<T>> { return binaryExpr('rshift', this, other); }
  /** `this & other`: bitwise and (logical on two booleans, elementwise on arrays). */
  and(other: unknown): NamedExpression<unknown> { return binaryExpr('and', this, other); }
  /** `this | other`: bitwise or. */
  or(other: unknown): NamedExpression<unknown> { return binaryExpr('or', this, other); }
  /** `this ^ other`: bitwise xor. */
  xor(other: unknown): NamedExpression<unknown> { return binaryExpr('xor', this, other); }
  /** `this == other` (strict equality; elementwise on arrays). */
  eq(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('eq', this, other); }
  /** `this != other`. */
  ne(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('ne', this, other); }
  /** `this < other`. */
  lt(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('lt', this, other); }
  /** `this <= other`. */
  le(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('le', this, other); }
  /** `this > other`. */
  gt(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('gt', this, other); }
  /** `this >= other`. */
  ge(other: unknown): NamedExpression<CompareResult<T>> { return binaryExpr('ge', this, other); }
  /** `this is other` (identity, `Object.is`). */
  is(other: unknown): NamedExpression<boolean> { return binaryExpr('is', this, other); }
  /** `this is not other`. */
  isNot(other: unknown): NamedExpression<boolean> { return binaryExpr('isNot', this, other); }
  /** `-this`. */
  neg(): NamedExpression<NumericResult<T>> { return unaryExpr('neg', this); }
  /** `+this`. */
  pos(): NamedExpression<NumericResult<T>> { return unaryExpr('pos', this); }
  /** `abs(this)`. */
  abs(): NamedExpression<NumericResult<T>> { return unaryExpr('abs', this); }
  /** `~this` (integers; `!` on booleans). */
  invert(): NamedExpression<NumericResult<T>> { return unaryExpr('invert', this); }
  /** `not this` (JavaScript truthiness). */
  not(): NamedExpression<boolean> { return unaryExpr('not', this); }
  /** `str(this)`: the value as text. */
  str(): NamedExpression<string> { return unaryExpr('str', this); }
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

function binaryExpr<R>(op: ops.BinaryOp, a: unknown, b: unknown): NamedExpression<R> {
  return new AlgebraicExpression<R>({ kind: 'binary', op, a, b });
}

function unaryExpr<R>(op: ops.UnaryOp, a: unknown): NamedExpression<R> {
  return new AlgebraicExpression<R>({ kind: 'unary', op, a });
}

/** The node of an algebraic expression. */
export type AlgebraNode =
  | { kind: 'unary'; op: ops.UnaryOp; a: unknown }
  | { kind: 'binary'; op: ops.BinaryOp; a: unknown; b: unknown }
  | { kind: 'item'; a: unknown; key: unknown }
  | { kind: 'slice'; start: unknown; stop: unknown; step: unknown }
  | { kind: 'attr'; a: unknown; name: string }
  | { kind: 'call'; fn: unknown; args: readonly unknown[] }
  | { kind: 'method'; a: unknown; name: string; args: readonly unknown[] }
  | { kind: 'apply'; a: unknown; fn: unknown; args: readonly unknown[] }
  | { kind: 'format'; a: unknown; template: unknown };

const precedence: Record<ops.BinaryOp, number> = {
  pow: 14, mul: 12, div: 12, floorDiv: 12, mod: 12, add: 11, sub: 11, lshift: 10, rshift: 10,
  and: 9, xor: 8, or: 7, eq: 6, ne: 6, lt: 6, le: 6, gt: 6, ge: 6, is: 6, isNot: 6,
};
const ATOM = 16;

function nodePrecedence(value: unknown): number {
  if (!(value instanceof AlgebraicExpression)) return ATOM;
  const node = value.node;
  if (node.kind === 'binary') return precedence[node.op];
  if (node.kind === 'unary' && (node.op === 'neg' || node.op === 'pos' || node.op === 'invert')) return 13;
  if (node.kind === 'unary' && node.op === 'not') return 5;
  return ATOM;
}

function wrap(value: unknown, minimum: number): string {
  const text = reprValue(value);
  return nodePrecedence(value) < minimum ? `(${text})` : text;
}

function argsText(args: readonly unknown[]): string {
  return args.map(reprValue).join(', ');
}

/** A lazy operation on expressions (and literals), built by the algebra methods. */
export class AlgebraicExpression<T = unknown> extends NamedExpression<T> {
  constructor(readonly node: AlgebraNode) {
    super();
  }

  override toString(): string {
    const node = this.node;
    switch (node.kind) {
      case 'unary': {
        if (node.op === 'abs' || node.op === 'str') return `${node.op}(${reprValue(node.a)})`;
        if (node.op === 'not') return `not ${wrap(node.a, 5)}`;
        return `${{ neg: '-', pos: '+', invert: '~' }[node.op]}${wrap(node.a, 13)}`;
      }
      case 'binary': {
        const p = precedence[node.op];
        const rightAssoc = node.op === 'pow';
        return `${wrap(node.a, rightAssoc ? p + 1 : p)} ${ops.opSymbol(node.op)} ${wrap(node.b, rightAssoc ? p : p + 1)}`;
      }
      case 'item': {
        const key = node.key instanceof AlgebraicExpression && node.key.node.kind === 'slice' ? node.key.sliceText() : reprValue(node.key);
        return `${wrap(node.a, ATOM)}[${key}]`;
      }
      case 'slice': return `slice(${this.sliceText()})`;
      case 'attr': return `${wrap(node.a, ATOM)}.${node.name}`;
      case 'call': return `${wrap(node.fn, ATOM)}(${argsText(node.args)})`;
      case 'method': return `${wrap(node.a, ATOM)}.${node.name}(${argsText(node.args)})`;
      case 'apply': return `${reprValue(node.fn)}(${argsText([node.a, ...node.args])})`;
      case 'format': return `${reprValue(node.template)}.format(${reprValue(node.a)})`;
    }
  }

  /** @internal `start:stop:step` of a slice node. */
  sliceText(): string {
    const node = this.node as Extract<AlgebraNode, { kind: 'slice' }>;
    const part = (v: unknown): string => (v === null || v === undefined ? '' : reprValue(v));
    return `${part(node.start)}:${part(node.stop)}${node.step === null || node.step === undefined ? '' : `:${part(node.step)}`}`;
  }

  protected override evaluate(ctx: EvalContext): T {
    const node = this.node;
    const ev = (value: unknown): unknown => evalExpr(value, ctx);
    switch (node.kind) {
      case 'unary': return ops.unary(node.op, ev(node.a)) as T;
      case 'binary': {
        const a = ev(node.a);
        return ops.binary(node.op, a, ev(node.b)) as T;
      }
      case 'item': {
        const a = ev(node.a);
        return ops.item(a, ev(node.key)) as T;
      }
      case 'slice': {
        const bound = (v: unknown, name: string): number | null => {
          const value = ev(v);
          if (value === null || value === undefined) return null;
          if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`slice ${name} must be an integer or null, got ${typeof value}`);
          return value;
        };
        return new Slice(bound(node.start, 'start'), bound(node.stop, 'stop'), bound(node.step, 'step')) as T;
      }
      case 'attr': return ops.attr(ev(node.a), node.name) as T;
      case 'call': {
        let self: unknown;
        let fn: unknown;
        if (node.fn instanceof AlgebraicExpression && node.fn.node.kind === 'attr') {
          self = ev(node.fn.node.a);
          fn = ops.attr(self, node.fn.node.name);
        } else {
          fn = node.fn instanceof NamedExpression ? node.fn.callee(ctx) : node.fn;
        }
        if (typeof fn !== 'function') throw new TypeError(`${reprValue(node.fn)} is not callable (it is ${fn === null ? 'null' : typeof fn})`);
        return Reflect.apply(fn, self, node.args.map(ev)) as T;
      }
      case 'method': {
        const self = ev(node.a);
        const fn = ops.attr(self, node.name);
        if (typeof fn !== 'function') throw new TypeError(`'${node.name}' is not a method of the value (it is ${fn === null ? 'null' : typeof fn})`);
        return Reflect.apply(fn, self, node.args.map(ev)) as T;
      }
      case 'apply': {
        const fn = node.fn instanceof NamedExpression ? node.fn.callee(ctx) : node.fn;
        if (typeof fn !== 'function') throw new TypeError(`apply: ${reprValue(node.fn)} is not a function`);
        return Reflect.apply(fn, undefined, [ev(node.a), ...node.args.map(ev)]) as T;
      }
      case 'format': {
        const template = ev(node.template);
        if (typeof template !== 'string') throw new TypeError(`format: the template must be a string, got ${typeof template}`);
        return ops.formatTemplate(template, ev(node.a)) as T;
      }
    }
  }

  protected override assign(value: unknown, ctx: EvalContext): void {
    const node = this.node;
    // The container is read with get(), never copied, so the assignment reaches the real object.
    const target = (): unknown => (node.kind === 'item' || node.kind === 'attr') && node.a instanceof NamedExpression ? node.a.get(ctx) : evalExpr((node as { a: unknown }).a, ctx);
    if (node.kind === 'item') {
      ops.setItem(target(), evalExpr(node.key, ctx), value);
    } else if (node.kind === 'attr') {
      ops.setAttr(target(), node.name, value);
    } else {
      throw new TypeError('assigning a value to an arithmetic expression is not possible (only item and attr expressions can be assigned)');
    }
  }
}

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
  constructor(readonly expression: NamedExpression<T>, readonly boundContext: EvalContext) {
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

// ---- evalExpr ---------------------------------------------------------------------------------

/** True when `value` is an expression or a container (array, plain object, Map, Config, PerItem) holding one at any depth. */
export function containsExpression(value: unknown, seen: Set<object> = new Set()): boolean {
  if (value instanceof NamedExpression) return true;
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (Array.isArray(value)) return value.some((item) => containsExpression(item, seen));
  if (value instanceof Config) return containsExpression(value.storage, seen);
  if (value instanceof Map) {
    for (const [key, item] of value) if (containsExpression(key, seen) || containsExpression(item, seen)) return true;
    return false;
  }
  if (value instanceof PerItem) return Array.isArray(value.values) && containsExpression(value.values, seen);
  if (isPlainObject(value)) return Object.values(value).some((item) => containsExpression(item, seen));
  return false;
}

function keepUnevaluated(value: unknown, ctx: EvalContext): unknown {
  return value instanceof NamedExpression ? value.bind(ctx) : value;
}

function resolveLevel(level: Map<unknown, unknown>, ctx: EvalContext, noEval: readonly string[], keys: boolean): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const [key, value] of level) {
    const newKey = keys ? resolve(key, ctx, []) : key;
    out.set(newKey, typeof key === 'string' && noEval.includes(key) ? keepUnevaluated(value, ctx) : resolve(value, ctx, []));
  }
  return out;
}

function resolve(value: unknown, ctx: EvalContext, noEval: readonly string[]): unknown {
  if (value instanceof NamedExpression) {
    const result = value.get(ctx);
    if (value[RAW_RESULT] || !containsExpression(result)) return result;
    try {
      return resolve(result, ctx, []);
    } catch (error) {
      if (error instanceof ExpressionError) throw error;
      throw new ExpressionError(value.toString(), error instanceof Error ? `${error.name}: ${error.message}` : String(error), { cause: error });
    }
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, ctx, []));
  if (value instanceof Config) return Config.fromLevel(resolveLevel(value.storage, ctx, noEval, false) as Map<string, unknown>);
  if (value instanceof Map) return resolveLevel(value, ctx, noEval, true);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = noEval.includes(key) ? keepUnevaluated(item, ctx) : resolve(item, ctx, []);
    return out;
  }
  if (value instanceof PerItem && Array.isArray(value.values) && containsExpression(value.values)) {
    return new PerItem((value.values as unknown[]).map((item) => resolve(item, ctx, [])));
  }
  return value;
}

/**
 * Evaluates `value`: an expression gives its result as it is (the same object: a component or a
 * variable is not copied), unless the result holds expressions, which are then evaluated too (except
 * for `W`, `P`, `PP`, whose results are final); arrays, plain objects, Maps (keys too) and Configs
 * given as `value` are rebuilt as new containers with every element evaluated (the input is never
 * changed, and a literal default is never shared); everything else (numbers, strings, typed arrays,
 * ndarrays, class instances, functions) is returned as it is.
 * Keys listed in `noEval` keep their values, with expressions bound to `ctx`.
 */
export function evalExpr<T>(value: T, ctx: EvalContext = {}, options: EvalOptions = {}): Evaluated<T> {
  return resolve(value, ctx, options.noEval ?? []) as Evaluated<T>;
}

/** True for a named expression. */
export function isNamedExpression(value: unknown): value is NamedExpression {
  return value instanceof NamedExpression;
}
