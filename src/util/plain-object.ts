/**
 * The one test for plain objects used across the library.
 * @module
 */

/** True for a plain object (`{}` literal or `Object.create(null)`), not arrays, Maps or class instances. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
