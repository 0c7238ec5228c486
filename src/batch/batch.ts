/**
 * `Batch`: a slice of a dataset — an index of ids plus named components (one entry per item).
 * Subclasses declare `static components` and decorated actions; see the README for a tour.
 * @module
 */
import ndarray from 'ndarray';
import { action } from '../decorators/action.js';
import { applyParallel } from '../decorators/apply-parallel.js';
import type { ActionRecord } from '../decorators/action-record.js';
import { lockForAction, runParallelAction, type ActionHost } from '../decorators/host.js';
import { ComponentTuple, type ParallelDecoratorOptions, type ParallelOptions } from '../decorators/parallel-options.js';
import { getAction } from '../decorators/registry.js';
import type { Mutex } from '../concurrency/mutex.js';
import { LockRegistry, locksOf } from '../concurrency/lock-registry.js';
import { DatasetIndex, type IndexSource, type IndexValue } from '../dataset/dataset-index.js';
import { Dataset } from '../dataset/dataset.js';
import type { ItemFunction } from '../engines/item-task.js';
import { portableReference, type FunctionReference } from '../engines/function-reference.js';
import { ArgumentError, AssembleError, ComponentError } from '../errors.js';
import { getFormat } from '../io/format-registry.js';
import { Rng } from '../random/rng.js';
import { assertSeed, entropySeed } from '../random/seed.js';
import type { ActionsOf, ItemOptionValues } from './action-types.js';
import type { PerItem } from '../expr/per-item.js';
import { assembleColumn } from './assemble.js';
import { columnItem, columnLength, concatColumns, deepCopy, describeKind, isColumn, setColumnItem, takeColumn, type Column } from '../ndarray/columns.js';
import { createItemView, unnamedItem, type ItemView } from './item-view.js';
import { castNdArray, copyNdArray, isNdArray, isTypedArray, type DType, type NDArray } from '../ndarray/ndarray-utils.js';
import { runParallel } from './parallel-runner.js';
import { assertPreloadedKeys, cropComponent, cropUnnamed, isRecordSource, isTupleSource, matchSourceToNames, type ItemLocator, type PreloadedData } from './source.js';

/** Constructor options of a batch; any other key becomes a batch attribute (see `getAttrs`). */
export interface BatchOptions {
  /** The dataset the batch was taken from (its index maps ids to positions in preloaded data). */
  dataset?: Dataset | null;
  /** The pipeline running the batch, if any. */
  pipeline?: object | null;
  /** In-memory data to load lazily on first access: a record/tuple of components, or raw data. */
  preloaded?: unknown;
  /** Deep-copy loaded data so the batch never shares memory with its source (default false: may share). */
  copy?: boolean;
  /** Extra attributes. */
  [attribute: string]: unknown;
}

/** A Batch class (the constructor and its statics). */
export interface BatchClass<B extends Batch = Batch> {
  new (index: IndexSource, options?: BatchOptions): B;
  readonly components: readonly string[] | null;
  readonly applyDefaults: Readonly<ParallelDecoratorOptions>;
  readonly name: string;
  mergeComponent(component: string, data: readonly Column[]): Column;
}

/** Options of `batch.load`. */
export interface LoadOptions {
  /** The data: a record/Map/array-tuple of per-component data, one component's data, or (with `fmt`) a file. */
  src?: unknown;
  /** `undefined` = in memory; otherwise a registered file format ('blosc', 'csv', 'hdf5', 'feather'). */
  fmt?: string;
  /** Component(s) to load into; missing ones are created in the given order. */
  dst?: string | readonly string[];
  /** Format-specific options. */
  [option: string]: unknown;
}

/** Options of `batch.dump` / `batch.save`. */
export interface DumpOptions {
  /** Destination: an array/typed array/ndarray (in memory, filled in place at the items' positions) or a file. */
  dst?: unknown;
  /** `undefined` = in memory; otherwise a registered file format. */
  fmt?: string;
  /** Component(s) to dump (in memory: exactly one). */
  components?: string | readonly string[];
  [option: string]: unknown;
}

/** Options of `toArray` (besides the parallel options; `src` is required). */
export interface ToArrayOptions {
  /** Element type of the result; null keeps the item's own (default 'float32'). */
  dtype?: DType | null;
  /** Where to put the channels axis: 'last' (default), 'first', or null to leave shapes alone. */
  channels?: 'first' | 'last' | null;
}

