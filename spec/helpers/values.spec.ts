/**
 * The specs' comparison of large values: it passes exactly where `toEqual` passes for the values the
 * specs compare (numbers, arrays, typed arrays, ndarrays, plain objects, also built in another realm),
 * and fails with `toEqual`'s report otherwise.
 */
import { describe, expect, test } from '@jest/globals';
import { runInNewContext } from 'node:vm';
import ndarray from 'ndarray';
import { expectSameValues } from './values.js';

const fails = (actual: unknown, expected: unknown): void => expect(() => expectSameValues(actual, expected)).toThrow(/toEqual/);

describe('expectSameValues', () => {
  test('passes for the same values: numbers (NaN too), nested lists, typed arrays, ndarrays, undefined keys', () => {
    expectSameValues({ a: [1, NaN, [2, 3]], b: 'x' }, { a: [1, NaN, [2, 3]], b: 'x' });
    expectSameValues(new Float32Array([1, 2.5]), new Float32Array([1, 2.5]));
    expectSameValues(ndarray(new Int16Array([1, 2, 3, 4]), [2, 2]), ndarray(new Int16Array([1, 2, 3, 4]), [2, 2]));
    // what toEqual allows: an undefined key against a missing one
    expectSameValues({ a: 1, b: undefined }, { a: 1 });
  });

  test('passes for values built in another realm, as those a worker sends back', () => {
    const foreign = runInNewContext('({ ids: [3, 1], pixels: new Float64Array([0.5, -1]) })') as unknown;
    expectSameValues(foreign, { ids: [3, 1], pixels: new Float64Array([0.5, -1]) });
  });

  test('fails on a different element, length, sign of zero, array kind, key or shape', () => {
    fails([1, 2, 3], [1, 2, 4]);
    fails([1, 2], [1, 2, 3]);
    fails([0], [-0]);
    fails(new Float32Array([1]), new Float64Array([1]));
    fails(new Float32Array([1]), [1]);
    fails({ a: 1 }, { a: 1, b: 2 });
    fails({ a: { b: [1, [2]] } }, { a: { b: [1, [3]] } });
    fails(ndarray(new Float32Array(4), [2, 2]), ndarray(new Float32Array(4), [4, 1]));
  });
});
