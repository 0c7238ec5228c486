/**
 * Port of BatchFlow's named_expr_test.py plus BatchFlow's named-expression rules and the fixes of
 * its bugs for named expressions. The Python tests run through a pipeline; here the batch is made
 * from a Dataset and the expressions are evaluated against a FakePipeline (the `PipelineLike`
 * contract), which is what the pipeline does with them. Cases that need a running pipeline are in
 * spec/pipeline/named-expr.spec.ts.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Batch, Dataset, applyParallel, tuple } from '../../src/index.js';
import { Config, MissingKeyError } from '../../src/config/config.js';
import { ArgumentError } from '../../src/errors.js';
import {
  B,
  BoundExpression,
  C,
  D,
  ExpressionError,
  F,
  I,
  IF,
  L,
  NamedExpression,
  P,
  PP,
  PerItem,
  R,
  V,
  W,
  evalExpr,
  type EvalContext,
} from '../../src/expr/index.js';
import { binary } from '../../src/expr/ops.js';
import { FakePipeline } from './fake-pipeline.js';

class PlainBatch extends Batch {}

function context(
  options: {
    ids?: number[];
    datasetSize?: number;
    config?: Record<string, unknown>;
    variables?: Record<string, unknown>;
    seed?: number;
    iteration?: { current: number; total: number | null };
    strict?: boolean;
  } = {},
): { batch: PlainBatch; pipeline: FakePipeline; ctx: EvalContext } {
  const dataset = new Dataset(options.datasetSize ?? 10, { batchClass: PlainBatch });
  const batch = dataset.createBatch(options.ids ?? [0, 1]);
  const pipeline = new FakePipeline({
    dataset,
    config: options.config,
    variables: options.variables,
    seed: options.seed,
    iteration: options.iteration,
    strict: options.strict,
  });
  return { batch, pipeline, ctx: { batch, pipeline } };
}

// ---- 6.5-1 general_get ----------------------------------------------------------------------

describe('6.5-1 general_get', () => {
  const setup = (): EvalContext => context({ config: { option: 0 }, variables: { var: null } }).ctx;
  const cases: Array<[string, NamedExpression, (value: unknown) => void]> = [
    ["C('option') → 0", C('option'), (v) => expect(v).toBe(0)],
    ["C('not defined', default 10) → 10", C('not defined', { default: 10 }), (v) => expect(v).toBe(10)],
    ["B('size') → 2", B('size'), (v) => expect(v).toBe(2)],
    ["D('size') → 10", D('size'), (v) => expect(v).toBe(10)],
    ["V('var') → null", V('var'), (v) => expect(v).toBeNull()],
    [
      "R('normal', 0, 1) → a float",
      R('normal', 0, 1),
      (v) => {
        expect(typeof v).toBe('number');
        expect(Number.isInteger(v)).toBe(false);
      },
    ],
    [
      "R('normal', 0, 1, size=B.size) → 2 floats",
      R('normal', 0, 1, { size: B('size') }),
      (v) => {
        expect(Array.isArray(v)).toBe(true);
        expect((v as number[]).length).toBe(2);
        expect((v as unknown[]).every((x) => typeof x === 'number')).toBe(true);
      },
    ],
    ['F(() => 0) → 0', F(() => 0), (v) => expect(v).toBe(0)],
    ['F(x => x)(0) → 0', F((x: number) => x).call(0), (v) => expect(v).toBe(0)],
  ];
  test.each(cases.map(([name, expr, check], i) => [`6.5-1.${i + 1}: ${name}`, expr, check] as const))('%s', (_name, expr, check) => {
    check(evalExpr(expr, setup()));
  });
  test('6.5-1: F(fn, ...args) is the same call as F(fn).call(...args)', () => {
    expect(
      evalExpr(
        F((x: number, y: number) => x - y, V('a'), 1),
        context({ variables: { a: 5 } }).ctx,
      ),
    ).toBe(4);
  });
});

// ---- 6.5-2 apply_parallel_p -----------------------------------------------------------------

class PBatch extends Batch {
  static override components = ['images', 'masks'] as const;
  declare images: unknown[];
  declare masks: unknown[];

  /** item*param (numpy-style elementwise); a tuple item gives both parts times param. */
  @applyParallel
  apTest(item: unknown, options: { param: unknown }): unknown {
    if (Array.isArray(item) && item.length === 2 && Array.isArray(item[0]) && Array.isArray(item[1]))
      return [binary('mul', item[0], options.param), binary('mul', item[1], options.param)];
    return binary('mul', item, options.param);
  }
}