type ParallelArguments<O> = ParallelOptions & ItemOptionValues<O>;
/** Options of `batch.applyParallel(func, options)`: required when the function's own options have required keys. */
type ApplyParallelArguments<O, A extends readonly unknown[]> = ParallelArguments<O> & { args?: { [K in keyof A]: A[K] | PerItem<A[K]> } };

const prototypesWithAccessors = new WeakSet<object>();
/** Lock namespaces of pipeline objects that do not own one (a Pipeline owns its own: see `locksOf`). */
const foreignPipelineLocks = new WeakMap<object, LockRegistry>();
const reservedAttributeNames = new Set(['dataset', 'pipeline', 'preloaded', 'copy']);

/** Merges option layers left to right, ignoring keys whose value is `undefined`. */
function mergeDefined(...layers: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    if (!layer) continue;
    for (const key of Object.keys(layer)) if (layer[key] !== undefined) merged[key] = layer[key];
  }
  return merged;
}

/** The starting defaults of `@inbatchParallel` methods (they do not use `applyDefaults`). */
export const inbatchParallelDefaults: Readonly<Record<string, unknown>> = Object.freeze({ target: 'for', post: null });

/** `applyDefaults` merged from `Batch` down to `cls` (each subclass's own entries win). */
export function mergedApplyDefaults(cls: Function): Record<string, unknown> {
  const layers: Array<Readonly<Record<string, unknown>>> = [];
  for (let current: unknown = cls; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if (Object.prototype.hasOwnProperty.call(current, 'applyDefaults')) layers.unshift((current as unknown as { applyDefaults: Record<string, unknown> }).applyDefaults);
  }
  return mergeDefined(...layers);
}

function validateStaticComponents(cls: Function): readonly string[] | null {
  const components = (cls as unknown as { components: unknown }).components;
  if (components === null || components === undefined) return null;
  if (!Array.isArray(components) || components.some((name) => typeof name !== 'string' || name === '')) {
    throw new TypeError(`${cls.name}.components should be an array of component names (for example ['images', 'labels'] as const) or null`);
  }
  if (new Set(components).size !== components.length) throw new TypeError(`${cls.name}.components lists a component twice: [${components.join(', ')}]`);
  return components as readonly string[];
}

const componentGetters = new WeakSet<Function>();

function componentAccessor(name: string): PropertyDescriptor {
  const get = function (this: Batch): Column | null {
    return this.getComponent(name);
  };
  componentGetters.add(get);
  return {
    configurable: true,
    enumerable: false,
    get,
    set(this: Batch, value: unknown) {
      this.setComponent(name, value);
    },
  };
}

/** True when `name` on `target` is a component accessor (not a method or another member). */
function hasComponentAccessor(target: object, name: string): boolean {
  for (let proto: object | null = target; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor.get !== undefined && componentGetters.has(descriptor.get);
  }
  return false;
}

function toNdArray(value: unknown): NDArray {
  if (isNdArray(value)) return value;
  if (isTypedArray(value)) return ndarray(value, [value.length]);
  if (typeof value === 'number') return ndarray(new Float64Array([value]), []);
  if (Array.isArray(value)) {
    const shape: number[] = [];
    for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
    const flat = new Float64Array(shape.reduce((a, b) => a * b, 1));
    let offset = 0;
    const walk = (node: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof node !== 'number') throw new TypeError(`toArray: expected numbers, found ${typeof node}`);
        flat[offset++] = node;
        return;
      }
      if (!Array.isArray(node) || node.length !== shape[depth]) throw new TypeError('toArray: nested arrays must be rectangular');
      for (const child of node) walk(child, depth + 1);
    };
    walk(value, 0);
    return ndarray(flat, shape);
  }
  throw new TypeError(`toArray: cannot convert ${describeKind(value)} to an ndarray`);
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
export class Batch implements ActionHost, Iterable<unknown> {
  /** Component names of the class, or null for a batch of unnamed data. */
  static components: readonly string[] | null = null;
  /** Class-wide defaults of parallel actions; subclasses' entries are merged over the parent's. */
  static applyDefaults: Readonly<ParallelDecoratorOptions> = { target: 'for', post: '_assemble', src: null, dst: null };

  /** The batch's ids. */
  readonly index: DatasetIndex;
  #dataset: Dataset | null;
  #pipeline: object | null;
  #preloaded: unknown;
  #preloadPending: boolean;
  readonly #copy: boolean;
  #names: string[] | null;
  readonly #columns = new Map<string, Column | null>();
  #unnamed: unknown = null;
  #attributeNames: string[] = [];
  #randomSeed: number | undefined;
  #random: Rng | undefined;
  readonly #locks = new LockRegistry();
  #actionsView: unknown;

