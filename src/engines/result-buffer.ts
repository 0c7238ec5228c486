/**
 * Collecting numeric results of a worker engine straight into one contiguous buffer as chunks
 * arrive, so the final assembly does not copy them again (it recognises the rows of such a buffer).
 * Rows of a buffer made here are marked; assembly only trusts marked buffers, so a user function
 * returning views of its own data is still copied (results never alias user memory).
 * @module
 */
import ndarray from 'ndarray';
import {
  copyInto,
  dtypeOf,
  isContiguous,
  isNdArray,
  sameShape,
  sharedTypedArray,
  type DType,
  type NDArray,
  type TypedArray,
} from '../ndarray/ndarray-utils.js';

const ownedBuffers = new WeakSet<object>();

/** A shared output buffer worker threads write matching results into (row k at offset k × row size). */
export interface SharedOutput {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

/**
 * Marks `data` as a result buffer the library made for one call's results: the assembly may then
 * use its consecutive rows without copying them.
 */
export function markResultBuffer(data: TypedArray): void {
  ownedBuffers.add(data);
}

/** True when `data` is a result buffer made by the library (its rows may be used without a copy). */
export function isOwnedResultBuffer(data: unknown): boolean {
  return typeof data === 'object' && data !== null && ownedBuffers.has(data);
}

/** One buffer for `count` same-shape numeric results; falls back to keeping results as they are. */
export class ResultBuffer {
  private data: TypedArray | null = null;
  private shape: number[] = [];
  private dtype: DType | undefined;
  private rowSize = 0;
  private usable = true;

  constructor(private readonly count: number) {}

  /**
   * Allocates the buffer up front for results shaped like `sample` (a guess from the items: most
   * per-item transforms keep shape and dtype). Worker threads then write matching results straight
   * into it. Returns the output description to send to them, or null when no guess can be made.
   */
  preallocate(sample: unknown): SharedOutput | null {
    if (!isNdArray(sample)) return null;
    const dtype = dtypeOf(sample);
    if (dtype === undefined) return null;
    this.dtype = dtype;
    this.shape = sample.shape.slice();
    this.rowSize = sample.size;
    this.data = sharedTypedArray(dtype, this.count * this.rowSize);
    markResultBuffer(this.data);
    return { data: this.data, shape: this.shape.slice(), dtype };
  }

  /**
   * The bytes of rows [start, start + count) when results of `dtype` and `shape` belong there (a
   * transport can then read them straight into place); null when they do not match the buffer.
   */
  rowBytes(start: number, count: number, dtype: DType, shape: readonly number[]): Uint8Array | null {
    if (!this.usable || this.data === null || dtype !== this.dtype || !sameShape(shape, this.shape)) return null;
    const element = this.data.BYTES_PER_ELEMENT;
    return new Uint8Array(this.data.buffer, this.data.byteOffset + start * this.rowSize * element, count * this.rowSize * element);
  }

  /** Marks the rows [start, start + written.length) whose `written` flag is 1 as already in the buffer. */
  adopt(written: Uint8Array, start: number, results: unknown[]): void {
    for (let k = 0; k < written.length; k++) {
      if (written[k] === 1) results[start + k] = ndarray(this.data!, this.shape.slice(), undefined, (start + k) * this.rowSize);
    }
  }