describe('6.5-2 apply_parallel_p', () => {
  const A = (): number[][] => [[0], [1], [2]];
  const setup = (): { batch: PBatch; ctx: EvalContext } => {
    const dataset = new Dataset(10, { batchClass: PBatch });
    const batch = dataset.createBatch([0, 1, 2]);
    const pipeline = new FakePipeline({ dataset, config: { mean: 0, std: 1, option: A() }, variables: { var: A() }, seed: 3 });
    const ctx: EvalContext = { batch, pipeline };
    B('images').set(A(), ctx);
    B('masks').set(A(), ctx);
    return { batch, ctx };
  };
  const sources = [
    ['images', 'images'],
    ["['images','masks']", ['images', 'masks']],
    ["tuple('images','masks')", tuple('images', 'masks')],
  ] as const;
  const expressions: Array<[string, () => NamedExpression]> = [
    ["R('normal',0,1)", () => R('normal', 0, 1)],
    ["R('normal',0,1,size=2)", () => R('normal', 0, 1, { size: 2 })],
    ["R('normal',C('mean'),C('std'),size=B.size//2)", () => R('normal', C('mean'), C('std'), { size: B('size').floorDiv(2) })],
    ["V('var')", () => V('var')],
    ["C('option')", () => C('option')],
  ];
  const wrappers = [
    ['P', (e: NamedExpression) => P(e)],
    ['PP', (e: NamedExpression) => PP(e)],
  ] as const;
  const cases = sources.flatMap(([srcName, src]) =>
    expressions.flatMap(([exprName, make]) =>
      wrappers.map(([wrapName, wrap]) => [`6.5-2: src=${srcName}, param=${wrapName}(${exprName})`, src, make, wrap] as const),
    ),
  );

  test.each(cases)('%s', async (_name, src, make, wrap) => {
    const { batch, ctx } = setup();
    const param = evalExpr(wrap(make()), ctx);
    expect(param).toBeInstanceOf(PerItem);
    expect(param.length).toBe(3);
    await batch.actions.apTest({ src, param });
    if (typeof src === 'string') {
      expect(batch.images).toHaveLength(3);
      expect(batch.masks).toEqual(A());
    } else {
      expect(batch.images).toEqual(batch.masks);
      expect(batch.images).not.toEqual(A());
    }
  });

  test('6.5-2 (values, §4.5): P(V(var)) → [[0],[1],[4]]; PP(V(var)) → [[[0],[0],[0]], [[0],[1],[2]], [[0],[2],[4]]]', async () => {
    const first = setup();
    await first.batch.actions.apTest({ src: 'images', param: evalExpr(P(V('var')), first.ctx) });
    expect(first.batch.images).toEqual([[0], [1], [4]]);
    const second = setup();
    await second.batch.actions.apTest({ src: 'images', param: evalExpr(PP(V('var')), second.ctx) });
    expect(second.batch.images).toEqual([
      [[0], [0], [0]],
      [[0], [1], [2]],
      [[0], [2], [4]],
    ]);
  });

  test('6.5-2 (§4.5): with a list src both components get the same per-item random values', async () => {
    const { batch, ctx } = setup();
    B('images').set([[1], [1], [1]], ctx);
    B('masks').set([[1], [1], [1]], ctx);
    await batch.actions.apTest({ src: ['images', 'masks'], param: evalExpr(P(R('normal', 0, 1)), ctx) });
    expect(batch.images).toEqual(batch.masks);
    const values = (batch.images as number[][]).map((row) => row[0]);
    expect(new Set(values).size).toBe(3);
  });
});

// ---- 6.5-3 I ----------------------------------------------------------------------------------

