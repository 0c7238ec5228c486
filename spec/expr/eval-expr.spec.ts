/**
 * `evalExpr`: recursion into arrays, plain objects, Maps (keys too) and
 * Configs as new containers; results holding expressions evaluated again; `noEval`; error wrapping
 * (bug 32: an ExpressionError with the original error as `cause`).
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Dataset } from '../../src/index.js';
import { Config } from '../../src/config/config.js';
import { B, BoundExpression, C, ExpressionError, F, NamedExpression, V, W, evalExpr, isNamedExpression, type EvalContext } from '../../src/expr/index.js';
import { FakePipeline } from './fake-pipeline.js';

function ctxWith(variables: Record<string, unknown>, config: Record<string, unknown> = {}): EvalContext {
  const dataset = new Dataset(10);
  return { batch: dataset.createBatch([0, 1, 2, 3]), pipeline: new FakePipeline({ dataset, variables, config }) };
}

describe('§4.2 recursion', () => {
  test("§4.2 observed: {'a': [V('v'), (B('size'), 1)], V('v'): 'key'} → {'a': [3, (4, 1)], 3: 'key'}", () => {
    const input = new Map<unknown, unknown>([
      ['a', [V('v'), [B('size'), 1]]],
      [V('v'), 'key'],
    ]);
    const result = evalExpr(input, ctxWith({ v: 3 }));
    expect(result).toEqual(
      new Map<unknown, unknown>([
        ['a', [3, [4, 1]]],
        [3, 'key'],
      ]),
    );
  });

  test('plain objects and arrays give new containers; the input is never changed', () => {
    const input = { a: [V('v'), { b: V('v') }], c: 'x' };
    const snapshot = { a: [input.a[0], input.a[1]], c: 'x' };
    const result = evalExpr(input, ctxWith({ v: 1 }));
    expect(result).toEqual({ a: [1, { b: 1 }], c: 'x' });
    expect(input.a[0]).toBe(snapshot.a[0]);
    expect(input.a[1]).toBe(snapshot.a[1]);
    const literal = [1, [2]];
    const copy = evalExpr(literal, {});
    expect(copy).toEqual(literal);
    expect(copy).not.toBe(literal);
    expect(copy[1]).not.toBe(literal[1]);
  });

  test('a Config is rebuilt with its values evaluated', () => {
    const config = new Config({ a: { b: V('v') }, c: 1 });
    const result = evalExpr(config, ctxWith({ v: 5 }));
    expect(result).toBeInstanceOf(Config);
    expect(result.flatten()).toEqual({ 'a/b': 5, c: 1 });
    expect(config.get('a/b')).toBeInstanceOf(NamedExpression);
  });

  test('a result holding expressions is evaluated again (a variable whose value holds NEs)', () => {
    const ctx = ctxWith({ holder: [V('x'), { y: V('x').add(1) }], x: 2, deep: V('holder') });
    expect(evalExpr(V('holder'), ctx)).toEqual([2, { y: 3 }]);
    expect(evalExpr(V('deep'), ctx)).toEqual([2, { y: 3 }]);
  });

  test('results without expressions are returned as they are (components and variables are not copied)', () => {
    const big = Array.from({ length: 1000 }, (_, i) => [i]);
    const ctx = ctxWith({ big });
    expect(evalExpr(V('big'), ctx)).toBe(big);
    expect(V('big').get(ctx)).toBe(big);
  });

  test('scalars, typed arrays, ndarrays, class instances and functions are returned unchanged', () => {
    const typed = new Float32Array([1]);
    const nd = ndarray(new Float64Array(4), [2, 2]);
    const date = new Date();
    const fn = (): number => 1;
    const input = [1, 'a', null, undefined, typed, nd, date, fn];
    const result = evalExpr(input, {});
    input.forEach((value, i) => expect(result[i]).toBe(value));
  });

  test('a Set is not traversed (as in the reference)', () => {
    const set = new Set([V('x')]);
    expect(evalExpr(set, ctxWith({ x: 1 }))).toBe(set);
  });
});

describe('noEval', () => {
  test('listed keys keep their values; expressions there come back bound to the context', () => {
    const ctx = ctxWith({ v: 1, out: null });
    const input = { value: V('v'), saveTo: V('out'), raw: [V('v')] };
    const result = evalExpr(input, ctx, { noEval: ['saveTo', 'raw'] });
    expect(result.value).toBe(1);
    expect(result.raw).toBe(input.raw);
    expect(result.saveTo).toBeInstanceOf(BoundExpression);
    (result.saveTo as unknown as NamedExpression).set(42);
    expect((ctx.pipeline as FakePipeline).variables.get('out')).toBe(42);
    expect(input.saveTo.params.pipeline).toBeNull();
  });

  test('noEval applies to Map string keys and Config top-level keys too', () => {
    const ctx = ctxWith({ v: 1 });
    const map = evalExpr(
      new Map<string, unknown>([
        ['keep', V('v')],
        ['eval', V('v')],
      ]),
      ctx,
      { noEval: ['keep'] },
    );
    expect(map.get('keep')).toBeInstanceOf(BoundExpression);
    expect(map.get('eval')).toBe(1);
    const config = evalExpr(new Config({ keep: V('v'), other: V('v') }), ctx, { noEval: ['keep'] });
    expect(config.get('keep')).toBeInstanceOf(BoundExpression);
    expect(config.get('other')).toBe(1);
  });
});

describe('bug 32: errors are wrapped with a cause, not re-raised as the same type', () => {
  class CustomError extends Error {
    readonly code = 'E_CUSTOM';
  }

  test('the ExpressionError names the expression and keeps the original error (fields and stack)', () => {
    const failing = F(() => {
      throw new CustomError('boom');
    });
    let caught: unknown;
    try {
      evalExpr({ a: [failing] }, {});
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ExpressionError);
    const error = caught as ExpressionError;
    expect(error.expression).toBe('F(function)');
    expect(error.message).toBe("can't evaluate F(function): Error: boom");
    expect(error.cause).toBeInstanceOf(CustomError);
    expect((error.cause as CustomError).code).toBe('E_CUSTOM');
    expect(error.stack).toContain('Caused by:');
  });

  test('the innermost failing expression is named once (no double wrapping)', () => {
    const ctx = ctxWith({}, {});
    let caught: unknown;
    try {
      evalExpr(V('x').add(C('missing')), ctx);
    } catch (error) {
      caught = error;
    }
    expect((caught as ExpressionError).expression).toBe("C('missing')");
    expect((caught as Error).cause).not.toBeInstanceOf(ExpressionError);
  });

  test('set errors are wrapped as well', () => {
    expect(() =>
      V('x')
        .add(1)
        .set(1, ctxWith({ x: 1 })),
    ).toThrow(/can't evaluate V\('x'\) \+ 1: TypeError: assigning/);
  });
});

describe('helpers', () => {
  test('isNamedExpression; W refuses non-expressions', () => {
    expect(isNamedExpression(V('x'))).toBe(true);
    expect(isNamedExpression({ get: () => 1 })).toBe(false);
    expect(() => W(5 as unknown as NamedExpression)).toThrow(/W expects a named expression/);
  });

  test('bind: bound fields win over the context given later', () => {
    const a = ctxWith({ x: 'a' });
    const b = ctxWith({ x: 'b' });
    const bound = V('x').bind(a);
    expect(bound.get(b)).toBe('a');
    expect(bound.get()).toBe('a');
    expect(bound.toString()).toBe("V('x')");
    expect(evalExpr(bound.add('!'), b)).toBe('a!');
  });
});
