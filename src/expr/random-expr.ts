/**
 * `R(dist, ...args, {size, seed, ...})`: random draws from the batch's generator (or the
 * expression's own seeded one), with numpy's distribution names mapped onto {@link Rng}.
 * @module
 */
import { isPlainObject } from '../util/plain-object.js';
import { ArgumentError } from '../errors.js';
import { isNdArray, isTypedArray } from '../ndarray/ndarray-utils.js';
import { Rng } from '../random/rng.js';
import type { EvalContext } from './context.js';
import { evalExpr } from './evaluate.js';
import { NamedExpression, type ExprOr } from './named-expression.js';
import { reprValue } from './repr.js';

interface DistributionSpec {
  /** Positional parameter names (also accepted as options). */
  params: readonly string[];
  /** Default values; `undefined` = required. */
  defaults: readonly unknown[];
  /** Extra option names. */
  options?: readonly string[];
  /** One sample. */
  draw(rng: Rng, args: readonly unknown[], options: Readonly<Record<string, unknown>>): unknown;
  /** Whether `size` is allowed (default true). */
  sized?: boolean;
}

function num(value: unknown, name: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(`${name} must be a number, got ${value === null ? 'null' : typeof value}`);
  return value;
}

function probability(value: unknown, name: string): number {
  const p = num(value, name);
  if (p < 0 || p > 1) throw new RangeError(`${name} must be in [0, 1], got ${p}`);
  return p;
}

function population(a: unknown): { count: number; at: (i: number) => unknown } {
  if (typeof a === 'number') {
    if (!Number.isInteger(a) || a <= 0) throw new RangeError(`choice: a must be a positive integer or an array, got ${a}`);
    return { count: a, at: (i) => i };
  }
  if (Array.isArray(a) || isTypedArray(a)) {
    if (a.length === 0) throw new RangeError('choice: a cannot be empty');
    return { count: a.length, at: (i) => (a as ArrayLike<unknown>)[i] };
  }
  throw new TypeError(`choice: a must be a positive integer or an array, got ${a === null ? 'null' : typeof a}`);
}

function weights(p: unknown, count: number): number[] | null {
  if (p === null || p === undefined) return null;
  if (!Array.isArray(p) && !isTypedArray(p)) throw new TypeError('choice: p must be an array of probabilities');
  const values = Array.from(p as ArrayLike<unknown>, (v, i) => probability(v, `p[${i}]`));
  if (values.length !== count) throw new RangeError(`choice: p has ${values.length} probabilities for ${count} values`);
  const total = values.reduce((s, v) => s + v, 0);
  if (Math.abs(total - 1) > 1e-8) throw new RangeError(`choice: probabilities do not sum to 1 (sum ${total})`);
  return values;
}

function weightedIndex(rng: Rng, w: readonly number[]): number {
  const u = rng.random();
  let cumulative = 0;
  for (let i = 0; i < w.length; i++) {
    cumulative += w[i]!;
    if (u < cumulative) return i;
  }
  for (let i = w.length - 1; i >= 0; i--) if (w[i]! > 0) return i;
  return w.length - 1;
}

function integerBounds(args: readonly unknown[], options: Readonly<Record<string, unknown>>): [number, number] {
  let low = num(args[0], 'low');
  let high = args[1] === null || args[1] === undefined ? null : num(args[1], 'high');
  if (high === null) {
    high = low;
    low = 0;
  }
  if (!Number.isInteger(low) || !Number.isInteger(high)) throw new TypeError(`integers: low and high must be integers, got ${low} and ${high}`);
  return [low, options['endpoint'] === true ? high + 1 : high];
}