describe('6.5-3 I', () => {
  // The pipeline works out `total` from its run options (n_epochs=1 → 5 iterations of 2 over 10
  // items; n_iters=5 → 5; unlimited → null); that part is deferred to the pipeline tests. Here the
  // pipeline's iteration info is given and `update(V('var', 'w'), I(name))` is checked.
  const table: Array<[number, string, string, number | null, 'raises' | number | null]> = [
    [1, 'c', 'n_epochs=1', 5, 1],
    [2, 'm', 'n_epochs=1', 5, 5],
    [3, 'r', 'n_epochs=1', 5, 0.2],
    [4, 'c', 'n_epochs=None', null, 1],
    [5, 'm', 'n_epochs=None', null, null],
    [6, 'r', 'n_epochs=None', null, 'raises'],
    [7, 'c', 'n_iters=5', 5, 1],
    [8, 'm', 'n_iters=5', 5, 5],
    [9, 'r', 'n_iters=5', 5, 0.2],
    [10, 'c', 'n_iters=None', null, 1],
    [11, 'm', 'n_iters=None', null, null],
    [12, 'r', 'n_iters=None', null, 'raises'],
  ];
  test.each(table)('6.5-3.%i: I(%s) with %s (total %p) → %p', (_n, name, _limit, total, expected) => {
    const { pipeline, ctx } = context({ variables: { var: -1 }, iteration: { current: 1, total } });
    const update = (): void => V('var', 'w').set(I(name), ctx);
    if (expected === 'raises') {
      expect(update).toThrow(ExpressionError);
      expect(update).toThrow(/total number of iterations is not defined/);
      expect(pipeline.variables.get('var')).toBe(-1);
    } else {
      update();
      expect(pipeline.variables.get('var')).toBe(expected);
    }
  });

  test('bug 26: I works without a batch (the pipeline iteration is used)', () => {
    const pipeline = new FakePipeline({ iteration: { current: 3, total: 4 } });
    expect(I('c').get({ pipeline })).toBe(3);
    expect(I('ratio').get({ pipeline })).toBe(0.75);
    expect(I('maximum').get({ pipeline })).toBe(4);
    expect(I('t').get({ pipeline })).toBe(4);
  });

  test('bug 26: an unknown name is an ArgumentError at once, not "total not defined"', () => {
    expect(() => I('zzz')).toThrow(ArgumentError);
    expect(() => I('zzz')).toThrow(/unknown iteration field/);
    expect(() => I('')).toThrow(ArgumentError);
  });

  test('I without a pipeline → ExpressionError naming the expression', () => {
    expect(() => I('c').get({})).toThrow(/can't evaluate I\('c'\): .*no pipeline/);
  });
});

// ---- 6.5-4 d ----------------------------------------------------------------------------------

describe('6.5-4 d (expression part)', () => {
  test("6.5-4: update(V('indices', mode='a'), B('indices')[0]) appends the first id of each batch", () => {
    const pipeline = new FakePipeline({ variables: { indices: [] } });
    const dataset = new Dataset(30);
    for (const ids of [[15, 16], [17, 18], [29]]) {
      const batch = dataset.createBatch(ids);
      V('indices', { mode: 'a' }).set(B('indices').item(0), { batch, pipeline });
    }
    expect(pipeline.variables.get('indices')).toEqual([15, 17, 29]);
  });
});

// ---- 6.5-5 L ----------------------------------------------------------------------------------

class DummyChild {
  attr_one = -1;
  attr_two = 100;
  cattr = [25];
  item: Record<string, number[]> = { item_one: [4, 5], item_two: [7, 6] };
}

class DummyObject {
  attr = 0;
  battr = 1;
  cattr = [-15];
  func_args: unknown[] = [];
  func_kwargs: Record<string, unknown> = {};
  other = new DummyChild();
  other_list = [new DummyChild(), new DummyChild()];
  item: Record<string, number[]> = { item_0: [1, 2, 3], item_1: [3, 2, 1], item_2: [-1, -2, -3], item_3: [-1, -1, -1], item_4: [-1, -1, -1] };
  /** Python's `function(*args, **kwargs)`: the trailing plain object holds the keyword arguments. */
  function(...args: unknown[]): void {
    this.func_args = args.slice(0, -1);
    this.func_kwargs = args[args.length - 1] as Record<string, unknown>;
  }
}

describe('6.5-5 L', () => {
  test.each([1, 2, 3])('6.5-5: L chains with batch size %i', async (n) => {
    const dataset = new Dataset(n, { batchClass: PlainBatch });
    const batch = dataset.createBatch(Array.from({ length: n }, (_, i) => i));
    const ctx: EvalContext = { batch, pipeline: new FakePipeline({ dataset }) };
    // 1
    await batch.addComponents(
      'object',
      Array.from({ length: n }, () => new DummyObject()),
    );
    await batch.addComponents('object2', new Array<null>(n).fill(null));
    // 2
    L('object2').set(L('object'), ctx);
    // 3
    L('object').attr('attr').set(L('object').attr('battr'), ctx);
    // 4
    L('object')
      .attr('item')
      .item('item_0')
      .set(
        Array.from({ length: n }, () => [10, 10, 10]),
        ctx,
      );
    // 5 (a DataFrame column pair in Python; here one column at a time)
    L('object').attr('item').item('item_3').set(L('object').attr('item').item('item_1'), ctx);
    L('object').attr('item').item('item_4').set(L('object').attr('item').item('item_2'), ctx);
    // 6
    L('object').attr('other').attr('attr_one').set(L('object').attr('other').attr('attr_two'), ctx);
    // 7
    L('object').attr('other').attr('item').item('item_one').set(L('object').attr('other').attr('item').item('item_two'), ctx);
    // 8
    L('object').attr('other_list').item(0).attr('item').item('item_one').set(L('object').attr('other_list').item(1).attr('item').item('item_two'), ctx);
    // 9 (Python: add_components('comp', 0), a scalar; here a batch attribute)
    batch.createAttrs({ comp: 0 });
    L('object')
      .attr('cattr')
      .item(B('comp'))
      .set(L('object').attr('other').attr('cattr').item(B('comp')), ctx);
    // 10
    evalExpr(
      L('object')
        .attr('function')
        .call(1, B('comp'), { a: 5, b: B('comp') }),
      ctx,
    );

    const objects = batch.getComponent('object') as DummyObject[];
    const objects2 = batch.getComponent('object2') as DummyObject[];
    expect(objects).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const o = objects[i]!;
      expect(objects2[i]).toBeInstanceOf(DummyObject);
      expect(o.attr).toBe(1);
      expect(o.item['item_0']).toEqual([10, 10, 10]);
      expect(o.item['item_3']).toEqual(o.item['item_1']);
      expect(o.item['item_4']).toEqual(o.item['item_2']);
      expect(o.other.attr_one).toBe(o.other.attr_two);
      expect(o.other.attr_one).toBe(100);
      expect(o.other.item['item_one']).toEqual([7, 6]);
      expect(o.other_list[0]!.item['item_one']).toEqual(o.other_list[1]!.item['item_two']);
      expect(o.cattr).toEqual([25]);
      expect(o.func_args).toEqual([1, 0]);
      expect(o.func_kwargs).toEqual({ a: 5, b: 0 });
    }
  });

  test('L: get maps over the items; .method() calls with this bound; no steps → the component', async () => {
    const { batch, ctx } = context({ ids: [0, 1, 2] });
    await batch.addComponents('words', ['a', 'bb', 'ccc']);
    expect(evalExpr(L('words'), ctx)).toEqual(['a', 'bb', 'ccc']);
    expect(evalExpr(L('words').attr('length'), ctx)).toEqual([1, 2, 3]);
    expect(evalExpr(L('words').method('toUpperCase'), ctx)).toEqual(['A', 'BB', 'CCC']);
    expect(evalExpr(L('words').attr('padStart').call(V('width'), '.'), { ...ctx, pipeline: new FakePipeline({ variables: { width: 3 } }) })).toEqual([
      '..a',
      '.bb',
      'ccc',
    ]);
    expect(evalExpr(L('words').item(-1), ctx)).toEqual(['a', 'b', 'c']);
    expect(L('words').attr('x').item(0).method('f', 1).toString()).toBe("L('words').x[0].f(1)");
  });

  test('L: assigning needs one value per item, and cannot end with a call', async () => {
    const { batch, ctx } = context({ ids: [0, 1] });
    await batch.addComponents('objects', [{ x: 1 }, { x: 2 }]);
    expect(() => L('objects').attr('x').set([1, 2, 3], ctx)).toThrow(/one entry per element \(2\), got 3/);
    expect(() => L('objects').attr('x').set(5, ctx)).toThrow(ExpressionError);
    expect(() => L('objects').method('toString').set([1, 2], ctx)).toThrow(/ends with a call/);
    L('objects').attr('x').set([7, 8], ctx);
    expect(batch.getComponent('objects')).toEqual([{ x: 7 }, { x: 8 }]);
  });
});

