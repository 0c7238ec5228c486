/**
 * BatchFlow's named_expr_test.py as the reference runs it: through real pipelines
 * (`run({..., lazy: true})` then `nextBatch()`), for the parts that need one: what an action receives
 * (6.5-1), P/PP through a recorded action (6.5-2), I totals worked out from the run options (6.5-3),
 * a dataset given as an expression evaluated per run with the current config (6.5-4), L chains as
 * pipeline steps (6.5-5) and method chains on B (6.5-6).
 */
import { describe, expect, jest, test } from '@jest/globals';
import {
  B,
  Batch,
  C,
  D,
  Dataset,
  ExpressionError,
  F,
  I,
  L,
  NamedExpression,
  P,
  PP,
  Pipeline,
  R,
  V,
  action,
  applyParallel,
  tuple,
  type IndexValue,
} from '../../src/index.js';

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

const rank = (x: unknown): number => (Array.isArray(x) ? 1 + rank(x[0]) : 0);

/** numpy-style a * b for nested arrays / numbers (with broadcasting). */
function mul(a: unknown, b: unknown): unknown {
  const [ra, rb] = [rank(a), rank(b)];
  if (ra === 0 && rb === 0) return (a as number) * (b as number);
  if (ra < rb) return (b as unknown[]).map((y) => mul(a, y));
  if (rb < ra) return (a as unknown[]).map((x) => mul(x, b));
  const [xs, ys] = [a as unknown[], b as unknown[]];
  if (xs.length === ys.length) return xs.map((x, i) => mul(x, ys[i]));
  if (xs.length === 1) return ys.map((y) => mul(xs[0], y));
  if (ys.length === 1) return xs.map((x) => mul(x, ys[0]));
  throw new RangeError(`shapes do not broadcast: ${xs.length} and ${ys.length}`);
}

class ExprBatch extends Batch {
  static override components = ['images', 'masks'] as const;
  declare images: unknown[];
  declare masks: unknown[];

  /** item*param (elementwise); a tuple item gives both parts times param. */
  @applyParallel
  apTest(item: unknown, options: { param: unknown }): unknown {
    if (Array.isArray(item) && item.length === 2 && Array.isArray(item[0]) && Array.isArray(item[1]))
      return [mul(item[0], options.param), mul(item[1], options.param)];
    return mul(item, options.param);
  }

  /** Hands the argument it received to `sink` (the reference's do_nothing(E) with a spy). */
  @action
  async receive(value: unknown, sink: (value: unknown) => void): Promise<this> {
    sink(value);
    return this;
  }
}

// ---- 6.5-1 general_get ------------------------------------------------------------------------------

describe('6.5-1 general_get (through a pipeline)', () => {
  const cases: Array<[string, () => unknown, (value: unknown) => void]> = [
    ["C('option') → 0", () => C('option'), (v) => expect(v).toBe(0)],
    ["C('not defined', default 10) → 10", () => C('not defined', { default: 10 }), (v) => expect(v).toBe(10)],
    ["B('size') → 2", () => B('size'), (v) => expect(v).toBe(2)],
    ["D('size') → 10", () => D('size'), (v) => expect(v).toBe(10)],
    ["V('var') → null", () => V('var'), (v) => expect(v).toBeNull()],
    [
      "R('normal', 0, 1) → a float",
      () => R('normal', 0, 1),
      (v) => {
        expect(typeof v).toBe('number');
        expect(Number.isInteger(v)).toBe(false);
      },
    ],
    [
      "R('normal', 0, 1, size=B.size) → 2 floats",
      () => R('normal', 0, 1, { size: B('size') }),
      (v) => {
        expect((v as number[]).length).toBe(2);
        expect((v as unknown[]).every((x) => typeof x === 'number')).toBe(true);
      },
    ],
    ['F(() => 0) → 0', () => F(() => 0), (v) => expect(v).toBe(0)],
    ['F(x => x)(0) → 0', () => F((x: number) => x).call(0), (v) => expect(v).toBe(0)],
  ];
  test.each(cases.map(([name, expr, check], i) => [`6.5-1.${i + 1}: ${name}`, expr, check] as const))('%s', async (_name, expr, check) => {
    const received: unknown[] = [];
    const p = new Dataset(10, { batchClass: ExprBatch })
      .pipeline({ option: 0 })
      .initVariable('var')
      .doNothing(expr())
      .receive(expr(), (value: unknown) => void received.push(value))
      .run({ batchSize: 2, lazy: true });
    const batch = await p.nextBatch();
    expect(batch).not.toBeNull();
    expect(received).toHaveLength(1);
    check(received[0]);
  });
});

// ---- 6.5-2 apply_parallel_p -------------------------------------------------------------------------

