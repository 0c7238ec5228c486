/**
 * `DatasetIndex`: the ids of a dataset or batch, with O(1) id → position lookup. Iteration,
 * shuffling and splitting work on positions; ids locate data.
 * @module
 */
import { ArgumentError, MissingIdError } from '../errors.js';
import { isNdArray, isTypedArray, type NDArray } from '../ndarray/ndarray-utils.js';
import { calcSplit, type SplitShares } from './calc-split.js';
import { identityOrder, makeRng, type ShuffleOption } from './shuffle.js';
import { isSlice, slicePositions, type IndexSlice as Slice } from '../util/slice.js';
import { checkIterOptions, defaultIterState, nextPositions, StopIterationError, totalBatches, type BatchIterOptions, type IterState } from './iteration.js';

/** An id stored in an index. `1` and `'1'` are different ids. */
export type IndexValue = string | number;

type IndexData = number | string | readonly IndexValue[] | ArrayLike<IndexValue> | Iterable<IndexValue> | NDArray | DatasetIndex;

/**
 * What a `DatasetIndex` can be built from: a size `n` (ids 0..n-1), an array / iterable / typed array /
 * 1-D ndarray of ids, a single id, another index (its ids are shared), or a function returning one of these.
 */
export type IndexSource = IndexData | (() => IndexData);

/** Options of `nextBatch` / `genBatch` without the batch size (given as the first argument instead). */
export type BatchIterRest = Omit<BatchIterOptions, 'batchSize'>;

/** Options of `createBatch`. */
export interface CreateBatchOptions {
  /** Read the argument as positions (default true) or as ids (false; not checked against the index). */
  pos?: boolean;
  /** Return the ids as an array instead of an index. */
  asArray?: boolean;
}

const TRUSTED = Symbol('batchflow.trustedIds');

/** Ids already validated (internal: lets subsets skip the O(n) checks of the public constructor). */
interface TrustedIds {
  readonly [TRUSTED]: true;
  /** The ids; null for a range 0..n-1 not materialised yet. */
  readonly ids: IndexValue[] | null;
  readonly n: number;
  /** true: ids are 0..n-1; false: they are not; undefined: not known yet (computed on first lookup). */
  readonly range: boolean | undefined;
  readonly map: Map<IndexValue, number> | undefined;
}

/** @internal Wraps ids that need no validation (for subclasses deriving subsets). */
export function trustedIds(ids: IndexValue[], allowEmpty = false): IndexSource {
  if (ids.length === 0 && !allowEmpty) throw new ArgumentError('index', 'an index cannot be empty');
  return { [TRUSTED]: true, ids, n: ids.length, range: undefined, map: undefined } satisfies TrustedIds as unknown as IndexSource;
}

/** @internal True for ids wrapped by {@link trustedIds}. */
export function isTrustedIds(value: unknown): boolean {
  return isTrusted(value);
}

function isTrusted(value: unknown): value is TrustedIds {
  return typeof value === 'object' && value !== null && (value as Partial<TrustedIds>)[TRUSTED] === true;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}

/** The ids of a dataset or batch. */
export class DatasetIndex implements Iterable<IndexValue> {
  #ids: IndexValue[] | null;
  readonly #n: number;
  #range: boolean | undefined;
  #map: Map<IndexValue, number> | undefined;
  #train: this | null = null;
  #test: this | null = null;
  #validation: this | null = null;
  #iterParams: IterState | null = null;

  /**
   * @param source - a size n (ids 0..n-1), ids (array, iterable, typed array, 1-D ndarray), one id,
   *   another index (ids shared, not copied), or a function returning one of these.
   * @throws ArgumentError for an empty index; TypeError for ids that are not strings/numbers or a
   *   multi-dimensional source. Duplicate ids only warn (the last position of an id wins).
   */
  constructor(source: IndexSource) {
    const parts = DatasetIndex.#resolve(source);
    this.#ids = parts.ids;
    this.#n = parts.n;
    this.#range = parts.range;
    this.#map = parts.map;
  }

