/**
 * Seed arithmetic: turning seeds (and a position) into generator states. This is the seed tree's
 * only mixing function, so every engine and every worker derives exactly the same item streams.
 * @module
 */

/** The largest seed value: seeds are non-negative integers below 2^53. */
export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** murmur3's 32-bit finaliser: a bijective avalanche mix of one 32-bit word. */
function mix32(value: number): number {
  let h = value | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

/** Checks that `seed` is a usable seed and throws a TypeError naming `argument` otherwise. */
export function assertSeed(seed: unknown, argument = 'seed'): asserts seed is number {
  if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new TypeError(`${argument}: expected an integer seed in [0, 2^53), got ${String(seed)}`);
  }
}

/**
 * The 128-bit xoroshiro state for `seed` and an optional `position` (an item's place in a batch).
 * Different (seed, position) pairs give unrelated states; the state is never all zeros.
 */
export function stateFromSeed(seed: number, position = 0): number[] {
  const low = seed >>> 0;
  const high = Math.floor(seed / 0x1_0000_0000) >>> 0;
  const state: number[] = [];
  for (let word = 0; word < 4; word++) {
    let h = mix32(low ^ Math.imul(word + 1, 0x9e3779b9));
    h = mix32(h ^ high ^ Math.imul(word + 7, 0x7feb352d));
    h = mix32(h ^ Math.imul(position + 1, 0x846ca68b));
    h = mix32(h + Math.imul(position >>> 16, 0x27d4eb2f) + word);
    state.push(h);
  }
  if ((state[0]! | state[1]! | state[2]! | state[3]!) === 0) state[0] = 1; // xoroshiro cannot leave the all-zero state
  return state;
}

/** A fresh seed from the operating system's entropy (used when the user gives no seed). */
export function entropySeed(): number {
  const words = new Uint32Array(2);
  globalThis.crypto.getRandomValues(words);
  return (words[0]! & 0x1f_ffff) * 0x1_0000_0000 + words[1]!;
}
