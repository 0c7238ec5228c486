/**
 * `R(...)`: numpy names mapped onto `Rng`, shapes (call size ++ own
 * size), the generator used (own seed → pipeline → batch → private), argument evaluation and errors.
 */
import { describe, expect, test } from '@jest/globals';
import { Dataset } from '../../src/index.js';
import { ArgumentError } from '../../src/errors.js';
import { B, C, ExpressionError, R, evalExpr, supportedDistributions, type EvalContext } from '../../src/expr/index.js';
import { Rng } from '../../src/random/rng.js';
import { FakePipeline } from './fake-pipeline.js';

const SEED = 7;
const ctxFor = (seed = SEED, config: Record<string, unknown> = {}): EvalContext => {
  const dataset = new Dataset(10);
  return { batch: dataset.createBatch([0, 1, 2, 3]), pipeline: new FakePipeline({ dataset, seed, config }) };
};
const draw = (n: number, f: () => unknown): unknown[] => Array.from({ length: n }, f);

describe('each distribution calls the matching Rng method (same seed → same numbers)', () => {
  const cases: Array<[string, () => ReturnType<typeof R>, (rng: Rng) => unknown]> = [
    ['random', () => R('random'), (rng) => rng.random()],
    ['random_sample (alias)', () => R('random_sample'), (rng) => rng.random()],
    ['uniform(2, 5)', () => R('uniform', 2, 5), (rng) => rng.uniform(2, 5)],
    ['uniform() defaults to [0, 1)', () => R('uniform'), (rng) => rng.uniform(0, 1)],
    ['normal(3, 2)', () => R('normal', 3, 2), (rng) => rng.normal(3, 2)],
    ['normal(loc=3, scale=2) by name', () => R('normal', { loc: 3, scale: 2 }), (rng) => rng.normal(3, 2)],
    ['standard_normal', () => R('standard_normal'), (rng) => rng.normal(0, 1)],
    ['integers(0, 10)', () => R('integers', 0, 10), (rng) => rng.integers(0, 10)],
    ['integers(5) → [0, 5)', () => R('integers', 5), (rng) => rng.integers(0, 5)],
    ['integers(0, 5, endpoint=true) → [0, 5]', () => R('integers', 0, 5, { endpoint: true }), (rng) => rng.integers(0, 6)],
    ['randint(1, 4) (alias of integers)', () => R('randint', 1, 4), (rng) => rng.integers(1, 4)],
    ['binomial(1, 0.3) → 0/1 from bernoulli', () => R('binomial', 1, 0.3), (rng) => (rng.bernoulli(0.3) ? 1 : 0)],
    ['bernoulli(0.3) → boolean', () => R('bernoulli', 0.3), (rng) => rng.bernoulli(0.3)],
    ["choice(['a','b','c'])", () => R('choice', ['a', 'b', 'c']), (rng) => rng.choice(['a', 'b', 'c'])],
    ["R(['a','b','c']) means choice", () => R(['a', 'b', 'c']), (rng) => rng.choice(['a', 'b', 'c'])],
    ['R(5) means choice(5) → integers(0, 5)', () => R(5), (rng) => rng.integers(0, 5)],
    ['lognormal(0, 1)', () => R('lognormal'), (rng) => Math.exp(rng.normal(0, 1))],
    ['exponential(2)', () => R('exponential', 2), (rng) => -2 * Math.log(1 - rng.random())],
    ['permutation(5)', () => R('permutation', 5), (rng) => Array.from(rng.permutation(5))],
  ];
  test.each(cases)('R %s', (_name, make, expected) => {
    const expr = make();
    const ctx = ctxFor();
    const reference = new Rng(SEED);
    const got = draw(5, () => evalExpr(expr, ctx));
    expect(got).toEqual(draw(5, () => expected(reference)));
  });
});

