/**
 * The per-item work of `batch.toArray`: any numeric item (ndarray, typed array, nested arrays,
 * number) becomes an ndarray of a dtype with a channels axis, as image models expect.
 * @module
 */
import ndarray from 'ndarray';
import { describeKind } from '../ndarray/columns.js';
import { castNdArray, copyNdArray, isNdArray, isTypedArray, type DType, type NDArray } from '../ndarray/ndarray-utils.js';

/** Options of `toArray` (besides the parallel options; `src` is required). */
export interface ToArrayOptions {
  /** Element type of the result; null keeps the item's own (default 'float32'). */
  dtype?: DType | null;
  /** Where to put the channels axis: 'last' (default), 'first', or null to leave shapes alone. */
  channels?: 'first' | 'last' | null;
}

function toNdArray(value: unknown): NDArray {
  if (isNdArray(value)) return value;
  if (isTypedArray(value)) return ndarray(value, [value.length]);
  if (typeof value === 'number') return ndarray(new Float64Array([value]), []);
  if (Array.isArray(value)) {
    const shape: number[] = [];
    for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
    const flat = new Float64Array(shape.reduce((a, b) => a * b, 1));
    let offset = 0;
    const walk = (node: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof node !== 'number') throw new TypeError(`toArray: expected numbers, found ${typeof node}`);
        flat[offset++] = node;
        return;
      }
      if (!Array.isArray(node) || node.length !== shape[depth]) throw new TypeError('toArray: nested arrays must be rectangular');
      for (const child of node) walk(child, depth + 1);
    };
    walk(value, 0);
    return ndarray(flat, shape);
  }
  throw new TypeError(`toArray: cannot convert ${describeKind(value)} to an ndarray`);
}

/** One item as an ndarray of `options.dtype` with the channels axis where `options.channels` says. */
export function itemToArray(item: unknown, options: ToArrayOptions = {}): NDArray {
  let array = toNdArray(item);
  const channels = options.channels === undefined ? 'last' : options.channels;
  if (array.shape.length === 2) {
    if (channels === 'first') array = ndarray(copyNdArray(array).data, [1, ...array.shape]);
    else if (channels === 'last') array = ndarray(copyNdArray(array).data, [...array.shape, 1]);
  } else if (channels === 'first' && array.shape.length > 2) {
    const last = array.shape.length - 1;
    array = copyNdArray(array.transpose(last, ...Array.from({ length: last }, (_, i) => i)));
  }
  const dtype = options.dtype === undefined ? 'float32' : options.dtype;
  return dtype === null ? copyNdArray(array) : castNdArray(array, dtype);
}