  static #resolve(source: IndexSource): TrustedIds {
    const value: unknown = typeof source === 'function' ? (source as () => IndexData)() : source;
    if (isTrusted(value)) return value;
    if (value instanceof DatasetIndex) return { [TRUSTED]: true, ids: value.#ids, n: value.#n, range: value.#range, map: value.#map };
    const scalar = typeof value === 'boolean' ? Number(value) : value;
    if (typeof scalar === 'number' && Number.isInteger(scalar)) {
      if (scalar < 1) throw new ArgumentError('index', `an index cannot be empty (size ${scalar})`);
      return { [TRUSTED]: true, ids: null, n: scalar, range: true, map: undefined };
    }
    let ids: unknown[];
    if (typeof scalar === 'number' || typeof scalar === 'string') ids = [scalar];
    else if (isNdArray(scalar)) {
      if (scalar.shape.length !== 1) throw new TypeError(`index: ids must be one-dimensional, got an ndarray of shape [${scalar.shape}]`);
      ids = Array.from({ length: scalar.shape[0]! }, (_, i) => scalar.get(i));
    } else if (Array.isArray(scalar) || isTypedArray(scalar)) ids = Array.from(scalar as ArrayLike<unknown>);
    else if (scalar !== null && typeof scalar === 'object' && (Symbol.iterator in scalar || typeof (scalar as ArrayLike<unknown>).length === 'number')) {
      ids = Array.from(scalar as Iterable<unknown>);
    } else throw new TypeError(`index: expected a size, ids or a DatasetIndex, got ${describe(scalar)}`);
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
    if (range) return { [TRUSTED]: true, ids: valid, n: valid.length, range: true, map: undefined };
    const map = new Map<IndexValue, number>();
    for (let i = 0; i < valid.length; i++) map.set(valid[i]!, i);
    if (map.size !== valid.length) {
      process.emitWarning(
        `Index contains non-unique elements (${valid.length - map.size} duplicate(s)); the last position of each id is used`,
        'BatchflowWarning',
      );
    }
    return { [TRUSTED]: true, ids: valid, n: valid.length, range: false, map };
  }

  // ---- ids, positions ---------------------------------------------------------------------------

  /** The ids, in order. */
  get indices(): readonly IndexValue[] {
    if (this.#ids === null) {
      const ids = new Array<number>(this.#n);
      for (let i = 0; i < this.#n; i++) ids[i] = i;
      this.#ids = ids;
    }
    return this.#ids;
  }

  /** Number of ids. */
  get length(): number {
    return this.#n;
  }

  /** Number of ids (same as `length`). */
  get size(): number {
    return this.#n;
  }

  #isRange(): boolean {
    if (this.#range === undefined) {
      const ids = this.#ids!;
      let range = true;
      for (let i = 0; i < ids.length && range; i++) range = ids[i] === i;
      this.#range = range;
    }
    return this.#range;
  }

  #lookup(): Map<IndexValue, number> {
    if (!this.#map) {
      const map = new Map<IndexValue, number>();
      const ids = this.indices;
      for (let i = 0; i < ids.length; i++) map.set(ids[i]!, i);
      this.#map = map;
    }
    return this.#map;
  }

  #positionOf(id: IndexValue): number | undefined {
    if (this.#isRange()) return typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < this.#n ? id : undefined;
    return this.#lookup().get(id);
  }

  /** True when `id` is in the index. */
  has(id: IndexValue): boolean {
    return this.#positionOf(id) !== undefined;
  }

