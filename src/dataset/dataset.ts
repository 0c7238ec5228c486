/**
 * `Dataset`: an index plus (optionally) preloaded data and the Batch class that slices it; splits,
 * cross-validation folds and batch generation.
 * @module
 */
import { ArgumentError, BatchflowError, ComponentError, MissingIdError } from '../errors.js';
import type { Batch } from '../batch/batch.js';
import { Batch as BatchRuntime } from '../batch/batch.js';
import { assertPreloadedKeys, matchSourceToNames, type PreloadedData } from '../batch/source.js';
import { registerDefaultDatasetClass } from '../batch/dataset-link.js';
import type { BatchConstructor } from './batch-constructor.js';
import { DatasetIndex, type BatchIterRest, type IndexSource } from './dataset-index.js';
import { defaultIterState, type BatchIterOptions, type IterState } from './iteration.js';
import type { SplitShares } from './calc-split.js';
import type { ShuffleOption } from './shuffle.js';
import type { IndexSlice as Slice } from '../util/slice.js';
import type { TableDatasetOptions } from './table-dataset.js';
import { CvExpression } from '../expr/cv-expression.js';
import type { NamedExpression } from '../expr/named-expression.js';

declare module '../batch/dataset-link.js' {
  /** `batch.dataset` and `batch.asDataset()` are typed as `Dataset`. */
  interface DatasetTypes<B> {
    readonly dataset: Dataset<B extends Batch ? B : Batch>;
  }
}

export type { BatchConstructor } from './batch-constructor.js';

/** Options of `cvSplit`. */
export interface CvSplitOptions {
  /** The splitting method; only `'kfold'` exists. */
  method?: 'kfold';
  /** Number of folds (2 ≤ nSplits ≤ dataset length; default 5). */
  nSplits?: number;
  /** Order of the items before they are cut into folds (default false: index order). */
  shuffle?: ShuffleOption;
}

/**
 * Constructor options of a dataset; any other key becomes a dataset attribute. `C` is the batch
 * class itself (inferred from `batchClass`): when it declares `static components = [...] as const`,
 * a record given as `preloaded` may only use those names.
 */
export interface DatasetOptions<B extends Batch = Batch, C = BatchConstructor<B>> {
  /** The class of the batches this dataset makes (default `Batch`; must be Batch or a subclass). */
  batchClass?: C & BatchConstructor<B>;
  /**
   * Data for all items (a record/tuple of components, or raw data); batches crop it to their ids. A
   * misspelled record key (not a component, while a component is missing) is a ComponentError; for
   * classes whose components are declared `as const`, any unknown key of a literal is a compile error.
   */
  preloaded?: PreloadedData<C>;
  /** Batches deep-copy their part of `preloaded` (default false: they may share memory with it). */
  copy?: boolean;
  /** Run `cvSplit({method, nSplits, shuffle})` at once. */
  nSplits?: number;
  /** `cvSplit` method (with `nSplits`). */
  method?: 'kfold';
  /** `cvSplit` shuffle (with `nSplits`). */
  shuffle?: ShuffleOption;
  [attribute: string]: unknown;
}

/** Options of `Dataset.fromDataset`; any other key becomes an attribute of the new dataset. */
export interface FromDatasetOptions<B extends Batch = Batch> {
  /** The new dataset's batch class (default: the source dataset's). */
  batchClass?: BatchConstructor<B>;
  /** Always make a new dataset with a copy of the index (default false: an equal index gives back the same dataset). */
  copy?: boolean;
  [attribute: string]: unknown;
}

