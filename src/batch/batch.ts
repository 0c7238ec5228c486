/**
 * `Batch`: a slice of a dataset — an index of ids plus named components (one entry per item).
 * Subclasses declare `static components` and decorated actions; see the README for a tour.
 * The class holds the public API; each job lives in its own module (component storage, load/dump,
 * parallel dispatch, merge, toArray, …).
 * @module
 */
import { action } from '../decorators/action.js';
import { applyParallel } from '../decorators/apply-parallel.js';
import type { ActionRecord } from '../decorators/action-record.js';
import { lockForAction, runParallelAction, type ActionHost } from '../decorators/host.js';
import type { ComponentTuple, ParallelDecoratorOptions } from '../decorators/parallel-options.js';
import type { Mutex } from '../concurrency/mutex.js';
import { LockRegistry } from '../concurrency/lock-registry.js';
import { DatasetIndex, type IndexSource, type IndexValue } from '../dataset/dataset-index.js';
import type { ItemFunction } from '../engines/item-task.js';
import { columnItem, concatColumns, deepCopy, type Column } from '../ndarray/columns.js';
import type { DType, NDArray, TypedArray } from '../ndarray/ndarray-utils.js';
import { memoryOf } from '../engines/batch-memory.js';
import { leasedOutput } from '../engines/item-outputs.js';
import type { Rng } from '../random/rng.js';
import type { ActionsOf, ApplyParallelArguments } from './action-types.js';
import { createActionsView } from './actions-view.js';
import { AttributeSet } from './attributes.js';
import { assembleResults } from './assemble-results.js';
import { batchAsDataset } from './as-dataset.js';
import type { BatchClass, BatchOptions } from './batch-class.js';
import type { BatchLike } from './batch-like.js';
import { installAccessors, validateStaticComponents } from './component-accessors.js';
import { ComponentStore } from './component-store.js';
import { batchFromData, type FromDataTarget } from './from-data.js';
import type { DatasetOf } from './dataset-link.js';
import { batchItemAt, type ItemView } from './item-view.js';
import { dumpBatch, loadBatch } from './load-dump.js';
import type { DumpOptions, LoadOptions } from './load-dump-options.js';
import type { DumpOptionsFor, FormatChoice, LoadOptionsFor } from '../io/format-options.js';
import { createLocator } from './locator.js';
import { lockFor } from './locks.js';
import { mergeBatches } from './merge.js';
import { applyFunction, runRecordedAction } from './parallel-dispatch.js';
import { loadPreloadedInto } from './preload-storage.js';
import { RandomState } from './random-state.js';
import type { RowStorage } from '../ndarray/gather-rows.js';
import { assertPreloadedKeys, type ItemLocator, type PreloadedData } from './source.js';
import { itemToArray, type ToArrayOptions } from './to-array.js';

export type { BatchClass, BatchOptions } from './batch-class.js';
export type { DumpOptions, LoadOptions } from './load-dump-options.js';
export type { ToArrayOptions } from './to-array.js';

declare module './batch-like.js' {
  /** Public types below the class (named expressions' context) name `Batch` through {@link BatchType}. */
  interface BatchTypes {
    readonly batch: Batch;
  }
}

/**
 * A batch of items: an index (`indices` are the item ids) plus named components.
 *
 * Subclass it, list the components and write actions:
 * ```ts
 * class ImagesBatch extends Batch {
 *   static override components = ['images', 'labels'] as const;
 *   declare images: NDArray; declare labels: NDArray;
 *   @applyParallel({ src: 'images' })
 *   flip(image: NDArray, options: { axis: 0 | 1 }): NDArray { ... }
 * }
 * await batch.actions.flip({ axis: 1, p: 0.5 });
 * ```
 * Declare component fields with `declare` (a plain field would hide the component accessor).
 */
export class Batch implements ActionHost, BatchLike, Iterable<unknown> {
  /** Component names of the class, or null for a batch of unnamed data. */
  static components: readonly string[] | null = null;
  /** Class-wide defaults of parallel actions; subclasses' entries are merged over the parent's. */
  static applyDefaults: Readonly<ParallelDecoratorOptions> = { target: 'for', post: '_assemble', src: null, dst: null };

  /** The batch's ids. */
  readonly index: DatasetIndex;
  #dataset: DatasetOf<Batch> | null;
  #pipeline: object | null;
  readonly #store: ComponentStore;
  readonly #attributes = new AttributeSet(this);
  readonly #random = new RandomState();
  readonly #locks = new LockRegistry();
  #actionsView: unknown;