  constructor(index: IndexSource, options: BatchOptions = {}) {
    const cls = new.target;
    const components = validateStaticComponents(cls);
    Batch.#installAccessors(cls, components);
    const { dataset = null, pipeline = null, preloaded, copy = false, ...attributes } = options;
    assertPreloadedKeys(cls.name, components, preloaded);
    this.index = index instanceof DatasetIndex ? index : new DatasetIndex(index);
    this.#dataset = dataset;
    this.#pipeline = pipeline;
    this.#preloaded = preloaded;
    this.#preloadPending = preloaded !== undefined && preloaded !== null;
    this.#copy = copy;
    this.#names = components ? [...components] : null;
    for (const name of this.#names ?? []) this.#columns.set(name, null);
    this.createAttrs(attributes);
  }

  static #installAccessors(cls: Function, components: readonly string[] | null): void {
    const prototype = cls.prototype as object;
    if (prototypesWithAccessors.has(prototype) || !components) return;
    for (const name of components) {
      const existing = Object.getOwnPropertyDescriptor(prototype, name);
      if (existing) {
        if (existing.get && existing.set) continue;
        throw new ComponentError(name, `component '${name}' of ${cls.name} clashes with a method or property of the same name`);
      }
      if (hasComponentAccessor(prototype, name)) continue;
      if (name in prototype) throw new ComponentError(name, `component '${name}' of ${cls.name} clashes with the Batch member '${name}'`);
      Object.defineProperty(prototype, name, componentAccessor(name));
    }
    prototypesWithAccessors.add(prototype);
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
    return this.#names;
  }

