/**
 * pandas' fixed-format HDF5 frames store object (string) blocks as a pickled numpy array in a
 * VLArray. This module reads such a pickle through the safe numpy pickle reader (numpy-pickle.ts):
 * nothing is executed and only numpy's array globals are honoured. Only object arrays of strings,
 * numbers, booleans and None are accepted.
 * @module
 */
import { NumpyArray, readNumpyPickle } from './numpy-pickle.js';

/** A decoded numpy object array: its shape, memory order of `values` and elements (flat). */
export interface PickledObjectArray {
  readonly shape: readonly number[];
  /** Always false: `values` are in row-major order whatever the array's memory order was. */
  readonly fortran: boolean;
  readonly values: ReadonlyArray<string | number | boolean | null>;
}

/** Decodes a pickled numpy object array; throws an Error describing what was found otherwise. */
export function decodePickledObjectArray(bytes: Uint8Array): PickledObjectArray {
  const root = readNumpyPickle(bytes);
  if (!(root instanceof NumpyArray))
    throw new TypeError(`expected a pickled numpy array, found ${root === null ? 'None' : typeof root === 'object' ? 'another Python value' : typeof root}`);
  if (root.dtype !== 'object' && root.dtype !== 'str') throw new TypeError(`expected an object (string) array, found a ${root.dtype} array`);
  const values = (root.data as ReadonlyArray<string | number | bigint | boolean | null | Uint8Array>).map((value) => {
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    return value;
  });
  return { shape: root.shape, fortran: false, values };
}
