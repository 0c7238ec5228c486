/**
 * The data of one batch: its component names and columns (or its unnamed data), the lazy load of
 * preloaded data, and every check a column passes before it is stored. A batch owns one store.
 * @module
 */
import { ArgumentError, AssembleError, ComponentError } from '../errors.js';
import { columnLength, deepCopy, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { defineInstanceComponent, hasComponentAccessor } from './component-accessors.js';
import { cropComponent, cropUnnamed, isTupleSource, matchSourceToNames, type ItemLocator } from './source.js';
import type { RowStorage } from '../ndarray/gather-rows.js';

/** The batch a store belongs to, as the store sees it. */
export interface StoreHost {
  /** Number of items (every column has this length). */
  readonly size: number;
  /** Its class (for messages). */
  readonly constructor: { readonly name: string };
}

/** How the store is set up. */
export interface StoreSettings {
  /** Component names (the class's), or null for unnamed data. */
  readonly names: readonly string[] | null;
  /** Data loaded into the store on first access. */
  readonly preloaded: unknown;
  /** Deep-copy loaded data. */
  readonly copy: boolean;
  /** Finds the batch's items in a source. */
  readonly locate: () => ItemLocator;
}

/** Component storage of one batch. */
export class ComponentStore {
  #names: string[] | null;
  readonly #columns = new Map<string, Column | null>();
  #unnamed: unknown = null;
  #preloaded: unknown;
  #preloadPending: boolean;
  /** Loaded data is deep-copied. */
  readonly copy: boolean;
  readonly #host: StoreHost;
  readonly #locate: () => ItemLocator;

  constructor(host: StoreHost, settings: StoreSettings) {
    this.#host = host;
    this.#names = settings.names ? [...settings.names] : null;
    for (const name of this.#names ?? []) this.#columns.set(name, null);
    this.#preloaded = settings.preloaded;
    this.#preloadPending = settings.preloaded !== undefined && settings.preloaded !== null;
    this.copy = settings.copy;
    this.#locate = settings.locate;
  }

  /** Component names, or null. */
  get names(): readonly string[] | null {
    return this.#names;
  }

  /** The unnamed data (null for a components batch). */
  get unnamed(): unknown {
    return this.#unnamed;
  }

  /** Loads the preloaded data if that has not happened yet (rows gathered into the arrays `storage` offers, if given). */
  ensureLoaded(storage?: RowStorage): void {
    if (this.#preloadPending) {
      this.loadInMemory(this.#preloaded, undefined, storage);
      this.#preloadPending = false;
    }
  }

  /** `value` as the column of component `name` (null stays null); a ComponentError when it is not one entry per item. */
  checkColumn(name: string, value: unknown): Column | null {
    if (value === null || value === undefined) return null;
    if (!isColumn(value))
      throw new ComponentError(name, `component '${name}' must hold an array, typed array or ndarray with one entry per item, got ${describeKind(value)}`);
    if (columnLength(value) !== this.#host.size)
      throw new ComponentError(name, `component '${name}' must have ${this.#host.size} items (the batch size), got ${columnLength(value)}`);
    return value;
  }

  /** Throws a ComponentError unless `name` is a component. */
  assertComponent(name: string): void {
    if (this.#names === null || !this.#names.includes(name)) {
      throw new ComponentError(name, `'${name}' is not a component of ${this.#host.constructor.name} (components: ${this.#names?.join(', ') || 'none'})`);
    }
  }

  /** The column of component `name` (loads first). */
  get(name: string): Column | null {
    this.ensureLoaded();
    this.assertComponent(name);
    return this.#columns.get(name) ?? null;
  }

  /** Replaces the column of component `name` (loads first). */
  set(name: string, value: unknown): void {
    this.ensureLoaded();
    this.assertComponent(name);
    this.#columns.set(name, this.checkColumn(name, value));
  }

  /** The data: a frozen record of columns, or the unnamed data. */
  getData(): unknown {
    this.ensureLoaded();
    if (this.#names === null) return this.#unnamed;
    const record: Record<string, Column | null> = {};
    for (const name of this.#names) record[name] = this.#columns.get(name) ?? null;
    return Object.freeze(record);
  }

  /** Replaces the data (a record or array-tuple of columns in batch order, or unnamed data). */
  setData(value: unknown): void {
    if (this.#names === null) {
      this.#preloadPending = false;
      this.#unnamed = value;
      return;
    }
    const matched = matchSourceToNames(value, this.#names, 'data');
    const staged = new Map<string, Column | null>();
    for (const [name, column] of matched) staged.set(name, this.checkColumn(name, column));
    this.#preloadPending = false;
    for (const name of this.#names) this.#columns.set(name, staged.get(name) ?? null);
  }

  #assertFreeMember(name: string): void {
    const host = this.#host;
    if (name in host && !hasComponentAccessor(host, name)) throw new ComponentError(name, `'${name}' already exists as a member of ${host.constructor.name}`);
  }

  /** Adds components (holding null) that do not exist yet. */
  addNames(names: readonly string[]): void {
    if (this.#names === null) {
      if (this.#unnamed !== null)
        throw new ComponentError(
          names[0]!,
          `cannot add components to a ${this.#host.constructor.name} that holds unnamed data; load the data with dst names instead`,
        );
      this.#names = [];
    }
    const present = new Set(this.#names); // one lookup per name: adding n components stays linear
    for (const name of names) {
      if (present.has(name)) continue;
      this.#assertFreeMember(name);
      present.add(name);
      this.#names.push(name);
      this.#columns.set(name, null);
      defineInstanceComponent(this.#host, name);
    }
  }

  /** `batch.addComponents`: new components with optional data (nothing changes on an error). */
  addComponents(components: string | readonly string[], init?: unknown): void {
    this.ensureLoaded();
    const names = typeof components === 'string' ? [components] : components;
    if (!Array.isArray(names) || names.length === 0 || names.some((name) => typeof name !== 'string' || name === '')) {
      throw new ArgumentError('components', 'expected a component name or an array of names');
    }
    let values: unknown[];
    if (typeof components === 'string') values = [init];
    else if (init === undefined || init === null) values = [];
    else if (Array.isArray(init) && init.length <= names.length) values = init;
    else throw new ArgumentError('init', `expected an array with at most one value per new component (${names.length}), got ${describeKind(init)}`);
    const present = new Set(this.#names ?? []);
    const staged = names.map((name, i) => {
      if (present.has(name)) throw new ComponentError(name, `component '${name}' already exists`);
      this.#assertFreeMember(name);
      return [name, this.checkColumn(name, values[i])] as const;
    });
    this.addNames(names);
    for (const [name, column] of staged) this.#columns.set(name, column);
  }

  /** Stores assembled results: one column per name, components created as needed (nothing changes on an error). */
  storeResults(names: readonly string[], columns: readonly Column[]): void {
    const host = this.#host;
    const staged = names.map((name, k) => {
      if (!this.#names?.includes(name) && name in host && !hasComponentAccessor(host, name))
        throw new AssembleError(`dst '${name}' is a member of ${host.constructor.name}, not a component`);
      return [name, this.checkColumn(name, columns[k])] as const;
    });
    this.ensureLoaded();
    this.addNames(names);
    for (const [name, column] of staged) this.#columns.set(name, column);
  }

  /** Loads in-memory `src` into the components (or `dst`), cropped to the batch's items. */
  loadInMemory(src: unknown, dst: string | readonly string[] | undefined, storage?: RowStorage): void {
    const locator = this.#locate();
    const copy = this.copy;
    if (dst === undefined && this.#names === null) {
      this.#unnamed = cropUnnamed(src, locator, copy);
      return;
    }
    let matched: Map<string, unknown>;
    if (dst === undefined) {
      const names = this.#names!;
      const isRecord = src instanceof Map || (typeof src === 'object' && src !== null && !Array.isArray(src) && !isColumn(src));
      if (!isRecord && !isTupleSource(src, names.length)) {
        throw new ComponentError(
          names[0]!,
          `${this.#host.constructor.name} has components [${names.join(', ')}] and cannot be loaded from ${describeKind(src)}; pass a record {${names[0]}: …}, an array with at most one entry per component, or give dst`,
        );
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
    for (const [name, value] of matched) staged.set(name, this.checkColumn(name, cropComponent(value, locator, { copy, component: name, storage })));
    if (dst !== undefined) this.addNames([...staged.keys()]);
    for (const [name, column] of staged) this.#columns.set(name, column);
  }

  /** Makes this store a deep copy of `source`'s data (loaded first). */
  copyFrom(source: ComponentStore): void {
    source.ensureLoaded();
    this.#preloadPending = false;
    if (source.#names !== null) {
      this.#names = [...source.#names];
      for (const name of source.#names) {
        defineInstanceComponent(this.#host, name);
        this.#columns.set(name, deepCopy(source.#columns.get(name) ?? null));
      }
    }
    this.#unnamed = deepCopy(source.#unnamed);
  }

  /** Replaces everything with unnamed data. */
  replaceUnnamed(data: unknown): void {
    this.#preloadPending = false;
    this.#unnamed = data;
  }

  /** Replaces everything with the components `names` holding `columns`. */
  replaceComponents(names: readonly string[], columns: ReadonlyArray<Column | null>): void {
    this.#preloadPending = false;
    this.#names = null;
    this.#columns.clear();
    this.addNames(names);
    names.forEach((name, k) => this.#columns.set(name, columns[k] ?? null));
  }
}
