/**
 * The small ndarray layer that scijs ndarray lacks: type guards, row gathering ("fancy indexing" on
 * the first axis), stacking, concatenation and dtype casts. Internal; the public type is `NDArray`.
 * @module
 */
import ndarray from 'ndarray';
import ops from 'ndarray-ops';
import { gatherRows, type RowStorage } from './gather-rows.js';
import { contiguousView } from './views.js';

/** A numeric n-dimensional array (scijs `ndarray`); the first axis of a component is the item axis. */
export type NDArray<D extends ndarray.Data = ndarray.Data<number>> = ndarray.NdArray<D>;

/** A JavaScript typed array holding numbers. */
export type TypedArray = ndarray.TypedArray;

/** Names of the numeric element types accepted by `toArray` and the stacking code. */
export type DType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'uint8_clamped';

type TypedArrayConstructor = { new (length: number): TypedArray; new (values: ArrayLike<number>): TypedArray };

const constructors: Record<DType, TypedArrayConstructor> = {
  float32: Float32Array,
  float64: Float64Array,
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  uint32: Uint32Array,
  uint8_clamped: Uint8ClampedArray,
};

/** The dtype whose storage class is exactly `array`'s class (undefined for another class, such as Node's Buffer). */
export function typedArrayDType(array: TypedArray): DType | undefined {
  for (const dtype of Object.keys(constructors) as DType[]) if (array.constructor === constructors[dtype]) return dtype;
  return undefined;
}

/** The typed-array constructor for `dtype`; throws a TypeError listing the valid names otherwise. */
export function typedArrayConstructor(dtype: string): TypedArrayConstructor {
  const found = (constructors as Record<string, TypedArrayConstructor | undefined>)[dtype];
  if (!found) throw new TypeError(`dtype: unknown dtype ${JSON.stringify(dtype)}; expected one of ${Object.keys(constructors).join(', ')}`);
  return found;
}

/** True for a scijs ndarray. */
export function isNdArray(value: unknown): value is NDArray {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<NDArray>;
  return Array.isArray(candidate.shape) && Array.isArray(candidate.stride) && typeof candidate.pick === 'function' && candidate.data !== undefined;
}

/** True for a typed array (not a DataView). */
export function isTypedArray(value: unknown): value is TypedArray {
  return ArrayBuffer.isView(value) && !(value instanceof DataView);
}

/** True when the array's elements are laid out row-major without gaps (so rows can be memcpy'd). */
export function isContiguous(array: NDArray): boolean {
  let expected = 1;
  for (let axis = array.shape.length - 1; axis >= 0; axis--) {
    if (array.shape[axis]! > 1 && array.stride[axis] !== expected) return false;
    expected *= array.shape[axis]!;
  }
  return true;
}

/** The number of elements of an array of `shape` (the product of its lengths; 1 for `[]`). */
export function shapeSize(shape: readonly number[]): number {
  let total = 1;
  for (const length of shape) total *= length;
  return total;
}

/** True when two shapes have the same lengths on every axis. */
export function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Allocates a zero-filled contiguous ndarray (in shared memory with `{ shared: true }`). */
export function zeros(shape: readonly number[], dtype: DType = 'float64', options: { shared?: boolean } = {}): NDArray<TypedArray> {
  const data = options.shared ? sharedTypedArray(dtype, shapeSize(shape)) : new (typedArrayConstructor(dtype))(shapeSize(shape));
  return ndarray(data, [...shape]);
}

/**
 * A zero-filled typed array of `length` elements in shared memory (a SharedArrayBuffer). Components in
 * shared memory go to 'threads' workers without being copied.
 */
export function sharedTypedArray(dtype: DType, length: number): TypedArray {
  const Constructor = typedArrayConstructor(dtype) as unknown as { new (buffer: SharedArrayBuffer): TypedArray; BYTES_PER_ELEMENT: number };
  return new Constructor(new SharedArrayBuffer(length * Constructor.BYTES_PER_ELEMENT));
}

/** The element constructor of an ndarray's storage, or Float64Array for generic storage. */
function storageConstructor(array: NDArray): TypedArrayConstructor {
  return isTypedArray(array.data) ? (array.data.constructor as TypedArrayConstructor) : Float64Array;
}

/**
 * Copies `count` elements. Short runs are copied element by element: `set(subarray(...))` allocates a
 * view object per call, which dominates for rows of a few dozen elements.
 */
export function copyElements(target: TypedArray, targetOffset: number, source: TypedArray, sourceOffset: number, count: number): void {
  if (count <= 64) {
    for (let i = 0; i < count; i++) target[targetOffset + i] = source[sourceOffset + i]!;
  } else {
    target.set(source.subarray(sourceOffset, sourceOffset + count), targetOffset);
  }
}

