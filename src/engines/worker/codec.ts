/**
 * Encoding of item lists and results for worker messages. Numbers travel packed in one
 * Float64Array, same-shape numeric ndarrays packed in one typed array (one memcpy per item, then
 * moved with a transfer list or written to shared memory), anything else by structured clone with
 * ndarrays turned into `{data, shape}` records.
 * @module
 */
import ndarray from 'ndarray';
import {
  copyInto,
  dtypeOf,
  isContiguous,
  isNdArray,
  sameShape,
  typedArrayConstructor,
  type DType,
  type NDArray,
  type TypedArray,
} from '../../ndarray/ndarray-utils.js';
import { isHandedOver } from '../shared-slots.js';

const ndarrayMarker = '__batchflowNdarray';

/** A list of values in transit. `data` may be replaced by a shared-memory reference (see `ShmRef`). */
export type EncodedList =
  | { readonly kind: 'numbers'; readonly length: number; data: TypedArray | ShmRef }
  | { readonly kind: 'ndarrays'; readonly length: number; readonly dtype: DType; readonly shape: readonly number[]; data: TypedArray | ShmRef }
  | { readonly kind: 'values'; readonly length: number; readonly values: unknown[] };

/** Consecutive integer ids (`first`, `first + 1`, …), sent as their first value and count. */
export interface IdRange {
  readonly kind: 'range';
  readonly length: number;
  readonly first: number;
}

/** The ids of an {@link IdRange} or an encoded list, as a plain array. */
export function decodeIds(ids: EncodedList | IdRange): unknown[] {
  if (ids.kind !== 'range') return decodeAll(ids);
  const values = new Array<unknown>(ids.length);
  for (let k = 0; k < ids.length; k++) values[k] = ids.first + k;
  return values;
}

/** Whether `key` names an element of an array (a canonical non-negative integer). */
function isElementKey(key: string | symbol): key is string {
  return typeof key === 'string' && /^(?:0|[1-9]\d*)$/.test(key);
}

/**
 * The ids of an {@link IdRange} or an encoded list as the index values of items, without a boxed value
 * per id: a range answers `first + k` when element k is read (it is read rarely: by `context.index` and
 * for errors), packed numbers are read from their typed array, other ids are decoded.
 */
export function decodeIdValues(ids: EncodedList | IdRange): ArrayLike<unknown> {
  if (ids.kind === 'range') {
    const { first, length } = ids;
    return new Proxy([] as unknown[], {
      get: (target, key) => {
        if (key === 'length') return length;
        if (isElementKey(key)) return Number(key) < length ? first + Number(key) : undefined;
        return Reflect.get(target, key);
      },
      has: (target, key) => (isElementKey(key) ? Number(key) < length : Reflect.has(target, key)),
    });
  }
  if (ids.kind === 'numbers' && !isShmRef(ids.data)) return ids.data;
  return decodeAll(ids);
}

/** A packed buffer stored in a shared-memory file (the 'mpc' transport). */
export interface ShmRef {
  readonly shmFile: string;
  readonly byteOffset: number;
  readonly byteLength: number;
  readonly dtype: DType;
}

/** True for a {@link ShmRef}. */
export function isShmRef(value: unknown): value is ShmRef {
  return typeof value === 'object' && value !== null && 'shmFile' in value;
}

/** Storage for `length` elements of `dtype` to pack values into, or null for a buffer of their own. */
type PackStorage = (dtype: DType, length: number) => TypedArray | null;

function encodeLeaf(value: unknown, transfer: ArrayBuffer[], moveOwned: boolean, pack: PackStorage | undefined): unknown {
  if (!isNdArray(value)) return value;
  const packedType = pack && dtypeOf(value);
  const packed = pack && packedType ? pack(packedType, value.size) : null;
  if (packed) {
    copyInto(packed, 0, value);
    return { [ndarrayMarker]: true, data: packed, shape: value.shape.slice() };
  }
  if (moveOwned && ownsItsBuffer(value)) {
    // a fresh result in a worker (a batch's column): its buffer moves as it is, no packing copy
    const buffer = (value.data as TypedArray).buffer as ArrayBuffer;
    if (!transfer.includes(buffer)) transfer.push(buffer);
    return { [ndarrayMarker]: true, data: value.data, shape: value.shape.slice() };
  }
  if (moveOwned && ArrayBuffer.isView(value.data) && isHandedOver(value.data.buffer) && isContiguous(value)) {
    // a batch's column in a shared slot its worker handed over: the calling thread reads the slot itself
    const data = value.data as TypedArray;
    return { [ndarrayMarker]: true, data: data.subarray(value.offset, value.offset + value.size), shape: value.shape.slice() };
  }
  const dtype = dtypeOf(value) ?? 'float64';
  const data = new (typedArrayConstructor(dtype))(value.size);
  copyInto(data, 0, value);
  transfer.push(data.buffer as ArrayBuffer);
  return { [ndarrayMarker]: true, data, shape: value.shape.slice() };
}

