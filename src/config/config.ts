/**
 * `Config`: a nested dictionary addressed by `/`-separated keys (`'model/optimizer/lr'`), as in
 * BatchFlow. Nested levels are stored as `Map`s (insertion order is kept, integer-like keys are not
 * moved first as they would be in a plain object). Plain objects, Maps and Configs given as values
 * are parsed into nested levels; everything else (arrays, class instances, null) is a leaf.
 * @module
 */
import { ArgumentError, BatchflowError } from '../errors.js';
import { isPlainObject } from '../util/plain-object.js';

/** A nested level of a config. */
type Level = Map<string, unknown>;

/** Anything a Config can be built from (or updated with). */
export type ConfigSource =
  Config | Readonly<Record<string, unknown>> | ReadonlyMap<string, unknown> | ReadonlyArray<readonly [string, unknown]> | null | undefined;

/** A key (or `/` path) that is not in a config. */
export class MissingKeyError extends BatchflowError {
  override name = 'MissingKeyError';
  /** The key that was asked for. */
  readonly key: string;
  constructor(key: string, message?: string) {
    super(message ?? `key '${key}' is not in the config`);
    this.key = key;
  }
}

/** True for values stored as nested levels: plain objects, Maps and Configs. */
function isDictLike(value: unknown): value is Record<string, unknown> | ReadonlyMap<unknown, unknown> | Config {
  return isPlainObject(value) || value instanceof Map || value instanceof Config;
}

/** Splits a key into its path parts: repeated slashes collapse and leading/trailing ones go. */
function splitKey(key: unknown, argument = 'key'): string[] {
  if (typeof key !== 'string') throw new ArgumentError(argument, `config keys must be strings, got ${key === null ? 'null' : typeof key} (${String(key)})`);
  const parts = key.split('/').filter((part) => part !== '');
  if (parts.length === 0) throw new ArgumentError(argument, `empty config key ${JSON.stringify(key)}`);
  return parts;
}

/** Entries of a source, checked: string keys, pairs of length 2. */
function entriesOf(source: unknown, argument: string): Array<[string, unknown]> {
  if (source === null || source === undefined) return [];
  if (source instanceof Config) return [...source.storage].map(([key, value]) => [key, copyValue(value)]);
  let entries: Array<[unknown, unknown]>;
  if (source instanceof Map) entries = [...(source as Map<unknown, unknown>)];
  else if (Array.isArray(source)) {
    entries = source.map((pair: unknown, i) => {
      if (!Array.isArray(pair)) throw new ArgumentError(argument, `item ${i} must be a [key, value] pair, got ${typeof pair}`);
      if (pair.length !== 2) throw new ArgumentError(argument, `item ${i} must be a [key, value] pair, got ${pair.length} elements`);
      return [pair[0], pair[1]];
    });
  } else if (isPlainObject(source)) entries = Object.entries(source);
  else
    throw new ArgumentError(
      argument,
      `cannot build a Config from ${typeof source === 'object' ? ((source as object).constructor?.name ?? 'object') : typeof source}`,
    );
  for (const [key] of entries) {
    if (typeof key !== 'string') throw new ArgumentError(argument, `config keys must be strings, got ${key === null ? 'null' : typeof key} (${String(key)})`);
  }
  return entries as Array<[string, unknown]>;
}

/** A dict-like value parsed into a new level (slash keys expanded, merged); other values returned as they are. */
function parseValue(value: unknown): unknown {
  if (!isDictLike(value)) return value;
  const level: Level = new Map();
  for (const [key, item] of entriesOf(value, 'value')) putIn(level, splitKey(key), item);
  return level;
}

/** A copy of a stored value: levels are copied, leaves are shared. */
function copyValue(value: unknown): unknown {
  if (!(value instanceof Map)) return value;
  return new Map([...(value as Level)].map(([key, item]) => [key, copyValue(item)]));
}

/** Puts `value` at `path` under `level`: creates (or replaces non-dict) intermediates; deep-merges dict into dict. */
function putIn(level: Level, path: readonly string[], value: unknown): void {
  let current = level;
  for (const part of path.slice(0, -1)) {
    let next = current.get(part);
    if (!(next instanceof Map)) {
      next = new Map();
      current.set(part, next);
    }
    current = next as Level;
  }
  const last = path[path.length - 1]!;
  const parsed = parseValue(value);
  const existing = current.get(last);
  if (existing instanceof Map && parsed instanceof Map) {
    for (const [key, item] of parsed as Level) putIn(existing as Level, [key], item);
  } else {
    current.set(last, parsed);
  }
}

