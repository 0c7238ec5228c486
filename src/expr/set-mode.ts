/**
 * The modes of `expression.set(value, ctx, mode)`: their names, and how append, extend and update
 * combine the new value with the current one.
 * @module
 */
import { Config } from '../config/config.js';
import { ArgumentError } from '../errors.js';
import { isNdArray, ndItem } from '../ndarray/ndarray-utils.js';
import { isPlainObject } from '../util/plain-object.js';

/** How `set` combines the new value with the current one: write, append, extend, update. */
export type SetMode = 'w' | 'a' | 'e' | 'u' | 'write' | 'append' | 'extend' | 'update';

/** Options of `set`: the mode (default: the expression's own) and whether to evaluate the value first (default true). */
export interface SetOptions {
  mode?: SetMode;
  eval?: boolean;
}

/** A mode as expressions store it: w(rite), a(ppend), e(xtend), u(pdate). */
export type StoredMode = 'w' | 'a' | 'e' | 'u';
const modeNames: Record<SetMode, StoredMode> = { w: 'w', a: 'a', e: 'e', u: 'u', write: 'w', append: 'a', extend: 'e', update: 'u' };

/** Normalises a mode name; throws an ArgumentError for an unknown one. */
export function normaliseMode(mode: unknown): StoredMode {
  const found = typeof mode === 'string' ? (modeNames as Record<string, StoredMode | undefined>)[mode] : undefined;
  if (!found)
    throw new ArgumentError(
      'mode',
      `unknown mode ${JSON.stringify(mode)}; expected one of ${Object.keys(modeNames)
        .map((m) => `'${m}'`)
        .join(', ')}`,
    );
  return found;
}

/** The entries of a value used with mode 'e': an ndarray gives its items along the first axis. */
function iterableOf(value: unknown): Iterable<unknown> | null {
  if (isNdArray(value)) return Array.from({ length: value.shape[0]! }, (_, i) => ndItem(value, i));
  if (value !== null && value !== undefined && typeof value !== 'string' && typeof (value as Iterable<unknown>)[Symbol.iterator] === 'function')
    return value as Iterable<unknown>;
  return null;
}

/**
 * The value `set` assigns in mode `mode` (a, e or u): `value` combined into `current` (changed in place
 * when it is a container), or a new array / the value itself when `current` is null or undefined.
 */
export function combineForMode(mode: StoredMode, current: unknown, value: unknown): unknown {
  const kind = current === null ? 'null' : Array.isArray(current) ? 'array' : typeof current;
  if (current === null || current === undefined) {
    if (mode === 'a') return [value];
    if (mode === 'e') {
      const iterable = iterableOf(value);
      if (iterable === null) throw new TypeError(`cannot extend with a non-iterable ${typeof value}`);
      return Array.from(iterable);
    }
    return value;
  }
  const entries = (source: unknown): Iterable<[unknown, unknown]> => {
    if (source instanceof Map) return source.entries() as Iterable<[unknown, unknown]>;
    if (source instanceof Config) return source.items();
    if (isPlainObject(source)) return Object.entries(source);
    throw new TypeError(`cannot update a ${kind} with a ${source === null ? 'null' : typeof source}`);
  };
  const items = (source: unknown): Iterable<unknown> => {
    const iterable = iterableOf(source);
    if (iterable !== null) return iterable;
    throw new TypeError(`cannot extend a ${kind} with a non-iterable ${source === null ? 'null' : typeof source}`);
  };
  if (Array.isArray(current)) {
    if (mode === 'a') current.push(value);
    else if (mode === 'e') for (const item of items(value)) current.push(item);
    else throw new TypeError(`mode 'u' needs a Map, Set, Config or plain object, not an array`);
    return current;
  }
  if (current instanceof Set) {
    if (mode === 'a' && !(value instanceof Set) && !Array.isArray(value)) current.add(value);
    else for (const item of items(value)) current.add(item);
    return current;
  }
  if (current instanceof Config) {
    if (mode === 'e') throw new TypeError(`mode 'e' cannot extend a Config`);
    current.update(value as Record<string, unknown>);
    return current;
  }
  if (current instanceof Map || isPlainObject(current)) {
    if (mode === 'e') throw new TypeError(`mode 'e' cannot extend a ${current instanceof Map ? 'Map' : 'plain object'}`);
    for (const [key, item] of entries(value)) {
      if (current instanceof Map) current.set(key, item);
      else (current as Record<string, unknown>)[String(key)] = item;
    }
    return current;
  }
  throw new TypeError(`mode '${mode}' cannot be applied to a ${kind} (it needs an array, Set, Map, Config or plain object)`);
}
