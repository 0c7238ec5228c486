/**
 * Turning per-item results into one component (the default `post`, `_assemble`): numbers become a
 * 1-D float64 ndarray, same-shape ndarrays (or same-length typed arrays) are stacked into one
 * ndarray, and anything else (ragged shapes, mixed types, objects) stays a plain array.
 * @module
 */
import ndarray from 'ndarray';
import {
  copyInto,
  dtypeOf,
  isNdArray,
  isTypedArray,
  sameShape,
  stackNdArrays,
  typedArrayConstructor,
  type NDArray,
  type TypedArray,
} from '../ndarray/ndarray-utils.js';
import type { Column } from '../ndarray/columns.js';
import { stackedView } from '../engines/result-buffer.js';
import { assembleIntoRows, type OutputRows } from '../engines/item-outputs.js';

/**
 * The common case in one pass: every value an ndarray of `first`'s shape and storage type, each copied
 * as it is checked (a whole fresh array with one native copy). Null as soon as a value differs.
 */
function stackSameDtype(values: readonly unknown[], first: NDArray): NDArray | null {
  const dtype = dtypeOf(first);
  if (dtype === undefined) return null;
  const shape = first.shape;
  const size = first.size;
  const Storage = typedArrayConstructor(dtype);
  const out = new Storage(values.length * size);
  const viewClass = first.constructor;
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (isFreshLike(value, viewClass, Storage, shape, size)) {
      out.set(value.data, i * size);
      continue;
    }
    if (!isNdArray(value) || value.dtype !== dtype || !sameShape(value.shape, shape)) return null;
    copyInto(out, i * size, value);
  }
  return ndarray(out, [values.length, ...shape]);
}

/**
 * True for the usual result of an item function: an ndarray of the first result's view class (so of
 * its dtype and dimension count) and shape over the whole of a storage of its own, in order. Checked
 * with few property reads: in a process that has seen many view classes, each read of an ndarray's
 * property is a lookup of its own (1,000 rows of 16 float32: 0.17 ms fresh, 0.31 ms after other shapes
 * and dtypes with the general checks).
 */
function isFreshLike(value: unknown, viewClass: unknown, Storage: unknown, shape: readonly number[], size: number): value is NDArray<TypedArray> {
  if (typeof value !== 'object' || value === null || value.constructor !== viewClass) return false;
  const array = value as NDArray;
  const data = array.data as TypedArray;
  if (array.offset !== 0 || data.constructor !== Storage || data.length !== size) return false;
  const valueShape = array.shape;
  const stride = array.stride;
  // the view class fixes the dimension count; row-major strides over the whole storage
  for (let axis = shape.length - 1, expected = 1; axis >= 0; axis--) {
    const length = shape[axis]!;
    if (valueShape[axis] !== length || (length > 1 && stride[axis] !== expected)) return false;
    expected *= length;
  }
  return true;
}

/** Same-shape ndarrays of different element types stack as float64; ragged or mixed values stay a plain array. */
function stackMixed(values: readonly unknown[], first: NDArray): Column {
  const shape = first.shape;
  let dtype = dtypeOf(first);
  for (let i = 1; i < values.length; i++) {
    const value = values[i];
    if (!isNdArray(value) || !sameShape(value.shape, shape)) return [...values];
    if (dtypeOf(value) !== dtype) dtype = 'float64';
  }
  return stackNdArrays(values as NDArray[], dtype ?? 'float64');
}

/**
 * Assembles one component's per-item results into a column (see module docs for the rules).
 * `outputs`: the rows the items were given by `context.output`, used as the column when they fit.
 */
export function assembleColumn(values: readonly unknown[], outputs?: OutputRows): Column {
  const count = values.length;
  if (count === 0) return [];
  const first = values[0];
  if (typeof first === 'number') {
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const value = values[i];
      if (typeof value !== 'number') return [...values];
      out[i] = value;
    }
    return ndarray(out, [count]);
  }
  if (isNdArray(first)) {
    const view = stackedView(values) ?? (outputs === undefined ? null : assembleIntoRows(values, outputs));
    if (view) return view;
    return stackSameDtype(values, first) ?? stackMixed(values, first);
  }
  if (isTypedArray(first)) {
    for (let i = 1; i < count; i++) {
      const value = values[i];
      if (!isTypedArray(value) || value.constructor !== first.constructor || value.length !== first.length) return [...values];
    }
    return stackNdArrays(values.map((v) => ndarray(v as typeof first, [first.length])));
  }
  return [...values];
}