  /**
   * The position of an id; the positions of several ids (in the same order); or, for a slice of ids
   * `{start: 'b', stop: 'd'}`, the slice of positions `{start: 1, stop: 3}` (step unchanged).
   * @throws MissingIdError listing every id that is not in the index.
   */
  getPos(id: IndexValue): number;
  getPos(ids: Slice<IndexValue>): Slice<number>;
  getPos(ids: Iterable<IndexValue> | ArrayLike<IndexValue> | DatasetIndex): Int32Array;
  getPos(ids: IndexValue | Slice<IndexValue> | Iterable<IndexValue> | ArrayLike<IndexValue> | DatasetIndex): number | Slice<number> | Int32Array {
    if (typeof ids === 'string' || typeof ids === 'number') {
      const position = this.#positionOf(ids);
      if (position === undefined) throw new MissingIdError([ids], 'the index');
      return position;
    }
    if (isSlice(ids)) {
      const bound = (id: unknown): number | null => (id === undefined || id === null ? null : this.getPos(id as IndexValue));
      return { start: bound(ids.start), stop: bound(ids.stop), step: ids.step ?? null };
    }
    return this.getPositions(ids instanceof DatasetIndex ? ids.indices : (ids as Iterable<IndexValue>));
  }

  /** The positions of `ids`, in the same order; throws MissingIdError listing every absent id. */
  getPositions(ids: Iterable<IndexValue> | ArrayLike<IndexValue>): Int32Array {
    const list = Array.isArray(ids) ? (ids as IndexValue[]) : Array.from(ids as Iterable<IndexValue>);
    const out = new Int32Array(list.length);
    const missing: IndexValue[] = [];
    for (let k = 0; k < list.length; k++) {
      const position = this.#positionOf(list[k]!);
      if (position === undefined) missing.push(list[k]!);
      else out[k] = position;
    }
    if (missing.length > 0) throw new MissingIdError(missing, 'the index');
    return out;
  }

