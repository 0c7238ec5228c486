/**
 * Port of BatchFlow's config_test.py and config_basic_test.py, plus BatchFlow's config rules
 * and the sane behaviour for bugs 27/28. Python's `c[key]` is `c.at(key)`, `c[key] = v` is
 * `c.set(key, v)`, `del c[key]` is `c.delete(key)`, `a + b` is `a.add(b)`, `a == b` is `a.equals(b)`.
 */
import { describe, expect, test } from '@jest/globals';
import { Config, MissingKeyError } from '../../src/config/config.js';
import { ArgumentError } from '../../src/errors.js';

describe('6.6 config_test.py', () => {
  const fixture = (): Config => new Config({ key1: 'val1', key2: { subkey1: 'val21' } });

  test('6.6-1: c[key1] == val1', () => {
    expect(fixture().at('key1')).toBe('val1');
  });
  test('6.6-2: c[missing key] → MissingKeyError (KeyError)', () => {
    expect(() => fixture().at('missing key')).toThrow(MissingKeyError);
  });
  test('6.6-3: c[key2/subkey1] == val21', () => {
    expect(fixture().at('key2/subkey1')).toBe('val21');
  });
  test('6.6-4: get(key1) == val1', () => {
    expect(fixture().get('key1')).toBe('val1');
  });
  test('6.6-5: get(key2/subkey1) == val21', () => {
    expect(fixture().get('key2/subkey1')).toBe('val21');
  });
  test('6.6-6: get(missing key) is null', () => {
    expect(fixture().get('missing key')).toBeNull();
  });
  test('6.6-7: get(missing key, default 1) == 1', () => {
    expect(fixture().get('missing key', 1)).toBe(1);
  });
  test('6.6-8: get(key2/missing key, default 1) == 1', () => {
    expect(fixture().get('key2/missing key', 1)).toBe(1);
  });
  test('6.6-9: pop(key1) == val1 and key1 is no longer a top-level key', () => {
    const c = fixture();
    expect(c.pop('key1')).toBe('val1');
    expect(c.keys()).not.toContain('key1');
    expect(c.keys()).toEqual(['key2']);
  });
  test('6.6-10: pop(key2/subkey1) == val21; subkey1 is not top-level; key2 still is', () => {
    const c = fixture();
    expect(c.pop('key2/subkey1')).toBe('val21');
    expect(c.keys()).not.toContain('subkey1');
    expect(c.keys()).toContain('key2');
    expect(c.flatten()).toEqual({ key1: 'val1', key2: {} });
  });
  test('6.6-11: pop(missing key) → MissingKeyError', () => {
    expect(() => fixture().pop('missing key')).toThrow(MissingKeyError);
  });
  test('6.6-12: pop(missing key, default 1) == 1', () => {
    expect(fixture().pop('missing key', 1)).toBe(1);
  });
  test('6.6-13: pop(key2/missing key, default 1) == 1', () => {
    const c = fixture();
    expect(c.pop('key2/missing key', 1)).toBe(1);
    expect(c.flatten()).toEqual({ key1: 'val1', 'key2/subkey1': 'val21' });
  });
  test('6.6-14: c[key1] = new_val1 → c[key1] and the raw dict hold new_val1', () => {
    const c = fixture();
    c.set('key1', 'new_val1');
    expect(c.at('key1')).toBe('new_val1');
    expect(c.toObject()['key1']).toBe('new_val1');
  });
  test('6.6-15: c[key2/subkey1] = new_val21 → raw key2.subkey1', () => {
    const c = fixture();
    c.set('key2/subkey1', 'new_val21');
    expect(c.toObject()).toEqual({ key1: 'val1', key2: { subkey1: 'new_val21' } });
  });
  test('6.6-16: c[key0] = new_val0 → raw key0', () => {
    const c = fixture();
    c.set('key0', 'new_val0');
    expect(c.toObject()['key0']).toBe('new_val0');
  });
  test('6.6-17: c[key2/subkey2] = new_val22 → raw key2.subkey2 (key2.subkey1 kept)', () => {
    const c = fixture();
    c.set('key2/subkey2', 'new_val22');
    expect(c.toObject()).toEqual({ key1: 'val1', key2: { subkey1: 'val21', subkey2: 'new_val22' } });
  });
});

