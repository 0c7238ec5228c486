/**
 * Item and attribute access of the expression algebra with Python meanings: negative indices,
 * slices, fancy indexing (an array of indices gathers), Map/Config lookups, and assignment through
 * all of them.
 * @module
 */
import { isNdArray, isTypedArray, ndItem, takeNdRows, type TypedArray } from '../ndarray/ndarray-utils.js';
import { Config, MissingKeyError } from '../config/config.js';
import { Slice, slicePositions } from '../util/slice.js';
import { typeName } from './value-text.js';

function normaliseIndex(index: unknown, length: number, what: string): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`${what} indices must be integers, got ${typeName(index)}`);
  const position = index < 0 ? index + length : index;
  if (position < 0 || position >= length) throw new RangeError(`index ${index} is out of range for a ${what} of length ${length}`);
  return position;
}

function take(value: unknown, positions: number[]): unknown {
  if (typeof value === 'string') return positions.map((i) => value[i]).join('');
  if (isNdArray(value)) return takeNdRows(value, positions);
  if (isTypedArray(value)) {
    const Constructor = value.constructor as new (values: ArrayLike<number>) => TypedArray;
    return new Constructor(positions.map((i) => value[i]!));
  }
  if (Array.isArray(value)) return positions.map((i) => value[i] as unknown);
  throw new TypeError(`'${typeName(value)}' cannot be sliced`);
}

function lengthOf(value: unknown): number | null {
  if (typeof value === 'string' || Array.isArray(value) || isTypedArray(value)) return value.length;
  if (isNdArray(value)) return value.shape[0]!;
  return null;
}

/**
 * `value[key]`: negative indices count from the end; a {@link Slice} slices (strings, arrays, typed
 * arrays, ndarrays along the first axis); an array of integers gathers (fancy indexing); Maps and
 * Configs look the key up; other objects read the property. Missing keys and out-of-range indices throw.
 */
export function item(value: unknown, key: unknown): unknown {
  if (value === null || value === undefined) throw new TypeError(`'${typeName(value)}' object is not subscriptable`);
  if (value instanceof Config) return value.at(key as string);
  if (value instanceof Map) {
    if (!value.has(key)) throw new MissingKeyError(String(key), `key ${JSON.stringify(key)} is not in the Map`);
    return value.get(key) as unknown;
  }
  const length = lengthOf(value);
  if (length !== null) {
    if (key instanceof Slice) return take(value, Array.from(slicePositions(key, length)));
    if (Array.isArray(key) || isTypedArray(key))
      return take(
        value,
        Array.from(key as ArrayLike<unknown>, (k) => normaliseIndex(k, length, typeName(value))),
      );
    const position = normaliseIndex(key, length, typeName(value));
    if (typeof value === 'string') return value[position];
    if (isNdArray(value)) return ndItem(value, position);
    return (value as ArrayLike<unknown>)[position];
  }
  if (typeof value === 'object' || typeof value === 'function') {
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'symbol')
      throw new TypeError(`invalid key ${typeName(key)} for a ${typeName(value)}`);
    if (!(key in (value as object))) throw new MissingKeyError(String(key), `key ${JSON.stringify(String(key))} is not in the ${typeName(value)}`);
    return (value as Record<PropertyKey, unknown>)[key];
  }
  throw new TypeError(`'${typeName(value)}' object is not subscriptable`);
}

/** `value[key] = newValue` (negative indices allowed; Maps, Configs and objects by key). */
export function setItem(value: unknown, key: unknown, newValue: unknown): void {
  if (value === null || value === undefined || typeof value !== 'object') throw new TypeError(`'${typeName(value)}' object does not support item assignment`);
  if (value instanceof Config) {
    value.set(key as string, newValue);
    return;
  }
  if (value instanceof Map) {
    value.set(key, newValue);
    return;
  }
  const length = lengthOf(value);
  if (length !== null) {
    if (key instanceof Slice || Array.isArray(key)) {
      const positions = key instanceof Slice ? Array.from(slicePositions(key, length)) : key.map((k: unknown) => normaliseIndex(k, length, typeName(value)));
      const source = newValue as ArrayLike<unknown>;
      const single = lengthOf(newValue) === null;
      if (!single && source.length !== positions.length) throw new RangeError(`cannot assign ${source.length} values to ${positions.length} positions`);
      positions.forEach((p, i) => setItem(value, p, single ? newValue : source[i]));
      return;
    }
    const position = normaliseIndex(key, length, typeName(value));
    if (isNdArray(value)) {
      if (value.shape.length !== 1) throw new TypeError('assigning a row of a multi-dimensional ndarray is not supported; assign its elements');
      value.set(position, newValue as number);
      return;
    }
    (value as unknown[])[position] = newValue;
    return;
  }
  (value as Record<PropertyKey, unknown>)[key as PropertyKey] = newValue;
}

/** `value.name`: the property (a missing one throws, as Python's AttributeError). */
export function attr(value: unknown, name: string): unknown {
  if (value === null || value === undefined) throw new TypeError(`'${typeName(value)}' has no attribute '${name}'`);
  if (!(name in Object(value))) throw new TypeError(`'${typeName(value)}' object has no attribute '${name}'`);
  return (value as Record<string, unknown>)[name];
}

/** `value.name = newValue`. */
export function setAttr(value: unknown, name: string, newValue: unknown): void {
  if (value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function'))
    throw new TypeError(`cannot set attribute '${name}' on '${typeName(value)}'`);
  (value as Record<string, unknown>)[name] = newValue;
}
