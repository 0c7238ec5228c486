/**
 * `Batch.allocate`: a zero-filled array of the given shape and dtype for an action's result. On the
 * calling thread it is a new array of its own every call; bad shapes and dtypes are refused with
 * typed errors. (In batches made on workers it comes from reused memory: see the specs of
 * `reuseMemory` in spec/pipeline/workers-reuse-memory.spec.ts.)
 */
import { describe, expect, test } from '@jest/globals';
import { ArgumentError, Batch, type DType, type NDArray } from '../../src/index.js';

class Images extends Batch {
  static override components = ['images'] as const;
  declare images: NDArray | null;
}

describe('Batch.allocate', () => {
  test.each([
    ['float32', Float32Array],
    ['uint8', Uint8Array],
    ['int32', Int32Array],
    ['float64', Float64Array],
  ] as const)('gives zeros of the shape and dtype %s', (dtype, Constructor) => {
    const batch = new Images([0, 1, 2]);
    const array = batch.allocate([3, 70, 90], dtype as DType);
    expect(array.shape).toEqual([3, 70, 90]);
    expect(array.data).toBeInstanceOf(Constructor);
    expect(array.size).toBe(3 * 70 * 90);
    expect(Array.from(array.data as ArrayLike<number>).every((value) => value === 0)).toBe(true);
  });

  test('is float64 by default, and a new array of its own on every call', () => {
    const batch = new Images([0, 1]);
    const first = batch.allocate([2, 200, 200]);
    const second = batch.allocate([2, 200, 200]);
    expect(first.data).toBeInstanceOf(Float64Array);
    first.set(1, 5, 5, 7);
    expect(second.get(1, 5, 5)).toBe(0);
    expect(first.data.buffer).not.toBe(second.data.buffer);
  });

  test('keeps the shape it was given when the caller changes its list afterwards', () => {
    const shape = [2, 3];
    const array = new Images([0, 1]).allocate(shape, 'int16');
    shape[0] = 9;
    expect(array.shape).toEqual([2, 3]);
  });

  test('a shape that is not a list of non-negative integers is an ArgumentError naming shape', () => {
    const batch = new Images([0]);
    for (const bad of [[-1, 2], [1.5], 'big', null]) {
      expect(() => batch.allocate(bad as unknown as number[], 'float32')).toThrow(ArgumentError);
      expect(() => batch.allocate(bad as unknown as number[], 'float32')).toThrow(/shape/);
    }
  });

  test('an unknown dtype is a TypeError naming it', () => {
    expect(() => new Images([0]).allocate([2], 'float128' as DType)).toThrow(TypeError);
    expect(() => new Images([0]).allocate([2], 'float128' as DType)).toThrow(/float128/);
  });
});