/** Copies `source` into the contiguous `target` storage starting at element `targetOffset`. */
export function copyInto(target: TypedArray, targetOffset: number, source: NDArray): void {
  const size = shapeSize(source.shape);
  const data = source.data;
  if (source.offset === 0 && isTypedArray(data) && data.length === size && isContiguous(source)) {
    // the whole of its storage (a fresh per-item result): one native copy. A loop is as fast for a short row
    // only while its element accesses have seen one dtype; in a process that has copied several (any real
    // one), it is about ten times slower than the native copy (1,000 rows of 16 float32: 1.8 against 0.15 ms)
    target.set(data, targetOffset);
    return;
  }
  if (isContiguous(source) && isTypedArray(source.data)) {
    copyElements(target, targetOffset, source.data, source.offset, size);
    return;
  }
  const view = ndarray(target, source.shape.slice(), undefined, targetOffset);
  ops.assign(view, source);
}

/** A contiguous copy of `array` (same dtype). */
export function copyNdArray(array: NDArray): NDArray<TypedArray> {
  const Constructor = storageConstructor(array);
  const out = new Constructor(shapeSize(array.shape));
  copyInto(out, 0, array);
  return ndarray(out, array.shape.slice());
}

/** Item `position` along the first axis: a scalar for 1-D arrays, otherwise a view (no copy). */
export function ndItem(array: NDArray, position: number): unknown {
  if (array.shape.length === 1) return array.get(position);
  return array.pick(position);
}

/** The rows at `positions` (first axis), gathered into a new contiguous array (or, for contiguous typed storage, one `storage` offers). */
export function takeNdRows(array: NDArray, positions: ArrayLike<number>, storage?: RowStorage): NDArray<TypedArray> {
  const rowShape = array.shape.slice(1);
  const rowSize = shapeSize(rowShape);
  const count = array.shape[0]!;
  if (isContiguous(array) && isTypedArray(array.data))
    return contiguousView(gatherRows(array.data, array.offset, count, rowSize, positions, storage), [positions.length, ...rowShape]);
  const out = new (storageConstructor(array))(positions.length * rowSize);
  for (let k = 0; k < positions.length; k++) {
    const position = positions[k]!;
    if (!(position >= 0 && position < count)) throw new RangeError(`position ${position} is out of bounds for an array of ${count} items`);
    if (rowShape.length === 0) {
      out[k] = array.get(position);
    } else {
      copyInto(out, k * rowSize, array.pick(position));
    }
  }
  return ndarray(out, [positions.length, ...rowShape]);
}

/** Stacks same-shape arrays along a new first axis. `dtype` defaults to the first array's. */
export function stackNdArrays(arrays: readonly NDArray[], dtype?: DType): NDArray<TypedArray> {
  const first = arrays[0];
  if (!first) throw new RangeError('stack: no arrays given');
  const shape = first.shape.slice();
  const size = shapeSize(shape);
  const Constructor = dtype ? typedArrayConstructor(dtype) : storageConstructor(first);
  const out = new Constructor(arrays.length * size);
  for (let k = 0; k < arrays.length; k++) copyInto(out, k * size, arrays[k]!);
  return ndarray(out, [arrays.length, ...shape]);
}

/** Concatenates arrays along the first axis; trailing shapes must match. */
export function concatNdArrays(arrays: readonly NDArray[]): NDArray<TypedArray> {
  const first = arrays[0];
  if (!first) throw new RangeError('concat: no arrays given');
  const rowShape = first.shape.slice(1);
  const rowSize = shapeSize(rowShape);
  let rows = 0;
  for (const array of arrays) {
    if (array.shape.length !== first.shape.length || array.shape.slice(1).some((d, i) => d !== rowShape[i])) {
      throw new RangeError(`concat: shapes [${first.shape}] and [${array.shape}] differ beyond the first axis`);
    }
    rows += array.shape[0]!;
  }
  const Constructor = storageConstructor(first);
  // like np.concatenate: mixed element types go to float64 instead of truncating into the first's type
  const out = new (arrays.every((array) => storageConstructor(array) === Constructor) ? Constructor : Float64Array)(rows * rowSize);
  let offset = 0;
  for (const array of arrays) {
    copyInto(out, offset, array);
    offset += array.shape[0]! * rowSize;
  }
  return ndarray(out, [rows, ...rowShape]);
}

/** A copy of `array` with elements converted to `dtype`. */
export function castNdArray(array: NDArray, dtype: DType): NDArray<TypedArray> {
  const out = new (typedArrayConstructor(dtype))(shapeSize(array.shape));
  copyInto(out, 0, array);
  return ndarray(out, array.shape.slice());
}

/** The dtype name of an ndarray's storage, or undefined for generic storage. */
export function dtypeOf(array: NDArray): DType | undefined {
  const name = array.dtype as string;
  return name in constructors ? (name as DType) : undefined;
}