describe('6.5-2 apply_parallel_p (through a pipeline)', () => {
  const A = (): number[][] => [[0], [1], [2]];
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

  const pipeline = (src: unknown, param: unknown) =>
    new Dataset(10, { batchClass: ExprBatch })
      .pipeline({ mean: 0, std: 1, option: A() })
      .initVariable('var', A())
      .update(B('images'), A())
      .update(B('masks'), A())
      .apTest({ src: src as never, param })
      .run({ batchSize: 3, lazy: true });

  test.each(cases)('%s', async (_name, src, make, wrap) => {
    const b = await pipeline(src, wrap(make())).nextBatch();
    expect(b!.images).toHaveLength(3);
    if (typeof src === 'string') {
      expect(b!.masks).toEqual(A());
      expect(b!.images).not.toEqual(A());
    } else {
      expect(b!.images).toEqual(b!.masks);
      expect(b!.images).not.toEqual(A());
    }
  });

  test('6.5-2 (values, §4.5): P(V(var)) → [[0],[1],[4]]; PP(V(var)) → [[[0],[0],[0]], [[0],[1],[2]], [[0],[2],[4]]]', async () => {
    expect((await pipeline('images', P(V('var'))).nextBatch())!.images).toEqual([[0], [1], [4]]);
    expect((await pipeline('images', PP(V('var'))).nextBatch())!.images).toEqual([
      [[0], [0], [0]],
      [[0], [1], [2]],
      [[0], [2], [4]],
    ]);
  });

  test('6.5-2 (§4.5): P(R) gives one draw per item, PP(R) draws afresh per item; the same shuffle seed repeats them', async () => {
    const run = async (wrap: typeof P | typeof PP, shuffle: number) =>
      (await new Dataset(10, { batchClass: ExprBatch }).p
        .update(B('images'), [[1], [1], [1]])
        .update(B('masks'), [[1], [1], [1]])
        .apTest({ src: ['images', 'masks'], param: wrap(R('normal', 0, 1)) })
        .nextBatch({ batchSize: 3, shuffle }))!;
    const b = await run(P, 3);
    expect(b.images).toEqual(b.masks);
    expect(new Set((b.images as number[][]).map((row) => row[0])).size).toBe(3);
    expect((await run(P, 3)).images).toEqual(b.images);
    expect((await run(P, 4)).images).not.toEqual(b.images);
    const pp = await run(PP, 3);
    expect(new Set((pp.images as number[][]).map((row) => row[0])).size).toBe(3);
  });
});

// ---- 6.5-3 I ------------------------------------------------------------------------------------------

describe('6.5-3 I (totals from the run options)', () => {
  const table: Array<[number, string, string, object, 'raises' | number | null]> = [
    [1, 'c', 'nEpochs=1', { nEpochs: 1 }, 1],
    [2, 'm', 'nEpochs=1', { nEpochs: 1 }, 5],
    [3, 'r', 'nEpochs=1', { nEpochs: 1 }, 0.2],
    [4, 'c', 'nEpochs=null', { nEpochs: null }, 1],
    [5, 'm', 'nEpochs=null', { nEpochs: null }, null],
    [6, 'r', 'nEpochs=null', { nEpochs: null }, 'raises'],
    [7, 'c', 'nIters=5', { nIters: 5 }, 1],
    [8, 'm', 'nIters=5', { nIters: 5 }, 5],
    [9, 'r', 'nIters=5', { nIters: 5 }, 0.2],
    [10, 'c', 'nIters=null', { nIters: null }, 1],
    [11, 'm', 'nIters=null', { nIters: null }, null],
    [12, 'r', 'nIters=null', { nIters: null }, 'raises'],
  ];
  test.each(table)('6.5-3.%i: I(%s) with %s → var', async (_n, name, _label, limit, expected) => {
    const p = new Dataset(10)
      .pipeline()
      .initVariable('var', -1)
      .update(V('var', 'w'), I(name))
      .run({ batchSize: 2, ...limit, lazy: true });
    if (expected === 'raises') {
      const error = await p.nextBatch().catch((e: unknown) => e);
      expect(causes(error).some((e) => e instanceof ExpressionError && /total number of iterations is not defined/.test(e.message))).toBe(true);
      expect(p.v('var')).toBe(-1);
    } else {
      await p.nextBatch();
      expect(p.v('var')).toBe(expected);
    }
  });
});

// ---- 6.5-4 d ------------------------------------------------------------------------------------------

describe('6.5-4 d (a dataset expression evaluated per run with the config)', () => {
  test('6.5-4: the train part of fold C(fold); for fold 0, 1 twice reset(vars) + run(1) → the other fold ids', async () => {
    const ds = new Dataset(30);
    ds.cvSplit({ nSplits: 2 });
    const trainOfFold = F((fold: number) => ds.cv(fold).train, C('fold'));
    let p = new Pipeline().initVariable('indices', []).update(V('indices', 'a'), B('indices').item(0)).withDataset(trainOfFold);
    const expected: Record<number, number[]> = { 0: Array.from({ length: 15 }, (_, i) => 15 + i), 1: Array.from({ length: 15 }, (_, i) => i) };
    for (const fold of [0, 1]) {
      p = p.withConfig({ fold });
      for (let k = 0; k < 2; k++) {
        p.reset('vars');
        await p.run({ batchSize: 1 });
      }
      expect([...(p.v('indices') as number[])].sort((a, b) => a - b)).toEqual(expected[fold]);
    }
  });
});

