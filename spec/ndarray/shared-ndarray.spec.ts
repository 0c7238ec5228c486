/**
 * Numeric ndarrays in shared memory: `sharedNdarray` allocates one, `toSharedNdarray` copies one there
 * (any layout, bit for bit), `isSharedArray` tells them apart; bad arguments are ArgumentErrors naming
 * the argument.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, isSharedArray, sharedNdarray, toSharedNdarray, zeros } from '../../src/index.js';

describe('ndarrays in shared memory', () => {
  test('sharedNdarray: zero-filled, contiguous, of the dtype and shape, in a SharedArrayBuffer', () => {
    const array = sharedNdarray('uint16', [3, 4, 5]);
    expect(array.shape).toEqual([3, 4, 5]);
    expect(array.data).toBeInstanceOf(Uint16Array);
    expect(array.data.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(array.data.length).toBe(60);
    expect(Array.from(array.data).every((value) => value === 0)).toBe(true);
    expect(isSharedArray(array)).toBe(true);
    expect(isSharedArray(zeros([2], 'float32'))).toBe(false);
    expect(isSharedArray(zeros([2], 'float32', { shared: true }))).toBe(true);
  });

  test('toSharedNdarray copies any layout bit for bit, never sharing memory with its input', () => {
    const bits = new Uint32Array(24).map((_, i) => 0x7fc00000 + i); // NaNs with payloads
    const base = ndarray(new Float32Array(bits.buffer), [2, 3, 4]);
    const view = base.transpose(2, 0, 1).lo(1).step(2);
    const copy = toSharedNdarray(view);
    expect(copy.shape).toEqual(view.shape);
    expect(copy.stride).toEqual([6, 3, 1]);
    expect(isSharedArray(copy)).toBe(true);
    const copied = new Uint32Array(copy.data.buffer);
    const expected: number[] = [];
    for (let a = 0; a < view.shape[0]!; a++)
      for (let b = 0; b < view.shape[1]!; b++) for (let c = 0; c < view.shape[2]!; c++) expected.push(bits[view.index(a, b, c)]!);
    expect(Array.from(copied)).toEqual(expected);
    // a shared input is copied too
    const again = toSharedNdarray(copy);
    expect(again.data.buffer).not.toBe(copy.data.buffer);
    copy.set(0, 0, 0, 5);
    expect(again.get(0, 0, 0)).toBeNaN();
    // a typed array is a 1-D ndarray
    const fromTyped = toSharedNdarray(new Int8Array([1, -2, 3]));
    expect(fromTyped.shape).toEqual([3]);
    expect(Array.from(fromTyped.data)).toEqual([1, -2, 3]);
  });

  test('bad arguments are ArgumentErrors naming the argument', () => {
    expect(() => sharedNdarray('float16' as never, [2])).toThrow(ArgumentError);
    expect(() => sharedNdarray('float32', [2, -1])).toThrow(expect.objectContaining({ argument: 'shape' }));
    expect(() => sharedNdarray('float16' as never, [2])).toThrow(expect.objectContaining({ argument: 'dtype' }));
    expect(() => toSharedNdarray([1, 2] as never)).toThrow(expect.objectContaining({ argument: 'array' }));
    expect(() => toSharedNdarray(ndarray([1, 2, 3], [3]) as never)).toThrow(/numeric ndarray/);
  });
});
