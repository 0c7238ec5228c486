/**
 * How a `DatasetIndex` reads its ids: validation of a source (a size, ids, one id) into the parts an
 * index holds, and the internal "trusted ids" wrapper that lets derived subsets skip the O(n) checks.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { isNdArray, isTypedArray } from '../ndarray/ndarray-utils.js';

/** An id stored in an index. `1` and `'1'` are different ids. */
export type IndexValue = string | number;

const TRUSTED = Symbol('batchflow.trustedIds');

/** Ids already validated: the parts an index is made of. */
export interface IdParts {
  readonly [TRUSTED]: true;
  /** The ids; null for a range 0..n-1 not materialised yet. */
  readonly ids: IndexValue[] | null;
  readonly n: number;
  /** true: ids are 0..n-1; false: they are not; undefined: not known yet (computed on first lookup). */
  readonly range: boolean | undefined;
  readonly map: Map<IndexValue, number> | undefined;
}

/** The parts of already validated ids (a lookup map, when given, must match `ids`). */
export function idParts(ids: IndexValue[] | null, n: number, range: boolean | undefined, map: Map<IndexValue, number> | undefined): IdParts {
  return { [TRUSTED]: true, ids, n, range, map };
}

/** Wraps ids that need no validation; an empty list is an ArgumentError unless `allowEmpty`. */
export function trustIds(ids: IndexValue[], allowEmpty = false): IdParts {
  if (ids.length === 0 && !allowEmpty) throw new ArgumentError('index', 'an index cannot be empty');
  return idParts(ids, ids.length, undefined, undefined);
}

/** True for validated id parts (made by {@link idParts} or {@link trustIds}). */
export function isIdParts(value: unknown): value is IdParts {
  return typeof value === 'object' && value !== null && (value as Partial<IdParts>)[TRUSTED] === true;
}

/** @internal True for ids wrapped by `trustedIds`. */
export function isTrustedIds(value: unknown): boolean {
  return isIdParts(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

/** The ids of `source`, as a list (a size, typed array, 1-D ndarray, array, iterable or one id). */
function listIds(source: unknown): unknown[] {
  if (typeof source === 'number' || typeof source === 'string') return [source];
  if (isNdArray(source)) {
    if (source.shape.length !== 1) throw new TypeError(`index: ids must be one-dimensional, got an ndarray of shape [${source.shape}]`);
    return Array.from({ length: source.shape[0]! }, (_, i) => source.get(i));
  }
  if (Array.isArray(source) || isTypedArray(source)) return Array.from(source as ArrayLike<unknown>);
  if (source !== null && typeof source === 'object' && (Symbol.iterator in source || typeof (source as ArrayLike<unknown>).length === 'number')) {
    return Array.from(source as Iterable<unknown>);
  }
  throw new TypeError(`index: expected a size, ids or a DatasetIndex, got ${describe(source)}`);
}

/**
 * Validates ids given as a size n (ids 0..n-1), ids, or one id (not an index: the caller shares an
 * index's parts itself). Empty → ArgumentError; ids that are not strings/numbers or not 1-D →
 * TypeError; duplicate ids only warn (the last position of an id wins).
 */
export function resolveIdParts(value: unknown): IdParts {
  const scalar = typeof value === 'boolean' ? Number(value) : value;
  if (typeof scalar === 'number' && Number.isInteger(scalar)) {
    if (scalar < 1) throw new ArgumentError('index', `an index cannot be empty (size ${scalar})`);
    return idParts(null, scalar, true, undefined);
  }
  const ids = listIds(scalar);
  if (ids.length === 0) throw new ArgumentError('index', 'an index cannot be empty');
  let range = true;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (typeof id === 'string') range = false;
    else if (typeof id === 'number' && !Number.isNaN(id)) range &&= id === i;
    else if (Array.isArray(id) || isTypedArray(id) || isNdArray(id))
      throw new TypeError(`index: ids must be one-dimensional; the entry at position ${i} is ${describe(id)}`);
    else throw new TypeError(`index: ids must be strings or numbers; the entry at position ${i} is ${typeof id === 'number' ? 'NaN' : describe(id)}`);
  }
  const valid = ids as IndexValue[];
  if (range) return idParts(valid, valid.length, true, undefined);
  const map = new Map<IndexValue, number>();
  for (let i = 0; i < valid.length; i++) map.set(valid[i]!, i);
  if (map.size !== valid.length) {
    process.emitWarning(
      `Index contains non-unique elements (${valid.length - map.size} duplicate(s)); the last position of each id is used`,
      'BatchflowWarning',
    );
  }
  return idParts(valid, valid.length, false, map);
}