/** Options of `Dataset.createBatch`; any other key becomes a batch attribute. */
export interface DatasetBatchOptions {
  /** Read the argument as positions in the dataset index (default false: as ids, not checked). */
  pos?: boolean;
  [attribute: string]: unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyDataset = Dataset<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type DatasetClass<D extends AnyDataset> = new (index: IndexSource, options?: DatasetOptions<any>) => D;

function isBatchClass(value: unknown): boolean {
  return typeof value === 'function' && (value === BatchRuntime || (value as { prototype?: unknown }).prototype instanceof BatchRuntime);
}

function sameIndex(a: DatasetIndex, b: DatasetIndex): boolean {
  if (a === b) return true;
  const classA = a.constructor as abstract new (...args: never[]) => unknown;
  const classB = b.constructor as abstract new (...args: never[]) => unknown;
  if (!(a instanceof classB) && !(b instanceof classA)) return false;
  if (a.length !== b.length) return false;
  const x = a.indices;
  const y = b.indices;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const reservedOptions = new Set(['batchClass', 'preloaded', 'copy', 'nSplits', 'method', 'shuffle']);

/**
 * A dataset: ids, preloaded data and a batch class.
 * @typeParam B - the batch type; `C` - the batch class (inferred from `batchClass`, used to check `preloaded`).
 */
export class Dataset<B extends Batch = Batch, C extends BatchConstructor<B> = BatchConstructor<B>> {
  /** The dataset's ids (a DatasetIndex or a subclass such as FilesIndex). */
  readonly index: DatasetIndex;
  /** The class of the batches it creates. */
  readonly batchClass: BatchConstructor<B>;
  /** The data batches are cropped from (shared by subsets, splits and copies). */
  readonly preloaded: unknown;
  /** Whether batches deep-copy their part of `preloaded` (the constructor's `copy` option). */
  readonly copyData: boolean;
  #attributeNames: string[] = [];
  #dataIndex: DatasetIndex;
  #dataView: { value: unknown } | null = null;
  #train: this | null = null;
  #test: this | null = null;
  #validation: this | null = null;
  #cv: this[] | null = null;
  #iterParams: IterState | null = null;

  /**
   * @param index - a DatasetIndex (used as is, shared) or anything `new DatasetIndex(...)` accepts.
   * @param options - batchClass, preloaded, copy, nSplits/method/shuffle (cross-validation), and attributes.
   * @throws TypeError when batchClass is not Batch or a subclass; ArgumentError when an attribute name is a Dataset member.
   */
  constructor(index: IndexSource, options: DatasetOptions<B, C> = {}) {
    const { batchClass, preloaded, copy = false, nSplits, method, shuffle, ...attributes } = options;
    if (batchClass !== undefined && !isBatchClass(batchClass)) {
      throw new TypeError(
        `batchClass: expected Batch or a subclass of Batch, got ${typeof batchClass === 'function' ? (batchClass as { name: string }).name || 'a function' : String(batchClass)}`,
      );
    }
    this.index = Dataset.buildIndex(index);
    this.#dataIndex = this.index;
    this.batchClass = batchClass ?? (BatchRuntime as unknown as BatchConstructor<B>);
    this.preloaded = preloaded;
    this.copyData = copy;
    assertPreloadedKeys(this.batchClass.name, (this.batchClass as unknown as { components: readonly string[] | null }).components, preloaded);
    this.#setAttributes(attributes);
    if (nSplits !== undefined && nSplits !== null) this.cvSplit({ method: method ?? 'kfold', nSplits, shuffle: shuffle ?? false });
  }

  #setAttributes(attributes: Record<string, unknown>): void {
    for (const [name, value] of Object.entries(attributes)) {
      if (reservedOptions.has(name) || name in this) throw new ArgumentError(name, 'cannot be a dataset attribute: it is a Dataset member or option');
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      this.#attributeNames.push(name);
    }
  }

  /** A DatasetIndex for `index` (an index is returned as is). */
  static buildIndex(index: IndexSource): DatasetIndex {
    return index instanceof DatasetIndex ? index : new DatasetIndex(index);
  }

  /**
   * A dataset of the calling class over `index`, with `dataset`'s preloaded data (shared), batch
   * class and attributes (plus the extra options as attributes). When the batch class is unchanged,
   * the index equals `dataset.index`, no attribute is given and `copy` is false, `dataset` itself is
   * returned. `index` is not checked against `dataset` (see `createSubset` for that).
   */
  static fromDataset<D extends AnyDataset>(this: DatasetClass<D>, dataset: AnyDataset, index: IndexSource, options: FromDatasetOptions = {}): D {
    const { batchClass, copy = false, ...attributes } = options;
    const built = Dataset.buildIndex(index);
    const sameClass = batchClass === undefined || batchClass === dataset.batchClass;
    if (sameClass && !copy && Object.keys(attributes).length === 0 && dataset instanceof this && sameIndex(built, dataset.index)) return dataset as D;
    return Dataset.#make(this, dataset, copy ? built.createSubset(built) : built, batchClass, attributes);
  }

  /**
   * A dataset over a table file read **once** (`fmt`: 'csv', 'feather' or 'hdf5'): the file's index
   * column gives the ids (row numbers 0..n-1 without one), its columns the preloaded data, and every
   * batch is cropped from memory by id — no file is read per batch. The batch class's components are
   * the columns loaded (or `dst`; `name0, name1, …` columns become one n×k component); the format's
   * load options (`indexCol`, `dtypes`, `int64`, `shapes`, `key`, …) apply as in `batch.load`.
   *
   * ```ts
   * const ds = await Dataset.fromTable('customers.csv', { fmt: 'csv', batchClass: TabularBatch });
   * ```
   * @throws ArgumentError for a format that is not a table, an unknown option or an empty table; the
   * format's errors (MissingFileError, FileFormatError, MissingColumnError, …) for a bad file.
   */
  static async fromTable<B extends Batch = Batch>(src: string, options: TableDatasetOptions<B>): Promise<Dataset<B>> {
    const { readTableDataset } = await import('./table-dataset.js');
    return readTableDataset(this as unknown as new (index: IndexSource, options: DatasetOptions<B>) => Dataset<B>, src, options);
  }

  static #make<D extends AnyDataset>(
    cls: DatasetClass<D>,
    source: AnyDataset,
    index: DatasetIndex,
    batchClass: BatchConstructor | undefined,
    attributes: Record<string, unknown>,
  ): D {
    const made = new cls(index, {
      ...source.getAttrs(),
      ...attributes,
      batchClass: (batchClass ?? source.batchClass) as never,
      preloaded: source.preloaded,
      copy: source.copyData,
    });
    made.#dataIndex = source.#dataIndex;
    return made;
  }