// ---- 6.5-6 callable ---------------------------------------------------------------------------

describe('6.5-6 callable', () => {
  test('6.5-6: update(B(object), arange(4)); update(B(object), B(object).repeat(2).sum()) → 12', () => {
    const { batch, ctx } = context({ ids: [0, 1, 2, 3], datasetSize: 4 });
    B('object').set([0, 1, 2, 3], ctx);
    const repeatSum = (a: number[]): number => a.flatMap((x) => [x, x]).reduce((s, x) => s + x, 0);
    B('object').set(B('object').apply(repeatSum), ctx);
    expect((batch as unknown as { object: number }).object).toBe(12);
  });

  test('6.5-6 (method chain form): B(object).method(flatMap).method(reduce) → 12', () => {
    const { ctx } = context({ ids: [0, 1, 2, 3], datasetSize: 4 });
    B('object').set([0, 1, 2, 3], ctx);
    const chain = B<number[]>('object')
      .method('flatMap', (x: number) => [x, x])
      .method('reduce', (s: number, x: number) => s + x, 0);
    expect(evalExpr(chain, ctx)).toBe(12);
  });
});

// ---- §4 rules and §8 sane behaviour -----------------------------------------------------------

describe('§4.1 common base', () => {
  test('a non-null preset pipeline wins over the context; an NE preset is evaluated first', () => {
    const other = new FakePipeline({ variables: { loss: 1 } });
    const own = new FakePipeline({ variables: { loss: 2, other } });
    expect(V('loss', { pipeline: other }).get({ pipeline: own })).toBe(1);
    expect(V('loss').get({ pipeline: own })).toBe(2);
    expect(V('loss', { pipeline: V('other') }).get({ pipeline: own })).toBe(1);
  });

  test('a name that is an expression is evaluated: V(C(name))', () => {
    const pipeline = new FakePipeline({ config: { which: 'b' }, variables: { a: 1, b: 2 } });
    expect(V(C('which')).get({ pipeline })).toBe(2);
    expect(V(C('which')).toString()).toBe("V(C('which'))");
  });

  test('without a pipeline in the context, batch.pipeline is used when it is PipelineLike', () => {
    const { batch, pipeline } = context({ variables: { x: 5 } });
    batch.pipeline = pipeline;
    expect(V('x').get({ batch })).toBe(5);
  });

  test('an unknown mode is an ArgumentError at construction', () => {
    expect(() => V('x', 'z' as never)).toThrow(ArgumentError);
    expect(V('x', 'append').mode).toBe('a');
  });
});