  /** Positions from any position argument: ints (negatives count from the end), a slice, a boolean mask, an iterable. */
  #positions(pos: Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>): Int32Array {
    const n = this.#n;
    if (isSlice(pos)) return slicePositions(pos as Slice, n);
    const list = pos instanceof Int32Array ? pos : Array.isArray(pos) ? (pos as readonly unknown[]) : Array.from(pos as Iterable<unknown>);
    if (list.length > 0 && typeof list[0] === 'boolean') {
      if (list.length !== n) throw new ArgumentError('pos', `a boolean mask must have one entry per id (${n}), got ${list.length}`);
      const out: number[] = [];
      for (let i = 0; i < n; i++) {
        if (typeof list[i] !== 'boolean') throw new TypeError(`pos: a boolean mask must hold only booleans; entry ${i} is ${typeof list[i]}`);
        if (list[i]) out.push(i);
      }
      return Int32Array.from(out);
    }
    const out = new Int32Array(list.length);
    for (let k = 0; k < list.length; k++) {
      const position = list[k];
      if (typeof position !== 'number' || !Number.isInteger(position)) throw new TypeError(`pos: positions must be integers, got ${JSON.stringify(position)}`);
      const actual = position < 0 ? n + position : position;
      if (actual < 0 || actual >= n) throw new RangeError(`position ${position} is out of bounds for an index of ${n} ids`);
      out[k] = actual;
    }
    return out;
  }

  /** The ids at valid positions (no checks). */
  #take(positions: Int32Array): IndexValue[] {
    const out = new Array<IndexValue>(positions.length);
    if (this.#ids === null) for (let k = 0; k < positions.length; k++) out[k] = positions[k]!;
    else {
      const ids = this.#ids;
      for (let k = 0; k < positions.length; k++) out[k] = ids[positions[k]!]!;
    }
    return out;
  }

  /**
   * The id at a position, or the ids at positions (numpy rules: negative positions count from the end;
   * a slice `{start, stop, step}`, a boolean mask with one entry per id, or any iterable of integers).
   * @throws RangeError for a position out of bounds.
   */
  subsetByPos(pos: number): IndexValue;
  subsetByPos(pos: Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>): IndexValue[];
  subsetByPos(pos: number | Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>): IndexValue | IndexValue[] {
    if (typeof pos === 'number') return this.#take(this.#positions([pos]))[0]!;
    return this.#take(this.#positions(pos));
  }

  /**
   * A new index of the same class over `ids`, keeping what the class attaches to ids (a FilesIndex
   * keeps its paths). Trusted ids: subclasses that take other constructor arguments override this.
   */
  protected deriveIndex(ids: IndexValue[]): this {
    const Ctor = this.constructor as new (source: IndexSource) => this;
    return new Ctor(trustedIds(ids));
  }

  /** A new index of the same class for positions already checked. */
  protected fromPositions(positions: Int32Array): this {
    return this.deriveIndex(this.#take(positions));
  }

  /** The ids of a source, validated as the constructor does (shared when it is an index). */
  protected static resolveIds(source: IndexSource): IndexValue[] {
    if (source instanceof DatasetIndex) return source.indices as IndexValue[];
    const parts = DatasetIndex.#resolve(source);
    if (parts.ids !== null) return parts.ids;
    return Array.from({ length: parts.n }, (_, i) => i);
  }

  /** A new index of the same class holding `ids` (not checked against this index). */
  createSubset(ids: IndexSource): this {
    return this.deriveIndex(DatasetIndex.resolveIds(ids));
  }

  /**
   * A batch index: with `pos: true` (default) the argument is read as positions, with `pos: false` as
   * ids (not checked). A DatasetIndex argument gives its ids. Returns an index of the same class, or
   * the ids with `asArray: true`.
   */
  createBatch(index: IndexSource | Slice, options: CreateBatchOptions & { asArray: true }): IndexValue[];
  createBatch(index: IndexSource | Slice, options?: CreateBatchOptions & { asArray?: false }): this;
  createBatch(index: IndexSource | Slice, options: CreateBatchOptions = {}): this | IndexValue[] {
    const { pos = true, asArray = false } = options;
    const source = index instanceof DatasetIndex ? index.indices : index;
    let ids: IndexValue[];
    if (pos) {
      const positions = typeof source === 'number' ? [source] : typeof source === 'function' ? (source as () => unknown)() : source;
      ids = this.#take(this.#positions(positions as Iterable<number>));
    } else {
      ids = DatasetIndex.resolveIds(source as IndexSource);
    }
    return asArray ? ids : this.deriveIndex(ids);
  }

  /** An index of this class over this index's ids followed by the others' ids. */
  concat(...others: readonly IndexSource[]): this {
    const ids = [...this.indices];
    for (const other of others) {
      for (const id of DatasetIndex.resolveIds(other)) ids.push(id);
    }
    return this.createSubset(ids);
  }

  // ---- splits -----------------------------------------------------------------------------------

  /** `[train, test, validation]` sizes for `shares` (see {@link calcSplit}). */
  calcSplit(shares: SplitShares = 0.8): [number, number, number] {
    return calcSplit(this.#n, shares);
  }

  /**
   * The order of positions for a `shuffle` argument: 0..n-1 for `false` (or a negative integer),
   * otherwise a permutation from the generator (`k` → `new Rng(k).permutation(n)`).
   */
  shuffle(shuffle: ShuffleOption): Int32Array {
    const rng = makeRng(shuffle);
    return rng ? rng.permutation(this.#n) : identityOrder(this.#n);
  }

  /**
   * Splits the index into `train`, `test` and `validation` (sizes from {@link calcSplit}). In the
   * (possibly shuffled) order, validation takes the first items, test the next ones and train the
   * rest; so without a shuffle, train is the tail of the index. Every split replaces all three parts
   * (a part with no items is null).
   */
  split(shares: SplitShares = 0.8, options: { shuffle?: ShuffleOption } = {}): this {
    const [train, test, validation] = this.calcSplit(shares);
    const order = this.shuffle(options.shuffle ?? false);
    this.#validation = validation > 0 ? this.fromPositions(order.subarray(0, validation)) : null;
    this.#test = test > 0 ? this.fromPositions(order.subarray(validation, validation + test)) : null;
    this.#train = train > 0 ? this.fromPositions(order.subarray(validation + test)) : null;
    return this;
  }

  /** The train part of the last split (null before a split). */
  get train(): this | null {
    return this.#train;
  }

  /** The test part of the last split (null before a split or when it has no items). */
  get test(): this | null {
    return this.#test;
  }

  /** The validation part of the last split (null before a split or when it has no items). */
  get validation(): this | null {
    return this.#validation;
  }

  /** True when any of train, test, validation is set. */
  get isSplit(): boolean {
    return this.#train !== null || this.#test !== null || this.#validation !== null;
  }

  /** @internal Sets the parts (used by Dataset for cross-validation folds). */
  setParts(parts: { train?: DatasetIndex | null; test?: DatasetIndex | null; validation?: DatasetIndex | null }): void {
    this.#train = (parts.train ?? null) as this | null;
    this.#test = (parts.test ?? null) as this | null;
    this.#validation = (parts.validation ?? null) as this | null;
  }

  // ---- batch iteration --------------------------------------------------------------------------

  /** The state of `nextBatch` on this index (`reset('iter')` restores the defaults). */
  get iterParams(): IterState {
    return (this.#iterParams ??= defaultIterState());
  }

  set iterParams(state: IterState) {
    this.#iterParams = state;
  }

  /** Restores the iteration state of `nextBatch` (`'iter'` is the only thing an index can reset). */
  reset(what: 'iter' = 'iter'): void {
    if (what !== 'iter') throw new ArgumentError('what', `an index can only reset 'iter', got ${JSON.stringify(what)}`);
    this.iterParams = defaultIterState();
  }

  static #iterOptions(first: number | BatchIterOptions, rest: BatchIterRest | undefined): BatchIterOptions {
    return typeof first === 'number' ? { ...rest, batchSize: first } : first;
  }

  /**
   * The next batch (an index of the same class over the batch's ids), continuing the index's own
   * iteration state (or `iterParams`). Endless unless `nIters` or `nEpochs` is given.
   * @throws StopIterationError when the iteration is over; ArgumentError for bad options.
   */
  nextBatch(options: BatchIterOptions): this;
  nextBatch(batchSize: number, options?: BatchIterRest): this;
  nextBatch(first: number | BatchIterOptions, rest?: BatchIterRest): this {
    const options = DatasetIndex.#iterOptions(first, rest);
    const checked = checkIterOptions(options, this.#n);
    return this.fromPositions(nextPositions(options.iterParams ?? this.iterParams, this.#n, checked));
  }

  /**
   * A generator of batches (indices of the same class), on a fresh iteration state unless `iterParams`
   * is given; the index's own `nextBatch` state is not touched. Options are checked at once. Every
   * epoch is a new permutation drawn from one generator made from `shuffle`, so the same seed gives
   * the same batches. `state.total` is set to the number of batches (null when endless).
   */
  genBatch(options: BatchIterOptions): Generator<this, void, undefined>;
  genBatch(batchSize: number, options?: BatchIterRest): Generator<this, void, undefined>;
  genBatch(first: number | BatchIterOptions, rest?: BatchIterRest): Generator<this, void, undefined> {
    const options = DatasetIndex.#iterOptions(first, rest);
    const checked = checkIterOptions(options, this.#n);
    const state = options.iterParams ?? defaultIterState();
    state.total = totalBatches(this.#n, checked);
    return this.#generate(state, checked);
  }

  *#generate(state: IterState, options: ReturnType<typeof checkIterOptions>): Generator<this, void, undefined> {
    const n = this.#n;
    const { nEpochs } = options;
    while (nEpochs === null || state.nEpochs < nEpochs) {
      let positions: Int32Array;
      try {
        positions = nextPositions(state, n, options);
      } catch (error) {
        if (error instanceof StopIterationError) return;
        throw error;
      }
      yield this.fromPositions(positions);
    }
  }

  [Symbol.iterator](): Iterator<IndexValue> {
    return this.indices[Symbol.iterator]();
  }
}
