/** Small helpers shared by the specs: turning components into plain values and building inputs. */
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
 * True when `a` and `b` hold the same values, checked only where `toEqual` would pass too: primitives by
 * `Object.is`, arrays and typed arrays element by element (same kind), plain objects and other objects
 * tagged `[object Object]` (ndarrays) by the same own keys. Anything else (Maps, Sets, Dates, a key
 * missing on one side) counts as different here and is left to `toEqual`. Unlike Node's deep strict
 * equality, prototypes are not compared: values a worker sends back are built in another realm.
 */
function sameValues(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const tag = Object.prototype.toString.call(a);
  if (tag !== Object.prototype.toString.call(b)) return false;
  if (Array.isArray(a) || (ArrayBuffer.isView(a) && tag !== '[object DataView]')) {
    const left = a as ArrayLike<unknown>;
    const right = b as ArrayLike<unknown>;
    if (left.length !== right.length) return false;
    for (let i = 0; i < left.length; i++) if (!sameValues(left[i], right[i])) return false;
    return true;
  }
  if (tag !== '[object Object]' || Object.getOwnPropertySymbols(a).length + Object.getOwnPropertySymbols(b).length > 0) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  return keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && sameValues(left[key], right[key]));
}

/**
 * `expect(actual).toEqual(expected)` for large values (lists of batches, components as long number
 * lists): jest's own comparison takes seconds for a few epochs of image batches, so they are first
 * compared by {@link sameValues}, and `toEqual` runs only when that finds a difference, to report it.
 */
export function expectSameValues(actual: unknown, expected: unknown): void {
  if (sameValues(actual, expected)) return;
  expect(actual).toEqual(expected);
}
