/**
 * Component values ("columns"): an ndarray (first axis = items), a typed array or a JS array, one
 * entry per item. These helpers read, write, gather, concatenate and copy them uniformly.
 * @module
 */
import { ComponentError } from '../errors.js';
import { concatNdArrays, copyNdArray, isNdArray, isTypedArray, ndItem, takeNdRows, type NDArray, type TypedArray } from './ndarray-utils.js';
import { gatherRows, type RowStorage } from './gather-rows.js';
import ops from 'ndarray-ops';
import ndarray from 'ndarray';
import { knownConsecutive } from './id-list-scan.js';

/** What a component holds: one entry per batch item. */
export type Column = NDArray | TypedArray | unknown[];

/** True when `value` can be a component column. */
export function isColumn(value: unknown): value is Column {
  return Array.isArray(value) || isTypedArray(value) || isNdArray(value);
}

/** Number of items in a column. */
export function columnLength(column: Column): number {
  return isNdArray(column) ? column.shape[0]! : column.length;
}

/** The item at `position`: a scalar, a JS value, or an ndarray view (no copy) for ≥2-D arrays. */
export function columnItem(column: Column, position: number): unknown {
  if (isNdArray(column)) return ndItem(column, position);
  return column[position];
}

/** Writes `value` as item `position` of `column` (in place). */
export function setColumnItem(column: Column, position: number, value: unknown, component = 'component'): void {
  if (isNdArray(column)) {
    if (column.shape.length === 1) {
      if (typeof value !== 'number')
        throw new ComponentError(component, `${component}: item ${position} of a numeric array must be a number, got ${typeof value}`);
      column.set(position, value);
      return;
    }
    const row = column.pick(position);
    if (isNdArray(value)) {
      if (value.shape.length !== row.shape.length || value.shape.some((d, i) => d !== row.shape[i])) {
        throw new ComponentError(component, `${component}: item ${position} has shape [${row.shape}], got [${value.shape}]`);
      }
      ops.assign(row, value);
    } else if (typeof value === 'number') {
      ops.assigns(row, value);
    } else {
      throw new ComponentError(component, `${component}: item ${position} must be an ndarray of shape [${row.shape}] or a number`);
    }
    return;
  }
  if (isTypedArray(column)) {
    if (typeof value !== 'number') throw new ComponentError(component, `${component}: item ${position} of a typed array must be a number, got ${typeof value}`);
    column[position] = value;
    return;
  }
  column[position] = value;
}

/** True when positions are `start, start+1, …` (a gather that can be a view). */
function contiguousRun(positions: ArrayLike<number>): boolean {
  if (knownConsecutive(positions)) return true;
  for (let k = 1; k < positions.length; k++) if (positions[k] !== positions[0]! + k) return false;
  return true;
}

/**
 * The entries at `positions`, in that order. With `share` and a contiguous run of positions,
 * ndarrays and typed arrays return a view on the same memory instead of a copy. Gathered rows of
 * contiguous typed storage go into the array `storage` offers, when it offers one.
 */
export function takeColumn(column: Column, positions: ArrayLike<number>, share = false, storage?: RowStorage): Column {
  const count = columnLength(column);
  if (share && positions.length > 0 && contiguousRun(positions)) {
    const start = positions[0]!;
    const end = start + positions.length;
    if (start >= 0 && end <= count) {
      if (isNdArray(column)) return column.hi(end).lo(start);
      if (isTypedArray(column)) return column.subarray(start, end);
    }
  }
  if (isNdArray(column)) return takeNdRows(column, positions, storage);
  if (isTypedArray(column)) return gatherRows(column, 0, count, 1, positions, storage);
  const out = new Array<unknown>(positions.length);
  for (let k = 0; k < positions.length; k++) {
    const position = positions[k]!;
    if (!(position >= 0 && position < count)) throw new RangeError(`position ${position} is out of bounds for a column of ${count} items`);
    out[k] = column[position];
  }
  return out;
}

/** Joins columns of the same kind along the item axis. */
export function concatColumns(columns: readonly Column[], component = 'component'): Column {
  const first = columns[0];
  if (first === undefined) return [];
  if (columns.every(isNdArray)) return concatNdArrays(columns);
  if (columns.every(isTypedArray) && columns.every((c) => c.constructor === first.constructor)) {
    const total = columns.reduce((sum, c) => sum + c.length, 0);
    const out = new (first.constructor as new (n: number) => TypedArray)(total);
    let offset = 0;
    for (const c of columns as TypedArray[]) {
      out.set(c, offset);
      offset += c.length;
    }
    return out;
  }
  if (columns.every((c) => Array.isArray(c))) return ([] as unknown[]).concat(...(columns as unknown[][]));
  const kinds = [...new Set(columns.map(describeKind))].join(', ');
  throw new TypeError(`${component}: cannot merge data of different kinds (${kinds}); override mergeComponent to merge them`);
}

/** A short description of a value's kind, for error messages. */
export function describeKind(value: unknown): string {
  if (value === null) return 'null';
  if (isNdArray(value)) return `ndarray ${value.dtype}[${value.shape}]`;
  if (isTypedArray(value)) return value.constructor.name;
  if (Array.isArray(value)) return 'array';
  if (value instanceof Map) return 'Map';
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/** A deep copy: arrays and typed arrays are copied, objects and Maps recursively; class instances are kept. */
export function deepCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (isNdArray(value))
    return (
      isTypedArray(value.data) ? copyNdArray(value) : ndarray(deepCopy(value.data as unknown[]), value.shape.slice(), value.stride.slice(), value.offset)
    ) as T;
  if (isTypedArray(value)) return value.slice() as T;
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (value instanceof Map) return new Map([...value].map(([k, v]) => [k, deepCopy(v)])) as T;
  if (value instanceof Date) return new Date(value.getTime()) as T;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto === Object.prototype || proto === null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = deepCopy(v);
    return out as T;
  }
  return value;
}
