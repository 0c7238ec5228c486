/**
 * The fuzz suite's seeded random source: pure-rand's xoroshiro128+ with integer helpers. The same
 * seed gives the same cases on every machine.
 * @module
 */
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import type { FuzzRandom } from './types.js';

/** A {@link FuzzRandom} from an integer seed. */
export function fuzzRandom(seed: number): FuzzRandom {
  const generator = xoroshiro128plus(seed);
  const between = (from: number, to: number): number => uniformInt(generator, from, to);
  return {
    between,
    int: (n) => between(0, Math.max(0, n - 1)),
    pick: (items) => items[between(0, items.length - 1)]!,
    chance: (p) => between(0, 999_999) < p * 1_000_000,
  };
}