  /**
   * The batch data: for a components batch, a record `{name: column}`; otherwise the raw data.
   * Setting it replaces the data (a record or an array-tuple for a components batch; values must
   * already be in batch order).
   */
  get data(): unknown {
    this.#ensureLoaded();
    if (this.#names === null) return this.#unnamed;
    const record: Record<string, Column | null> = {};
    for (const name of this.#names) record[name] = this.#columns.get(name) ?? null;
    return Object.freeze(record);
  }

  set data(value: unknown) {
    if (this.#names === null) {
      this.#preloadPending = false;
      this.#unnamed = value;
      return;
    }
    const matched = matchSourceToNames(value, this.#names, 'data');
    const staged = new Map<string, Column | null>();
    for (const [name, column] of matched) staged.set(name, this.#checkColumn(name, column));
    this.#preloadPending = false;
    for (const name of this.#names) this.#columns.set(name, staged.get(name) ?? null);
  }

  /** The dataset the batch came from (through its pipeline when it has one). */
  get dataset(): Dataset | null {
    const fromPipeline = (this.#pipeline as { dataset?: Dataset | null } | null)?.dataset;
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
    if (this.#randomSeed === undefined) this.#randomSeed = entropySeed();
    return this.#randomSeed;
  }

  set randomSeed(seed: number) {
    assertSeed(seed, 'randomSeed');
    this.#randomSeed = seed;
    this.#random = new Rng(seed);
  }

  /** The batch's generator, seeded by `randomSeed`. Parallel actions draw their item seeds from it. */
  get random(): Rng {
    if (!this.#random) this.#random = new Rng(this.randomSeed);
    return this.#random;
  }

  /**
   * The actions of this batch in their callable form, fully typed:
   * `await batch.actions.flip({ axis: 1, p: 0.5 })`. (A decorated per-item method keeps its per-item
   * type on the class, because TypeScript decorators cannot change types; this view gives the
   * action type. Calling a non-action through it throws an ArgumentError.)
   */
  get actions(): ActionsOf<this> {
    if (!this.#actionsView) {
      const cls = this.constructor as Function;
      this.#actionsView = new Proxy(this, {
        get(target, name) {
          const value = Reflect.get(target, name, target) as unknown;
          if (typeof name !== 'string' || typeof value !== 'function') return value;
          if (!getAction(cls as new () => unknown, name)) throw new ArgumentError(name, `'${name}' is not an action of ${cls.name} (decorate it with @action, @applyParallel or @inbatchParallel)`);
          return (value as Function).bind(target);
        },
      });
    }
    return this.#actionsView as ActionsOf<this>;
  }

  // ---- components ---------------------------------------------------------------------------

  #ensureLoaded(): void {
    if (this.#preloadPending) {
      this.#loadInMemory(this.#preloaded, undefined);
      this.#preloadPending = false;
    }
  }

  #checkColumn(name: string, value: unknown): Column | null {
    if (value === null || value === undefined) return null;
    if (!isColumn(value)) throw new ComponentError(name, `component '${name}' must hold an array, typed array or ndarray with one entry per item, got ${describeKind(value)}`);
    if (columnLength(value) !== this.size) throw new ComponentError(name, `component '${name}' must have ${this.size} items (the batch size), got ${columnLength(value)}`);
    return value;
  }

  #assertComponent(name: string): void {
    if (this.#names === null || !this.#names.includes(name)) {
      throw new ComponentError(name, `'${name}' is not a component of ${this.constructor.name} (components: ${this.#names?.join(', ') || 'none'})`);
    }
  }

  /** The data of component `name` (null when it holds none). */
  getComponent(name: string): Column | null {
    this.#ensureLoaded();
    this.#assertComponent(name);
    return this.#columns.get(name) ?? null;
  }

  /** Replaces the data of component `name`: an array, typed array or ndarray with one entry per item, or null. */
  setComponent(name: string, value: unknown): void {
    this.#ensureLoaded();
    this.#assertComponent(name);
    this.#columns.set(name, this.#checkColumn(name, value));
  }

  #defineInstanceComponent(name: string): void {
    if (!hasComponentAccessor(this, name)) Object.defineProperty(this, name, componentAccessor(name));
  }

  #addComponentNames(names: readonly string[]): void {
    if (this.#names === null) {
      if (this.#unnamed !== null) throw new ComponentError(names[0]!, `cannot add components to a ${this.constructor.name} that holds unnamed data; load the data with dst names instead`);
      this.#names = [];
    }
    for (const name of names) {
      if (this.#names.includes(name)) continue;
      if (name in this && !hasComponentAccessor(this, name)) throw new ComponentError(name, `'${name}' already exists as a member of ${this.constructor.name}`);
      this.#names.push(name);
      this.#columns.set(name, null);
      this.#defineInstanceComponent(name);
    }
  }

  /**
   * Adds components. `addComponents('masks', data)` adds one with its data;
   * `addComponents(['a', 'b'], [dataA, dataB])` adds several (names without a value hold null).
   */
  @action
  async addComponents(components: string | readonly string[], init?: unknown): Promise<this> {
    this.#ensureLoaded();
    const names = typeof components === 'string' ? [components] : components;
    if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
      throw new ArgumentError('components', 'expected a component name or an array of names');
    }
    let values: unknown[];
    if (typeof components === 'string') values = [init];
    else if (init === undefined || init === null) values = [];
    else if (Array.isArray(init) && init.length <= names.length) values = init;
    else throw new ArgumentError('init', `expected an array with at most one value per new component (${names.length}), got ${describeKind(init)}`);
    const staged = names.map((name, i) => {
      if (this.#names?.includes(name)) throw new ComponentError(name, `component '${name}' already exists`);
      if (name in this && !hasComponentAccessor(this, name)) throw new ComponentError(name, `'${name}' already exists as a member of ${this.constructor.name}`);
      return [name, this.#checkColumn(name, values[i])] as const;
    });
    this.#addComponentNames(names);
    for (const [name, column] of staged) this.#columns.set(name, column);
    return this;
  }

  // ---- items ---------------------------------------------------------------------------------

  /** The item at `position` (0-based): a view with one property per component, or the raw item. */
  itemAt(position: number): unknown {
    if (!Number.isInteger(position) || position < 0 || position >= this.size) throw new RangeError(`position ${position} is out of bounds for a batch of ${this.size} items`);
    this.#ensureLoaded();
    return this.#names === null ? unnamedItem(this.#unnamed, position) : createItemView(this, position);
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
    for (const [name, value] of Object.entries(attributes)) {
      if (reservedAttributeNames.has(name) || (!this.#attributeNames.includes(name) && name in this)) {
        throw new ArgumentError(name, `cannot be a batch attribute: it is a component or member of ${this.constructor.name}`);
      }
      Object.defineProperty(this, name, { value, writable: true, enumerable: true, configurable: true });
      if (!this.#attributeNames.includes(name)) this.#attributeNames.push(name);
    }
  }

  /** The extra attributes, `{name: value}`. */
  getAttrs(): Record<string, unknown> {
    const self = this as unknown as Record<string, unknown>;
    return Object.fromEntries(this.#attributeNames.map((name) => [name, self[name] ?? null]));
  }

  // ---- loading and dumping -------------------------------------------------------------------

  /** Finds the batch items in a source of a given length (see docs/differences.md, "ids and positions"). */
  #locator(): ItemLocator {
    const ids = this.indices;
    const dataset = this.#dataset;
    const cache = new Map<number, ArrayLike<number>>();
    return {
      ids,
      positions: (sourceLength) => {
        let positions = cache.get(sourceLength);
        if (positions) return positions;
        const dataIndex = dataset?.dataIndex;
        if (dataIndex && dataIndex.length === sourceLength) positions = dataIndex.getPositions(ids);
        else if (ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < sourceLength)) positions = ids as readonly number[];
        else if (sourceLength === ids.length) positions = Int32Array.from({ length: ids.length }, (_, i) => i);
        else {
          throw new ArgumentError('src', `cannot locate the batch's ${ids.length} items in a source of ${sourceLength} entries: the ids are not positions in it; create the batch from a Dataset (which maps ids to positions) or pass one entry per batch item`);
        }
        cache.set(sourceLength, positions);
        return positions;
      },
    };
  }

  #loadInMemory(src: unknown, dst: string | readonly string[] | undefined): void {
    const locator = this.#locator();
    const copy = this.#copy;
    if (dst === undefined && this.#names === null) {
      this.#unnamed = cropUnnamed(src, locator, copy);
      return;
    }
    let matched: Map<string, unknown>;
    if (dst === undefined) {
      const names = this.#names!;
      const isRecord = src instanceof Map || (typeof src === 'object' && src !== null && !Array.isArray(src) && !isColumn(src));
      if (!isRecord && !isTupleSource(src, names.length)) {
        throw new ComponentError(names[0]!, `${this.constructor.name} has components [${names.join(', ')}] and cannot be loaded from ${describeKind(src)}; pass a record {${names[0]}: …}, an array with at most one entry per component, or give dst`);
      }
      matched = matchSourceToNames(src, names, 'src');
    } else if (typeof dst === 'string') {
      matched = new Map([[dst, src]]);
    } else if (Array.isArray(dst) && dst.every((name) => typeof name === 'string')) {
      matched = matchSourceToNames(src, dst, 'src');
    } else {
      throw new ArgumentError('dst', `expected a component name or an array of names, got ${describeKind(dst)}`);
    }
    const staged = new Map<string, Column | null>();
    for (const [name, value] of matched) staged.set(name, this.#checkColumn(name, cropComponent(value, locator, { copy, component: name })));
    if (dst !== undefined) this.#addComponentNames([...staged.keys()]);
    for (const [name, column] of staged) this.#columns.set(name, column);
  }

  /**
   * Loads data. In memory (`fmt` undefined): `src` is a record/Map/array-tuple matched to the
   * components (or to `dst`), or one component's data when `dst` is a name; dataset-sized sources
   * are cropped to the batch's items. With `fmt`, the registered format handler loads `src`.
   * Nothing is changed when loading fails.
   */
  @action
  async load(options: LoadOptions = {}): Promise<this> {
    const { src, fmt, dst, ...formatOptions } = options;
    this.#ensureLoaded();
    if (fmt !== undefined && fmt !== null) {
      const handler = await getFormat(fmt);
      await handler.load(this, { src, dst, ...formatOptions });
      return this;
    }
    this.#loadInMemory(src, dst);
    return this;
  }

  /**
   * Writes data out. In memory (`fmt` undefined): `dst` is an array filled in place at the items'
   * positions (dataset positions, or ids that are integers), with exactly one component.
   */
  @action
  async dump(options: DumpOptions = {}): Promise<this> {
    const { dst, fmt, components, ...formatOptions } = options;
    if (fmt !== undefined && fmt !== null) {
      const handler = await getFormat(fmt);
      this.#ensureLoaded();
      for (const name of typeof components === 'string' ? [components] : Array.isArray(components) ? components : []) {
        if (typeof name === 'string') this.#assertComponent(name);
      }
      if ((components === undefined || components === null) && this.#names === null && this.#unnamed !== null) {
        throw new ArgumentError('components', `${this.constructor.name} holds unnamed data (it has no components), and files store components by name; give the class static components, load the data with dst names (batch.load({ src, dst: [...] })), or create the batch with ${this.constructor.name}.fromData(index, { name: data })`);
      }
      await handler.dump(this, { dst, components, ...formatOptions });
      return this;
    }
    const names = components === undefined ? (this.#names ?? []) : typeof components === 'string' ? [components] : [...components];
    if (names.length > 1) throw new ArgumentError('components', `only one component can be dumped into an in-memory array, got [${names.join(', ')}]`);
    if (!isColumn(dst)) throw new ArgumentError('dst', `expected an array, typed array or ndarray to fill, got ${describeKind(dst)}`);
    const value = names.length === 1 ? this.getComponent(names[0]!) : (this.data as Column | null);
    if (value === null || !isColumn(value)) throw new ArgumentError('components', 'the batch holds no data to dump');
    const positions = this.#locator().positions(columnLength(dst));
    for (let k = 0; k < positions.length; k++) setColumnItem(dst, positions[k]!, columnItem(value, k), names[0] ?? 'data');
    return this;
  }

  /** Same as `dump`. */
  @action
  async save(options: DumpOptions = {}): Promise<this> {
    return this.dump(options);
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
    if (typeof func !== 'function') throw new ArgumentError('func', `expected a function to apply to each item, got ${describeKind(func)}`);
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      throw new ArgumentError('options', `applyParallel(func, options) takes an options object, got ${describeKind(options)}; pass extra positional arguments as { args: [...] }`);
    }
    const merged = mergeDefined(mergedApplyDefaults(this.constructor), options as Record<string, unknown> | undefined);
    await runParallel(this, { action: func.name || 'applyParallel', kind: 'applyParallel', func: func as ItemFunction, reference: portableReference(func), options: merged });
    return this;
  }

  /** @internal Called by decorated methods: runs the action a registry record describes. */
  async [runParallelAction](record: ActionRecord, options: Record<string, unknown> | undefined): Promise<unknown> {
    const self = this as unknown as Record<string, unknown>;
    const func = (typeof self[record.innerName!] === 'function' ? self[record.innerName!] : record.original) as ItemFunction;
    const base = record.kind === 'applyParallel' ? mergedApplyDefaults(this.constructor) : inbatchParallelDefaults;
    const merged = mergeDefined(base, record.defaults, options);
    const reference: FunctionReference | undefined = record.definingModule === undefined ? undefined
      : { kind: 'method', module: record.definingModule, className: record.className, method: record.innerName! };
    return runParallel(this, { action: record.name, kind: record.kind as 'applyParallel' | 'inbatchParallel', func, reference, options: merged });
  }

  /**
   * @internal The mutex for lock `name`: the pipeline's when the batch has one (the same mutex as the
   * pipeline's `acquireLock(name)`), else the batch's.
   */
  [lockForAction](name: string): Mutex {
    let locks = this.#locks;
    const pipeline = this.#pipeline;
    if (pipeline) {
      locks = locksOf(pipeline) ?? foreignPipelineLocks.get(pipeline) ?? new LockRegistry();
      if (!locksOf(pipeline)) foreignPipelineLocks.set(pipeline, locks);
    }
    return locks.get(name);
  }

  /**
   * The default `post` of parallel actions: stores per-item `results` in `dst` (one name: all
   * results; several names: item `i` returns one value per name). Numbers and same-shape arrays are
   * stacked into an ndarray; anything else stays a plain array. Missing components are created.
   */
  _assemble(results: readonly unknown[], options: { dst: string | readonly string[] | ComponentTuple | null }): this {
    const failed = results.findIndex((result) => result instanceof Error);
    if (failed >= 0) throw new AssembleError(`Could not assemble the batch: item ${failed} is an error`, { cause: results[failed] });
    const dst = options.dst;
    const names = dst instanceof ComponentTuple ? [...dst.names] : typeof dst === 'string' ? [dst] : Array.isArray(dst) ? [...dst] : [];
    if (names.length === 0) throw new ArgumentError('dst', 'names no component to store the results in');
    let columns: Column[];
    if (names.length === 1) {
      columns = [assembleColumn(results)];
    } else {
      const perName = names.map(() => new Array<unknown>(results.length));
      results.forEach((result, i) => {
        const parts = isColumn(result) ? result : null;
        if (parts === null || columnLength(parts) !== names.length) {
          throw new AssembleError(`Could not assemble the batch: item ${i} must return ${names.length} values (one per dst component ${names.join(', ')}), got ${describeKind(result)}`);
        }
        names.forEach((_, k) => (perName[k]![i] = columnItem(parts, k)));
      });
      columns = perName.map(assembleColumn);
    }
    const staged = names.map((name, k) => {
      if (!this.#names?.includes(name) && name in this && !hasComponentAccessor(this, name)) throw new AssembleError(`dst '${name}' is a member of ${this.constructor.name}, not a component`);
      return [name, this.#checkColumn(name, columns[k])] as const;
    });
    this.#ensureLoaded();
    this.#addComponentNames(names);
    for (const [name, column] of staged) this.#columns.set(name, column);
    return this;
  }

  /**
   * Converts items of a component to ndarrays of `dtype` (default 'float32') with a channels axis
   * ('last' by default): 2-D items get a new axis, ≥3-D items with 'first' move their last axis to the front.
   */
  @applyParallel({ dtype: 'float32', channels: 'last', summary: 'Converts items to ndarrays with a channels axis and a dtype.' })
  toArray(item: unknown, options: ToArrayOptions = {}): NDArray {
    let array = toNdArray(item);
    const channels = options.channels === undefined ? 'last' : options.channels;
    if (array.shape.length === 2) {
      if (channels === 'first') array = ndarray(copyNdArray(array).data, [1, ...array.shape]);
      else if (channels === 'last') array = ndarray(copyNdArray(array).data, [...array.shape, 1]);
    } else if (channels === 'first' && array.shape.length > 2) {
      const last = array.shape.length - 1;
      array = copyNdArray(array.transpose(last, ...Array.from({ length: last }, (_, i) => i)));
    }
    const dtype = options.dtype === undefined ? 'float32' : options.dtype;
    return dtype === null ? copyNdArray(array) : castNdArray(array, dtype);
  }

  /** An action that does nothing (a placeholder in pipelines). */
  @action
  async doNothing(..._args: unknown[]): Promise<this> {
    return this;
  }

  /** An `init` for one call with no item (loads the data first): `@inbatchParallel({ init: 'runOnce' })`. */
  runOnce(): [undefined] {
    this.#ensureLoaded();
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
    this.#ensureLoaded();
    const Ctor = this.constructor as new (index: IndexSource, options?: BatchOptions) => this;
    const copy = new Ctor(this.index, { dataset: this.#dataset, pipeline: this.#pipeline, copy: this.#copy });
    if (this.#names !== null) {
      copy.#names = [...this.#names];
      for (const name of this.#names) {
        copy.#defineInstanceComponent(name);
        copy.#columns.set(name, deepCopy(this.#columns.get(name) ?? null));
      }
    }
    copy.#unnamed = deepCopy(this.#unnamed);
    copy.createAttrs(Object.fromEntries(Object.entries(this.getAttrs()).map(([name, value]) => [name, deepCopy(value)])));
    copy.#randomSeed = this.#randomSeed;
    copy.#random = this.#random?.clone();
    return copy;
  }

  /**
   * A dataset holding this batch's data (indexed by the batch ids, batch class = this class).
   * `dataset` may be a Dataset class or instance (its attributes are carried over); by default the
   * batch's own dataset's class, or `Dataset`. Batch attributes are carried over too.
   */
  asDataset(dataset?: Dataset | (new (...args: never[]) => Dataset) | null, options: { copy?: boolean } = {}): Dataset<this> {
    const declared = (this.constructor as BatchClass).components;
    // components added to this batch at run time cannot go into a dataset of this class: only the class's own go
    const data = declared && this.#names !== null ? Object.fromEntries(declared.map((name) => [name, this.getComponent(name)])) : this.data;
    const source = dataset ?? this.#dataset ?? Dataset;
    const DatasetClass = (typeof source === 'function' ? source : source.constructor) as new (index: IndexSource, options: Record<string, unknown>) => Dataset<this>;
    const inherited = typeof source === 'function' ? {} : source.getAttrs();
    return new DatasetClass(this.index, { ...inherited, ...this.getAttrs(), batchClass: this.constructor, preloaded: data, copy: options.copy ?? false });
  }

  /**
   * A batch of class `this` holding `data` (a record/tuple of components or raw data). Without `index`,
   * ids are 0..n-1. For a class without declared components, a record (or Map) of data makes one
   * component per key (`Batch.fromData(null, { x })` has component `x`, which can be dumped).
   */
  static fromData<B extends Batch, C extends new (index: IndexSource, options?: BatchOptions) => B>(this: C & (new (index: IndexSource, options?: BatchOptions) => B), index: IndexSource | null | undefined, data: PreloadedData<C>): B {
    let resolved = index;
    if (resolved === undefined || resolved === null) {
      const entries = isColumn(data) && !isTupleSource(data) ? [data] : Array.isArray(data) ? data : data instanceof Map ? [...data.values()] : Object.values((data ?? {}) as object);
      const first = entries.find((entry) => isColumn(entry));
      if (!first) throw new ArgumentError('data', 'cannot infer the number of items: pass an index or data with at least one array');
      resolved = new DatasetIndex(columnLength(first as Column));
    }
    const declared = (this as unknown as { components: readonly string[] | null }).components;
    const keys = data instanceof Map ? [...data.keys()] : isRecordSource(data) ? Object.keys(data) : null;
    if ((declared === null || declared === undefined) && keys !== null && keys.length > 0 && keys.every((key) => typeof key === 'string')) {
      const batch: Batch = new this(resolved);
      batch.#loadInMemory(data, keys as string[]);
      return batch as B;
    }
    return new this(resolved, { preloaded: data });
  }

  /** Joins one component's data from several batches (override for custom data types). */
  static mergeComponent(component: string, data: readonly Column[]): Column {
    return concatColumns(data, component);
  }

  /**
   * Merges batches into one of `batchSize` items (all items when not given) and a batch with the
   * rest. Returns `[batch, rest]`; either is null when empty. Merged batches have ids 0..n-1.
   */
  static merge(batches: readonly Batch[], options: { batchSize?: number | null; components?: string | readonly string[] | null; batchClass?: BatchClass | null } = {}): [Batch | null, Batch | null] {
    if (batches.length === 0) return [null, null];
    const batchClass = (options.batchClass ?? this) as BatchClass;
    const total = batches.reduce((sum, batch) => sum + batch.size, 0);
    const { batchSize } = options;
    if (batchSize !== undefined && batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1)) throw new ArgumentError('batchSize', `expected a positive integer, got ${batchSize}`);
    const firstSize = batchSize ? Math.min(batchSize, total) : total;
    const splitParts = (columns: readonly Column[]): [Column[], Column[]] => {
      const head: Column[] = [];
      const tail: Column[] = [];
      let seen = 0;
      columns.forEach((column) => {
        const length = columnLength(column);
        const take = Math.max(0, Math.min(length, firstSize - seen));
        if (take === length) head.push(column);
        else if (take === 0) tail.push(column);
        else {
          head.push(takeColumn(column, Int32Array.from({ length: take }, (_, i) => i)));
          tail.push(takeColumn(column, Int32Array.from({ length: length - take }, (_, i) => take + i)));
        }
        seen += length;
      });
      return [head, tail];
    };
    const mergeEntry = (name: string, values: ReadonlyArray<Column | null>): [Column | null, Column | null] => {
      if (values.every((value) => value === null)) return [null, null];
      if (values.some((value) => value === null)) throw new ComponentError(name, `component '${name}' is null in some batches and not in others`);
      const [head, tail] = splitParts(values as Column[]);
      return [head.length ? batchClass.mergeComponent(name, head) : null, tail.length ? batchClass.mergeComponent(name, tail) : null];
    };
    const make = (size: number, build: (batch: Batch) => void): Batch | null => {
      if (size === 0) return null;
      const batch = new batchClass(new DatasetIndex(size));
      build(batch);
      return batch;
    };
    const names = options.components === undefined || options.components === null ? batches[0]!.components : typeof options.components === 'string' ? [options.components] : options.components;
    if (names === null) {
      const data = batches.map((batch) => batch.data);
      const merged = mergeEntry('data', data.map((d) => (isColumn(d) ? d : null)));
      if (data.some((d) => d !== null && !isColumn(d))) throw new ArgumentError('batches', 'merging unnamed data is supported for arrays; give the batch class components to merge records or tuples');
      return [make(firstSize, (b) => (b.#unnamed = merged[0])), make(total - firstSize, (b) => (b.#unnamed = merged[1]))];
    }
    const mergedColumns = names.map((name) => mergeEntry(name, batches.map((batch) => batch.getComponent(name))));
    const fill = (part: 0 | 1) => (batch: Batch) => {
      batch.#names = null;
      batch.#columns.clear();
      batch.#addComponentNames(names);
      names.forEach((name, k) => batch.#columns.set(name, mergedColumns[k]![part]));
    };
    return [make(firstSize, fill(0)), make(total - firstSize, fill(1))];
  }

  /** A short description: class, size and components. */
  toString(): string {
    return `${this.constructor.name}(size=${this.size}, components=[${this.#names?.join(', ') ?? ''}])`;
  }
}