describe('shapes', () => {
  test('no size → one sample; size n → n samples; size [2,3] → nested', () => {
    const ctx = ctxFor();
    expect(typeof evalExpr(R('normal'), ctx)).toBe('number');
    expect(evalExpr(R('normal', { size: 3 }), ctx)).toHaveLength(3);
    const nested = evalExpr(R('uniform', { size: [2, 3] }), ctx) as number[][];
    expect(nested).toHaveLength(2);
    expect(nested.map((row) => row.length)).toEqual([3, 3]);
    expect(evalExpr(R('uniform', { size: 0 }), ctx)).toEqual([]);
  });

  test("§4.3: R('uniform', size=(2,3)).get(size=4) → shape (4, 2, 3)", () => {
    const value = R('uniform', { size: [2, 3] }).get({ ...ctxFor(), size: 4 }) as number[][][];
    expect(value).toHaveLength(4);
    expect(value.every((block) => block.length === 2 && block.every((row) => row.length === 3))).toBe(true);
  });

  test('size and arguments may be expressions (evaluated without the call size)', () => {
    const ctx = ctxFor(SEED, { mean: 100, std: 0 });
    const value = evalExpr(R('normal', C('mean'), C('std'), { size: B('size').floorDiv(2) }), ctx);
    expect(value).toEqual([100, 100]);
  });

  test('choice with p and replace', () => {
    const ctx = ctxFor();
    expect(new Set(evalExpr(R(['a', 'b'], { p: [1, 0], size: 20 }), ctx) as string[])).toEqual(new Set(['a']));
    const unique = evalExpr(R('choice', 10, { size: 10, replace: false }), ctx) as number[];
    expect([...unique].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const weighted = evalExpr(R('choice', ['x', 'y', 'z'], { size: [1, 2], replace: false, p: [0.5, 0.5, 0] }), ctx) as string[][];
    expect(weighted[0]!.slice().sort()).toEqual(['x', 'y']);
    expect(() => evalExpr(R('choice', 3, { size: 4, replace: false }), ctx)).toThrow(/without replacement/);
    expect(() => evalExpr(R('choice', [1, 2], { p: [0.2, 0.2] }), ctx)).toThrow(/do not sum to 1/);
    expect(() => evalExpr(R('choice', [1, 2], { p: [1] }), ctx)).toThrow(/2 values/);
  });

  test('permutation of an array shuffles a copy', () => {
    const source = [1, 2, 3, 4, 5];
    const shuffled = evalExpr(R('permutation', source), ctxFor()) as number[];
    expect([...shuffled].sort()).toEqual(source);
    expect(source).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('which generator', () => {
  test('the pipeline generator is used and advanced (two evaluations differ; same seed repeats)', () => {
    const a = ctxFor(11);
    const b = ctxFor(11);
    const first = evalExpr(R('uniform'), a);
    expect(evalExpr(R('uniform'), a)).not.toBe(first);
    expect(evalExpr(R('uniform'), b)).toBe(first);
  });

  test('without a pipeline the batch generator is used', () => {
    const batch = new Dataset(4).createBatch([0, 1]);
    batch.randomSeed = 21;
    expect(evalExpr(R('uniform'), { batch })).toBe(new Rng(21).random());
  });

  test('§3.10: R({seed}) owns a generator made once; its state carries across evaluations and contexts', () => {
    const expr = R('uniform', { seed: 5 });
    const reference = new Rng(5);
    expect(evalExpr(expr, ctxFor(1))).toBe(reference.random());
    expect(evalExpr(expr, ctxFor(2))).toBe(reference.random());
    expect(evalExpr(expr, {})).toBe(reference.random());
  });

  test('with no context at all a private generator is used', () => {
    const value = evalExpr(R('uniform', 3, 4), {});
    expect(value).toBeGreaterThanOrEqual(3);
    expect(value).toBeLessThan(4);
  });
});

describe('statistics (the mapping is the right one, not just deterministic)', () => {
  test('normal(3, 2): mean ≈ 3, std ≈ 2; binomial(10, 0.5): mean ≈ 5; exponential(2): mean ≈ 2', () => {
    const ctx = ctxFor(99);
    const n = 20000;
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    const normal = evalExpr(R('normal', 3, 2, { size: n }), ctx) as number[];
    const m = mean(normal);
    expect(Math.abs(m - 3)).toBeLessThan(0.06);
    expect(Math.abs(Math.sqrt(mean(normal.map((x) => (x - m) ** 2))) - 2)).toBeLessThan(0.06);
    expect(Math.abs(mean(evalExpr(R('binomial', 10, 0.5, { size: n }), ctx) as number[]) - 5)).toBeLessThan(0.05);
    expect(Math.abs(mean(evalExpr(R('exponential', 2, { size: n }), ctx) as number[]) - 2)).toBeLessThan(0.06);
    const ints = evalExpr(R('integers', 0, 3, { size: 3000 }), ctx) as number[];
    expect(new Set(ints)).toEqual(new Set([0, 1, 2]));
  });
});

describe('errors', () => {
  test('an unknown distribution → ArgumentError listing the supported names', () => {
    expect(() => R('gauss')).toThrow(ArgumentError);
    expect(() => R('gauss')).toThrow(/supported: .*normal.*integers/);
    expect(supportedDistributions).toEqual(
      expect.arrayContaining(['random', 'uniform', 'normal', 'integers', 'randint', 'binomial', 'bernoulli', 'choice', 'permutation']),
    );
  });

  test('unknown options, too many arguments and bad sizes are ArgumentErrors at construction', () => {
    expect(() => R('normal', { mu: 1 })).toThrow(/unknown option of normal/);
    expect(() => R('uniform', 0, 1, 2)).toThrow(/at most 2 positional/);
    expect(() => R('normal', { size: -1 })).toThrow(TypeError);
    expect(() => R('normal', { size: 1.5 })).toThrow(TypeError);
    expect(() => R('permutation', 5, { size: 2 })).toThrow(/does not take a size/);
  });

  test('bad values at evaluation → ExpressionError naming the expression', () => {
    const ctx = ctxFor();
    expect(() => evalExpr(R('binomial', 1), ctx)).toThrow(/can't evaluate R\('binomial', 1\): .*needs 'p'/);
    expect(() => evalExpr(R('bernoulli', 2), ctx)).toThrow(ExpressionError);
    expect(() => evalExpr(R('integers', 0.5, 3), ctx)).toThrow(/must be integers/);
    expect(() => evalExpr(R('normal', 'x'), ctx)).toThrow(/loc must be a number/);
  });
});
