/**
 * What the scheduler learns about an item function from its earlier calls: the time one item takes
 * on a worker. Chunks of cheap items are made large enough to amortise a message (fewer, larger
 * chunks); the first call of a function, with nothing known, keeps the guided schedule. Only chunk
 * sizes depend on it, never results.
 * @module
 */
import type { ItemFunction } from '../item-task.js';

/** Work one chunk should hold at least, in milliseconds: a message costs tens to hundreds of µs. */
const chunkWorkMs = 2;

const perItemMs = new WeakMap<ItemFunction, number>();

/**
 * The smallest chunk for `count` items of `func` on `nWorkers` workers: enough items for
 * {@link chunkWorkMs} of work, at most one share per worker; undefined when nothing is known yet.
 */
export function learnedMinimumChunk(func: ItemFunction, count: number, nWorkers: number): number | undefined {
  const cost = perItemMs.get(func);
  if (cost === undefined) return undefined;
  const share = Math.ceil(count / nWorkers);
  return cost <= 0 ? share : Math.max(1, Math.min(share, Math.ceil(chunkWorkMs / cost)));
}

/** Records that one item of `func` took `itemMs` on a worker (ignored when not a finite non-negative time). */
export function recordItemCost(func: ItemFunction, itemMs: number): void {
  if (Number.isFinite(itemMs) && itemMs >= 0) perItemMs.set(func, itemMs);
}
