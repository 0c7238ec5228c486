/**
 * Port of BatchFlow's assemble_test.py (catalogue T88–T92): the default post `_assemble`.
 * `FakeBatch` has components c1, c2 and no data. `_assemble(results, {dst})` takes a resolved dst;
 * the dst defaults (`dst` from `src`, `dstDefault: 'components'`) are resolved by the parallel
 * runner, so T91/T92 go through `applyParallel` with the results given as the items (`init`).
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { AssembleError, Batch, isNdArray, tuple, type NDArray } from '../../src/index.js';
import { toList } from '../helpers/values.js';

class FakeBatch extends Batch {
  static override components = ['c1', 'c2'] as const;
  declare c1: NDArray | null;
  declare c2: NDArray | null;
}

const identity = <T>(x: T): T => x;

describe('assemble_test', () => {
  test('T88: an Error among the results → AssembleError "Could not assemble the batch" with the error as cause', () => {
    const batch = new FakeBatch([0, 1]);
    const fake = new Error('Fake exception');
    let error: unknown;
    try {
      batch._assemble([fake, 0], { dst: 'c1' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AssembleError);
    expect((error as Error).message).toContain('Could not assemble the batch');
    expect((error as Error).cause).toBe(fake);
    expect(batch.c1).toBeNull();
  });

  test("T89: results [0, 1] with dst 'c1' → c1 == [0, 1], c2 null", () => {
    const batch = new FakeBatch([0, 1]);
    expect(batch._assemble([0, 1], { dst: 'c1' })).toBe(batch);
    expect(toList(batch.c1)).toEqual([0, 1]);
    expect(batch.c2).toBeNull();
  });

  test("T90: results [[0,2],[1,3]] with dst ['c1','c2'] → per-item results transposed: c1 == [0,1], c2 == [2,3]", () => {
    const batch = new FakeBatch([0, 1]);
    batch._assemble(
      [
        [0, 2],
        [1, 3],
      ],
      { dst: ['c1', 'c2'] },
    );
    expect(toList(batch.c1)).toEqual([0, 1]);
    expect(toList(batch.c2)).toEqual([2, 3]);
  });

  test('T90 (tuple dst): dst tuple(c1, c2) transposes the same way', () => {
    const batch = new FakeBatch([0, 1]);
    batch._assemble(
      [
        [0, 2],
        [1, 3],
      ],
      { dst: tuple('c1', 'c2') },
    );
    expect(toList(batch.c1)).toEqual([0, 1]);
    expect(toList(batch.c2)).toEqual([2, 3]);
  });

  test("T91: results [0, 1] with src 'c1' and no dst → dst defaults to src: c1 == [0, 1], c2 null", async () => {
    const batch = new FakeBatch([0, 1]);
    await batch.actions.applyParallel(identity, { init: [0, 1], src: 'c1' });
    expect(toList(batch.c1)).toEqual([0, 1]);
    expect(batch.c2).toBeNull();
  });

  test("T92: results [[0,2],[1,3]] with dstDefault 'components' → c1 == [0,1], c2 == [2,3]", async () => {
    const batch = new FakeBatch([0, 1]);
    await batch.actions.applyParallel(identity, {
      init: [
        [0, 2],
        [1, 3],
      ],
      dstDefault: 'components',
    });
    expect(toList(batch.c1)).toEqual([0, 1]);
    expect(toList(batch.c2)).toEqual([2, 3]);
  });

  test('T90 (wrong arity): several dst names and an item that does not return one value per name → AssembleError naming the item', () => {
    const batch = new FakeBatch([0, 1]);
    expect(() => batch._assemble([[0, 2], [1]], { dst: ['c1', 'c2'] })).toThrow(/item 1 must return 2 values/);
    expect(batch.c1).toBeNull();
    expect(batch.c2).toBeNull();
  });
});

describe('_assemble column kinds (§4.8)', () => {
  test('numbers → a 1-D float64 ndarray', () => {
    const batch = new FakeBatch([0, 1, 2]);
    batch._assemble([1, 2.5, 3], { dst: 'c1' });
    expect(isNdArray(batch.c1)).toBe(true);
    expect(batch.c1!.dtype).toBe('float64');
    expect(toList(batch.c1)).toEqual([1, 2.5, 3]);
  });

  test('same-shape ndarrays → stacked (dtype kept when all the same, float64 otherwise)', () => {
    const batch = new FakeBatch([0, 1]);
    batch._assemble([ndarray(Int32Array.from([1, 2]), [2]), ndarray(Int32Array.from([3, 4]), [2])], { dst: 'c1' });
    expect(batch.c1!.shape).toEqual([2, 2]);
    expect(batch.c1!.dtype).toBe('int32');
    expect(toList(batch.c1)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    batch._assemble([ndarray(Int32Array.from([1, 2]), [2]), ndarray(Float32Array.from([3.5, 4]), [2])], { dst: 'c2' });
    expect(batch.c2!.dtype).toBe('float64');
    expect(toList(batch.c2)).toEqual([
      [1, 2],
      [3.5, 4],
    ]);
  });

  test('same-shape results stack by their elements whatever their layout: fresh, transposed, offset into a larger storage, or of another shape', () => {
    const batch = new FakeBatch([0, 1, 2, 3]);
    const fresh = ndarray(Float32Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    // the same view class (2-D float32) as the first result, but not the whole of its storage in order
    const transposed = ndarray(Float32Array.from([10, 40, 20, 50, 30, 60]), [3, 2]).transpose(1, 0);
    const offset = ndarray(Float32Array.from([0, 0, 7, 8, 9, 10, 11, 12]), [2, 3], [3, 1], 2);
    const longer = ndarray(Float32Array.from([13, 14, 15, 16, 17, 18, 99]), [2, 3]);
    batch._assemble([fresh, transposed, offset, longer], { dst: 'c1' });
    expect(batch.c1!.shape).toEqual([4, 2, 3]);
    expect(batch.c1!.dtype).toBe('float32');
    expect(toList(batch.c1)).toEqual([
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      [
        [10, 20, 30],
        [40, 50, 60],
      ],
      [
        [7, 8, 9],
        [10, 11, 12],
      ],
      [
        [13, 14, 15],
        [16, 17, 18],
      ],
    ]);
    // a result of the same view class but another shape: no stacking
    const pair = new FakeBatch([0, 1]);
    pair._assemble([fresh, ndarray(new Float32Array(6), [3, 2])], { dst: 'c2' });
    expect(Array.isArray(pair.c2)).toBe(true);
  });

  test('differently shaped ndarrays → a plain array of the item arrays', () => {
    const batch = new FakeBatch([0, 1]);
    const a = ndarray(new Float64Array(6), [2, 3]);
    const b = ndarray(new Float64Array(8), [2, 4]);
    batch._assemble([a, b], { dst: 'c1' });
    const stored = batch.getComponent('c1') as unknown[];
    expect(Array.isArray(stored)).toBe(true);
    expect((stored[0] as NDArray).shape).toEqual([2, 3]);
    expect((stored[1] as NDArray).shape).toEqual([2, 4]);
  });

  test('same-length typed arrays → a 2-D ndarray; strings, objects and nulls → a plain array', () => {
    const batch = new FakeBatch([0, 1]);
    batch._assemble([Float32Array.from([1, 2, 3]), Float32Array.from([4, 5, 6])], { dst: 'c1' });
    expect(batch.c1!.shape).toEqual([2, 3]);
    expect(toList(batch.c1)).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    batch._assemble(['a', 'b'], { dst: 'c2' });
    expect(batch.getComponent('c2')).toEqual(['a', 'b']);
    batch._assemble([{ k: 1 }, null], { dst: 'c2' });
    expect(batch.getComponent('c2')).toEqual([{ k: 1 }, null]);
  });

  test('a dst that is not a component yet is created; a result count different from the batch size → ComponentError', () => {
    const batch = new FakeBatch([0, 1]);
    batch._assemble([5, 6], { dst: 'c3' });
    expect(batch.components).toEqual(['c1', 'c2', 'c3']);
    expect(toList(batch.getComponent('c3'))).toEqual([5, 6]);
    expect(() => batch._assemble([1, 2, 3], { dst: 'c4' })).toThrow(/must have 2 items/);
    expect(batch.components).toEqual(['c1', 'c2', 'c3']);
  });
});