describe('6.7 config_basic_test.py', () => {
  const cases: Array<[string, Record<string, unknown>, Array<[string, unknown]>, Record<string, unknown>]> = [
    [
      'flat and slash keys',
      { a: 1, 'b/c': 2, 'b/d': 3 },
      [
        ['a', 1],
        ['b/c', 2],
        ['b/d', 3],
      ],
      { a: 1, 'b/c': 2, 'b/d': 3 },
    ],
    [
      'empty dict leaf and nested dict',
      { a: {}, b: { c: 2, d: 3 } },
      [
        ['a', {}],
        ['b', { c: 2, d: 3 }],
      ],
      { a: {}, 'b/c': 2, 'b/d': 3 },
    ],
    [
      'slash key merged with a dict',
      { a: null, 'b/c': 2, b: { d: 3 } },
      [
        ['a', null],
        ['b/c', 2],
        ['b', { d: 3 }],
      ],
      { a: null, 'b/c': 2, 'b/d': 3 },
    ],
    ['Config value', { a: new Config({ b: 2 }) }, [['a', new Config({ b: 2 })]], { 'a/b': 2 }],
  ];

  test.each(cases)('6.7-1: dict_init (%s)', (_name, dict, _pairs, expected) => {
    expect(new Config(dict).flatten()).toEqual(expected);
  });

  test('6.7-2: dict_init_bad: non-string keys ({0:1}, {False:True}) → ArgumentError (TypeError)', () => {
    // A JS object literal's keys are always strings, so the non-string keys come in a Map.
    expect(() => new Config(new Map<unknown, unknown>([[0, 1]]) as Map<string, unknown>)).toThrow(ArgumentError);
    expect(() => new Config(new Map<unknown, unknown>([[false, true]]) as Map<string, unknown>)).toThrow(ArgumentError);
    expect(() => new Config(new Map<unknown, unknown>([[0, 1]]) as Map<string, unknown>)).toThrow(/keys must be strings/);
  });

  test.each(cases)('6.7-3: list_init (%s)', (_name, _dict, pairs, expected) => {
    expect(new Config(pairs).flatten()).toEqual(expected);
  });

  test('6.7-4: list_init_bad: [(0,1)] and [(False,True)] → ArgumentError (TypeError); [(a,0,1)] → ArgumentError (ValueError)', () => {
    expect(() => new Config([[0, 1]] as unknown as Array<[string, unknown]>)).toThrow(/keys must be strings/);
    expect(() => new Config([[false, true]] as unknown as Array<[string, unknown]>)).toThrow(/keys must be strings/);
    expect(() => new Config([['a', 0, 1]] as unknown as Array<[string, unknown]>)).toThrow(ArgumentError);
    expect(() => new Config([['a', 0, 1]] as unknown as Array<[string, unknown]>)).toThrow(/pair, got 3 elements/);
  });

  test('6.7-5: config_init: Config(Config({a:0})) → {a:0}', () => {
    expect(new Config(new Config({ a: 0 })).flatten()).toEqual({ a: 0 });
  });

  test('6.7-6: pop: pop(b/c) → 2 leaving {a:1,b/d:3}; pop(b) → {c:2,d:3} leaving {a:1}', () => {
    const make = (): Config => new Config({ a: 1, 'b/c': 2, 'b/d': 3 });
    const c = make();
    expect(c.pop('b/c')).toBe(2);
    expect(c.flatten()).toEqual({ a: 1, 'b/d': 3 });
    const d = make();
    const popped = d.pop('b');
    expect(popped).toBeInstanceOf(Config);
    expect((popped as Config).equals({ c: 2, d: 3 })).toBe(true);
    expect(d.flatten()).toEqual({ a: 1 });
  });

  test('6.7-7: get: a/b → 1; c.a.b → 1; get(a) equals {b:1}; the config is unchanged', () => {
    const c = new Config({ a: { b: 1 } });
    expect(c.get('a/b')).toBe(1);
    expect(c.flatten()).toEqual({ 'a/b': 1 });
    expect(c.get<Config>('a')!.get('b')).toBe(1);
    const a = c.get<Config>('a')!;
    expect(a).toBeInstanceOf(Config);
    expect(a.equals({ b: 1 })).toBe(true);
    expect(a.flatten()).toEqual({ b: 1 });
    a.set('b', 99);
    a.put('z', 1);
    expect(c.flatten()).toEqual({ 'a/b': 1 });
  });

  test('6.7-8: put: new key; sibling under a path; dict put merges', () => {
    expect(new Config({ a: 1 }).put('b', 2).flatten()).toEqual({ a: 1, b: 2 });
    expect(new Config({ 'a/b': 1 }).put('a/c', 2).flatten()).toEqual({ 'a/b': 1, 'a/c': 2 });
    expect(new Config({ 'a/b': 1 }).put('a', { c: 2 }).flatten()).toEqual({ 'a/b': 1, 'a/c': 2 });
  });

  test('6.7-9: flatten: null, {}, {a:1}, and empty nested dicts kept as {} leaves', () => {
    expect(new Config(null).flatten()).toEqual({});
    expect(new Config({}).flatten()).toEqual({});
    expect(new Config({ a: 1 }).flatten()).toEqual({ a: 1 });
    expect(new Config({ a: { b: {}, c: { d: null } } }).flatten()).toEqual({ 'a/b': {}, 'a/c/d': null });
  });

  test('6.7-10: add: the right side wins per leaf; a leaf path can turn a scalar into a dict; {} erases nothing', () => {
    expect(new Config({ a: 1, b: 2 }).add({ b: 3, c: 4 }).flatten()).toEqual({ a: 1, b: 3, c: 4 });
    expect(new Config({ 'a/b': 1, 'a/c': 2 }).add(new Config({ 'a/c/d': 3, 'e/f': 4 })).flatten()).toEqual({ 'a/b': 1, 'a/c/d': 3, 'e/f': 4 });
    expect(new Config({ 'a/b': 1, 'b/d': {} }).add({ a: {}, 'b/d': null }).flatten()).toEqual({ 'a/b': 1, 'b/d': null });
  });

  test('6.7-11: iadd_items: c[a]=0; c[a]={b:0,d:3} replaces; c[a] += {b:0,d:3} merges', () => {
    const make = (): Config => new Config({ 'a/b': 1, 'a/c': 2 });
    const c1 = make();
    c1.set('a', 0);
    expect(c1.flatten()).toEqual({ a: 0 });
    const c2 = make();
    c2.set('a', { b: 0, d: 3 });
    expect(c2.flatten()).toEqual({ 'a/b': 0, 'a/d': 3 });
    const c3 = make();
    c3.set('a', c3.get<Config>('a')!.add({ b: 0, d: 3 }));
    expect(c3.flatten()).toEqual({ 'a/b': 0, 'a/c': 2, 'a/d': 3 });
  });

  test('6.7-12: items (the intended values; the reference test is vacuous, bug 38)', () => {
    expect(new Config({ a: 1 }).items()).toEqual([['a', 1]]);
    expect(new Config({ a: 1 }).items(true)).toEqual([['a', 1]]);
    expect(new Config({ a: { b: 1, c: 2 } }).items()).toEqual([['a', { b: 1, c: 2 }]]);
    expect(new Config({ a: { b: 1, c: 2 } }).items(true)).toEqual([
      ['a/b', 1],
      ['a/c', 2],
    ]);
    expect(new Config({ 'a/b': 1, 'a/c/d': 2 }).items(true)).toEqual([
      ['a/b', 1],
      ['a/c/d', 2],
    ]);
  });

  test('6.7-13: keys (intended values)', () => {
    expect([new Config({ a: 1 }).keys(), new Config({ a: 1 }).keys(true)]).toEqual([['a'], ['a']]);
    expect([new Config({ a: { b: 1, c: 2 } }).keys(), new Config({ a: { b: 1, c: 2 } }).keys(true)]).toEqual([['a'], ['a/b', 'a/c']]);
    expect([new Config({ 'a/b': 1, 'a/c/d': 2 }).keys(), new Config({ 'a/b': 1, 'a/c/d': 2 }).keys(true)]).toEqual([['a'], ['a/b', 'a/c/d']]);
  });

  test('6.7-14: values (intended values)', () => {
    expect([new Config({ a: 1 }).values(), new Config({ a: 1 }).values(true)]).toEqual([[1], [1]]);
    expect([new Config({ a: { b: 1, c: 2 } }).values(), new Config({ a: { b: 1, c: 2 } }).values(true)]).toEqual([[{ b: 1, c: 2 }], [1, 2]]);
    expect(new Config({ 'a/b': 1, 'a/c/d': 2 }).values(true)).toEqual([1, 2]);
  });

  test('6.7-15: update: Config merges; slash path; null ↔ {} replace each other', () => {
    expect(new Config({ 'a/b': 1, 'a/c': 2 }).update(new Config({ 'a/c': 3, 'a/d': 4 })).flatten()).toEqual({ 'a/b': 1, 'a/c': 3, 'a/d': 4 });
    expect(new Config({ 'a/b': 1 }).update({ 'a/c/d': 2 }).flatten()).toEqual({ 'a/b': 1, 'a/c/d': 2 });
    expect(new Config({ a: {}, b: null }).update({ a: null, b: {} }).flatten()).toEqual({ a: null, b: {} });
  });
});

