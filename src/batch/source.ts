/**
 * In-memory sources: cropping a dataset-sized source down to a batch's items, and matching a
 * source (a record, a Map, or an array "tuple") to component names.
 * @module
 */
import { ArgumentError, ComponentError, MissingIdError } from '../errors.js';
import type { IndexValue } from '../dataset/dataset-index.js';
import { assembleColumn } from './assemble.js';
import { columnLength, deepCopy, describeKind, isColumn, takeColumn, type Column } from '../ndarray/columns.js';
import type { RowStorage } from '../ndarray/gather-rows.js';
import { isPlainObject } from '../util/plain-object.js';

/** Finds where a batch's items are in a source of a given length. */
export interface ItemLocator {
  /** The batch ids, in batch order. */
  readonly ids: readonly IndexValue[];
  /** Positions of the batch items in a source with `sourceLength` entries. */
  positions(sourceLength: number): ArrayLike<number>;
}

/** Options of a crop. */
export interface CropOptions {
  /** Deep-copy the result (the batch's `copy` flag): the batch never shares memory with the source. */
  readonly copy: boolean;
  /** Name used in error messages. */
  readonly component: string;
  /** Where rows gathered from contiguous typed storage may go (not used with `copy`). */
  readonly storage?: RowStorage | undefined;
}

/** True for a plain object used as a record of per-component sources. */
export function isRecordSource(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value);
}

/** The component names a Batch class declares with `static components = [...] as const` (never when not literal). */
export type DeclaredComponents<C> = C extends { readonly components: readonly (infer N)[] } ? (string extends N ? never : N & string) : never;

/**
 * What `preloaded` (and `fromData`'s data) may be for a Batch class `C`: with literal components, a
 * record of those names (a misspelled name is a compile error), a Map or a tuple; otherwise anything.
 */
export type PreloadedData<C> = [DeclaredComponents<C>] extends [never]
  ? unknown
  : { readonly [K in DeclaredComponents<C>]?: unknown } | ReadonlyMap<string, unknown> | readonly unknown[] | null | undefined;

/** True when `preloaded` is a Map or a plain object with every one of `names` as a key (an own enumerable property of an object). */
function hasEveryKey(preloaded: unknown, names: readonly string[]): boolean {
  if (preloaded instanceof Map) {
    for (const name of names) if (!preloaded.has(name)) return false;
    return true;
  }
  if (!isPlainObject(preloaded)) return false;
  for (const name of names) if (!Object.prototype.propertyIsEnumerable.call(preloaded, name)) return false;
  return true;
}

/**
 * Throws a ComponentError when a record or Map given as `preloaded` has keys that are not among
 * `components` while some component is missing from it (a misspelled name). Extra keys next to every
 * component are ignored (a table with more columns than the class needs). A batch class without
 * components (`null`) accepts any keys.
 */
export function assertPreloadedKeys(className: string, components: readonly string[] | null, preloaded: unknown): void {
  if (!components) return;
  // every component has data (the usual case, checked for every batch of a dataset): nothing can be misspelled, and nothing is allocated
  if (hasEveryKey(preloaded, components)) return;
  const keys: unknown[] = preloaded instanceof Map ? [...preloaded.keys()] : isPlainObject(preloaded) ? Object.keys(preloaded) : [];
  const componentSet = new Set<unknown>(components);
  const keySet = new Set(keys); // set lookups: a class with thousands of components stays linear
  const unknown = keys.filter((key) => typeof key !== 'string' || !componentSet.has(key));
  const missing = components.filter((name) => !keySet.has(name));
  if (unknown.length === 0 || missing.length === 0) return;
  const listed = unknown.map((key) => `'${String(key)}'`).join(', ');
  throw new ComponentError(
    String(unknown[0]),
    `preloaded: ${listed} ${unknown.length > 1 ? 'are not components' : 'is not a component'} of ${className} (components: ${components.join(', ') || 'none'}), and ${missing.map((name) => `'${name}'`).join(', ')} would get no data; check the spelling`,
  );
}

