/**
 * Numeric ndarrays in shared memory (a `SharedArrayBuffer`): a dataset whose preloaded components
 * live there lets 'threads' batch workers gather each batch's rows themselves, so the calling thread
 * sends only the batch's ids (see docs/pipelines.md, "Batches on workers").
 * @module
 */
import ndarray from 'ndarray';
import { ArgumentError } from '../errors.js';
import {
  copyInto,
  dtypeOf,
  isNdArray,
  isTypedArray,
  sharedTypedArray,
  typedArrayConstructor,
  type DType,
  type NDArray,
  type TypedArray,
} from './ndarray-utils.js';

/**
 * A zero-filled, contiguous ndarray of `shape` and `dtype` in shared memory (the same as
 * `zeros(shape, dtype, { shared: true })`).
 *
 * @throws ArgumentError for a shape that is not a list of non-negative integers, or an unknown dtype.
 * @example
 * ```ts
 * const images = sharedNdarray('float32', [2000, 128, 128]);
 * const dataset = new Dataset(2000, { batchClass: Images, preloaded: { images } });
 * ```
 */
export function sharedNdarray(dtype: DType, shape: readonly number[]): NDArray<TypedArray> {
  if (!Array.isArray(shape) || shape.some((size) => !Number.isInteger(size) || size < 0))
    throw new ArgumentError('shape', `expected a list of non-negative integers, got ${JSON.stringify(shape)}`);
  try {
    typedArrayConstructor(dtype);
  } catch (error) {
    throw new ArgumentError('dtype', error instanceof Error ? error.message : String(error));
  }
  const length = shape.reduce((total, size) => total * size, 1);
  return ndarray(sharedTypedArray(dtype, length), [...shape]);
}

/**
 * A copy of `array` (a numeric ndarray, or a typed array seen as a 1-D ndarray) in shared memory:
 * contiguous, same shape and dtype, bit for bit. An ndarray already in shared memory is copied too
 * (the copy never shares memory with `array`).
 *
 * @throws ArgumentError when `array` is neither a typed array nor an ndarray over one of the dtypes.
 * @example
 * ```ts
 * const dataset = new Dataset(n, { batchClass: Images, preloaded: { images: toSharedNdarray(images) } });
 * ```
 */
export function toSharedNdarray(array: NDArray | TypedArray): NDArray<TypedArray> {
  const source = isTypedArray(array) ? ndarray(array, [array.length]) : array;
  const dtype = isNdArray(source) && isTypedArray(source.data) ? dtypeOf(source) : undefined;
  if (dtype === undefined)
    throw new ArgumentError(
      'array',
      `expected a numeric ndarray or typed array (float32, float64, int8, int16, int32, uint8, uint16, uint32, uint8_clamped), got ${describe(array)}`,
    );
  const copy = sharedNdarray(dtype, source.shape);
  copyInto(copy.data, 0, source);
  return copy;
}

/** True when `value` is an ndarray or typed array whose storage is a `SharedArrayBuffer`. */
export function isSharedArray(value: unknown): boolean {
  const data = isNdArray(value) ? value.data : value;
  return isTypedArray(data) && data.buffer instanceof SharedArrayBuffer;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (isNdArray(value)) return `an ndarray of dtype '${String(value.dtype)}'`;
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'an object';
  return typeof value;
}
