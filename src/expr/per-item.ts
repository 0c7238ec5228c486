/**
 * `P(values)`: an option value given per item. A parallel action hands item `i` the value
 * `values[i]` instead of the whole container (BatchFlow's `P`). Named expressions inside `P` are
 * evaluated by pipelines; a direct call takes concrete per-item values.
 * @module
 */
import { isNdArray, ndItem, type NDArray } from '../ndarray/ndarray-utils.js';

/** An option value split across items: item `i` receives `valueAt(i)`. */
export class PerItem<T = unknown> {
  /** The per-item values (an array, a typed array or an ndarray whose first axis is the item axis). */
  readonly values: ArrayLike<T> | NDArray;
  constructor(values: ArrayLike<T> | NDArray) {
    if (!isNdArray(values) && (typeof values !== 'object' || values === null || typeof (values as ArrayLike<T>).length !== 'number')) {
      throw new TypeError(`P: expected an array of per-item values, got ${values === null ? 'null' : typeof values}`);
    }
    this.values = values;
  }

  /** Number of per-item values. */
  get length(): number {
    return isNdArray(this.values) ? this.values.shape[0]! : this.values.length;
  }

  /** The value for item `position`. */
  valueAt(position: number): T {
    return (isNdArray(this.values) ? ndItem(this.values, position) : this.values[position]) as T;
  }
}

/** Wraps per-item values: item `i` of a parallel action gets `values[i]`. */
export function P<T>(values: ArrayLike<T> | NDArray): PerItem<T> {
  return new PerItem<T>(values);
}

/** True for a value made by {@link P}. */
export function isPerItem(value: unknown): value is PerItem {
  return value instanceof PerItem;
}