const distributions: Readonly<Record<string, DistributionSpec>> = {
  random: { params: [], defaults: [], draw: (rng) => rng.random() },
  uniform: { params: ['low', 'high'], defaults: [0, 1], draw: (rng, [low, high]) => rng.uniform(num(low, 'low'), num(high, 'high')) },
  normal: { params: ['loc', 'scale'], defaults: [0, 1], draw: (rng, [loc, scale]) => rng.normal(num(loc, 'loc'), num(scale, 'scale')) },
  standard_normal: { params: [], defaults: [], draw: (rng) => rng.normal(0, 1) },
  lognormal: { params: ['mean', 'sigma'], defaults: [0, 1], draw: (rng, [mean, sigma]) => Math.exp(rng.normal(num(mean, 'mean'), num(sigma, 'sigma'))) },
  exponential: { params: ['scale'], defaults: [1], draw: (rng, [scale]) => -num(scale, 'scale') * Math.log(1 - rng.random()) },
  integers: {
    params: ['low', 'high'],
    defaults: [undefined, null],
    options: ['endpoint'],
    draw: (rng, args, options) => rng.integers(...integerBounds(args, options)),
  },
  binomial: {
    params: ['n', 'p'],
    defaults: [undefined, undefined],
    draw: (rng, [n, p]) => {
      const trials = num(n, 'n');
      const prob = probability(p, 'p');
      if (!Number.isInteger(trials) || trials < 0) throw new RangeError(`binomial: n must be a non-negative integer, got ${trials}`);
      let successes = 0;
      for (let i = 0; i < trials; i++) if (rng.bernoulli(prob)) successes++;
      return successes;
    },
  },
  bernoulli: { params: ['p'], defaults: [0.5], draw: (rng, [p]) => rng.bernoulli(probability(p, 'p')) },
  choice: {
    params: ['a'],
    defaults: [undefined],
    options: ['p', 'replace'],
    draw: (rng, [a], options) => {
      const pop = population(a);
      const w = weights(options['p'], pop.count);
      if (w) return pop.at(weightedIndex(rng, w));
      return typeof a === 'number' ? rng.integers(0, a) : rng.choice(Array.isArray(a) ? a : Array.from(a as ArrayLike<unknown>));
    },
  },
  permutation: {
    params: ['x'],
    defaults: [undefined],
    sized: false,
    draw: (rng, [x]) => {
      if (typeof x === 'number') return Array.from(rng.permutation(x));
      if (Array.isArray(x)) return rng.shuffle([...x]);
      if (isTypedArray(x)) return rng.shuffle(x.slice());
      throw new TypeError(`permutation: expected an integer or an array, got ${x === null ? 'null' : typeof x}`);
    },
  },
};

/** numpy names accepted as aliases. */
const aliases: Readonly<Record<string, string>> = { random_sample: 'random', rand: 'random', randn: 'standard_normal', randint: 'integers' };

/** The distribution names `R` accepts (numpy's names, mapped onto {@link Rng}). */
export const supportedDistributions: readonly string[] = [...Object.keys(distributions), ...Object.keys(aliases)];

/** Options of `R`: the sample shape, an own seed, and distribution options (`p`, `replace`, `endpoint`, or parameters by name). */
export interface RandomOptions {
  /** Sample shape: a count, a shape array, or an expression giving one. Null: one sample. */
  size?: ExprOr<number | readonly number[] | null> | null;
  /** A seed for the expression's own generator (made once; its state carries across batches and runs). */
  seed?: number | null;
  /** `choice`: probabilities; `replace`: with replacement (default true); `integers`: `endpoint`; or parameters by name (`loc`, `scale`, …). */
  [option: string]: unknown;
}

function shapeOf(value: unknown, what: string): number[] {
  if (value === null || value === undefined) return [];
  const check = (n: unknown): number => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 0)
      throw new TypeError(`${what} must be a non-negative integer or an array of them, got ${String(n)}`);
    return n;
  };
  if (typeof value === 'number') return [check(value)];
  if (Array.isArray(value)) return value.map(check);
  throw new TypeError(`${what} must be null, an integer, an array of integers or an expression, got ${typeof value}`);
}

function fill(shape: readonly number[], draw: () => unknown): unknown {
  const [first, ...rest] = shape;
  return Array.from({ length: first! }, () => (rest.length === 0 ? draw() : fill(rest, draw)));
}

function reshape(flat: readonly unknown[], shape: readonly number[]): unknown {
  let offset = 0;
  const build = (dims: readonly number[]): unknown => {
    const [first, ...rest] = dims;
    return Array.from({ length: first! }, () => (rest.length === 0 ? flat[offset++] : build(rest)));
  };
  return build(shape);
}

/**
 * A random draw. `dist` names a distribution (see {@link supportedDistributions}); any other value
 * `v` means `choice(v)`. Without `size` one sample is drawn; with a size (and with the size a `P(...)`
 * asks for: `callSize ++ size`) nested arrays of samples.
 */
export class RandomExpression<T = unknown> extends NamedExpression<T> {
  readonly distribution: string;
  readonly args: readonly unknown[];
  readonly options: Readonly<Record<string, unknown>>;
  readonly size: ExprOr<number | readonly number[] | null> | null;
  readonly seed: number | null;
  readonly #spec: DistributionSpec;
  readonly #own: Rng | null;
  #fallback: Rng | null = null;