/** True for a source entry that can be cropped into a component. */
export function isComponentSource(value: unknown): boolean {
  return value === null || value === undefined || isColumn(value) || value instanceof Map || isPlainObject(value);
}

/**
 * The batch's part of one component's source: a column is cropped by position; a Map or plain
 * object keyed by id is read by id and stacked; null/undefined gives null.
 */
export function cropComponent(value: unknown, locator: ItemLocator, options: CropOptions): Column | null {
  if (value === null || value === undefined) return null;
  let cropped: Column;
  if (isColumn(value)) {
    cropped = takeColumn(value, locator.positions(columnLength(value)), !options.copy, options.copy ? undefined : options.storage);
  } else if (value instanceof Map || isPlainObject(value)) {
    const byId = value instanceof Map ? (id: IndexValue) => value.get(id) : (id: IndexValue) => value[String(id)];
    const hasId = value instanceof Map ? (id: IndexValue) => value.has(id) : (id: IndexValue) => Object.prototype.hasOwnProperty.call(value, String(id));
    const missing = locator.ids.filter((id) => !hasId(id));
    if (missing.length > 0) throw new MissingIdError(missing, `the id-keyed source of component '${options.component}'`);
    cropped = assembleColumn(locator.ids.map(byId));
  } else {
    throw new ComponentError(
      options.component,
      `cannot load ${describeKind(value)} into component '${options.component}': expected an array, a typed array, an ndarray, or a Map/object keyed by id`,
    );
  }
  return options.copy ? deepCopy(cropped) : cropped;
}

/**
 * True when `source` is an array used as a tuple of per-component sources. With `maxLength` (the
 * number of components), a shorter tuple also qualifies: its missing trailing entries are null.
 */
export function isTupleSource(source: unknown, maxLength?: number): source is unknown[] {
  if (!Array.isArray(source)) return false;
  if (maxLength !== undefined && source.length > maxLength) return false;
  return source.length > 0 && source.every((entry) => entry === null || entry === undefined || isColumn(entry) || entry instanceof Map);
}

/**
 * Matches `source` to `names`: a plain object or Map by key, an array (tuple) by position.
 * Names absent from the source (or past the end of a shorter tuple) map to undefined (the
 * component is then null).
 */
export function matchSourceToNames(source: unknown, names: readonly string[], argument: string): Map<string, unknown> {
  const matched = new Map<string, unknown>();
  if (source instanceof Map) {
    for (const name of names) matched.set(name, source.get(name));
  } else if (isPlainObject(source)) {
    for (const name of names) matched.set(name, source[name]);
  } else if (Array.isArray(source)) {
    if (source.length > names.length) {
      throw new ArgumentError(
        argument,
        `a tuple source has ${source.length} entries but only ${names.length} component(s) [${names.join(', ')}] are to be loaded`,
      );
    }
    names.forEach((name, i) => matched.set(name, source[i]));
  } else {
    throw new ArgumentError(
      argument,
      `cannot match ${describeKind(source)} to components [${names.join(', ')}]: pass a record {${names[0]}: …}, a Map, or an array with one entry per component`,
    );
  }
  return matched;
}

/** Crops raw (unnamed) data of a batch without components: a column, a tuple of columns, or a record of columns. */
export function cropUnnamed(source: unknown, locator: ItemLocator, copy: boolean): unknown {
  if (source === null || source === undefined) return null;
  if (isColumn(source) && !isTupleSource(source)) return cropComponent(source, locator, { copy, component: 'data' });
  if (Array.isArray(source)) return source.map((entry, i) => cropComponent(entry, locator, { copy, component: `data[${i}]` }));
  if (source instanceof Map)
    return new Map([...source].map(([key, entry]) => [key, cropComponent(entry, locator, { copy, component: `data.${String(key)}` })]));
  if (isPlainObject(source))
    return Object.fromEntries(Object.entries(source).map(([key, entry]) => [key, cropComponent(entry, locator, { copy, component: `data.${key}` })]));
  throw new ArgumentError('src', `cannot load ${describeKind(source)}: expected an array, typed array, ndarray, a tuple of them, or a record of them`);
}
