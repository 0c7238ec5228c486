/**
 * Checks that an item can travel to a worker and, in a worker, that an item's result can travel back to the caller. A result that cannot
 * be cloned (a function, a symbol) or that is nested deeper than the caller's thread can rebuild
 * would otherwise break the reply of the whole chunk (the call would never finish); instead it
 * fails its own item, with the reason as the cause.
 * @module
 */
import { BatchflowError } from '../../errors.js';
import { isNdArray } from '../../ndarray/ndarray-utils.js';

/**
 * How deep arrays and objects of an item or a result may nest. The caller rebuilds a result on its
 * main thread (and serialises items there), whose stack (about 1 MB by default) overflows between 2,000 and 3,300 levels of plain
 * objects or arrays; 1,000 leaves room for the caller's own frames.
 */
export const maxResultDepth = 1000;

/** True when `value` is nested more than `limit` levels deep (arrays, plain objects, maps, sets); iterative. */
function deeperThan(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  const seen = new Set<object>();
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null || ArrayBuffer.isView(current) || seen.has(current)) continue;
    if (depth > limit) return true;
    seen.add(current);
    const children: Iterable<unknown> =
      current instanceof Map
        ? [...current.keys(), ...current.values()]
        : current instanceof Set
          ? current
          : Array.isArray(current)
            ? current
            : Object.values(current);
    for (const child of children) if (typeof child === 'object' && child !== null) pending.push([child, depth + 1]);
  }
  return false;
}

/** How many values {@link plainlyCloneable} looks at before it leaves the answer to a real clone. */
const plainWalkLimit = 100_000;

/**
 * True when `value` certainly survives structured cloning and is at most {@link maxResultDepth}
 * levels deep, seen without copying anything: arrays and plain objects of primitives (not symbols),
 * typed arrays, buffers and ndarrays. False means "not known" (a class instance, a Map, a function,
 * too many values): the caller then clones for real.
 */
function plainlyCloneable(value: unknown): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  let seen = 0;
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (++seen > plainWalkLimit) return false;
    if (current === null || current === undefined) continue;
    const kind = typeof current;
    if (kind === 'symbol' || kind === 'function') return false;
    if (kind !== 'object') continue;
    if (ArrayBuffer.isView(current) || current instanceof ArrayBuffer || isNdArray(current)) continue;
    if (depth > maxResultDepth) return false;
    if (Array.isArray(current)) {
      for (const child of current as unknown[]) pending.push([child, depth + 1]);
      continue;
    }
    const prototype: unknown = Object.getPrototypeOf(current);
    if (prototype !== Object.prototype && prototype !== null) return false;
    for (const child of Object.values(current)) pending.push([child, depth + 1]);
  }
  return true;
}

/**
 * Why `result` cannot travel back to the caller (the structured-clone error, or a BatchflowError for
 * too deep a nesting), or null when it can. Primitives, ndarrays and plain data of them (a batch's
 * columns) are judged without copying; other values are cloned once here.
 */
export function resultCloneFailure(result: unknown): unknown {
  if (result === null || (typeof result !== 'object' && typeof result !== 'function' && typeof result !== 'symbol') || isNdArray(result)) return null;
  if (plainlyCloneable(result)) return null;
  try {
    structuredClone(result);
  } catch (error) {
    return error;
  }
  return nestingFailure(result, 'result');
}

/**
 * A BatchflowError when `value` (an item or a result) nests arrays or objects more than
 * {@link maxResultDepth} levels deep, which the other side of a worker message may not be able to
 * rebuild; null otherwise. Walks `value` without recursion.
 */
export function nestingFailure(value: unknown, what: 'item' | 'result'): BatchflowError | null {
  if (!deeperThan(value, maxResultDepth)) return null;
  return new BatchflowError(
    `the ${what} is nested more than ${maxResultDepth} levels deep: items and results of 'threads' and 'mpc' workers may nest at most ${maxResultDepth} levels (flatten it, or use 'for'/'async')`,
  );
}
