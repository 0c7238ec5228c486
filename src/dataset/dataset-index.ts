/**
 * `DatasetIndex`: the ids of a dataset or batch, with O(1) id → position lookup. Iteration,
 * shuffling and splitting work on positions; ids locate data.
 * @module
 */
import { ArgumentError, MissingIdError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray-utils.js';
import { calcSplit, type SplitShares } from './calc-split.js';
import { identityOrder, makeRng, type ShuffleOption } from './shuffle.js';
import { isSlice, type IndexSlice as Slice } from '../util/slice.js';
import { checkIterOptions, defaultIterState, nextPositions, StopIterationError, totalBatches, type BatchIterOptions, type IterState } from './iteration.js';
import { idParts, isIdParts, resolveIdParts, trustIds, type IdParts, type IndexValue } from './index-ids.js';
import { positionsIn, takeIds } from './index-positions.js';

export type { IndexValue } from './index-ids.js';

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

/** @internal Wraps ids that need no validation (for subclasses deriving subsets). */
export function trustedIds(ids: IndexValue[], allowEmpty = false): IndexSource {
  return trustIds(ids, allowEmpty) as unknown as IndexSource;
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

  static #resolve(source: IndexSource): IdParts {
    const value: unknown = typeof source === 'function' ? (source as () => IndexData)() : source;
    if (isIdParts(value)) return value;
    if (value instanceof DatasetIndex) return idParts(value.#ids, value.#n, value.#range, value.#map);
    return resolveIdParts(value);
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

  /** The ids at valid positions (no checks). */
  #take(positions: Int32Array): IndexValue[] {
    return takeIds(this.#ids, positions);
  }

  /**
   * The id at a position, or the ids at positions (numpy rules: negative positions count from the end;
   * a slice `{start, stop, step}`, a boolean mask with one entry per id, or any iterable of integers).
   * @throws RangeError for a position out of bounds.
   */
  subsetByPos(pos: number): IndexValue;
  subsetByPos(pos: Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>): IndexValue[];
  subsetByPos(pos: number | Slice | readonly boolean[] | Iterable<number> | ArrayLike<number>): IndexValue | IndexValue[] {
    if (typeof pos === 'number') return this.#take(positionsIn([pos], this.#n))[0]!;
    return this.#take(positionsIn(pos, this.#n));
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
      ids = this.#take(positionsIn(positions as Iterable<number>, this.#n));
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