// ---- 6.5-5 L --------------------------------------------------------------------------------------------

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

describe('6.5-5 L (steps of a pipeline)', () => {
  test.each([1, 2, 3])('6.5-5: L chains with batch size %i', async (n) => {
    const p = new Dataset(n).p
      .addComponents(
        'object',
        F((size: number) => Array.from({ length: size }, () => new DummyObject()), B('size')),
      )
      .addComponents(
        'object2',
        F((size: number) => new Array<null>(size).fill(null), B('size')),
      )
      .update(L('object2'), L('object'))
      .update(L('object').attr('attr'), L('object').attr('battr'))
      .update(
        L('object').attr('item').item('item_0'),
        F((size: number) => Array.from({ length: size }, () => [10, 10, 10]), B('size')),
      )
      .update(L('object').attr('item').item('item_3'), L('object').attr('item').item('item_1'))
      .update(L('object').attr('item').item('item_4'), L('object').attr('item').item('item_2'))
      .update(L('object').attr('other').attr('attr_one'), L('object').attr('other').attr('attr_two'))
      .update(L('object').attr('other').attr('item').item('item_one'), L('object').attr('other').attr('item').item('item_two'))
      .update(L('object').attr('other_list').item(0).attr('item').item('item_one'), L('object').attr('other_list').item(1).attr('item').item('item_two'))
      .call((b: Batch) => b.createAttrs({ comp: 0 }), B())
      .update(L('object').attr('cattr').item(B('comp')), L('object').attr('other').attr('cattr').item(B('comp')))
      .doNothing(
        L('object')
          .attr('function')
          .call(1, B('comp'), { a: 5, b: B('comp') }),
      );
    const batch = await p.nextBatch({ batchSize: n });
    const objects = batch!.getComponent('object') as DummyObject[];
    const objects2 = batch!.getComponent('object2') as DummyObject[];
    expect(objects).toHaveLength(n);
    for (let i = 0; i < n; i++) {
      const o = objects[i]!;
      expect(objects2[i]).toBeInstanceOf(DummyObject);
      expect(o.attr).toBe(1);
      expect(o.item['item_0']).toEqual([10, 10, 10]);
      expect(o.item['item_3']).toEqual(o.item['item_1']);
      expect(o.item['item_4']).toEqual(o.item['item_2']);
      expect(o.other.attr_one).toBe(100);
      expect(o.other.item['item_one']).toEqual([7, 6]);
      expect(o.other_list[0]!.item['item_one']).toEqual(o.other_list[1]!.item['item_two']);
      expect(o.cattr).toEqual([25]);
      expect(o.func_args).toEqual([1, 0]);
      expect(o.func_kwargs).toEqual({ a: 5, b: 0 });
    }
  });
});

// ---- 6.5-6 callable -------------------------------------------------------------------------------------

describe('6.5-6 callable (through a pipeline)', () => {
  test('6.5-6: update(B(object), arange(4)).update(B(object), B(object) repeated twice and summed) → 12', async () => {
    const repeatSum = (a: number[]): number => a.flatMap((x) => [x, x]).reduce((s, x) => s + x, 0);
    const batch = await new Dataset(4).p.update(B('object'), [0, 1, 2, 3]).update(B('object'), B('object').apply(repeatSum)).nextBatch({ batchSize: 4 });
    expect((batch as unknown as { object: number }).object).toBe(12);
  });

  test('6.5-6 (method chain form): B(object).method(flatMap).method(reduce) → 12', async () => {
    const p = new Dataset(4).p
      .initVariable('sum')
      .update(B('object'), [0, 1, 2, 3])
      .update(
        V('sum'),
        B<number[]>('object')
          .method('flatMap', (x: number) => [x, x])
          .method('reduce', (s: number, x: number) => s + x, 0),
      );
    await p.nextBatch({ batchSize: 4 });
    expect(p.v('sum')).toBe(12);
  });
});

// ---- evaluation per batch -----------------------------------------------------------------------------

describe('expressions in a pipeline are evaluated afresh for each batch', () => {
  test('arguments are evaluated per batch, just before the call (§3.7)', async () => {
    const seen: Array<[IndexValue, number]> = [];
    const p = new Dataset(6, { batchClass: ExprBatch }).p
      .initVariable('n', 0)
      .update(V('n'), V('n').add(1))
      .call((first: IndexValue, n: number) => void seen.push([first, n]), B('indices').item(0), V('n'));
    await p.run({ batchSize: 2 });
    expect(seen).toEqual([
      [0, 1],
      [2, 2],
      [4, 3],
    ]);
  });

  test('a warning-free run of a strict pipeline with every expression declared', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const p = new Pipeline({ dataset: new Dataset(4), strict: true, config: { k: 2 } }).initVariable('x', C('k')).update(V('x'), V('x').mul(C('k')));
      await p.run({ batchSize: 2 });
      expect(p.v('x')).toBe(8);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });
});
