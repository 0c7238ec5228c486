/** Small helpers shared by the specs: turning components into plain values and building inputs. */
import { isDeepStrictEqual } from 'node:util';
import { expect } from '@jest/globals';
import ndarray from 'ndarray';
import { isNdArray, type NDArray } from '../../src/index.js';

/** A component or item as plain nested arrays (ndarrays and typed arrays become JS arrays). */
export function toList(x: unknown): unknown {
  if (isNdArray(x)) {
    if (x.shape.length === 0) return x.get();
    if (x.shape.length === 1) return Array.from({ length: x.shape[0]! }, (_, i) => x.get(i));
    return Array.from({ length: x.shape[0]! }, (_, i) => toList(x.pick(i)));
  }
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  if (Array.isArray(x)) return x.map(toList);
  return x;
}

/** start, start + 1, …, stop − 1. */
export const range = (start: number, stop: number): number[] => Array.from({ length: stop - start }, (_, i) => start + i);

/** A 1-D float64 ndarray of `values`. */
export const nd = (values: number[]): NDArray => ndarray(Float64Array.from(values), [values.length]);

/**
 * `expect(actual).toEqual(expected)` for large values (lists of batches, components as long number
 * lists): they are first compared with Node's deep strict equality, which is at least as strict as
 * `toEqual` and far faster on long lists (jest's own comparison takes seconds for a few epochs of
 * image batches); only when that finds a difference does `toEqual` run, to fail with its diff.
 */
export function expectSameValues(actual: unknown, expected: unknown): void {
  if (isDeepStrictEqual(actual, expected)) return;
  expect(actual).toEqual(expected);
}