describe('§4.2/§3.9 set modes', () => {
  test('w replaces; the value is evaluated first (unless eval: false)', () => {
    const { pipeline, ctx } = context({ variables: { x: 1, y: 10 } });
    V('x').set(V('y').add(1), ctx);
    expect(pipeline.variables.get('x')).toBe(11);
    const raw = V('y');
    V('x').set(raw, ctx, { eval: false });
    expect(pipeline.variables.get('x')).toBe(raw);
  });

  test('bug 23: append to a null variable starts a one-element array; the next append works', () => {
    const { pipeline, ctx } = context({ variables: { hist: null } });
    V('hist', 'a').set(1, ctx);
    expect(pipeline.variables.get('hist')).toEqual([1]);
    V('hist', 'a').set([2, 3], ctx);
    expect(pipeline.variables.get('hist')).toEqual([1, [2, 3]]);
  });

  test('append to a missing variable in a strict pipeline starts an array (hasVariable is checked, no KeyError)', () => {
    const { pipeline, ctx } = context({ strict: true });
    V('fresh', 'a').set(7, ctx);
    expect(pipeline.variables.get('fresh')).toEqual([7]);
    expect(() => V('missing').get(ctx)).toThrow(ExpressionError);
  });

  test('append of dicts onto a dict merges them (observed {0:4},{4:4},{8:2})', () => {
    const { pipeline, ctx } = context({ variables: { d: {} } });
    for (const value of [{ 0: 4 }, { 4: 4 }, { 8: 2 }]) V('d', 'a').set(value, ctx);
    expect(pipeline.variables.get('d')).toEqual({ 0: 4, 4: 4, 8: 2 });
    const maps = context({ variables: { m: new Map([[0, 4]]) } });
    V('m', 'a').set(new Map([[4, 4]]), maps.ctx);
    expect(maps.pipeline.variables.get('m')).toEqual(
      new Map([
        [0, 4],
        [4, 4],
      ]),
    );
  });

  test('append to a Set adds; extend adds each', () => {
    const { pipeline, ctx } = context({ variables: { s: new Set([1]) } });
    V('s', 'a').set(2, ctx);
    V('s', 'e').set([3, 4], ctx);
    expect(pipeline.variables.get('s')).toEqual(new Set([1, 2, 3, 4]));
  });

  test('extend: arrays grow in place; null starts an array of the items; a non-iterable fails', () => {
    const list = [1];
    const { pipeline, ctx } = context({ variables: { l: list, n: null } });
    V('l', 'e').set([2, 3], ctx);
    expect(pipeline.variables.get('l')).toBe(list);
    expect(list).toEqual([1, 2, 3]);
    V('n', 'extend').set(new Set([5, 6]), ctx);
    expect(pipeline.variables.get('n')).toEqual([5, 6]);
    expect(() => V('l', 'e').set(5, ctx)).toThrow(ExpressionError);
  });

  test('update: objects, Maps and Configs merge; null assigns', () => {
    const cfg = new Config({ a: { b: 1 } });
    const { pipeline, ctx } = context({ variables: { o: { a: 1 }, c: cfg, n: null } });
    V('o', 'u').set({ b: 2 }, ctx);
    expect(pipeline.variables.get('o')).toEqual({ a: 1, b: 2 });
    V('c', 'u').set({ a: { c: 2 } }, ctx);
    expect(cfg.flatten()).toEqual({ 'a/b': 1, 'a/c': 2 });
    V('n', 'u').set({ z: 1 }, ctx);
    expect(pipeline.variables.get('n')).toEqual({ z: 1 });
  });

  test("a wrong container type raises an ExpressionError ('a' on a number)", () => {
    const { ctx } = context({ variables: { x: 3 } });
    expect(() => V('x', 'a').set(1, ctx)).toThrow(ExpressionError);
    expect(() => V('x', 'a').set(1, ctx)).toThrow(/mode 'a' cannot be applied to a number/);
    expect(() => V('x').set(1, ctx, 'u')).toThrow(/mode 'u'/);
  });

  test('the mode given to set() wins over the expression mode', () => {
    const { pipeline, ctx } = context({ variables: { x: [1] } });
    V('x', 'w').set(2, ctx, 'a');
    expect(pipeline.variables.get('x')).toEqual([1, 2]);
  });
});