  constructor(index: IndexSource, options: BatchOptions = {}) {
    const cls = new.target;
    const components = validateStaticComponents(cls);
    installAccessors(cls, components);
    const { dataset = null, pipeline = null, preloaded, copy = false, ...attributes } = options;
    assertPreloadedKeys(cls.name, components, preloaded);
    this.index = index instanceof DatasetIndex ? index : new DatasetIndex(index);
    this.#dataset = dataset;
    this.#pipeline = pipeline;
    this.#store = new ComponentStore(this, { names: components, preloaded, copy, locate: this.#locator.bind(this) });
    this.createAttrs(attributes);
  }

  // ---- index, size, data ------------------------------------------------------------------

  /** The item ids, in batch order. */
  get indices(): readonly IndexValue[] {
    return this.index.indices;
  }

  /** Number of items. */
  get size(): number {
    return this.index.length;
  }

  /** Number of items (same as `size`). */
  get length(): number {
    return this.index.length;
  }

  /** A new array of `size` nulls. */
  get arrayOfNones(): null[] {
    return new Array<null>(this.size).fill(null);
  }

  /** Component names of this batch (the class's, plus any added at run time), or null. */
  get components(): readonly string[] | null {
    return this.#store.names;
  }

  /**
   * The batch data: for a components batch, a record `{name: column}`; otherwise the raw data.
   * Setting it replaces the data (a record or an array-tuple for a components batch; values must
   * already be in batch order).
   */
  get data(): unknown {
    return this.#store.getData();
  }

  set data(value: unknown) {
    this.#store.setData(value);
  }