const MISSING: unique symbol = Symbol('missing');

/** The value at `path`, or MISSING. */
function lookup(level: Level, path: readonly string[]): unknown {
  let current: unknown = level;
  for (const part of path) {
    if (!(current instanceof Map) || !current.has(part)) return MISSING;
    current = (current as Level).get(part);
  }
  return current;
}

/** A stored value as users see it: a level becomes a new Config (structure copied, leaves shared). */
function exposed(value: unknown): unknown {
  return value instanceof Map ? Config.fromLevel(copyValue(value) as Level) : value;
}

/** A stored value as a plain nested object (levels become objects). */
function toPlain(value: unknown): unknown {
  if (!(value instanceof Map)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of value as Level) out[key] = toPlain(item);
  return out;
}

function flattenInto(level: Level, prefix: string, out: Array<[string, unknown]>): void {
  for (const [key, value] of level) {
    const path = prefix ? `${prefix}/${key}` : key;
    if (value instanceof Map && value.size > 0) flattenInto(value as Level, path, out);
    else out.push([path, toPlain(value)]);
  }
}

/**
 * A nested configuration with `/`-separated keys.
 *
 * ```ts
 * const config = new Config({ model: { lr: 0.1 }, 'data/shape': [28, 28] });
 * config.get('model/lr');            // 0.1
 * config.get('model/momentum', 0.9); // 0.9 (missing → default)
 * config.put('model', { wd: 1e-4 }); // deep merge: model = {lr: 0.1, wd: 1e-4}
 * config.set('model', { lr: 1 });    // replace:    model = {lr: 1}
 * config.flatten();                  // {'model/lr': 1, 'data/shape': [28, 28]}
 * ```
 */
export class Config implements Iterable<string> {
  /** @internal The top level. */
  storage: Level;

  /**
   * @param source - null/undefined (empty), a plain object, a Map, an array of `[key, value]` pairs or
   *   another Config (its structure is copied; leaves are shared). Keys may be `/` paths; entries are
   *   put one by one, so `{'b/c': 2, b: {d: 3}}` gives `b = {c: 2, d: 3}`.
   * @param extra - more entries put after `source` (Python's keyword arguments).
   */
  constructor(source?: ConfigSource, extra?: Readonly<Record<string, unknown>>) {
    this.storage = new Map();
    for (const [key, value] of entriesOf(source, 'config')) putIn(this.storage, splitKey(key), value);
    for (const [key, value] of entriesOf(extra, 'config')) putIn(this.storage, splitKey(key), value);
  }

  /** @internal A Config around an existing level (no copy). */
  static fromLevel(level: Level): Config {
    const config = new Config();
    config.storage = level;
    return config;
  }

  /**
   * The value at `key` (a `/` path), or `defaultValue` (null if omitted) when it is missing. A nested
   * level comes back as a new Config (changing it does not change this one). An array of keys gives
   * an array of values.
   */
  get<T = unknown>(key: string, defaultValue?: T): T | null;
  get(keys: readonly string[], defaultValue?: unknown): unknown[];
  get(key: string | readonly string[], defaultValue: unknown = null): unknown {
    if (Array.isArray(key)) return key.map((k: string) => this.get(k, defaultValue));
    const found = lookup(this.storage, splitKey(key));
    return found === MISSING ? defaultValue : exposed(found);
  }

  /** Like {@link get} but a missing key throws a MissingKeyError (Python's `config[key]`). */
  at<T = unknown>(key: string): T;
  at(keys: readonly string[]): unknown[];
  at(key: string | readonly string[]): unknown {
    if (Array.isArray(key)) return key.map((k: string) => this.at(k));
    const found = lookup(this.storage, splitKey(key as string));
    if (found === MISSING) throw new MissingKeyError(key as string);
    return exposed(found);
  }

  /** True when the `/` path exists (at any depth; Python's `in` looks only at the top level). */
  has(key: string): boolean {
    return lookup(this.storage, splitKey(key)) !== MISSING;
  }

  /**
   * Puts `value` at `key`, merging: intermediate levels are created (a non-dict intermediate is
   * replaced by a level); a dict value put on an existing level is deep-merged into it; anything
   * else overwrites. Returns this.
   */
  put(key: string, value: unknown): this {
    putIn(this.storage, splitKey(key), value);
    return this;
  }

