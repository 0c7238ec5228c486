/**
 * Variable values in a checkpoint: JSON, with tagged objects (`{ "$bf": … }`) for what JSON cannot
 * hold exactly — NaN, ±Infinity, -0, undefined, typed arrays and ndarrays with a numeric dtype
 * (little-endian bytes in base64), plain objects that have a `$bf` key of their own. Anything else
 * (functions, class instances, Maps, Sets, Dates, bigints, symbols, cycles) cannot be saved: a
 * {@link UnsavableValueError} names where it is.
 * @module
 */
import ndarray from 'ndarray';
import { describeKind } from '../../ndarray/columns.js';
import { castNdArray, dtypeOf, isNdArray, isTypedArray, typedArrayConstructor, typedArrayDType, type TypedArray } from '../../ndarray/ndarray-utils.js';

/** A value that cannot be written to a checkpoint: `where` is its path inside the variable (`''`: the value itself). */
export class UnsavableValueError extends Error {
  constructor(
    readonly where: string,
    readonly kind: string,
  ) {
    super(`${where === '' ? 'the value' : `the value at ${where}`} is ${kind}, which a checkpoint cannot hold`);
  }
}

/** A stored value that does not decode: `where` is its path inside the variable. */
export class BadValueError extends Error {
  constructor(
    readonly where: string,
    reason: string,
  ) {
    super(`${where === '' ? 'the value' : `the value at ${where}`}: ${reason}`);
  }
}

const TAG = '$bf';
const specialNumbers: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY, '-0': -0 };

function bytesOf(array: TypedArray): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function isPlainObject(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** True when every item of `array` is JSON as it is (finite numbers other than -0, strings, booleans, null; no holes). */
function isJsonScalars(array: readonly unknown[]): boolean {
  for (let k = 0; k < array.length; k++) {
    const item = array[k];
    if (typeof item === 'number') {
      if (!Number.isFinite(item) || (item === 0 && 1 / item < 0)) return false;
    } else if (typeof item !== 'string' && typeof item !== 'boolean' && item !== null) return false;
  }
  return true;
}

/** The JSON form of `value` (see the module notes); throws {@link UnsavableValueError} for what cannot be saved. */
export function encodeValue(value: unknown, where = '', ancestors = new Set<object>()): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (Number.isFinite(value) && !Object.is(value, -0)) return value;
    return { [TAG]: 'number', value: Object.is(value, -0) ? '-0' : String(value) };
  }
  if (value === undefined) return { [TAG]: 'undefined' };
  if (typeof value !== 'object') throw new UnsavableValueError(where, `a ${typeof value}`);
  if (ancestors.has(value)) throw new UnsavableValueError(where, 'a reference to itself (a cycle)');
  if (isTypedArray(value)) {
    const dtype = typedArrayDType(value);
    if (!dtype) throw new UnsavableValueError(where, `a ${value.constructor.name}`);
    return { [TAG]: 'typedarray', dtype, data: bytesOf(value) };
  }
  if (isNdArray(value)) {
    const dtype = isTypedArray(value.data) ? dtypeOf(value) : undefined;
    if (!dtype) throw new UnsavableValueError(where, `an ndarray of dtype '${String(value.dtype)}'`);
    return { [TAG]: 'ndarray', dtype, shape: value.shape.slice(), data: bytesOf(castNdArray(value, dtype).data) };
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      if (isJsonScalars(value)) return value; // the common case (a list of numbers): no copy, no per-item path
      const out: unknown[] = [];
      for (let k = 0; k < value.length; k++) out.push(encodeValue(value[k], `${where}[${k}]`, ancestors));
      return out;
    }
    if (!isPlainObject(value)) throw new UnsavableValueError(where, `a ${describeKind(value)}`);
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) out[key] = encodeValue((value as Record<string, unknown>)[key], `${where}.${key}`, ancestors);
    return Object.hasOwn(value, TAG) ? { [TAG]: 'object', value: out } : out;
  } finally {
    ancestors.delete(value);
  }
}

function bytesFrom(data: unknown, dtype: unknown, where: string): TypedArray {
  if (typeof dtype !== 'string' || !['float32', 'float64', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'uint8_clamped'].includes(dtype))
    throw new BadValueError(where, `unknown dtype ${JSON.stringify(dtype)}`);
  if (typeof data !== 'string' || data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw new BadValueError(where, 'data is not base64');
  const bytes = Buffer.from(data, 'base64');
  const Ctor = typedArrayConstructor(dtype);
  const size = (Ctor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
  if (bytes.length % size !== 0) throw new BadValueError(where, `${bytes.length} bytes are not a whole number of ${dtype} elements`);
  const out = new Ctor(bytes.length / size);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}

function checkKeys(object: Record<string, unknown>, keys: readonly string[], where: string): void {
  for (const key of Object.keys(object))
    if (!keys.includes(key)) throw new BadValueError(where, `unexpected field '${key}' in a '${String(object[TAG])}' value`);
}

function decodeTagged(object: Record<string, unknown>, where: string): unknown {
  const tag = object[TAG];
  switch (tag) {
    case 'number': {
      checkKeys(object, [TAG, 'value'], where);
      const text = object.value;
      if (typeof text !== 'string' || !Object.hasOwn(specialNumbers, text)) throw new BadValueError(where, `unknown special number ${JSON.stringify(text)}`);
      return specialNumbers[text];
    }
    case 'undefined':
      checkKeys(object, [TAG], where);
      return undefined;
    case 'typedarray':
      checkKeys(object, [TAG, 'dtype', 'data'], where);
      return bytesFrom(object.data, object.dtype, where);
    case 'ndarray': {
      checkKeys(object, [TAG, 'dtype', 'shape', 'data'], where);
      const data = bytesFrom(object.data, object.dtype, where);
      const shape = object.shape;
      if (!Array.isArray(shape) || shape.length > 32 || !shape.every((n) => Number.isSafeInteger(n) && (n as number) >= 0))
        throw new BadValueError(where, 'shape is not a list of non-negative integers');
      const count = (shape as number[]).reduce((a, b) => a * b, 1);
      if (count !== data.length) throw new BadValueError(where, `shape [${shape.join(', ')}] does not match the ${data.length} stored elements`);
      return ndarray(data, shape as number[]);
    }
    case 'object': {
      checkKeys(object, [TAG, 'value'], where);
      const inner = object.value;
      if (inner === null || typeof inner !== 'object' || Array.isArray(inner)) throw new BadValueError(where, "an escaped object without its 'value'");
      return decodeEntries(inner as Record<string, unknown>, where);
    }
    default:
      throw new BadValueError(where, `unknown tag ${JSON.stringify(tag)}`);
  }
}

function decodeEntries(object: Record<string, unknown>, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    // defineProperty: a key named __proto__ stays an own property, never a prototype
    Object.defineProperty(out, key, { value: decodeValue(object[key], `${where}.${key}`), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** The value stored as `json` by {@link encodeValue}; throws {@link BadValueError} for anything it could not have written. */
export function decodeValue(json: unknown, where = ''): unknown {
  if (json === null || typeof json === 'boolean' || typeof json === 'string' || typeof json === 'number') return json;
  if (Array.isArray(json)) return json.map((item, k) => decodeValue(item, `${where}[${k}]`));
  if (typeof json !== 'object') throw new BadValueError(where, `unexpected ${typeof json}`);
  const object = json as Record<string, unknown>;
  return Object.hasOwn(object, TAG) ? decodeTagged(object, where) : decodeEntries(object, where);
}