function decodeLeaf(value: unknown): unknown {
  if (typeof value === 'object' && value !== null && (value as Record<string, unknown>)[ndarrayMarker] === true) {
    const { data, shape } = value as { data: TypedArray; shape: number[] };
    return ndarray(data, shape);
  }
  return value;
}

/**
 * Copies `value`, its nested arrays walked without recursion (an item may be nested thousands of
 * levels deep), every other value replaced by `leaf(value)`.
 */
function mapNestedArrays(value: unknown, leaf: (value: unknown) => unknown): unknown {
  if (!Array.isArray(value)) return leaf(value);
  const root = new Array<unknown>(value.length);
  const pending: Array<[readonly unknown[], unknown[]]> = [[value, root]];
  while (pending.length > 0) {
    const [source, target] = pending.pop()!;
    for (let i = 0; i < source.length; i++) {
      const entry = source[i];
      if (Array.isArray(entry)) {
        const copy = new Array<unknown>(entry.length);
        target[i] = copy;
        pending.push([entry, copy]);
      } else target[i] = leaf(entry);
    }
  }
  return root;
}

function encodeValue(value: unknown, transfer: ArrayBuffer[], moveOwned: boolean, pack?: PackStorage): unknown {
  return mapNestedArrays(value, (entry) => encodeLeaf(entry, transfer, moveOwned, pack));
}

function decodeValue(value: unknown): unknown {
  return mapNestedArrays(value, decodeLeaf);
}

/** True when `array` is the only user of its whole buffer, so the buffer can be moved instead of copied. */
function ownsItsBuffer(array: NDArray): boolean {
  const data = array.data as TypedArray;
  return (
    ArrayBuffer.isView(data) &&
    array.offset === 0 &&
    data.byteOffset === 0 &&
    data.length === array.size &&
    data.buffer.byteLength === data.byteLength &&
    !(data.buffer instanceof SharedArrayBuffer)
  );
}

/** When the items are consecutive contiguous rows of one typed array, a view of those rows; else null. */
function consecutiveRows(first: NDArray, count: number, at: (k: number) => unknown): TypedArray | null {
  const data = first.data as TypedArray;
  if (!ArrayBuffer.isView(data) || !isContiguous(first)) return null;
  const size = first.size;
  for (let k = 1; k < count; k++) {
    const value = at(k) as NDArray;
    if (value.data !== data || value.offset !== first.offset + k * size || !isContiguous(value)) return null;
  }
  return data.subarray(first.offset, first.offset + count * size);
}

/**
 * Encodes `count` values read by `at`; buffers that can be moved are appended to `transfer`. With
 * `moveOwned`, ndarrays that own their whole buffer (fresh results in a worker) are moved as they are,
 * without packing them into one buffer (saves a copy; the caller must not use them afterwards). With
 * `viewsAllowed`, consecutive rows of one array are sent as a view (the transport copies them anyway).
 * `pack` offers the storage to pack same-shape ndarrays into (a reused shared slot, shared memory), or
 * null; when it is given, such ndarrays are packed even when they could move, and with `packLeaves` so
 * are the ndarrays inside other values (nested in arrays).
 */
export function encodeList(
  count: number,
  at: (k: number) => unknown,
  transfer: ArrayBuffer[],
  moveOwned = false,
  viewsAllowed = false,
  pack?: PackStorage,
  packLeaves = false,
): EncodedList {
  const first = count > 0 ? at(0) : undefined;
  if (typeof first === 'number') {
    const data = new Float64Array(count);
    let allNumbers = true;
    for (let k = 0; k < count; k++) {
      const value = at(k);
      if (typeof value !== 'number') {
        allNumbers = false;
        break;
      }
      data[k] = value;
    }
    if (allNumbers) {
      transfer.push(data.buffer);
      return { kind: 'numbers', length: count, data };
    }
  }
  // with storage to pack into, same-shape ndarrays are packed there rather than moved
  if (moveOwned && pack === undefined && isNdArray(first) && ownsItsBuffer(first)) {
    const values = new Array<unknown>(count);
    let movable = true;
    for (let k = 0; k < count && movable; k++) {
      const value = at(k);
      movable = isNdArray(value) && ownsItsBuffer(value);
      if (movable) values[k] = { [ndarrayMarker]: true, data: (value as NDArray).data, shape: (value as NDArray).shape.slice() };
    }
    if (movable) {
      const buffers = new Set<ArrayBuffer>();
      for (const value of values) buffers.add((value as { data: TypedArray }).data.buffer as ArrayBuffer);
      transfer.push(...buffers);
      return { kind: 'values', length: count, values };
    }
  }
  if (isNdArray(first)) {
    const dtype = dtypeOf(first);
    let packable = dtype !== undefined;
    for (let k = 1; packable && k < count; k++) {
      const value = at(k);
      packable = isNdArray(value) && dtypeOf(value) === dtype && sameShape(value.shape, first.shape);
    }
    if (packable) {
      const size = first.size;
      const rows = consecutiveRows(first, count, at);
      // rows of shared memory travel by reference; with `viewsAllowed` (the data is copied on the way
      // anyway, e.g. into a shared-memory file) a plain view saves the packing copy
      if (rows && (rows.buffer instanceof SharedArrayBuffer || viewsAllowed))
        return { kind: 'ndarrays', length: count, dtype: dtype!, shape: first.shape.slice(), data: rows };
      // packed into a reused shared slot when one is offered (read in place by the worker), else a buffer that moves
      const data = pack?.(dtype!, size * count) ?? new (typedArrayConstructor(dtype!))(size * count);
      for (let k = 0; k < count; k++) copyInto(data, k * size, at(k) as NDArray);
      if (!(data.buffer instanceof SharedArrayBuffer)) transfer.push(data.buffer as ArrayBuffer);
      return { kind: 'ndarrays', length: count, dtype: dtype!, shape: first.shape.slice(), data };
    }
  }
  const values = new Array<unknown>(count);
  for (let k = 0; k < count; k++) values[k] = encodeValue(at(k), transfer, moveOwned, packLeaves ? pack : undefined);
  return { kind: 'values', length: count, values };
}

