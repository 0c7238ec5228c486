/**
 * The expression algebra: Python operator meanings coded on purpose (floor
 * division, the divisor's sign for %, negative indices, slices, elementwise ==), the observed values,
 * assignment through item/attr, method calls, str/format and the expression texts (repr).
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Dataset, isNdArray } from '../../src/index.js';
import { B, C, ExpressionError, F, R, V, evalExpr, formatTemplate, formatValue, type EvalContext } from '../../src/expr/index.js';
import { FakePipeline } from './fake-pipeline.js';

function ctxWith(variables: Record<string, unknown>, ids: number[] = [4, 5, 6, 7]): EvalContext {
  const dataset = new Dataset(10);
  return { batch: dataset.createBatch(ids), pipeline: new FakePipeline({ dataset, variables }) };
}

describe('§4.4 observed values (v = 3, lst = [10, 20, 30])', () => {
  const ctx = (): EvalContext => ctxWith({ v: 3, lst: [10, 20, 30] });
  const v = V<number>('v');

  test('§4.4: V+1 = 4, 1−V = −2, V**2 = 9', () => {
    expect(evalExpr(v.add(1), ctx())).toBe(4);
    expect(evalExpr(v.rsub(1), ctx())).toBe(-2);
    expect(evalExpr(v.pow(2), ctx())).toBe(9);
  });

  test('§4.4: [V//2, V%2, −V, abs(−V)] = [1, 1, −3, 3]', () => {
    expect(evalExpr([v.floorDiv(2), v.mod(2), v.neg(), v.neg().abs()], ctx())).toEqual([1, 1, -3, 3]);
  });

  test('§4.4: lst[−1] = 30, lst[V−2:] = [20, 30]', () => {
    expect(evalExpr(V('lst').item(-1), ctx())).toBe(30);
    expect(evalExpr(V('lst').slice(v.sub(2)), ctx())).toEqual([20, 30]);
  });

  test("§4.4: 'n=' + str(V) = 'n=3'; V.format('{:5.2f}') = ' 3.00'", () => {
    expect(evalExpr(v.str().radd('n='), ctx())).toBe('n=3');
    expect(evalExpr(v.format('{:5.2f}'), ctx())).toBe(' 3.00');
  });

  test('§4.4: B(indices).sum() = 22; F((a, b=0) => a+b)(V(v), b=B(size)) = 7', () => {
    expect(
      evalExpr(
        B('indices').method('reduce', (s: number, x: number) => s + x, 0),
        ctx(),
      ),
    ).toBe(22);
    expect(evalExpr(F((a: number, b = 0) => a + b).call(V('v'), B('size')), ctx())).toBe(7);
  });

  test('§4.4: repr: V(a) + B(b) * 2, V(a)[1:V(b)]', () => {
    expect(V('a').add(B('b').mul(2)).toString()).toBe("V('a') + B('b') * 2");
    expect(V('a').slice(1, V('b')).toString()).toBe("V('a')[1:V('b')]");
  });
});

describe('Python operator meanings', () => {
  const ctx = ctxWith({ a: -7, b: 2, c: 3, t: 7, m: -3, f: 7.5 });
  test('floor division rounds down; % takes the divisor sign', () => {
    expect(
      evalExpr([V('a').floorDiv(V('b')), V('t').floorDiv(V('m')), V('a').mod(V('c')), V('t').mod(V('m')), V('f').mod(2), V('a').mod(V('m'))], ctx),
    ).toEqual([-4, -3, 2, -2, 1.5, -1]);
  });
  test('reversed forms', () => {
    expect(evalExpr([V('c').rdiv(6), V('c').rfloorDiv(10), V('c').rmod(10), V('b').rpow(3), V('c').rmul(2), V('c').radd(1)], ctx)).toEqual([2, 3, 1, 9, 6, 4]);
  });
  test('comparisons, identity, not; booleans with & | ^ stay booleans', () => {
    expect(evalExpr([V('c').lt(4), V('c').le(3), V('c').gt(3), V('c').ge(3), V('c').eq(3), V('c').ne(3)], ctx)).toEqual([true, true, false, true, true, false]);
    expect(evalExpr([V('c').gt(1).and(V('c').lt(2)), V('c').gt(1).or(false), V('c').gt(1).xor(true), V('c').not()], ctx)).toEqual([false, true, false, false]);
    expect(evalExpr([V('c').and(1), V('c').or(4), V('c').xor(1), V('c').lshift(2), V('a').rshift(1), V('c').invert()], ctx)).toEqual([1, 7, 2, 12, -4, -4]);
    const obj = new Date(0);
    expect(evalExpr([V('o').is(obj), V('o').isNot(obj), V('o').is(new Date(0))], ctxWith({ o: obj }))).toEqual([true, false, false]);
    // Expression results are not copied; literal containers in an expression are (like any evalExpr input).
    const plain = { k: 1 };
    expect(evalExpr([V('o').is(V('p')), V('o').is(plain)], ctxWith({ o: plain, p: plain }))).toEqual([true, false]);
  });
  test('strings: + needs two strings, * repeats, comparisons work', () => {
    const sctx = ctxWith({ s: 'ab', n: 1 });
    expect(evalExpr([V('s').add('c'), V('s').mul(3), V('s').lt('b')], sctx)).toEqual(['abc', 'ababab', true]);
    expect(() => evalExpr(V('s').add(V('n')), sctx)).toThrow(/unsupported operand type\(s\) for \+: 'string' and 'number'/);
    expect(() => evalExpr(V('n').sub('x'), sctx)).toThrow(ExpressionError);
  });
  test('bigints', () => {
    expect(evalExpr([V('x').floorDiv(2n), V('x').mod(2n), V('x').mul(V('x'))], ctxWith({ x: -7n }))).toEqual([-4n, 1n, 49n]);
  });
});

describe('arrays work elementwise (numpy style)', () => {
  test('a scalar broadcasts; same-length arrays pair up; == is per element', () => {
    const ctx = ctxWith({ a: [1, 2, 3], b: [10, 20, 30] });
    expect(evalExpr(V('a').mul(2), ctx)).toEqual([2, 4, 6]);
    expect(evalExpr(V('a').add(V('b')), ctx)).toEqual([11, 22, 33]);
    expect(evalExpr(V('a').eq(2), ctx)).toEqual([false, true, false]);
    expect(evalExpr(V('a').neg(), ctx)).toEqual([-1, -2, -3]);
    expect(evalExpr(V('a').rsub(10), ctx)).toEqual([9, 8, 7]);
    expect(() => evalExpr(V('a').add([1, 2]), ctx)).toThrow(/could not be broadcast/);
  });
  test('typed arrays give Float64Arrays; ndarrays give ndarrays of the same shape', () => {
    const ctx = ctxWith({ t: new Int32Array([1, 2]), n: ndarray(new Float32Array([1, 2, 3, 4]), [2, 2]) });
    const t = evalExpr(V('t').div(2), ctx);
    expect(t).toBeInstanceOf(Float64Array);
    expect(Array.from(t as Float64Array)).toEqual([0.5, 1]);
    const n = evalExpr(V('n').mul(V('n')), ctx);
    expect(isNdArray(n)).toBe(true);
    const nd = n as ndarray.NdArray;
    expect(nd.shape).toEqual([2, 2]);
    expect([nd.get(0, 0), nd.get(0, 1), nd.get(1, 0), nd.get(1, 1)]).toEqual([1, 4, 9, 16]);
    const gt = evalExpr(V('n').gt(2), ctx) as ndarray.NdArray;
    expect(Array.from(gt.data as Uint8Array)).toEqual([0, 0, 1, 1]);
  });
});

describe('item, slice, attr, call', () => {
  test('negative indices, out of range, slices with steps, strings, Maps, objects, fancy indexing', () => {
    const ctx = ctxWith({ l: [0, 1, 2, 3, 4], s: 'hello', m: new Map([[1, 'one']]), o: { k: 'v' }, t: new Float32Array([5, 6, 7]) });
    expect(evalExpr([V('l').item(-2), V('s').item(-1), V('m').item(1), V('o').item('k')], ctx)).toEqual([3, 'o', 'one', 'v']);
    expect(evalExpr([V('l').slice(null, null, -1), V('l').slice(-3), V('l').slice(1, -1, 2), V('s').slice(1, 3), V('l').slice(10)], ctx)).toEqual([
      [4, 3, 2, 1, 0],
      [2, 3, 4],
      [1, 3],
      'el',
      [],
    ]);
    expect(evalExpr(V('l').item([0, -1]), ctx)).toEqual([0, 4]);
    expect(evalExpr(V('t').slice(1), ctx)).toEqual(new Float32Array([6, 7]));
    expect(() => evalExpr(V('l').item(5), ctx)).toThrow(/index 5 is out of range/);
    expect(() => evalExpr(V('o').item('zz'), ctx)).toThrow(ExpressionError);
    expect(() => evalExpr(V('m').item(2), ctx)).toThrow(ExpressionError);
    expect(() => evalExpr(V('l').slice(0, null, 0), ctx)).toThrow(/step cannot be zero/);
    expect(() => evalExpr(V('n').item(0), ctxWith({ n: null }))).toThrow(/not subscriptable/);
  });

  test('ndarray rows: item picks along the first axis; slice gathers rows', () => {
    const ctx = ctxWith({ n: ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [3, 2]) });
    const row = evalExpr(V('n').item(-1), ctx) as ndarray.NdArray;
    expect([row.get(0), row.get(1)]).toEqual([5, 6]);
    const rows = evalExpr(V('n').slice(1), ctx) as ndarray.NdArray;
    expect(rows.shape).toEqual([2, 2]);
  });

  test('attr reads properties (missing → error); call after attr binds this; method/apply', () => {
    const ctx = ctxWith({
      s: 'abc',
      o: {
        n: 2,
        f(this: { n: number }, x: number) {
          return this.n * x;
        },
      },
    });
    expect(evalExpr(V('s').attr('length'), ctx)).toBe(3);
    expect(evalExpr(V('o').attr('f').call(5), ctx)).toBe(10);
    expect(evalExpr(V('o').method('f', V('o').attr('n')), ctx)).toBe(4);
    expect(
      evalExpr(
        V('s').apply((s: string, n: number) => s.repeat(n), 2),
        ctx,
      ),
    ).toBe('abcabc');
    expect(() => evalExpr(V('o').attr('missing'), ctx)).toThrow(/has no attribute 'missing'/);
    expect(() => evalExpr(V('s').call(), ctx)).toThrow(/is not callable/);
    expect(() => evalExpr(V('s').method('nope'), ctx)).toThrow(ExpressionError);
  });

  test('bug 31: the expression’s own members never hide the target’s (explicit attr)', () => {
    const ctx = ctxWith({ d: { get: 'field', name: 'n', mode: 'm', copy: 'c' } });
    expect(evalExpr([V('d').attr('get'), V('d').attr('name'), V('d').attr('mode'), V('d').attr('copy')], ctx)).toEqual(['field', 'n', 'm', 'c']);
  });

  test('only item and attr expressions can be assigned (in place); others fail', () => {
    const list = [1, 2, 3];
    const obj: Record<string, unknown> = { a: 1 };
    const map = new Map<string, number>();
    const ctx = ctxWith({ l: list, o: obj, m: map, i: 1 });
    V('l').item(-1).set(30, ctx);
    V('l').item(V('i')).set(20, ctx);
    V('o').attr('b').set(2, ctx);
    V('o').item('c').set(3, ctx);
    V('m').item('k').set(9, ctx);
    V('l').slice(0, 1).set([10], ctx);
    expect(list).toEqual([10, 20, 30]);
    expect(obj).toEqual({ a: 1, b: 2, c: 3 });
    expect(map.get('k')).toBe(9);
    expect(() => V('i').add(1).set(5, ctx)).toThrow(/assigning a value to an arithmetic expression is not possible/);
    V('l').item(0).set(1, ctx, 'w');
    const nested = { hist: [] as number[] };
    const nctx = ctxWith({ n: nested });
    V('n').attr('hist').set(5, nctx, 'a');
    expect(nested.hist).toEqual([5]);
  });

  test('expressions nested in call arguments and slice bounds are evaluated', () => {
    const ctx = { ...ctxWith({ l: [1, 2, 3, 4], k: 2 }), pipeline: new FakePipeline({ config: { start: 1 }, variables: { l: [1, 2, 3, 4], k: 2 } }) };
    expect(evalExpr(V('l').slice(C('start'), V('k').add(1)), ctx)).toEqual([2, 3]);
    expect(evalExpr(V('l').method('slice', C('start'), V('k')), ctx)).toEqual([2]);
  });
});

describe('repr', () => {
  test('precedence and parentheses; unary forms; calls, attrs, items; literals', () => {
    expect(V('a').add(1).mul(2).toString()).toBe("(V('a') + 1) * 2");
    expect(V('a').sub(V('b').sub(1)).toString()).toBe("V('a') - (V('b') - 1)");
    expect(V('a').pow(2).neg().toString()).toBe("-V('a') ** 2");
    expect(V('a').neg().pow(2).toString()).toBe("(-V('a')) ** 2");
    expect(V('a').abs().toString()).toBe("abs(V('a'))");
    expect(V('a').not().toString()).toBe("not V('a')");
    expect(V('a').str().toString()).toBe("str(V('a'))");
    expect(V('a').format('{:.2f}').toString()).toBe("'{:.2f}'.format(V('a'))");
    expect(B('x').attr('y').item('k').method('m', 1, 'z').toString()).toBe("B('x').y['k'].m(1, 'z')");
    expect(
      F(function add() {
        return 1;
      })
        .call(V('v'))
        .toString(),
    ).toBe("F(add)(V('v'))");
    expect(V('a').slice(null, null, -1).toString()).toBe("V('a')[::-1]");
    expect(R('normal', 0, 1, { size: B('size') }).toString()).toBe("R('normal', 0, 1, size=B('size'))");
    expect(C('x', { default: 3 }).toString()).toBe("C('x', default=3)");
    expect(V('a').add(1).add(2).toString()).toBe("V('a') + 1 + 2");
    expect(V('a').eq([1, 'b']).toString()).toBe("V('a') == [1, 'b']");
  });
});

describe('str and format (Python str.format mini-language)', () => {
  test('format specs', () => {
    expect(formatValue(3, '5.2f')).toBe(' 3.00');
    expect(formatValue(3, '+d')).toBe('+3');
    expect(formatValue(1234567, ',')).toBe('1,234,567');
    expect(formatValue(1234567.891, ',.2f')).toBe('1,234,567.89');
    expect(formatValue(0.1234, '.1%')).toBe('12.3%');
    expect(formatValue(-3.14159, '08.3f')).toBe('-003.142');
    expect(formatValue(12345.678, 'e')).toBe('1.234568e+04');
    expect(formatValue(0.0001234, '.3g')).toBe('0.000123');
    expect(formatValue(1234567, 'g')).toBe('1.23457e+06');
    expect(formatValue(100, 'g')).toBe('100');
    expect(formatValue(255, '#x')).toBe('0xff');
    expect(formatValue(5, 'b')).toBe('101');
    expect(formatValue('ab', '>5')).toBe('   ab');
    expect(formatValue('ab', '*^6')).toBe('**ab**');
    expect(formatValue('ab', '<4')).toBe('ab  ');
    expect(formatValue(7, '<4')).toBe('7   ');
    expect(formatValue(7, '4')).toBe('   7');
    expect(formatValue('abcdef', '.3')).toBe('abc');
    expect(formatValue(-5, '=+6d')).toBe('-    5');
    expect(() => formatValue(1.5, 'd')).toThrow(TypeError);
    expect(() => formatValue('x', 'f')).toThrow(TypeError);
    expect(() => formatValue(1, '!!')).toThrow(RangeError);
  });
  test('templates: {} {0} {:spec} {{ }}', () => {
    expect(formatTemplate('x={} y={0:.1f} {{literal}}', 2)).toBe('x=2 y=2.0 {literal}');
    expect(() => formatTemplate('{1}', 2)).toThrow(/only one positional value/);
  });
  test('str of arrays and objects is JSON; others String()', () => {
    const ctx = ctxWith({ a: [1, 'x'], o: { k: 1 }, n: null, f: 1.5 });
    expect(evalExpr([V('a').str(), V('o').str(), V('n').str(), V('f').str()], ctx)).toEqual(['[1,"x"]', '{"k":1}', 'null', '1.5']);
  });
});
