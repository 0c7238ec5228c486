/**
 * The `shuffle` argument of splits and batch generation, turned into a generator (or none).
 * @module
 */
import { Rng } from '../random/rng.js';
import { MAX_SEED } from '../random/seed.js';

/**
 * How items are ordered:
 * - `false`: no shuffle (index order);
 * - `true`: shuffled, from a fresh OS-entropy seed;
 * - an integer `k ≥ 0`: shuffled, seeded with `k` (same seed → same order);
 * - an integer `k < 0`: no shuffle (as in a pipeline, where `−k` still seeds everything but the order);
 * - an `Rng`: shuffled with that generator, whose state moves on.
 */
export type ShuffleOption = boolean | number | Rng;

/** The generator for a `shuffle` argument, or null for no shuffle. Anything else is a TypeError. */
export function makeRng(shuffle: ShuffleOption): Rng | null {
  if (shuffle === false) return null;
  if (shuffle === true) return new Rng();
  if (shuffle instanceof Rng) return shuffle;
  if (typeof shuffle === 'number' && Number.isInteger(shuffle) && Math.abs(shuffle) <= MAX_SEED) return shuffle < 0 ? null : new Rng(shuffle);
  const shown = typeof shuffle === 'number' ? String(shuffle) : shuffle === null ? 'null' : typeof shuffle === 'function' ? 'a function' : typeof shuffle;
  throw new TypeError(`shuffle: expected false, true, an integer seed or an Rng, got ${shown}`);
}

/** The identity order 0..n-1. */
export function identityOrder(n: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return order;
}