  /** A new dataset of this class over `index` (shared, not copied): same data, batch class and attributes. */
  #derive(index: DatasetIndex): this {
    return Dataset.#make(this.constructor as DatasetClass<this>, this, index, undefined, {});
  }

  /** The ids. */
  get indices(): DatasetIndex['indices'] {
    return this.index.indices;
  }

  /** Number of items. */
  get length(): number {
    return this.index.length;
  }

  /** Number of items (same as `length`). */
  get size(): number {
    return this.index.length;
  }

  /**
   * The index whose positions address `preloaded`: the dataset's own index, or, for a subset, split
   * part, fold or copy, the index of the dataset the data came from.
   */
  get dataIndex(): DatasetIndex {
    return this.#dataIndex;
  }

  /** The dataset's extra attributes. */
  getAttrs(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.#attributeNames.map((name) => [name, self[name]]));
  }

  // ---- data --------------------------------------------------------------------------------------

  /**
   * The preloaded data: null without it; for a batch class with components, a record
   * `{component: whole data of that component}` (a tuple is matched by position, a record or Map by
   * name); otherwise `preloaded` itself.
   */
  get data(): unknown {
    if (this.preloaded === undefined || this.preloaded === null) return null;
    const names = (this.batchClass as unknown as { components: readonly string[] | null }).components;
    if (!names) return this.preloaded;
    if (!this.#dataView) {
      const matched = matchSourceToNames(this.preloaded, names, 'preloaded');
      this.#dataView = { value: Object.freeze(Object.fromEntries(names.map((name) => [name, matched.get(name) ?? null]))) };
    }
    return this.#dataView.value;
  }

  /** The whole preloaded data of one component (null when there is none). @throws ComponentError for a name that is not a component of the batch class. */
  component(name: string): unknown {
    const names = (this.batchClass as unknown as { components: readonly string[] | null }).components;
    if (!names || !names.includes(name)) {
      throw new ComponentError(name, `'${name}' is not a component of ${this.batchClass.name} (components: ${names ? names.join(', ') : 'none'})`);
    }
    const data = this.data as Record<string, unknown> | null;
    return data ? (data[name] ?? null) : null;
  }

  // ---- batches and subsets -----------------------------------------------------------------------

  /**
   * A batch of the items with ids `ids` (not checked), or at positions `ids` with `pos: true`. A
   * DatasetIndex without `pos` is used as the batch index as is. The batch holds the dataset's
   * preloaded data cropped to its items (loaded on first access). Other options become batch attributes.
   */
  createBatch(ids: IndexSource | Slice, options: DatasetBatchOptions = {}): B {
    const { pos = false, ...attributes } = options;
    const batchIndex = ids instanceof DatasetIndex && !pos ? ids : this.index.createBatch(ids, { pos });
    return new this.batchClass(batchIndex, { ...attributes, dataset: this as unknown as Dataset, preloaded: this.preloaded, copy: this.copyData });
  }

  /**
   * A dataset over some of this dataset's ids (same data, batch class and attributes; the index keeps
   * its class, so a FilesIndex keeps its paths). All ids equal to this dataset's give back `this`.
   * @throws MissingIdError listing every id that is not in this dataset.
   */
  createSubset(index: IndexSource): this {
    const subset = this.index.createSubset(index);
    const missing = subset.indices.filter((id) => !this.index.has(id));
    if (missing.length > 0) throw new MissingIdError(missing, 'the dataset index');
    return (this.constructor as DatasetClass<this> & typeof Dataset).fromDataset(this, subset) as unknown as this;
  }

  /** A new dataset with the same data (shared), batch class and attributes, and a copy of the index. */
  copy(): this {
    return (this.constructor as DatasetClass<this> & typeof Dataset).fromDataset(this, this.index, { copy: true }) as unknown as this;
  }

  // ---- splits ------------------------------------------------------------------------------------

  /**
   * Splits the index (see `DatasetIndex.split`) and makes a dataset for each part. The parts are set
   * on both the index (`ds.index.train`) and the dataset (`ds.train`); every split replaces all three.
   */
  split(shares: SplitShares = 0.8, options: { shuffle?: ShuffleOption } = {}): this {
    this.index.split(shares, options);
    const part = (index: DatasetIndex | null): this | null => (index ? this.#derive(index) : null);
    this.#train = part(this.index.train);
    this.#test = part(this.index.test);
    this.#validation = part(this.index.validation);
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

  /**
   * K-fold cross-validation: cuts the (possibly shuffled) order into `nSplits` folds (the first
   * `n mod k` folds get one item more) and makes `cv(i)` for each: a copy of the dataset whose `train`
   * is the other folds (in fold order) and whose `test` is fold i. This dataset's own `train`/`test`
   * are not touched. A new `cvSplit` replaces all the folds.
   */
  cvSplit(options: CvSplitOptions = {}): this {
    const { method = 'kfold', nSplits = 5, shuffle = false } = options;
    if (method !== 'kfold') throw new ArgumentError('method', `unknown cross-validation method ${JSON.stringify(method)}; only 'kfold' is supported`);
    const n = this.length;
    if (typeof nSplits !== 'number' || !Number.isInteger(nSplits) || nSplits < 2 || nSplits > n) {
      throw new ArgumentError('nSplits', `expected an integer from 2 to the dataset length (${n}), got ${String(nSplits)}`);
    }
    this.#cv = null;
    const order = this.index.shuffle(shuffle);
    const base = Math.floor(n / nSplits);
    const bounds: number[] = [0];
    for (let i = 0; i < nSplits; i++) bounds.push(bounds[i]! + base + (i < n % nSplits ? 1 : 0));
    const folds: this[] = [];
    for (let i = 0; i < nSplits; i++) {
      const testPositions = order.subarray(bounds[i]!, bounds[i + 1]!);
      const trainPositions = new Int32Array(n - testPositions.length);
      trainPositions.set(order.subarray(0, bounds[i]!), 0);
      trainPositions.set(order.subarray(bounds[i + 1]!), bounds[i]!);
      const testIndex = this.index.createBatch(testPositions, { pos: true });
      const trainIndex = this.index.createBatch(trainPositions, { pos: true });
      const fold = this.#derive(this.index.createSubset(this.index));
      fold.index.setParts({ train: trainIndex, test: testIndex });
      fold.#train = this.#derive(trainIndex);
      fold.#test = this.#derive(testIndex);
      folds.push(fold);
    }
    this.#cv = folds;
    return this;
  }

  /** The number of cross-validation folds (null before `cvSplit`). */
  get nSplits(): number | null {
    return this.#cv ? this.#cv.length : null;
  }

  /**
   * Cross-validation fold `i` (0-based): a dataset with `train` and `test` set.
   * @throws BatchflowError before `cvSplit`; ArgumentError for a fold that does not exist.
   */
  cv(i: number): this {
    if (!this.#cv) throw new BatchflowError('to access cross-validation folds call cvSplit() first');
    if (!Number.isInteger(i) || i < 0 || i >= this.#cv.length)
      throw new ArgumentError('i', `expected a fold number from 0 to ${this.#cv.length - 1}, got ${i}`);
    return this.#cv[i]!;
  }

  /** An expression giving fold `fold` (may be `C('fold')`): `p.withDataset(ds.CV(C('fold')).train)` follows the config. */
  CV(fold: number | NamedExpression<number>): CvExpression<this> {
    return new CvExpression<this>(this, fold);
  }

  // ---- batch generation --------------------------------------------------------------------------

  /** The state of `nextBatch` on this dataset (`reset('iter')` restores the defaults). */
  get iterParams(): IterState {
    return (this.#iterParams ??= defaultIterState());
  }

  set iterParams(state: IterState) {
    this.#iterParams = state;
  }

  /** Restores the iteration state of the dataset and of its index. */
  reset(what: 'iter' = 'iter'): void {
    if (what !== 'iter') throw new ArgumentError('what', `a dataset can only reset 'iter', got ${JSON.stringify(what)}`);
    this.#iterParams = defaultIterState();
    this.index.reset('iter');
  }

  static #iterOptions(first: number | BatchIterOptions, rest: BatchIterRest | undefined): BatchIterOptions {
    return typeof first === 'number' ? { ...rest, batchSize: first } : first;
  }

  /**
   * The next batch, continuing the dataset's own iteration state (or `iterParams`). As on an index,
   * `nEpochs` defaults to null: **endless** unless `nIters` or `nEpochs` is given.
   * @throws StopIterationError when the iteration is over.
   */
  nextBatch(options: BatchIterOptions): B;
  nextBatch(batchSize: number, options?: BatchIterRest): B;
  nextBatch(first: number | BatchIterOptions, rest?: BatchIterRest): B {
    const options = Dataset.#iterOptions(first, rest);
    return this.createBatch(this.index.nextBatch({ ...options, iterParams: options.iterParams ?? this.iterParams }));
  }

  /**
   * A generator of batches on a fresh iteration state (unless `iterParams` is given). `nEpochs`
   * defaults to null: **endless** unless `nIters` or `nEpochs` is given (a Pipeline defaults to one
   * epoch). The same integer `shuffle` seed gives the same batches; every epoch is a new permutation.
   */
  genBatch(options: BatchIterOptions): Generator<B, void, undefined>;
  genBatch(batchSize: number, options?: BatchIterRest): Generator<B, void, undefined>;
  genBatch(first: number | BatchIterOptions, rest?: BatchIterRest): Generator<B, void, undefined> {
    const indices = this.index.genBatch(Dataset.#iterOptions(first, rest));
    return this.#batches(indices);
  }

  *#batches(indices: Iterator<DatasetIndex>): Generator<B, void, undefined> {
    for (let next = indices.next(); !next.done; next = indices.next()) yield this.createBatch(next.value);
  }
}

registerDefaultDatasetClass(Dataset);