  /** Stores the results of positions [start, start + values.length) into `results` (`skip[k]` = 1: already there). */
  place(values: readonly unknown[], start: number, results: unknown[], skip: Uint8Array | null = null): void {
    if (skip) {
      this.adopt(skip, start, results);
      const rest = values.filter((_, k) => skip[k] !== 1);
      if (rest.length === 0) return;
      if (rest.length !== values.length) {
        // a mix of written and returned rows: place the returned ones one by one
        values.forEach((value, k) => {
          if (skip[k] !== 1) this.place([value], start + k, results);
        });
        return;
      }
    }
    if (this.usable && values.length > 0 && values.every(isNdArray)) {
      const first = values[0] as NDArray;
      if (this.data === null) {
        this.dtype = dtypeOf(first);
        if (this.dtype === undefined) this.usable = false;
        else {
          this.shape = first.shape.slice();
          this.rowSize = first.size;
          this.data = sharedTypedArray(this.dtype, this.count * this.rowSize);
          markResultBuffer(this.data);
        }
      }
      const fits = this.data !== null && (values as NDArray[]).every((value) => dtypeOf(value) === this.dtype && sameShape(value.shape, this.shape));
      if (fits) {
        for (let k = 0; k < values.length; k++) {
          const offset = (start + k) * this.rowSize;
          copyInto(this.data!, offset, values[k] as NDArray);
          results[start + k] = ndarray(this.data!, this.shape.slice(), undefined, offset);
        }
        return;
      }
      this.usable = false;
    }
    for (let k = 0; k < values.length; k++) results[start + k] = values[k];
  }
}

/**
 * When `values` are the consecutive rows of one owned result buffer, the stacked array as a view of it
 * (no copy); otherwise null.
 */
export function stackedView(values: readonly unknown[]): NDArray | null {
  const first = values[0];
  if (!isNdArray(first) || !isOwnedResultBuffer(first.data) || !isContiguous(first)) return null;
  const size = first.size;
  for (let k = 1; k < values.length; k++) {
    const value = values[k];
    if (!isNdArray(value) || value.data !== first.data || value.offset !== first.offset + k * size || !sameShape(value.shape, first.shape)) return null;
  }
  return ndarray(first.data, [values.length, ...first.shape], undefined, first.offset);
}

const numberColumns = new WeakMap<readonly unknown[], Float64Array>();

const columnReaders = new WeakSet<object>();

const columnEngines = new WeakSet<object>();

/**
 * Records `engine` as one whose `run` returns a task's results as the scheduler gives them, so the
 * caller may mark its tasks with {@link readNumbersAsColumn}. The built-in worker engines and `'auto'`
 * are; an engine of a user is not (it may read or change the list before returning it).
 */
export function handsNumberColumnsBack(engine: object): void {
  columnEngines.add(engine);
}

/** True when {@link handsNumberColumnsBack} recorded `engine`. */
export function engineHandsNumberColumnsBack(engine: object): boolean {
  return columnEngines.has(engine);
}

/**
 * Marks `task` as one whose results are read through {@link takeNumberColumn} when every one is a
 * number (the default assembly into one component does): an engine that holds them in one typed array
 * may then return a list whose entries are not filled in, and skip boxing every number.
 */
export function readNumbersAsColumn(task: object): void {
  columnReaders.add(task);
}

/** True when {@link readNumbersAsColumn} marked `task`. */
export function readsNumbersAsColumn(task: object): boolean {
  return columnReaders.has(task);
}

/**
 * Marks `results` (every entry a number) as also held, bit for bit, in `numbers` (entry k at index k):
 * a worker engine whose workers wrote number results into one typed array hands it on, and the
 * default assembly takes it as the component's storage instead of reading the list number by number.
 * `numbers` must be the results' own copy (the assembly keeps it).
 */
export function attachNumberColumn(results: readonly unknown[], numbers: Float64Array): void {
  if (numbers.length === results.length) numberColumns.set(results, numbers);
}

/**
 * The results of a task marked by {@link readNumbersAsColumn}, every one a number: an empty list that
 * stands for them, with `numbers` attached (item k at index k). Only the assembly that marked the task
 * sees it, and it reads `numbers` (no list of boxed numbers is made).
 */
export function numberColumnResults(numbers: Float64Array): unknown[] {
  const stand: unknown[] = [];
  numberColumns.set(stand, numbers);
  return stand;
}

/**
 * The numbers attached to `results` by {@link attachNumberColumn} (or {@link numberColumnResults}), taken (a second call gives
 * undefined, so two assemblies of one list never share storage); undefined when none is attached.
 */
export function takeNumberColumn(results: readonly unknown[]): Float64Array | undefined {
  const numbers = numberColumns.get(results);
  if (numbers !== undefined) numberColumns.delete(results);
  return numbers;
}
