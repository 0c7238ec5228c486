/**
 * DatasetIndex: construction, ids vs positions, calcSplit, split, shuffle,
 * nextBatch/genBatch; BatchFlow's index test cases (the batch iteration ones over the three index
 * fixtures); and the fixes of bugs 1, 2, 3, 4.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, DatasetIndex, MissingIdError, Rng, type IndexValue } from '../../src/index.js';
import { FilesIndex } from '../../src/dataset/files-index.js';
import { calcSplit, roundHalfEven } from '../../src/dataset/calc-split.js';
import { StopIterationError, defaultIterState } from '../../src/dataset/iteration.js';
import { captureWarnings, errorOf, makeTree, range, removeTree } from './helpers.js';

const ids = (index: DatasetIndex): IndexValue[] => [...index.indices];
const batchesOf = (gen: Iterable<DatasetIndex>): IndexValue[][] => Array.from(gen, ids);

// ---- §1.2 construction, §6.2 ------------------------------------------------------------------

describe('DatasetIndex construction (§1.2, §6.2)', () => {
  test.each<[string, () => DatasetIndex, IndexValue[]]>([
    ['5 → [0..4]', () => new DatasetIndex(5), [0, 1, 2, 3, 4]],
    ['range(10,20,2) → [10,12,14,16,18]', () => new DatasetIndex(range(10, 20, 2)), [10, 12, 14, 16, 18]],
    ['DatasetIndex(5) → [0..4]', () => new DatasetIndex(new DatasetIndex(5)), [0, 1, 2, 3, 4]],
    ["['a'..'e'] → the same", () => new DatasetIndex(['a', 'b', 'c', 'd', 'e']), ['a', 'b', 'c', 'd', 'e']],
    ['() => arange(5)[::-1] → [4,3,2,1,0]', () => new DatasetIndex(() => [4, 3, 2, 1, 0]), [4, 3, 2, 1, 0]],
  ])('6.2-1: build_index %s', (_, make, expected) => {
    expect(ids(make())).toEqual(expected);
  });

  test('6.2-1 (more sources): a typed array, a 1-D ndarray, a Set, a generator function result', () => {
    expect(ids(new DatasetIndex(Int32Array.from([7, 8])))).toEqual([7, 8]);
    expect(ids(new DatasetIndex(ndarray(Float64Array.from([4, 5, 6]), [3])))).toEqual([4, 5, 6]);
    expect(ids(new DatasetIndex(new Set(['x', 'y'])))).toEqual(['x', 'y']);
    expect(ids(new DatasetIndex(() => 3))).toEqual([0, 1, 2]);
  });

  test('§1.2 step 2: a DatasetIndex argument shares its ids (the same array)', () => {
    const source = new DatasetIndex(['a', 'b']);
    expect(new DatasetIndex(source).indices).toBe(source.indices);
  });

  test("§1.2 step 4: a scalar becomes one element: 'abc' → ['abc'], 3.5 → [3.5]", () => {
    expect(ids(new DatasetIndex('abc'))).toEqual(['abc']);
    expect(ids(new DatasetIndex(3.5))).toEqual([3.5]);
  });

  test('6.2-2: non_unique_warning: [1,1,1] warns and does not throw; the last position wins ([5,5,7].getPos(5) == 1)', () => {
    const { warnings } = captureWarnings(() => new DatasetIndex([1, 1, 1]));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/non-unique/);
    const { result } = captureWarnings(() => new DatasetIndex([5, 5, 7]));
    expect(result.getPos(5)).toBe(1);
    expect(captureWarnings(() => new DatasetIndex([1, 2, 3])).warnings).toEqual([]);
  });

  test('6.2-3: build_index_empty: [] → ArgumentError; so do 0 and -2 (§1.2 step 5)', () => {
    expect(() => new DatasetIndex([])).toThrow(ArgumentError);
    expect(() => new DatasetIndex(0)).toThrow(/cannot be empty/);
    expect(() => new DatasetIndex(-2)).toThrow(ArgumentError);
  });

  test('6.2-4: multidimensional: [[1],[2]] → TypeError; so does a 2-D ndarray', () => {
    expect(() => new DatasetIndex([[1], [2]] as unknown as number[])).toThrow(TypeError);
    expect(() => new DatasetIndex(ndarray(new Float64Array(4), [2, 2]))).toThrow(TypeError);
  });

  test('§1.2: ids that are not strings or numbers → TypeError naming the position', () => {
    expect(() => new DatasetIndex([1, null] as unknown as number[])).toThrow(/position 1/);
    expect(() => new DatasetIndex([{}] as unknown as number[])).toThrow(TypeError);
    expect(() => new DatasetIndex(null as unknown as number)).toThrow(TypeError);
  });

  test('6.2-5: create_batch_child: new ChildSet(5).createBatch(range(5)) is a ChildSet', () => {
    class ChildSet extends DatasetIndex {}
    const batch = new ChildSet(5).createBatch(range(0, 5));
    expect(batch).toBeInstanceOf(ChildSet);
    expect(ids(batch)).toEqual([0, 1, 2, 3, 4]);
  });
});

// ---- §1.3 positions vs values ----------------------------------------------------------------

describe('ids and positions (§1.3)', () => {
  const letters = (): DatasetIndex => new DatasetIndex(['a', 'b', 'c', 'd', 'e']);

  test("§1.3 getPos on ['a'..'e']: 'c' → 2, ['e','a'] → [4,0], {start:'b', stop:'d'} → {start:1, stop:3}", () => {
    const index = letters();
    expect(index.getPos('c')).toBe(2);
    expect(Array.from(index.getPos(['e', 'a']))).toEqual([4, 0]);
    expect(index.getPos({ start: 'b', stop: 'd' })).toEqual({ start: 1, stop: 3, step: null });
    expect(index.getPos({ stop: 'c', step: 2 })).toEqual({ start: null, stop: 2, step: 2 });
  });

  test('§1.3 getPos of an absent id → MissingIdError listing every absent id', () => {
    const error = errorOf(() => letters().getPos(['a', 'x', 'y']));
    expect(error).toBeInstanceOf(MissingIdError);
    expect((error as MissingIdError).ids).toEqual(['x', 'y']);
    expect(() => new DatasetIndex(5).getPos(5)).toThrow(MissingIdError);
  });

  test("§1.3 JS hazard: 1 and '1' are different ids; a string is one id, not an iterable of characters", () => {
    const index = new DatasetIndex([1, '1', 'ab']);
    expect(index.getPos(1)).toBe(0);
    expect(index.getPos('1')).toBe(1);
    expect(index.getPos('ab')).toBe(2);
    expect(index.has('a')).toBe(false);
    expect(new DatasetIndex(3).has('1')).toBe(false);
    expect(new DatasetIndex(3).has(1)).toBe(true);
  });

  test('§1.3 subsetByPos: an int gives an id; negative positions count from the end; arrays, typed arrays, iterables', () => {
    const index = letters();
    expect(index.subsetByPos(1)).toBe('b');
    expect(index.subsetByPos(-1)).toBe('e');
    expect(index.subsetByPos([0, -2])).toEqual(['a', 'd']);
    expect(index.subsetByPos(Int32Array.from([4, 3]))).toEqual(['e', 'd']);
    expect(index.subsetByPos(new Set([2]))).toEqual(['c']);
  });

  test('§1.3 subsetByPos: slices (Python rules) and boolean masks', () => {
    const index = letters();
    expect(index.subsetByPos({ start: 1, stop: 3 })).toEqual(['b', 'c']);
    expect(index.subsetByPos({ start: -2 })).toEqual(['d', 'e']);
    expect(index.subsetByPos({ step: -2 })).toEqual(['e', 'c', 'a']);
    expect(index.subsetByPos({ start: 10 })).toEqual([]);
    expect(index.subsetByPos([true, false, true, false, false])).toEqual(['a', 'c']);
    expect(() => index.subsetByPos([true, false])).toThrow(ArgumentError);
  });

  test('§1.3 subsetByPos out of bounds → RangeError', () => {
    expect(() => letters().subsetByPos(5)).toThrow(RangeError);
    expect(() => letters().subsetByPos([-6])).toThrow(RangeError);
    expect(() => letters().subsetByPos([1.5])).toThrow(TypeError);
  });

  test('§1.3 createSubset: same class, ids not checked against the index', () => {
    class Child extends DatasetIndex {}
    const subset = new Child(5).createSubset([7, 8]);
    expect(subset).toBeInstanceOf(Child);
    expect(ids(subset)).toEqual([7, 8]);
  });

  test('§1.3 createBatch: a DatasetIndex argument gives its values; asArray returns the ids', () => {
    const index = letters();
    expect(ids(index.createBatch(new DatasetIndex([4, 0])))).toEqual(['e', 'a']);
    expect(index.createBatch([1, 2], { asArray: true })).toEqual(['b', 'c']);
    expect(index.createBatch(['zz'], { pos: false, asArray: true })).toEqual(['zz']);
    expect(ids(index.createBatch({ start: 3 }))).toEqual(['d', 'e']);
  });

  test('§1.3 concat: the class of the first index over the joined ids; plain ids are accepted', () => {
    class Child extends DatasetIndex {}
    const joined = new Child(['a']).concat(new DatasetIndex(['b']), ['c', 'd']);
    expect(joined).toBeInstanceOf(Child);
    expect(ids(joined)).toEqual(['a', 'b', 'c', 'd']);
  });

  test('§1.1 length, size, iteration', () => {
    const index = letters();
    expect(index.length).toBe(5);
    expect(index.size).toBe(5);
    expect([...index]).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
});

// ---- §1.4 calcSplit -------------------------------------------------------------------------

describe('calcSplit (§1.4)', () => {
  test('§1.4 step 5: half-even rounding like numpy: 2.5→2, 1.5→2, 0.5→0, 3.5→4, 2.51→3', () => {
    expect([2.5, 1.5, 0.5, 3.5, 2.51, 2.49, 7].map(roundHalfEven)).toEqual([2, 2, 0, 4, 3, 2, 7]);
  });

  test.each<[number, number | number[] | undefined, [number, number, number]]>([
    [10, 0.8, [8, 2, 0]],
    [10, 0.25, [2, 8, 0]],
    [10, 0.75, [8, 2, 0]],
    [10, 1.0, [10, 0, 0]],
    [10, 0.99, [9, 1, 0]],
    [10, [0.6, 0.3], [6, 3, 1]],
    [10, [0.7, 0.2], [7, 2, 1]],
    [10, [0.8, 0.2], [8, 2, 0]],
    [10, [0.1, 0.2, 0.7], [1, 2, 7]],
    [5, undefined, [4, 1, 0]],
    [5, [0.4, 0.6], [2, 3, 0]],
    [5, [0.5, 0.5, 0], [3, 2, 0]],
    [2, 0.8, [1, 1, 0]],
    [100, [0.8, 0.2], [80, 20, 0]],
    [100, [0.7, 0.2, 0.1], [70, 20, 10]],
    [100, [0.6, 0.25], [60, 25, 15]],
  ])('§1.4 observed: N=%p shares %p → %p', (n, shares, expected) => {
    expect(shares === undefined ? calcSplit(n) : calcSplit(n, shares)).toEqual(expected);
    expect(new DatasetIndex(n).calcSplit(shares)).toEqual(expected);
  });

  test('§1.4 / bug 1: a zero share means an empty part: N=5 [0.5,0,0.5] → (3,0,2) (the reference gave test 1 item)', () => {
    expect(calcSplit(5, [0.5, 0, 0.5])).toEqual([3, 0, 2]);
  });

  test('§1.4: N=1 with 0.8 → ArgumentError "cannot be split into 2 subsets" (the padding counts)', () => {
    expect(() => calcSplit(1, 0.8)).toThrow(/size 1 cannot be split into 2 subsets/);
  });

  test('§1.4 / bug 1: shares outside [0,1] or not numbers are rejected; a typed array works like a list', () => {
    expect(() => calcSplit(10, [-0.1, 0.5])).toThrow(ArgumentError);
    expect(() => calcSplit(10, [Number.NaN])).toThrow(TypeError);
    expect(() => calcSplit(10, 'a' as unknown as number)).toThrow(TypeError);
    expect(calcSplit(10, Float64Array.from([0.6, 0.3]) as unknown as number[])).toEqual([6, 3, 1]);
  });
});

// ---- §1.5 split ------------------------------------------------------------------------------

describe('split (§1.5)', () => {
  test('§1.5 observed on 10: split(0.8) → train [2..9], test [0,1], validation null (train is the tail)', () => {
    const index = new DatasetIndex(10).split(0.8);
    expect(ids(index.train!)).toEqual(range(2, 10));
    expect(ids(index.test!)).toEqual([0, 1]);
    expect(index.validation).toBeNull();
    expect(index.isSplit).toBe(true);
  });

  test('§1.5 observed on 10: split([0.5,0.3]) → validation [0,1], test [2,3,4], train [5..9]', () => {
    const index = new DatasetIndex(10).split([0.5, 0.3]);
    expect(ids(index.validation!)).toEqual([0, 1]);
    expect(ids(index.test!)).toEqual([2, 3, 4]);
    expect(ids(index.train!)).toEqual([5, 6, 7, 8, 9]);
  });

  test('§1.5 split(0.8, {shuffle: 42}): test = the first 2 of shuffle(42), train = the other 8, in shuffled order', () => {
    const index = new DatasetIndex(10);
    const order = Array.from(index.shuffle(42));
    index.split(0.8, { shuffle: 42 });
    expect(ids(index.test!)).toEqual(order.slice(0, 2));
    expect(ids(index.train!)).toEqual(order.slice(2));
    expect(ids(index.train!)).not.toEqual(range(2, 10));
  });

  test('§1.5 / bug 2: every split clears stale parts: split([.5,.3]) then split(.8) → validation null', () => {
    const index = new DatasetIndex(10).split([0.5, 0.3]);
    index.split(0.8);
    expect(index.validation).toBeNull();
    expect(ids(index.test!)).toEqual([0, 1]);
  });

  test('§1.5: parts keep the class of the index; isSplit is false before any split', () => {
    class Child extends DatasetIndex {}
    const index = new Child(['a', 'b', 'c', 'd']);
    expect(index.isSplit).toBe(false);
    expect(index.train).toBeNull();
    index.split(0.5);
    expect(index.train).toBeInstanceOf(Child);
    expect(index.test).toBeInstanceOf(Child);
  });
});

// ---- §1.6 shuffle --------------------------------------------------------------------------

describe('shuffle (§1.6, bug 3)', () => {
  test('§1.6: false → 0..n-1; a negative integer → no shuffle either (as in a pipeline)', () => {
    expect(Array.from(new DatasetIndex(5).shuffle(false))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(new DatasetIndex(5).shuffle(-7))).toEqual([0, 1, 2, 3, 4]);
  });

  test('§1.6: an integer seed → new Rng(seed).permutation(n): deterministic, and a permutation', () => {
    const index = new DatasetIndex(10);
    const order = index.shuffle(13);
    expect(Array.from(order)).toEqual(Array.from(new Rng(13).permutation(10)));
    expect(Array.from(index.shuffle(13))).toEqual(Array.from(order));
    expect([...order].sort((a, b) => a - b)).toEqual(range(0, 10));
    expect(Array.from(index.shuffle(14))).not.toEqual(Array.from(order));
  });

  test('§1.6: an Rng is used as is and moves on; true gives a permutation from fresh entropy', () => {
    const index = new DatasetIndex(20);
    const rng = new Rng(3);
    const twin = rng.clone();
    expect(Array.from(index.shuffle(rng))).toEqual(Array.from(twin.permutation(20)));
    expect(Array.from(index.shuffle(rng))).toEqual(Array.from(twin.permutation(20)));
    const random = Array.from(index.shuffle(true));
    expect([...random].sort((a, b) => a - b)).toEqual(range(0, 20));
  });

  test('§1.6 / bug 3: null, a non-integer, a function or a string → TypeError (no silent "no shuffle")', () => {
    const index = new DatasetIndex(5);
    for (const bad of [null, 1.5, () => [0], 'yes', Number.NaN]) expect(() => index.shuffle(bad as never)).toThrow(TypeError);
  });
});

// ---- §1.7 / §1.8 nextBatch and genBatch -----------------------------------------------------

describe('nextBatch and genBatch (§1.7, §1.8)', () => {
  test('§1.7 observed: 5 items, sizes 3,3,4, nEpochs 2 → [0,1,2], [3,4,0], [1,2,3,4]', () => {
    const index = new DatasetIndex(5);
    expect([3, 3, 4].map((batchSize) => ids(index.nextBatch({ batchSize, nEpochs: 2 })))).toEqual([
      [0, 1, 2],
      [3, 4, 0],
      [1, 2, 3, 4],
    ]);
  });

  test('§1.7 observed: 5 items, size 2, nEpochs 3 → [0,1] [2,3] [4,0] [1,2] [3,4] [0,1] [2,3] [4], then the end', () => {
    expect(batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nEpochs: 3 }))).toEqual([[0, 1], [2, 3], [4, 0], [1, 2], [3, 4], [0, 1], [2, 3], [4]]);
  });

  test('§1.7 observed: 5 items, size 2, dropLast, endless → [0,1], [2,3], [0,1], [2,3], …', () => {
    const gen = new DatasetIndex(5).genBatch(2, { dropLast: true });
    const first = Array.from({ length: 6 }, () => ids(gen.next().value as DatasetIndex));
    expect(first).toEqual([
      [0, 1],
      [2, 3],
      [0, 1],
      [2, 3],
      [0, 1],
      [2, 3],
    ]);
  });

  test('§1.7 observed: genBatch nIters 3 (size 2) → [0,1] [2,3] [4,0]: exactly nIters batches, wrapping across epochs', () => {
    expect(batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nIters: 3 }))).toEqual([
      [0, 1],
      [2, 3],
      [4, 0],
    ]);
  });

  test('§1.7 observed: 6 items, size 3, 2 epochs, dropLast → 4 full batches', () => {
    expect(batchesOf(new DatasetIndex(6).genBatch({ batchSize: 3, nEpochs: 2, dropLast: true }))).toEqual([
      [0, 1, 2],
      [3, 4, 5],
      [0, 1, 2],
      [3, 4, 5],
    ]);
  });

  test('§1.7 observed: 5 items, size 2, 1 epoch, dropLast → [0,1] [2,3]', () => {
    expect(batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nEpochs: 1, dropLast: true }))).toEqual([
      [0, 1],
      [2, 3],
    ]);
  });

  test('§1.7 observed: after 2 calls of size 2 on 5 items the state is {startIndex 4, order [0..4], nIters 2, nEpochs 0}', () => {
    const index = new DatasetIndex(5);
    index.nextBatch(2);
    index.nextBatch(2);
    const state = index.iterParams;
    expect({ startIndex: state.startIndex, order: Array.from(state.order!), nIters: state.nIters, nEpochs: state.nEpochs, stopIter: state.stopIter }).toEqual({
      startIndex: 4,
      order: [0, 1, 2, 3, 4],
      nIters: 2,
      nEpochs: 0,
      stopIter: false,
    });
  });

  test('§1.7: nIters: call nIters+1 raises StopIterationError (and so does every later call)', () => {
    const index = new DatasetIndex(5);
    for (let i = 0; i < 3; i++) index.nextBatch({ batchSize: 2, nIters: 3 });
    expect(() => index.nextBatch({ batchSize: 2, nIters: 3 })).toThrow(StopIterationError);
    expect(() => index.nextBatch({ batchSize: 2, nIters: 3 })).toThrow(StopIterationError);
  });

  test('§1.7: errors: batchSize > N, batchSize 0 or 1.5, nIters and nEpochs together → ArgumentError, checked when genBatch is called', () => {
    const index = new DatasetIndex(5);
    expect(() => index.nextBatch(6)).toThrow(/cannot be larger than the dataset size/);
    expect(() => index.genBatch(0)).toThrow(ArgumentError);
    expect(() => index.genBatch(1.5)).toThrow(ArgumentError);
    expect(() => index.genBatch({ batchSize: 2, nIters: 1, nEpochs: 1 })).toThrow(ArgumentError);
    expect(() => index.genBatch({ batchSize: 2, nEpochs: -1 })).toThrow(ArgumentError);
  });

  test('§1.8: genBatch uses a fresh state and does not touch the index state used by nextBatch', () => {
    const index = new DatasetIndex(5);
    index.nextBatch(2);
    expect(batchesOf(index.genBatch({ batchSize: 2, nEpochs: 1 }))).toEqual([[0, 1], [2, 3], [4]]);
    expect(ids(index.nextBatch(2))).toEqual([2, 3]);
  });

  test('§1.8: nEpochs 0 and nIters 0 give nothing', () => {
    expect(batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nEpochs: 0 }))).toEqual([]);
    expect(batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nIters: 0 }))).toEqual([]);
  });

  test.each<[string, { batchSize: number; nIters?: number | null; nEpochs?: number | null; dropLast?: boolean }, number | null, number | null]>([
    ['nIters 7', { batchSize: 2, nIters: 7 }, 7, 7],
    ['nEpochs 3', { batchSize: 2, nEpochs: 3 }, 8, 8],
    ['nEpochs 3, dropLast', { batchSize: 2, nEpochs: 3, dropLast: true }, 6, 6],
    ['nEpochs 2, size 5', { batchSize: 5, nEpochs: 2 }, 2, 2],
    ['endless', { batchSize: 2 }, null, null],
  ])('§1.8 total (%s) is stored in the state and equals the number of batches', (_, options, total, count) => {
    const state = defaultIterState();
    const gen = new DatasetIndex(5).genBatch({ ...options, iterParams: state });
    expect(state.total).toBe(total);
    if (count !== null) expect(batchesOf(gen)).toHaveLength(count);
  });

  test('§1.8: iterParams passed to genBatch is used and updated, so a second genBatch continues', () => {
    const state = defaultIterState();
    const index = new DatasetIndex(5);
    expect(batchesOf(index.genBatch({ batchSize: 2, nIters: 2, iterParams: state }))).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(batchesOf(index.genBatch({ batchSize: 2, nIters: 3, iterParams: state }))).toEqual([[4, 0]]);
  });

  test("§1.1: reset('iter') restores the defaults; unknown things to reset → ArgumentError", () => {
    const index = new DatasetIndex(5);
    index.nextBatch({ batchSize: 5, nEpochs: 1 });
    expect(() => index.nextBatch({ batchSize: 5, nEpochs: 1 })).toThrow(StopIterationError);
    index.reset('iter');
    expect(index.iterParams).toEqual(defaultIterState());
    expect(ids(index.nextBatch({ batchSize: 5, nEpochs: 1 }))).toEqual([0, 1, 2, 3, 4]);
    expect(() => index.reset('vars' as 'iter')).toThrow(ArgumentError);
  });

  test('batches are indices of the same class over ids (not positions)', () => {
    class Child extends DatasetIndex {}
    const batches = [...new Child(['a', 'b', 'c']).genBatch({ batchSize: 2, nEpochs: 1 })];
    expect(batches.every((batch) => batch instanceof Child)).toBe(true);
    expect(batches.map(ids)).toEqual([['a', 'b'], ['c']]);
    expect(batches[0]!.getPos('b')).toBe(1);
  });
});

describe('shuffled epochs (bug 4) and seeds', () => {
  const epochs = (index: DatasetIndex, shuffle: number | boolean | Rng, nEpochs: number): number[][] =>
    batchesOf(index.genBatch({ batchSize: index.length, nEpochs, shuffle })) as number[][];

  test('bug 4: each epoch is a fresh permutation drawn from one generator: epoch e = the e-th permutation of new Rng(seed)', () => {
    const rng = new Rng(7);
    const expected = Array.from({ length: 5 }, () => Array.from(rng.permutation(4)));
    expect(epochs(new DatasetIndex(4), 7, 5)).toEqual(expected);
  });

  test('bug 4: epochs do not cycle: 30 epochs of 6 items give more than 6 distinct orders (P, P², … has period ≤ 6)', () => {
    const orders = epochs(new DatasetIndex(6), 11, 30).map((order) => order.join(','));
    expect(new Set(orders).size).toBeGreaterThan(6);
  });

  test('the same seed gives the same batches (sizes that wrap across epochs included); another seed gives others', () => {
    const run = (seed: number): IndexValue[][] => batchesOf(new DatasetIndex(range(100, 137)).genBatch({ batchSize: 5, nEpochs: 3, shuffle: seed }));
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  test('every shuffled epoch covers every id once (dropLast=false, batches that divide the epoch)', () => {
    const batches = batchesOf(new DatasetIndex(12).genBatch({ batchSize: 4, nEpochs: 3, shuffle: true })) as number[][];
    expect(batches).toHaveLength(9);
    for (let epoch = 0; epoch < 3; epoch++) {
      expect(
        batches
          .slice(epoch * 3, epoch * 3 + 3)
          .flat()
          .sort((a, b) => a - b),
      ).toEqual(range(0, 12));
    }
  });

  test('dropLast with a shuffle: every batch is full, and the batches of one epoch are disjoint', () => {
    const batches = batchesOf(new DatasetIndex(10).genBatch({ batchSize: 3, nEpochs: 4, dropLast: true, shuffle: 9 })) as number[][];
    expect(batches).toHaveLength(12);
    expect(batches.every((batch) => batch.length === 3)).toBe(true);
    for (let epoch = 0; epoch < 4; epoch++) expect(new Set(batches.slice(epoch * 3, epoch * 3 + 3).flat()).size).toBe(9);
  });

  test('nIters vs nEpochs: nIters 7 on 5 items (size 2) gives 7 full batches; nEpochs 3 gives 8, the last one short', () => {
    const byIters = batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nIters: 7, shuffle: 1 }));
    expect(byIters.map((b) => b.length)).toEqual([2, 2, 2, 2, 2, 2, 2]);
    const byEpochs = batchesOf(new DatasetIndex(5).genBatch({ batchSize: 2, nEpochs: 3, shuffle: 1 }));
    expect(byEpochs.map((b) => b.length)).toEqual([2, 2, 2, 2, 2, 2, 2, 1]);
    expect(byIters).toEqual(byEpochs.slice(0, 7));
  });

  test('an Rng shuffle moves on: two iterations with the same Rng object differ; a clone replays the first', () => {
    const rng = new Rng(21);
    const replay = rng.clone();
    const first = epochs(new DatasetIndex(8), rng, 2);
    const second = epochs(new DatasetIndex(8), rng, 2);
    expect(first).not.toEqual(second);
    expect(epochs(new DatasetIndex(8), replay, 2)).toEqual(first);
  });

  test('nextBatch: the first call chooses the generator; later epochs continue from it (reset starts over)', () => {
    const index = new DatasetIndex(4);
    const a = [0, 1, 2].map(() => ids(index.nextBatch({ batchSize: 4, shuffle: 8 })));
    index.reset();
    const b = [0, 1, 2].map(() => ids(index.nextBatch({ batchSize: 4, shuffle: 8 })));
    expect(a).toEqual(b);
    expect(a).toEqual(epochs(new DatasetIndex(4), 8, 3));
  });
});

// ---- §6.4 over the three fixtures --------------------------------------------------------------

let filesRoot = '';
beforeAll(() => {
  filesRoot = makeTree(range(0, 5).map((i) => `fi_test_tmp/file_${i}.txt`));
});
afterAll(() => removeTree(filesRoot));

const fixtures: [string, () => DatasetIndex][] = [
  ['DatasetIndex(5)', () => new DatasetIndex(5)],
  ["DatasetIndex(['a'..'e'])", () => new DatasetIndex(['a', 'b', 'c', 'd', 'e'])],
  ['FilesIndex(fi_test_tmp/*)', () => new FilesIndex({ path: `${filesRoot}/fi_test_tmp/*` })],
];

describe.each(fixtures)('common index tests (§6.4) on %s', (_, make) => {
  test('6.4-1: len → 5', () => {
    expect(make().length).toBe(5);
  });

  test('6.4-2: calc_split_raise_1: [.5,.5,.5] and [.5,.5,.5,.5] → ArgumentError', () => {
    const index = make();
    expect(() => index.calcSplit([0.5, 0.5, 0.5])).toThrow(ArgumentError);
    expect(() => index.calcSplit([0.5, 0.5, 0.5, 0.5])).toThrow(ArgumentError);
  });

  test('6.4-4: calc_split_correctness_1: calcSplit() sums to 5 (it is (4,1,0))', () => {
    const parts = make().calcSplit();
    expect(parts).toEqual([4, 1, 0]);
    expect(parts[0] + parts[1] + parts[2]).toBe(5);
  });

  test('6.4-5: calc_split_correctness_2: [0.4, 0.6] → (2,3,0)', () => {
    expect(make().calcSplit([0.4, 0.6])).toEqual([2, 3, 0]);
  });

  test('6.4-6: calc_split_correctness_3: [0.5,0.5,0] → third part 0 (whole result (3,2,0))', () => {
    expect(make().calcSplit([0.5, 0.5, 0])).toEqual([3, 2, 0]);
  });

  test('6.4-7: split_correctness: [0.28,0.27,0.26] → lengths (2,1,2), the parts join into the whole index', () => {
    const index = make();
    index.split([0.28, 0.27, 0.26]);
    expect([index.train!.length, index.test!.length, index.validation!.length]).toEqual([2, 1, 2]);
    const union = [...index.train!.indices, ...index.test!.indices, ...index.validation!.indices].map(String).sort();
    expect(union).toEqual([...index.indices].map(String).sort());
  });

  test('6.4-8: get_pos: getPos(values[4]) == 4', () => {
    const index = make();
    expect(index.getPos(index.indices[4]!)).toBe(4);
  });

  test('6.4-9: get_pos_slice (a list): getPos([v0, v2]) == [0, 2]', () => {
    const index = make();
    expect(Array.from(index.getPos([index.indices[0]!, index.indices[2]!]))).toEqual([0, 2]);
  });

  test('6.4-10: get_pos_iterable: getPos(values) == [0..4]', () => {
    const index = make();
    expect(Array.from(index.getPos(index.indices))).toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(index.getPos(index))).toEqual([0, 1, 2, 3, 4]);
  });

  test('6.4-11: shuffle_bool_false: shuffle(false) == [0..4]', () => {
    expect(Array.from(make().shuffle(false))).toEqual([0, 1, 2, 3, 4]);
  });

  test('6.4-12: shuffle_bool_true: shuffle(42) is not the identity, and shuffle(true) is a permutation', () => {
    const index = make();
    expect(Array.from(index.shuffle(42))).not.toEqual([0, 1, 2, 3, 4]);
    expect(Array.from(index.shuffle(true)).sort()).toEqual([0, 1, 2, 3, 4]);
  });

  test('6.4-13: shuffle_int: shuffle(13) equals new Rng(13).permutation(5)', () => {
    expect(Array.from(make().shuffle(13))).toEqual(Array.from(new Rng(13).permutation(5)));
  });

  test('6.4-14: shuffle_randomstate: shuffle(new Rng(13)) equals another new Rng(13).permutation(5)', () => {
    expect(Array.from(make().shuffle(new Rng(13)))).toEqual(Array.from(new Rng(13).permutation(5)));
  });

  test('6.4-15: create_batch_pos_true: createBatch(range(5), {pos: true}).indices == values[:5]', () => {
    const index = make();
    expect(index.createBatch(range(0, 5), { pos: true }).indices).toEqual(index.indices.slice(0, 5));
  });

  test('6.4-16: create_batch_pos_false: createBatch([v0, v4], {pos: false}).indices == [v0, v4]', () => {
    const index = make();
    const values = [index.indices[0]!, index.indices[4]!];
    expect(index.createBatch(values, { pos: false }).indices).toEqual(values);
  });

  test('6.4-17: next_batch_stopiter_raise: nextBatch(5, nEpochs 1) works; a second call → StopIterationError', () => {
    const index = make();
    expect(index.nextBatch({ batchSize: 5, nEpochs: 1 }).length).toBe(5);
    expect(() => index.nextBatch({ batchSize: 5, nEpochs: 1 })).toThrow(StopIterationError);
  });

  test('6.4-18: next_batch_stopiter_pass: 10 × nextBatch(1, nEpochs null) → no error', () => {
    const index = make();
    const got = Array.from({ length: 10 }, () => index.nextBatch({ batchSize: 1, nEpochs: null }).indices[0]);
    expect(got).toEqual([...index.indices, ...index.indices]);
  });

  test('6.4-19: next_batch_drop_last_false_1: sizes 3, 3, 4 with nEpochs 2 → values ++ values', () => {
    const index = make();
    const joined = [3, 3, 4].flatMap((batchSize) => [...index.nextBatch({ batchSize, nEpochs: 2, dropLast: false }).indices]);
    expect(joined).toEqual([...index.indices, ...index.indices]);
  });

  test('6.4-20: next_batch_drop_last_false_2: 8 × nextBatch(2, nEpochs 3) → lengths [2,2,2,2,2,2,2,1]', () => {
    const index = make();
    const lengths = Array.from({ length: 8 }, () => index.nextBatch({ batchSize: 2, nEpochs: 3, dropLast: false }).length);
    expect(lengths).toEqual([2, 2, 2, 2, 2, 2, 2, 1]);
  });

  test('6.4-21: next_batch_drop_last_true: 10 loops of 2 calls → values[0:2] then values[2:4], every time', () => {
    const index = make();
    for (let loop = 0; loop < 10; loop++) {
      expect(index.nextBatch({ batchSize: 2, nEpochs: null, dropLast: true, shuffle: false }).indices).toEqual(index.indices.slice(0, 2));
      expect(index.nextBatch({ batchSize: 2, nEpochs: null, dropLast: true, shuffle: false }).indices).toEqual(index.indices.slice(2, 4));
    }
  });

  test('6.4-22: next_batch_smaller: 10 × nextBatch(2, dropLast) → length 2 each time', () => {
    const index = make();
    for (let i = 0; i < 10; i++) expect(index.nextBatch({ batchSize: 2, nEpochs: null, dropLast: true }).length).toBe(2);
  });

  test('6.4-23: next_batch_bigger: nextBatch(7) → ArgumentError', () => {
    expect(() => make().nextBatch({ batchSize: 7, nEpochs: null, dropLast: true })).toThrow(ArgumentError);
  });
});

describe.each<[string, () => DatasetIndex]>([
  ['DatasetIndex(1)', () => new DatasetIndex(1)],
  ['FilesIndex(fi_test_tmp/*1.txt)', () => new FilesIndex({ path: `${filesRoot}/fi_test_tmp/*1.txt` })],
])('small index (§6.4-3) on %s', (_, make) => {
  test('6.4-3: calc_split_raise_2: calcSplit([.5,.3,.2]) on 1 item → ArgumentError', () => {
    const index = make();
    expect(index.length).toBe(1);
    expect(() => index.calcSplit([0.5, 0.3, 0.2])).toThrow(ArgumentError);
  });
});