  /** Replaces the value at `key` (no merge; Python's `config[key] = value`). Returns this. */
  set(key: string, value: unknown): this {
    const path = splitKey(key);
    this.#remove(path);
    putIn(this.storage, path, value);
    return this;
  }

  /**
   * Removes `key` and returns its value (a level as a Config). Removing a nested key leaves its
   * parent in place, even when it becomes empty. A missing key returns `defaultValue` if one was
   * given, else throws a MissingKeyError. An array of keys pops each.
   */
  pop<T = unknown>(key: string, ...defaultValue: [] | [T]): T;
  pop(keys: readonly string[], ...defaultValue: [] | [unknown]): unknown[];
  pop(key: string | readonly string[], ...defaultValue: [] | [unknown]): unknown {
    if (Array.isArray(key)) return key.map((k: string) => this.pop(k, ...defaultValue));
    const path = splitKey(key as string);
    const found = lookup(this.storage, path);
    if (found === MISSING) {
      if (defaultValue.length === 0) throw new MissingKeyError(key as string);
      return defaultValue[0];
    }
    this.#remove(path);
    return found instanceof Map ? Config.fromLevel(found as Level) : found;
  }

  /** Removes `key` (a missing key throws a MissingKeyError; Python's `del config[key]`). */
  delete(key: string): void {
    this.pop(key);
  }

  #remove(path: readonly string[]): void {
    const parent = lookup(this.storage, path.slice(0, -1));
    if (parent instanceof Map) parent.delete(path[path.length - 1]!);
  }

  /** Puts every top-level entry of each source (so nested dicts deep-merge). Returns this. */
  update(...sources: ConfigSource[]): this {
    for (const source of sources) {
      for (const [key, value] of entriesOf(source, 'update')) putIn(this.storage, splitKey(key), value);
    }
    return this;
  }

  /** A flat object `{'a/b/c': leaf}`. Empty nested levels are kept as `{}` leaves. */
  flatten(): Record<string, unknown> {
    return Object.fromEntries(this.#flatEntries());
  }

  #flatEntries(): Array<[string, unknown]> {
    const out: Array<[string, unknown]> = [];
    flattenInto(this.storage, '', out);
    return out;
  }

  /** Top-level `[key, value]` pairs (nested levels as plain objects), or flattened pairs. */
  items(flatten = false): Array<[string, unknown]> {
    if (flatten) return this.#flatEntries();
    return [...this.storage].map(([key, value]) => [key, toPlain(value)]);
  }

  /** Top-level keys, or flattened `a/b` keys. */
  keys(flatten = false): string[] {
    return this.items(flatten).map(([key]) => key);
  }

  /** Top-level values (nested levels as plain objects), or the flattened leaves. */
  values(flatten = false): unknown[] {
    return this.items(flatten).map(([, value]) => value);
  }

  /** The config as a nested plain object (a snapshot: levels are copied, leaves shared). */
  toObject(): Record<string, unknown> {
    return toPlain(this.storage) as Record<string, unknown>;
  }

  /** JSON form: the nested plain object. */
  toJSON(): Record<string, unknown> {
    return this.toObject();
  }

  /** A new Config: this one's leaves, then `other`'s leaves (the right side wins per leaf). Python's `a + b`. */
  add(other: ConfigSource): Config {
    const right = other instanceof Config ? other : new Config(other);
    return new Config([...this.#flatEntries(), ...right.#flatEntries()]);
  }

  /** True when the flattened forms are equal (leaves compared deeply: arrays, plain objects; others by identity). */
  equals(other: ConfigSource): boolean {
    const right = other instanceof Config ? other : new Config(other);
    const a = this.#flatEntries();
    const b = new Map(right.#flatEntries());
    return a.length === b.size && a.every(([key, value]) => b.has(key) && leafEquals(value, b.get(key)));
  }

  /** A copy (the structure is copied, the leaves are shared). */
  copy(): Config {
    return Config.fromLevel(copyValue(this.storage) as Level);
  }

  /** Removes everything. */
  clear(): void {
    this.storage.clear();
  }

  /** Number of top-level keys. */
  get size(): number {
    return this.storage.size;
  }

  /** Iterates the top-level keys. */
  [Symbol.iterator](): Iterator<string> {
    return this.storage.keys();
  }

  toString(): string {
    return `Config(${JSON.stringify(this.toObject())})`;
  }
}

function leafEquals(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, i) => leafEquals(item, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => key in b && leafEquals(a[key], b[key]));
  }
  return false;
}
