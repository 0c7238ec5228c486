/**
 * `DatasetIndex`: the ids of a dataset or batch, with O(1) id → position lookup. Iteration,
 * shuffling and splitting work on positions; ids locate data. (Batch-generation, splits and
 * shuffles arrive with the pipeline layer.)
 * @module
 */
import { ArgumentError, MissingIdError } from '../errors.js';
import { isNdArray, isTypedArray, type NDArray } from '../batch/ndarray-utils.js';

/** An id stored in an index. */
export type IndexValue = string | number;

/** What a `DatasetIndex` can be built from: a size, ids, another index, or a function returning one of these. */
export type IndexSource = number | readonly IndexValue[] | ArrayLike<IndexValue> | Iterable<IndexValue> | NDArray | DatasetIndex | (() => number | readonly IndexValue[] | DatasetIndex);

/** The ids of a dataset or batch. */
export class DatasetIndex implements Iterable<IndexValue> {
  /** The ids, in order. */
  readonly indices: readonly IndexValue[];
  /** True when the ids are exactly 0..n-1 (id = position, no lookup table needed). */
  private readonly isRange: boolean;
  private positionsById: Map<IndexValue, number> | undefined;

  constructor(source: IndexSource) {
    const resolved = typeof source === 'function' ? source() : source;
    if (resolved instanceof DatasetIndex) {
      this.indices = resolved.indices;
      this.isRange = resolved.isRange;
      this.positionsById = resolved.positionsById;
      return;
    }
    if (typeof resolved === 'number') {
      if (!Number.isInteger(resolved) || resolved < 1) throw new ArgumentError('index', `an index size must be a positive integer, got ${resolved}`);
      this.indices = Array.from({ length: resolved }, (_, i) => i);
      this.isRange = true;
      return;
    }
    if (typeof resolved === 'string') {
      this.indices = [resolved];
      this.isRange = false;
      return;
    }
    if (isNdArray(resolved)) {
      if (resolved.shape.length !== 1) throw new ArgumentError('index', `ids must be one-dimensional, got an ndarray of shape [${resolved.shape}]`);
      this.indices = Array.from({ length: resolved.shape[0]! }, (_, i) => resolved.get(i) as number);
    } else if (Array.isArray(resolved) || isTypedArray(resolved)) {
      this.indices = Array.from(resolved as ArrayLike<IndexValue>);
    } else if (resolved !== null && typeof resolved === 'object' && (Symbol.iterator in resolved || 'length' in resolved)) {
      this.indices = Array.from(resolved as Iterable<IndexValue>);
    } else {
      throw new ArgumentError('index', `expected a size, an array of ids or a DatasetIndex, got ${resolved === null ? 'null' : typeof resolved}`);
    }
    if (this.indices.length === 0) throw new ArgumentError('index', 'an index cannot be empty');
    for (let i = 0; i < this.indices.length; i++) {
      const id = this.indices[i];
      if (typeof id !== 'string' && typeof id !== 'number') {
        throw new ArgumentError('index', `ids must be strings or numbers; id at position ${i} is ${Array.isArray(id) ? 'an array (ids must be one-dimensional)' : typeof id}`);
      }
    }
    this.isRange = this.indices.every((id, i) => id === i);
  }

  /** Number of ids. */
  get length(): number {
    return this.indices.length;
  }

  /** Number of ids (same as `length`). */
  get size(): number {
    return this.indices.length;
  }

  private lookup(): Map<IndexValue, number> {
    if (!this.positionsById) {
      const map = new Map<IndexValue, number>();
      this.indices.forEach((id, position) => map.set(id, position));
      if (map.size !== this.indices.length) process.emitWarning('Index contains non-unique elements; the last position of each id is used', 'BatchflowWarning');
      this.positionsById = map;
    }
    return this.positionsById;
  }

  /** True when `id` is in the index. */
  has(id: IndexValue): boolean {
    if (this.isRange) return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.indices.length;
    return this.lookup().has(id);
  }

  /** The position of `id`; throws MissingIdError when absent. */
  getPos(id: IndexValue): number {
    if (this.isRange) {
      if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.indices.length) return id;
      throw new MissingIdError([id], 'the index');
    }
    const position = this.lookup().get(id);
    if (position === undefined) throw new MissingIdError([id], 'the index');
    return position;
  }

  /** The positions of `ids`, in the same order; throws MissingIdError listing every absent id. */
  getPositions(ids: Iterable<IndexValue>): Int32Array {
    const list = Array.from(ids);
    const out = new Int32Array(list.length);
    const missing: IndexValue[] = [];
    for (let k = 0; k < list.length; k++) {
      const id = list[k]!;
      if (this.isRange) {
        if (typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.indices.length) out[k] = id;
        else missing.push(id);
      } else {
        const position = this.lookup().get(id);
        if (position === undefined) missing.push(id);
        else out[k] = position;
      }
    }
    if (missing.length > 0) throw new MissingIdError(missing, 'the index');
    return out;
  }

  /** The ids at `positions` (negative positions count from the end). */
  subsetByPos(positions: Iterable<number>): IndexValue[] {
    const n = this.indices.length;
    return Array.from(positions, (position) => {
      const actual = position < 0 ? n + position : position;
      if (!Number.isInteger(actual) || actual < 0 || actual >= n) throw new RangeError(`position ${position} is out of bounds for an index of ${n} ids`);
      return this.indices[actual]!;
    });
  }

  /** A new index of the same class holding `ids` (not checked against this index). */
  createSubset(ids: IndexSource): this {
    const Ctor = this.constructor as new (source: IndexSource) => this;
    return new Ctor(ids);
  }

  /** The ids of the index joined with other indices' ids. */
  concat(...others: readonly DatasetIndex[]): this {
    return this.createSubset([...this.indices, ...others.flatMap((other) => other.indices)]);
  }

  [Symbol.iterator](): Iterator<IndexValue> {
    return this.indices[Symbol.iterator]();
  }
}