  /** The dataset the batch came from (through its pipeline when it has one). */
  get dataset(): DatasetOf<Batch> | null {
    const fromPipeline = (this.#pipeline as { dataset?: DatasetOf<Batch> | null } | null)?.dataset;
    return fromPipeline ?? this.#dataset;
  }

  /** The pipeline running the batch, if any. */
  get pipeline(): object | null {
    return this.#pipeline;
  }

  set pipeline(pipeline: object | null) {
    this.#pipeline = pipeline;
  }

  /** The batch's seed (drawn from OS entropy on first use unless set). Setting it resets `random`. */
  get randomSeed(): number {
    return this.#random.seed;
  }

  set randomSeed(seed: number) {
    this.#random.seed = seed;
  }

  /** The batch's generator, seeded by `randomSeed`. Parallel actions draw their item seeds from it. */
  get random(): Rng {
    return this.#random.rng;
  }

  /**
   * The actions of this batch in their callable form, fully typed:
   * `await batch.actions.flip({ axis: 1, p: 0.5 })`. (A decorated per-item method keeps its per-item
   * type on the class, because TypeScript decorators cannot change types; this view gives the
   * action type. Calling a non-action through it throws an ArgumentError.)
   */
  get actions(): ActionsOf<this> {
    this.#actionsView ??= createActionsView(this);
    return this.#actionsView as ActionsOf<this>;
  }

  // ---- components ---------------------------------------------------------------------------

  /** The data of component `name` (null when it holds none). */
  getComponent(name: string): Column | null {
    return this.#store.get(name);
  }

  /** Replaces the data of component `name`: an array, typed array or ndarray with one entry per item, or null. */
  setComponent(name: string, value: unknown): void {
    this.#store.set(name, value);
  }

  /**
   * Adds components. `addComponents('masks', data)` adds one with its data;
   * `addComponents(['a', 'b'], [dataA, dataB])` adds several (names without a value hold null).
   */
  @action
  async addComponents(components: string | readonly string[], init?: unknown): Promise<this> {
    this.#store.addComponents(components, init);
    return this;
  }

  // ---- items ---------------------------------------------------------------------------------

  /** The item at `position` (0-based): a view with one property per component, or the raw item. */
  itemAt(position: number): unknown {
    return batchItemAt(this, this.#store, position);
  }

  /**
   * `get()` → data; `get(id)` → the item with that id; `get(undefined, name)` → a component;
   * `get(id, name)` → that item's value of the component.
   */
  get(item?: IndexValue, component?: string): unknown {
    if (item === undefined) return component === undefined ? this.data : this.getComponent(component);
    const position = this.index.getPos(item);
    if (component === undefined) return this.itemAt(position);
    const column = this.getComponent(component);
    return column === null ? null : columnItem(column, position);
  }

  /** Every item, in batch order (see `itemAt`). */
  get items(): unknown[] {
    return Array.from({ length: this.size }, (_, position) => this.itemAt(position));
  }

  *[Symbol.iterator](): Iterator<ItemView | unknown> {
    for (let position = 0; position < this.size; position++) yield this.itemAt(position);
  }

  // ---- attributes ----------------------------------------------------------------------------

  /** Sets extra attributes (each key becomes a property listed by `getAttrs`). */
  createAttrs(attributes: Readonly<Record<string, unknown>>): void {
    this.#attributes.set(attributes);
  }

  /** The extra attributes, `{name: value}`. */
  getAttrs(): Record<string, unknown> {
    return this.#attributes.get();
  }

  // ---- loading and dumping -------------------------------------------------------------------

  #locator(): ItemLocator {
    return createLocator(this.indices, this.#dataset);
  }

  /**
   * Loads data. In memory (`fmt` undefined): `src` is a record/Map/array-tuple matched to the
   * components (or to `dst`), or one component's data when `dst` is a name; dataset-sized sources
   * are cropped to the batch's items. With `fmt`, the registered format handler loads `src`.
   * Nothing is changed when loading fails.
   */
  @action
  async load<const F extends string | undefined = undefined>(options?: FormatChoice<F> & LoadOptionsFor<F>): Promise<this> {
    await loadBatch(this, this.#store, (options ?? {}) as LoadOptions);
    return this;
  }

  /**
   * Writes data out. In memory (`fmt` undefined): `dst` is an array filled in place at the items'
   * positions (dataset positions, or ids that are integers), with exactly one component.
   */
  @action
  async dump<const F extends string | undefined = undefined>(options?: FormatChoice<F> & DumpOptionsFor<F>): Promise<this> {
    await dumpBatch(this, this.#store, () => this.#locator(), (options ?? {}) as DumpOptions);
    return this;
  }

  /** Same as `dump`. */
  @action
  async save<const F extends string | undefined = undefined>(options?: FormatChoice<F> & DumpOptionsFor<F>): Promise<this> {
    return this.dump((options ?? {}) as DumpOptions);
  }

  // ---- parallel actions ----------------------------------------------------------------------

  /**
   * Applies `func` to each item and assembles the results (see the options in `ParallelOptions`).
   * `func(item, options, context)` receives the item, the call's own options (reserved ones removed,
   * `P(...)` values split per item) and an `ItemContext` (`index`, `position`, `rng`).
   * Defaults come from the class's `applyDefaults`.
   */
  @action
  async applyParallel<I, O = {}, R = unknown, A extends readonly unknown[] = readonly unknown[]>(
    func: ItemFunction<I, O, R, A>,
    ...[options]: {} extends NonNullable<O> ? [options?: ApplyParallelArguments<O, A>] : [options: ApplyParallelArguments<O, A>]
  ): Promise<this> {
    await applyFunction(this, func, options);
    return this;
  }

  /** @internal Called by decorated methods: runs the action a registry record describes. */
  async [runParallelAction](record: ActionRecord, options: Record<string, unknown> | undefined): Promise<unknown> {
    return runRecordedAction(this, record, options);
  }

  /**
   * @internal The mutex for lock `name`: the pipeline's when the batch has one (the same mutex as the
   * pipeline's `acquireLock(name)`), else the batch's.
   */
  [lockForAction](name: string): Mutex {
    return lockFor(this.#locks, this.#pipeline, name);
  }

  /**
   * The default `post` of parallel actions: stores per-item `results` in `dst` (one name: all
   * results; several names: item `i` returns one value per name). Numbers and same-shape arrays are
   * stacked into an ndarray; anything else stays a plain array. Missing components are created.
   */
  _assemble(results: readonly unknown[], options: { dst: string | readonly string[] | ComponentTuple | null }): this {
    const { names, columns } = assembleResults(results, options.dst);
    this.#store.storeResults(names, columns);
    return this;
  }

  /**
   * Converts items of a component to ndarrays of `dtype` (default 'float32') with a channels axis
   * ('last' by default): 2-D items get a new axis, ≥3-D items with 'first' move their last axis to the front.
   */
  @applyParallel({ dtype: 'float32', channels: 'last', summary: 'Converts items to ndarrays with a channels axis and a dtype.' })
  toArray(item: unknown, options: ToArrayOptions = {}): NDArray {
    return itemToArray(item, options);
  }

  /**
   * A zero-filled array of `shape` and `dtype` for a result one of this batch's actions computes (a
   * new component, a stack of output images). In a batch produced on a worker thread
   * (`run({ target: 'threads' })`) it comes from memory the worker reuses from batch to batch, which
   * saves the page faults of fresh memory; with the run option `reuseMemory`, the batch the consumer
   * receives stays in that memory, and no batch needs fresh memory. Elsewhere it is a new array.
   * @param shape - the array's shape (non-negative integers)
   * @param dtype - its element type (default `'float64'`)
   */
  allocate(shape: readonly number[], dtype: DType = 'float64'): NDArray<TypedArray> {
    return leasedOutput(memoryOf(this), shape, dtype);
  }

  /** An action that does nothing (a placeholder in pipelines). */
  @action
  async doNothing(..._args: unknown[]): Promise<this> {
    return this;
  }

  /** @internal Loads pending preloaded data with the rows of contiguous typed sources gathered into the arrays `storage` offers. */
  [loadPreloadedInto](storage: RowStorage): void {
    this.#store.ensureLoaded(storage);
  }

  /** An `init` for one call with no item (loads the data first): `@inbatchParallel({ init: 'runOnce' })`. */
  runOnce(): [undefined] {
    this.#store.ensureLoaded();
    return [undefined];
  }

  /** The errors among `results`, or null when there are none. */
  getErrors(results: readonly unknown[]): Error[] | null {
    const errors = results.filter((result): result is Error => result instanceof Error);
    return errors.length > 0 ? errors : null;
  }

  // ---- copies, datasets, merging -------------------------------------------------------------

  /** A deep copy: data and attributes copied; dataset, pipeline and random state carried over. */
  deepcopy(): this {
    this.#store.ensureLoaded();
    const Ctor = this.constructor as new (index: IndexSource, options?: BatchOptions) => this;
    const copy = new Ctor(this.index, { dataset: this.#dataset, pipeline: this.#pipeline, copy: this.#store.copy });
    copy.#store.copyFrom(this.#store);
    copy.createAttrs(Object.fromEntries(Object.entries(this.getAttrs()).map(([name, value]) => [name, deepCopy(value)])));
    copy.#random.copyFrom(this.#random);
    return copy;
  }

  /**
   * A dataset holding this batch's data (indexed by the batch ids, batch class = this class).
   * `dataset` may be a Dataset class or instance (its attributes are carried over); by default the
   * batch's own dataset's class, or `Dataset`. Batch attributes are carried over too.
   */
  asDataset(dataset?: DatasetOf<Batch> | (new (...args: never[]) => DatasetOf<Batch>) | null, options: { copy?: boolean } = {}): DatasetOf<this> {
    return batchAsDataset(this, this.#store.names !== null, dataset, this.#dataset, options.copy ?? false) as DatasetOf<this>;
  }

  /**
   * A batch of class `this` holding `data` (a record/tuple of components or raw data). Without `index`,
   * ids are 0..n-1. For a class without declared components, a record (or Map) of data makes one
   * component per key (`Batch.fromData(null, { x })` has component `x`, which can be dumped).
   */
  static fromData<B extends Batch, C extends new (index: IndexSource, options?: BatchOptions) => B>(
    this: C & (new (index: IndexSource, options?: BatchOptions) => B),
    index: IndexSource | null | undefined,
    data: PreloadedData<C>,
  ): B {
    return batchFromData<B>(this as unknown as FromDataTarget<B>, index, data, (batch: Batch, values, names) => batch.#store.loadInMemory(values, names));
  }

  /** Joins one component's data from several batches (override for custom data types). */
  static mergeComponent(component: string, data: readonly Column[]): Column {
    return concatColumns(data, component);
  }

  /**
   * Merges batches into one of `batchSize` items (all items when not given) and a batch with the
   * rest. Returns `[batch, rest]`; either is null when empty. Merged batches have ids 0..n-1.
   */
  static merge(
    batches: readonly Batch[],
    options: { batchSize?: number | null; components?: string | readonly string[] | null; batchClass?: BatchClass | null } = {},
  ): [Batch | null, Batch | null] {
    const batchClass = (options.batchClass ?? this) as BatchClass;
    return mergeBatches(batches, options, batchClass, (batch) => batch.#store);
  }

  /** A short description: class, size and components. */
  toString(): string {
    return `${this.constructor.name}(size=${this.size}, components=[${this.#store.names?.join(', ') ?? ''}])`;
  }
}