  constructor(dist: unknown, args: readonly unknown[], options: RandomOptions = {}) {
    super();
    const { size = null, seed = null, ...rest } = options;
    let name: string;
    let allArgs = args;
    if (typeof dist === 'string') {
      name = aliases[dist] ?? dist;
      if (!Object.hasOwn(distributions, name)) {
        throw new ArgumentError('dist', `unknown distribution ${JSON.stringify(dist)}; supported: ${supportedDistributions.join(', ')}`);
      }
    } else {
      name = 'choice';
      allArgs = [dist, ...args];
    }
    const spec = distributions[name]!;
    if (allArgs.length > spec.params.length)
      throw new ArgumentError(
        'args',
        `${name} takes at most ${spec.params.length} positional argument(s) (${spec.params.join(', ') || 'none'}), got ${allArgs.length}`,
      );
    const known = [...spec.params, ...(spec.options ?? [])];
    for (const key of Object.keys(rest)) {
      if (!known.includes(key)) throw new ArgumentError(key, `unknown option of ${name}; expected size, seed${known.length ? `, ${known.join(', ')}` : ''}`);
    }
    if (spec.sized === false && size !== null) throw new ArgumentError('size', `${name} does not take a size`);
    if (!(size instanceof NamedExpression)) shapeOf(size, 'size');
    this.distribution = name;
    this.args = allArgs;
    this.options = rest;
    this.size = size;
    this.seed = seed;
    this.#spec = spec;
    this.#own = seed === null ? null : new Rng(seed);
  }

  override toString(): string {
    const parts = [reprValue(this.distribution), ...this.args.map(reprValue)];
    for (const [key, value] of Object.entries(this.options)) parts.push(`${key}=${reprValue(value)}`);
    if (this.size !== null) parts.push(`size=${reprValue(this.size)}`);
    if (this.seed !== null) parts.push(`seed=${this.seed}`);
    return `R(${parts.join(', ')})`;
  }

  /** The generator used for a context: the own seeded one, else the pipeline's, else the batch's, else a private one. */
  #rng(ctx: EvalContext): Rng {
    if (this.#own) return this.#own;
    // a Pipeline object itself (a batch's pipeline, outside the run's per-batch view) has no generator
    if (ctx.pipeline?.random) return ctx.pipeline.random;
    if (ctx.batch) return ctx.batch.random;
    this.#fallback ??= new Rng();
    return this.#fallback;
  }

  protected override evaluate(ctx: EvalContext): T {
    const inner: EvalContext = { batch: ctx.batch ?? null, pipeline: ctx.pipeline ?? null };
    const given = evalExpr(this.args, inner) as unknown[];
    const options = evalExpr(this.options, inner) as Record<string, unknown>;
    const spec = this.#spec;
    const args = spec.params.map((param, i) => {
      const value = i < given.length ? given[i] : Object.hasOwn(options, param) ? options[param] : spec.defaults[i];
      if (value === undefined) throw new ArgumentError(param, `${this.distribution} needs '${param}'`);
      return value;
    });
    const shape = [...(ctx.size === undefined || ctx.size === null ? [] : shapeOf(ctx.size, 'size')), ...shapeOf(evalExpr(this.size, inner), 'size')];
    if (spec.sized === false && shape.length > 0) throw new ArgumentError('size', `${this.distribution} does not take a size`);
    const rng = this.#rng(ctx);
    if (shape.length === 0) return spec.draw(rng, args, options) as T;
    if (this.distribution === 'choice' && options['replace'] === false) return reshape(this.#withoutReplacement(rng, args[0], options['p'], shape), shape) as T;
    return fill(shape, () => spec.draw(rng, args, options)) as T;
  }

  #withoutReplacement(rng: Rng, a: unknown, p: unknown, shape: readonly number[]): unknown[] {
    const pop = population(a);
    const total = shape.reduce((s, d) => s * d, 1);
    if (total > pop.count) throw new RangeError(`choice: cannot take ${total} samples without replacement from ${pop.count} values`);
    const w = weights(p, pop.count);
    if (!w) return Array.from(rng.permutation(pop.count).subarray(0, total), (i) => pop.at(i));
    const remaining = [...w];
    const out: unknown[] = [];
    for (let k = 0; k < total; k++) {
      const sum = remaining.reduce((s, v) => s + v, 0);
      const index = weightedIndex(
        rng,
        remaining.map((v) => v / sum),
      );
      out.push(pop.at(index));
      remaining[index] = 0;
    }
    return out;
  }
}

/**
 * `R(dist, ...args, options?)`: a random draw, e.g. `R('normal', 0, 1)`, `R('uniform', 0, 1, {size: 3})`,
 * `R('integers', 0, 10, {seed: 42})`, `R(['a', 'b'], {p: [0.9, 0.1]})` (a non-string first argument
 * means `choice`). Arguments may be expressions. A trailing plain object is the options; to pass a
 * plain object as the last positional argument, add `{}` after it.
 */
export function R<T = unknown>(dist: unknown, ...rest: unknown[]): RandomExpression<T> {
  const last = rest[rest.length - 1];
  if (rest.length > 0 && isPlainObject(last) && !isNdArray(last)) return new RandomExpression<T>(dist, rest.slice(0, -1), last as RandomOptions);
  return new RandomExpression<T>(dist, rest);
}