describe('§4.3 B', () => {
  test('B() is the batch; B(null, {copy: true}) is a deep copy (bug 25)', () => {
    const { batch, ctx } = context();
    B('comp').set([1, 2], ctx);
    expect(B().get(ctx)).toBe(batch);
    const copy = B(null, { copy: true }).get(ctx) as PlainBatch;
    expect(copy).not.toBe(batch);
    expect(copy).toBeInstanceOf(PlainBatch);
    expect((copy as unknown as { comp: number[] }).comp).toEqual([1, 2]);
    expect((copy as unknown as { comp: number[] }).comp).not.toBe((batch as unknown as { comp: number[] }).comp);
  });

  test('components go through getComponent/setComponent (length checked); other names are members/attributes', async () => {
    const { batch, ctx } = context({ ids: [0, 1, 2] });
    await batch.addComponents('images', [1, 2, 3]);
    expect(B('images').get(ctx)).toEqual([1, 2, 3]);
    B('images').set([4, 5, 6], ctx);
    expect(batch.getComponent('images')).toEqual([4, 5, 6]);
    expect(() => B('images').set([1], ctx)).toThrow(ExpressionError);
    expect(B('indices').get(ctx)).toEqual([0, 1, 2]);
    expect((B('get').get(ctx) as (id: number, c: string) => unknown)(1, 'images')).toBe(5);
    B('note').set('hello', ctx);
    expect(batch.getAttrs()).toEqual({ note: 'hello' });
    B('note').set('again', ctx);
    expect(batch.getAttrs()).toEqual({ note: 'again' });
  });

  test('a missing member, no batch, and B() assignment raise ExpressionErrors naming the expression', () => {
    const { ctx } = context();
    expect(() => B('nope').get(ctx)).toThrow(/can't evaluate B\('nope'\): .*no component or attribute 'nope'/);
    expect(() => B('images').get({ pipeline: new FakePipeline() })).toThrow(/there is no batch here/);
    expect(() => B().set(1, ctx)).toThrow(/cannot be assigned/);
    expect(() => B('size').set(5, ctx)).toThrow(ExpressionError);
  });
});

describe('§4.3 C, D, V', () => {
  test('C: / paths; nested levels as Config; missing → MissingKeyError cause; no pipeline → empty config', () => {
    const { pipeline, ctx } = context({ config: { model: { lr: 0.1, depth: 3 } } });
    expect(C('model/lr').get(ctx)).toBe(0.1);
    expect(C('model').get(ctx)).toBeInstanceOf(Config);
    expect((C('model').get(ctx) as Config).flatten()).toEqual({ lr: 0.1, depth: 3 });
    expect(C().get(ctx)).toBe(pipeline.config);
    let error: unknown;
    try {
      C('model/zz').get(ctx);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ExpressionError);
    expect((error as Error).message).toMatch(/name is not found in the config: model\/zz/);
    expect((error as Error).cause).toBeInstanceOf(MissingKeyError);
    expect(C('x', { default: 3 }).get({})).toBe(3);
    expect(() => C('x').get({})).toThrow(ExpressionError);
  });

  test('C.set replaces the entry in the pipeline config; C() cannot be assigned', () => {
    const { pipeline, ctx } = context({ config: { a: { b: 1, c: 2 } } });
    C('a').set({ b: 0 }, ctx);
    expect(pipeline.config.flatten()).toEqual({ 'a/b': 0 });
    expect(() => C().set({}, ctx)).toThrow(ExpressionError);
  });

  test('D: the batch dataset (else the pipeline dataset); members; missing → error; set attributes', () => {
    const { batch, pipeline, ctx } = context();
    expect(D().get(ctx)).toBe(batch.dataset);
    expect(D('length').get({ pipeline })).toBe(10);
    expect(() => D('nope').get(ctx)).toThrow(/has no attribute 'nope'/);
    expect(() => D('size').get({})).toThrow(/there is no dataset here/);
    D('tag').set('x', ctx);
    expect((batch.dataset as unknown as { tag: string }).tag).toBe('x');
    expect(() => D().set(1, ctx)).toThrow(ExpressionError);
  });

  test('V without a pipeline → ExpressionError', () => {
    expect(() => V('x').get({})).toThrow(/can't evaluate V\('x'\): .*no pipeline/);
  });
});

describe('§4.3 F, W, IF', () => {
  test('F: fn() with no args; args evaluated; fn may be an expression; F in call position is not called first', () => {
    const ctx = context({ variables: { v: 3, fn: (a: number) => a * 10 } }).ctx;
    let calls = 0;
    expect(F(() => ++calls).get(ctx)).toBe(1);
    expect(
      F((a: number, b = 0) => a + b)
        .call(V('v'), B('size'))
        .get(ctx),
    ).toBe(5);
    expect(evalExpr(F(V<(a: number) => number>('fn'), 2), ctx)).toBe(20);
    expect(evalExpr(F((a: number, b: number) => a - b, 10).call(V('v')), ctx)).toBe(7);
    expect(evalExpr(F((a: number, o: { b: number }) => a + o.b).call(V('v'), { b: B('size') }), ctx)).toBe(5);
    expect(() => F(V('v') as never).get(ctx)).toThrow(/expected a function/);
    expect(() => F(() => 1).set(1, ctx)).toThrow(/cannot be assigned/);
  });

  test('bug 33: W gives a bound copy and never writes into the shared expression', () => {
    const first = context({ variables: { x: 1 } });
    const second = context({ variables: { x: 2 } });
    const shared = V('x');
    const wrapped = W(shared);
    const a = evalExpr(wrapped, first.ctx);
    const b = evalExpr(wrapped, second.ctx);
    expect(a).toBeInstanceOf(BoundExpression);
    expect(a.get()).toBe(1);
    expect(b.get()).toBe(2);
    expect(shared.params.pipeline).toBeNull();
    a.set(10);
    expect(first.pipeline.variables.get('x')).toBe(10);
    expect(second.pipeline.variables.get('x')).toBe(2);
  });

  test('W.set assigns through the wrapped expression', () => {
    const { pipeline, ctx } = context({ variables: { x: [1] } });
    W(V('x', 'a')).set(2, ctx);
    expect(pipeline.variables.get('x')).toEqual([1, 2]);
  });

  test('IF: evaluates the condition, then one branch only; set assigns to the chosen branch', () => {
    const { pipeline, ctx } = context({ variables: { flag: true, a: 1, b: 2 } });
    let calls = 0;
    const expr = IF(
      V('flag'),
      V('a'),
      F(() => ++calls),
    );
    expect(evalExpr(expr, ctx)).toBe(1);
    expect(calls).toBe(0);
    pipeline.variables.set('flag', 0);
    expect(evalExpr(expr, ctx)).toBe(1);
    expect(calls).toBe(1);
    pipeline.variables.set('flag', 'yes');
    IF(V('flag'), V('a'), V('b')).set(5, ctx);
    expect(pipeline.variables.get('a')).toBe(5);
    pipeline.variables.set('flag', false);
    IF(V('flag'), V('a'), V('b')).set(6, ctx);
    expect(pipeline.variables.get('b')).toBe(6);
    expect(() => IF(V('flag'), V('a'), 3).set(1, ctx)).toThrow(/not an expression/);
    expect(IF(V('flag'), 1).get(ctx)).toBeNull();
  });
});

describe('§4.5 P and PP', () => {
  test('P(values) is a PerItem with values, length, valueAt', () => {
    const p = P([1, 2, 3]);
    expect(p).toBeInstanceOf(PerItem);
    expect(p.values).toEqual([1, 2, 3]);
    expect(p.length).toBe(3);
    expect(p.valueAt(2)).toBe(3);
  });

  test('P(R) draws batch-size samples; an R inside algebra gets the size too; other NEs do not', () => {
    const { ctx } = context({ ids: [0, 1, 2, 3], variables: { x: 100 } });
    const r = evalExpr(P(R('uniform', 0, 1)), ctx);
    expect(r.length).toBe(4);
    expect(new Set(r.values as number[]).size).toBe(4);
    const shifted = evalExpr(P(V('x').add(R('uniform', 0, 1))), ctx);
    expect(shifted.length).toBe(4);
    expect((shifted.values as number[]).every((v) => v >= 100 && v < 101)).toBe(true);
    const sized = evalExpr(P(R('normal', 0, 1, { size: 2 })), ctx);
    expect((sized.values as number[][]).map((row) => row.length)).toEqual([2, 2, 2, 2]);
    expect(() => evalExpr(P(F(() => R('uniform').get())), ctx)).toThrow(ExpressionError);
  });

  test('P: a length that does not fit the batch size → ExpressionError naming the expression', () => {
    const { ctx } = context({ ids: [0, 1, 2], variables: { var: [1, 2] } });
    expect(() => evalExpr(P(V('var')), ctx)).toThrow(/can't evaluate P\(V\('var'\)\): .*gives 2 values, but the batch has 3 items/);
    expect(() => evalExpr(P(V('var')), { pipeline: new FakePipeline() })).toThrow(/there is no batch here/);
    const scalar = context({ variables: { s: 5 } });
    expect(() => evalExpr(P(V('s')), scalar.ctx)).toThrow(/one value per batch item/);
  });

  test('P accepts typed arrays and ndarrays with one entry per item', () => {
    const { ctx } = context({ variables: { t: new Float32Array([1, 2]) } });
    const values = evalExpr(P(V('t')), ctx);
    expect(values.valueAt(1)).toBe(2);
  });

  test('PP evaluates the expression once per item (each R draws afresh, no size)', () => {
    const { ctx } = context({ ids: [0, 1, 2] });
    let calls = 0;
    const pp = evalExpr(PP(F(() => ++calls)), ctx);
    expect(pp.values).toEqual([1, 2, 3]);
    const draws = evalExpr(PP(R('uniform')), ctx);
    expect(draws.length).toBe(3);
    expect((draws.values as unknown[]).every((v) => typeof v === 'number')).toBe(true);
    expect(new Set(draws.values as number[]).size).toBe(3);
  });

  test('P resolves expressions held by the inner value; literal P([V, …]) values are evaluated by evalExpr', () => {
    const { ctx } = context({ variables: { v: [V('x'), V('x').add(1)], x: 1 } });
    expect(evalExpr(P(V('v')), ctx).values).toEqual([1, 2]);
    const literal = P([V('x'), 5]);
    const evaluated = evalExpr(literal, ctx);
    expect(evaluated).toBeInstanceOf(PerItem);
    expect(evaluated.values).toEqual([1, 5]);
    expect((literal.values as unknown[])[0]).toBeInstanceOf(NamedExpression);
    const plain = P([1, 2]);
    expect(evalExpr(plain, ctx)).toBe(plain);
  });

  test('P/PP set delegate to the wrapped expression', () => {
    const { pipeline, ctx } = context({ variables: { x: 0 } });
    P(V('x')).set(1, ctx);
    expect(pipeline.variables.get('x')).toBe(1);
    PP(V('x')).set(2, ctx);
    expect(pipeline.variables.get('x')).toBe(2);
  });
});

describe('mode e with ndarrays', () => {
  test("V(x, 'e') extends with the items of an ndarray (first axis), on a null and on an array variable", () => {
    const pipeline = new FakePipeline({ variables: { x: null, y: [1] } });
    const values = ndarray(Float64Array.from([2, 3, 4]), [3]);
    V('x', 'e').set(values, { pipeline });
    V('y', 'e').set(values, { pipeline });
    expect(pipeline.getVariable('x')).toEqual([2, 3, 4]);
    expect(pipeline.getVariable('y')).toEqual([1, 2, 3, 4]);
  });
});

describe('a Pipeline object as preset pipeline', () => {
  test("V('params', { pipeline }) reads and writes that pipeline's variables", async () => {
    const trainPipeline = new Dataset(4).p.initVariable('params', [0, 0]);
    const params = V<number[]>('params', { pipeline: trainPipeline });
    expect(params.get()).toEqual([0, 0]);
    params.set([1, 2]);
    expect(trainPipeline.v('params')).toEqual([1, 2]);
  });
});
