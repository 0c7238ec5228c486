/**
 * How values read in messages and texts: the Python-style type name used in error messages, and
 * `str(value)`.
 * @module
 */
import { isNdArray } from '../ndarray/ndarray-utils.js';

/** The type name of a value as error messages show it (`'array'`, `'ndarray'`, a class name, `typeof`). */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isNdArray(value)) return 'ndarray';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
}

/** Text of a value: strings as they are, arrays and plain objects as JSON when possible, else `String(value)`. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}