/**
 * Copies the numbers [start, end) of a 1-D ndarray into `out` (from index 0), without a call per
 * number; false, and nothing copied, when its storage is not a numeric typed array.
 */
export function copyScalars(column: NDArray, start: number, end: number, out: Float64Array): boolean {
  const storage = column.data as TypedArray;
  if (dtypeOf(column) === undefined || !ArrayBuffer.isView(storage) || column.shape.length !== 1) return false;
  const stride = column.stride[0]!;
  if (stride === 1) out.set(storage.subarray(column.offset + start, column.offset + end));
  else for (let k = 0; k < end - start; k++) out[k] = storage[column.offset + (start + k) * stride]!;
  return true;
}

/**
 * Encodes the items [start, end) of `column` (its rows along the first axis) as slices of its storage,
 * without reading them one by one: the scalars of a 1-D numeric array as one Float64Array (the
 * 'numbers' of {@link encodeList}), the rows of a C-contiguous numeric array as one typed array (a view
 * where {@link encodeList} would send one, else one copy, into `pack`'s storage when offered). Gives
 * what {@link encodeList} gives for the same items; null when the array does not allow it (generic
 * storage, strided rows), and the caller encodes item by item.
 */
export function encodeColumn(
  column: NDArray,
  start: number,
  end: number,
  transfer: ArrayBuffer[],
  viewsAllowed = false,
  pack?: (dtype: DType, length: number) => TypedArray | null,
): EncodedList | null {
  const dtype = dtypeOf(column);
  const storage = column.data as TypedArray;
  if (dtype === undefined || !ArrayBuffer.isView(storage)) return null;
  const count = end - start;
  if (column.shape.length === 1) {
    const data = new Float64Array(count);
    copyScalars(column, start, end, data);
    transfer.push(data.buffer);
    return { kind: 'numbers', length: count, data };
  }
  if (!isContiguous(column)) return null;
  const shape = column.shape.slice(1);
  const size = shape.reduce((a, b) => a * b, 1);
  const rows = storage.subarray(column.offset + start * size, column.offset + end * size);
  if (rows.buffer instanceof SharedArrayBuffer || viewsAllowed) return { kind: 'ndarrays', length: count, dtype, shape, data: rows };
  const data = pack?.(dtype, rows.length) ?? new (typedArrayConstructor(dtype))(rows.length);
  data.set(rows);
  if (!(data.buffer instanceof SharedArrayBuffer)) transfer.push(data.buffer as ArrayBuffer);
  return { kind: 'ndarrays', length: count, dtype, shape, data };
}

/** Reads an encoded list back (packed ndarrays become views over the received buffer). */
export function decodeList(list: EncodedList): { length: number; at(k: number): unknown } {
  if (list.kind === 'numbers') {
    const data = list.data as TypedArray;
    return { length: list.length, at: (k) => data[k] };
  }
  if (list.kind === 'ndarrays') {
    const data = list.data as TypedArray;
    const size = list.shape.reduce((a, b) => a * b, 1);
    const shape = list.shape.slice();
    return { length: list.length, at: (k) => ndarray(data.subarray(k * size, (k + 1) * size), shape.slice()) };
  }
  const values = list.values;
  return { length: list.length, at: (k) => decodeValue(values[k]) };
}

/** Decodes every entry into a plain array. */
export function decodeAll(list: EncodedList): unknown[] {
  // generic elements (filled with null): numbers stay boxed, so a NaN keeps its payload (an array of
  // doubles may store every NaN as the canonical one)
  const values = new Array<unknown>(list.length).fill(null);
  if (list.kind === 'numbers') {
    // the common case of scalar items and results: a plain loop (no reader call per entry)
    const data = list.data as TypedArray;
    for (let k = 0; k < list.length; k++) values[k] = data[k];
    return values;
  }
  const reader = decodeList(list);
  for (let k = 0; k < list.length; k++) values[k] = reader.at(k);
  return values;
}