describe('§5 rules and sane behaviour', () => {
  test('keys are normalised: repeated, leading and trailing slashes', () => {
    const c = new Config({ '/a//b/': 1 });
    expect(c.flatten()).toEqual({ 'a/b': 1 });
    expect(c.get('//a/b')).toBe(1);
    expect(() => c.get('//')).toThrow(ArgumentError);
  });

  test('extra entries are put after the source (Python kwargs)', () => {
    expect(new Config({ a: 1 }, { b: 2, 'c/d': 3 }).flatten()).toEqual({ a: 1, b: 2, 'c/d': 3 });
  });

  test('a non-dict intermediate is replaced by a level', () => {
    expect(new Config({ a: 1 }).put('a/b', 2).flatten()).toEqual({ 'a/b': 2 });
  });

  test('insertion order is kept for integer-like keys (stored as a Map)', () => {
    expect(
      new Config([
        ['b', 1],
        ['10', 2],
        ['2', 3],
      ]).keys(),
    ).toEqual(['b', '10', '2']);
  });

  test('get with an array of keys gives an array of values; at() throws on a missing one', () => {
    const c = new Config({ a: 1, 'b/c': 2 });
    expect(c.get(['a', 'b/c', 'zz'])).toEqual([1, 2, null]);
    expect(c.at(['a', 'b/c'])).toEqual([1, 2]);
    expect(() => c.at(['a', 'zz'])).toThrow(MissingKeyError);
  });

  test('delete removes a key; a missing key throws', () => {
    const c = new Config({ a: 1, b: 2 });
    c.delete('a');
    expect(c.flatten()).toEqual({ b: 2 });
    expect(() => c.delete('a')).toThrow(MissingKeyError);
  });

  test('bug 27: has() follows / paths (Python `in` looks only at the top level)', () => {
    const c = new Config({ 'a/b': 1 });
    expect(c.has('a/b')).toBe(true);
    expect(c.has('a')).toBe(true);
    expect(c.has('a/c')).toBe(false);
    expect([...c]).toEqual(['a']);
    expect(c.size).toBe(1);
  });

  test('bug 27: update takes several sources and applies all of them', () => {
    const c = new Config({ a: 1 }).update({ b: 2 }, [['c/d', 3]]);
    expect(c.flatten()).toEqual({ a: 1, b: 2, 'c/d': 3 });
  });

  test('bug 28: new Config(other) copies the structure (no aliasing); leaves are shared', () => {
    const leaf = [1, 2];
    const original = new Config({ a: { b: 1 }, leaf });
    const copy = new Config(original);
    copy.put('a/c', 2);
    copy.set('x', 1);
    expect(original.flatten()).toEqual({ 'a/b': 1, leaf: [1, 2] });
    expect(copy.get('leaf')).toBe(leaf);
    const viaCopy = original.copy();
    viaCopy.put('a/b', 5);
    expect(original.get('a/b')).toBe(1);
  });

  test('a Config value inside a dict is copied, not aliased', () => {
    const inner = new Config({ b: 2 });
    const outer = new Config({ a: inner });
    inner.put('c', 3);
    expect(outer.flatten()).toEqual({ 'a/b': 2 });
  });

  test('equals compares flattened forms against objects and Configs', () => {
    const c = new Config({ 'a/b': [1, 2], c: null });
    expect(c.equals({ a: { b: [1, 2] }, c: null })).toBe(true);
    expect(c.equals(new Config({ a: { b: [1, 2] }, c: null }))).toBe(true);
    expect(c.equals({ a: { b: [1, 3] }, c: null })).toBe(false);
    expect(c.equals({ a: { b: [1, 2] } })).toBe(false);
  });

  test('arrays and class instances are leaves; toJSON gives the nested object', () => {
    const date = new Date(0);
    const c = new Config({ list: [{ x: 1 }], date });
    expect(c.get('list')).toEqual([{ x: 1 }]);
    expect(c.get('date')).toBe(date);
    expect(JSON.parse(JSON.stringify(new Config({ 'a/b': 1 })))).toEqual({ a: { b: 1 } });
  });

  test('construction from anything else → ArgumentError', () => {
    expect(() => new Config(5 as unknown as null)).toThrow(ArgumentError);
    expect(() => new Config(new Date() as unknown as null)).toThrow(ArgumentError);
  });

  test('clear empties the config', () => {
    const c = new Config({ a: 1 });
    c.clear();
    expect(c.flatten()).toEqual({});
  });
});
