/**
 * Output rows for the items of one action call (`context.output`): an engine that runs the items in
 * the calling thread hands item k row k of one buffer sized for all items, so the default assembly
 * takes the buffer as the component without copying. Rows nobody asked for (items a `p` mask left
 * out, items that returned something else) are filled in by the assembly.
 * @module
 */
import ndarray from 'ndarray';
import { ArgumentError } from '../errors.js';
import {
  copyInto,
  dtypeOf,
  isContiguous,
  isNdArray,
  sameShape,
  shapeSize,
  typedArrayConstructor,
  zeros,
  type DType,
  type NDArray,
  type TypedArray,
} from '../ndarray/ndarray-utils.js';
import { markResultBuffer } from './result-buffer.js';
import { contiguousView } from '../ndarray/views.js';
import type { SlotLease } from './shared-slots.js';

/** The buffer of one call's output rows: row k at `k × rowSize`; `given[k]` is 1 when item k got its row. */
export interface OutputRows {
  readonly data: TypedArray;
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly rowSize: number;
  readonly given: Uint8Array;
}

function checkedShape(shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((size) => Number.isInteger(size) && size >= 0))
    throw new ArgumentError('shape', `expected a list of non-negative integers, got ${JSON.stringify(shape)}`);
  return (shape as number[]).slice();
}

/** A zero-filled array of `shape` and `dtype` of its own (what `context.output` gives without output rows). */
export function newOutput(shape: readonly number[], dtype: DType): NDArray<TypedArray> {
  return leasedOutput(null, shape, dtype);
}

/**
 * A zero-filled array of `shape` and `dtype` in a reused slot of `memory` (the lease of a batch made
 * on a worker) when it is large enough to pool, else of its own (`Batch.allocate`).
 */
export function leasedOutput(memory: SlotLease | null, shape: readonly number[], dtype: DType): NDArray<TypedArray> {
  const checked = checkedShape(shape);
  const data = memory?.zeros(dtype, shapeSize(checked)) ?? null;
  return data === null ? zeros(checked, dtype) : contiguousView(data, checked);
}

/**
 * The output rows of `count` items whose positions start at `offset`. The buffer is made at the first
 * request, for every item, with the shape and dtype of that request; an item asking again, or for
 * another shape or dtype, gets an array of its own.
 */
export class ItemOutputs {
  private rows: OutputRows | null = null;

  /** @param memory - slots to take the buffer from (a batch made on a worker), or null for fresh memory */
  constructor(
    private readonly count: number,
    private readonly offset = 0,
    private readonly memory: SlotLease | null = null,
  ) {}

  /** A zero-filled array of `shape` and `dtype` for the item at `position`. */
  allocate(position: number, shape: readonly number[], dtype: DType): NDArray<TypedArray> {
    const checked = checkedShape(shape);
    const Constructor = typedArrayConstructor(dtype);
    const local = position - this.offset;
    if (local >= 0 && local < this.count) {
      if (this.rows === null) {
        const rowSize = shapeSize(checked);
        const data = this.memory?.zeros(dtype, this.count * rowSize) ?? new Constructor(this.count * rowSize);
        markResultBuffer(data);
        this.rows = { data, shape: checked, dtype, rowSize, given: new Uint8Array(this.count) };
      }
      const rows = this.rows;
      if (rows.given[local] === 0 && rows.dtype === dtype && sameShape(rows.shape, checked)) {
        rows.given[local] = 1;
        return contiguousView(rows.data, checked, local * rows.rowSize);
      }
    }
    return newOutput(checked, dtype);
  }

  /** Marks `results` (the call's results, item k at k) as having these rows, for {@link takeOutputRows}. */
  attachTo(results: readonly unknown[]): void {
    if (this.rows !== null && results.length === this.count) attached.set(results, this.rows);
  }
}

const attached = new WeakMap<readonly unknown[], OutputRows>();

/**
 * The output rows attached to `results` by {@link ItemOutputs.attachTo}, taken (a second call gives
 * undefined, so the rows never become two components); undefined when none are attached.
 */
export function takeOutputRows(results: readonly unknown[]): OutputRows | undefined {
  const rows = attached.get(results);
  if (rows !== undefined) attached.delete(results);
  return rows;
}

/**
 * The results as one array over `rows`: each result must be an ndarray of the rows' shape and dtype;
 * an item's own row (given by `context.output` and returned) stays where it is, and a result in any
 * other storage is copied into its row when nobody was given that row. Null when a result does not
 * fit (another shape or dtype, a row given but not returned, a view of the rows elsewhere): the
 * assembly then stacks the results into a new array as usual.
 */
export function assembleIntoRows(values: readonly unknown[], rows: OutputRows): NDArray | null {
  const { data, rowSize, given, dtype, shape } = rows;
  if (values.length !== given.length) return null;
  for (let k = 0; k < values.length; k++) {
    const value = values[k];
    if (!isNdArray(value) || dtypeOf(value) !== dtype || !sameShape(value.shape, shape)) return null;
    const inRows = (value.data as unknown) === data;
    if (inRows ? value.offset !== k * rowSize || !isContiguous(value) : given[k] === 1 || sharesMemory(value.data, data)) return null;
  }
  for (let k = 0; k < values.length; k++) {
    const value = values[k] as NDArray;
    if ((value.data as unknown) !== data) copyInto(data, k * rowSize, value);
  }
  return ndarray(data, [values.length, ...shape]);
}

function sharesMemory(storage: unknown, data: TypedArray): boolean {
  return ArrayBuffer.isView(storage) && storage.buffer === data.buffer;
}
