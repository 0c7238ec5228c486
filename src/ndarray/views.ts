/**
 * Making scijs ndarray views without `ndarray()` and `pick()` on hot paths. `ndarray(data, shape)`
 * finds the element type of `data` on every call (Node's Buffer checks, then `Object.prototype.toString`),
 * and `pick(i)` builds its shape and stride in growing lists before calling the view constructor
 * through a wrapper. Both end in the view class scijs generated for one element type and one number
 * of dimensions, `new View(data, shape0, …, stride0, …, offset)`; this module keeps those classes
 * (per storage class and dimension count, or per view class for rows) and calls them directly. The
 * views made are the same objects `ndarray()` and `pick()` make.
 *
 * Fewer calls of `ndarray()` from the library also keep its type checks to the types user code
 * gives it (an item function that returns `ndarray(out, [n])` per item).
 * @module
 */
import ndarray from 'ndarray';

type NDArray<D extends ndarray.Data = ndarray.Data<number>> = ndarray.NdArray<D>;
type TypedArray = ndarray.TypedArray;

/** A view class scijs generated for views of one or two dimensions. */
type View1Class = new (data: unknown, shape0: number, stride0: number, offset: number) => NDArray;
type View2Class = new (data: unknown, shape0: number, shape1: number, stride0: number, stride1: number, offset: number) => NDArray;

/** Storage classes whose views are made through a kept class (exact classes: a subclass such as Buffer goes through `ndarray()`). */
const keptStorage = new Set<unknown>([Float32Array, Float64Array, Int8Array, Int16Array, Int32Array, Uint8Array, Uint16Array, Uint32Array, Uint8ClampedArray]);

/** View classes by storage class: index 0 for one dimension, 1 for two. */
const viewClasses = new Map<unknown, [View1Class | null, View2Class | null]>();

/** The view class of `data`'s storage class with `dimensions` (1 or 2) dimensions, made once through `ndarray()`. */
function viewClass(data: TypedArray, dimensions: 1 | 2): View1Class | View2Class {
  let classes = viewClasses.get(data.constructor);
  if (classes === undefined) {
    classes = [null, null];
    viewClasses.set(data.constructor, classes);
  }
  const kept = classes[dimensions - 1];
  if (kept) return kept;
  const made = ndarray(data, dimensions === 1 ? [0] : [0, 0]).constructor as View1Class & View2Class;
  classes[dimensions - 1] = made;
  return made;
}

/**
 * A contiguous (row-major) view of typed storage `data` with `shape`, starting at element `offset`
 * (default 0): what `ndarray(data, shape, undefined, offset)` gives.
 */
export function contiguousView(data: TypedArray, shape: readonly number[], offset = 0): NDArray<TypedArray> {
  if (keptStorage.has(data.constructor)) {
    if (shape.length === 1) return new (viewClass(data, 1) as View1Class)(data, shape[0]!, 1, offset) as NDArray<TypedArray>;
    if (shape.length === 2) return new (viewClass(data, 2) as View2Class)(data, shape[0]!, shape[1]!, shape[1]!, 1, offset) as NDArray<TypedArray>;
  }
  return ndarray(data, [...shape], undefined, offset);
}

/** Row view classes by the view class of the array (rows of 1 or 2 dimensions). */
const rowClasses = new WeakMap<object, View1Class | View2Class>();

/** Reads rows (items along the first axis) of one array of 2 or more dimensions as views, as `pick(position)` would. */
export class RowViews {
  readonly #array: NDArray;
  readonly #data: unknown;
  readonly #rowDimensions: number;
  readonly #rowClass: View1Class | View2Class;
  readonly #offset: number;
  readonly #stride0: number;
  readonly #shape1: number;
  readonly #stride1: number;
  readonly #shape2: number;
  readonly #stride2: number;

  constructor(array: NDArray) {
    this.#array = array;
    this.#data = array.data;
    this.#rowDimensions = array.shape.length - 1;
    let rowClass = rowClasses.get(array.constructor);
    if (rowClass === undefined) {
      rowClass = array.pick(0).constructor as View1Class | View2Class;
      rowClasses.set(array.constructor, rowClass);
    }
    this.#rowClass = rowClass;
    this.#offset = array.offset;
    this.#stride0 = array.stride[0]!;
    this.#shape1 = array.shape[1] ?? 0;
    this.#stride1 = array.stride[1] ?? 0;
    this.#shape2 = array.shape[2] ?? 0;
    this.#stride2 = array.stride[2] ?? 0;
  }

  /** The view of row `position` (no copy; `position` is not checked against the length, like `pick`). */
  at(position: number): NDArray {
    if (!(position >= 0)) return this.#array.pick(position);
    const offset = (this.#offset + this.#stride0 * position) | 0;
    if (this.#rowDimensions === 1) return new (this.#rowClass as View1Class)(this.#data, this.#shape1, this.#stride1, offset);
    if (this.#rowDimensions === 2) return new (this.#rowClass as View2Class)(this.#data, this.#shape1, this.#shape2, this.#stride1, this.#stride2, offset);
    return this.#array.pick(position);
  }
}
