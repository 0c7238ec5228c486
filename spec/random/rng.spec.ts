/**
 * `Rng`: determinism (same seed → same sequence), independent streams per position, the
 * distributions (bounds, moments), permutations, state round trips and seed validation.
 */
import { describe, expect, test } from '@jest/globals';
import { Rng } from '../../src/index.js';
import { MAX_SEED, stateFromSeed } from '../../src/random/seed.js';

const draw = (rng: Rng, n: number): number[] => Array.from({ length: n }, () => rng.random());

describe('determinism', () => {
  test('the same seed gives the same sequence (every distribution)', () => {
    const a = new Rng(12345);
    const b = new Rng(12345);
    expect(draw(a, 50)).toEqual(draw(b, 50));
    expect(Array.from({ length: 20 }, () => a.integers(0, 1000))).toEqual(Array.from({ length: 20 }, () => b.integers(0, 1000)));
    expect(Array.from({ length: 21 }, () => a.normal())).toEqual(Array.from({ length: 21 }, () => b.normal()));
    expect(Array.from(a.permutation(30))).toEqual(Array.from(b.permutation(30)));
    expect(a.nextSeed()).toBe(b.nextSeed());
  });

  test('different seeds give different sequences, including seeds differing only in the high 21 bits', () => {
    const seeds = [0, 1, 2, 42, 2 ** 32, 2 ** 32 + 1, 2 ** 52, MAX_SEED];
    const firsts = seeds.map((seed) => draw(new Rng(seed), 4).join(','));
    expect(new Set(firsts).size).toBe(seeds.length);
  });

  test('position 0 is the default position', () => {
    expect(draw(new Rng(77), 10)).toEqual(draw(new Rng(77, 0), 10));
  });

  test('different positions give different, unrelated streams (not shifted copies)', () => {
    const streams = Array.from({ length: 16 }, (_, position) => draw(new Rng(2024, position), 32));
    const firsts = new Set(streams.map((s) => s[0]));
    expect(firsts.size).toBe(16);
    // no stream is another one shifted by a few steps
    for (let i = 0; i < streams.length; i++) {
      for (let j = 0; j < streams.length; j++) {
        if (i === j) continue;
        for (let shift = 1; shift < 4; shift++) expect(streams[i]!.slice(shift, shift + 8)).not.toEqual(streams[j]!.slice(0, 8));
      }
    }
    // and (seed, position) pairs do not collide for neighbouring seeds
    expect(draw(new Rng(2024, 1), 4)).not.toEqual(draw(new Rng(2025, 0), 4));
    expect(draw(new Rng(2024, 0), 4)).not.toEqual(draw(new Rng(2025, 1), 4));
  });

  test('positions beyond 2^16 are still distinct', () => {
    expect(draw(new Rng(3, 65536), 4)).not.toEqual(draw(new Rng(3, 0), 4));
    expect(draw(new Rng(3, 65537), 4)).not.toEqual(draw(new Rng(3, 1), 4));
  });

  test('stateFromSeed never produces the all-zero state and is deterministic', () => {
    for (const seed of [0, 1, 123, MAX_SEED]) {
      const state = stateFromSeed(seed, 5);
      expect(state).toHaveLength(4);
      expect(state.some((word) => word !== 0)).toBe(true);
      expect(stateFromSeed(seed, 5)).toEqual(state);
    }
  });

  test('an unseeded generator draws its seed from entropy (two unseeded generators differ)', () => {
    expect(draw(new Rng(), 4)).not.toEqual(draw(new Rng(), 4));
  });
});

describe('distributions', () => {
  test('random() is in [0, 1) and roughly uniform', () => {
    const values = draw(new Rng(1), 20000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
    const belowTenth = values.filter((v) => v < 0.1).length / values.length;
    expect(Math.abs(belowTenth - 0.1)).toBeLessThan(0.015);
  });

  test('uniform(lo, hi) stays within [lo, hi)', () => {
    const rng = new Rng(2);
    const values = Array.from({ length: 5000 }, () => rng.uniform(-3, 5));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...values)).toBeLessThan(5);
    expect(Math.min(...values)).toBeLessThan(-2.9);
    expect(Math.max(...values)).toBeGreaterThan(4.9);
  });

  test('integers(lo, hi) are integers in [lo, hi) (hi excluded) and hit every value', () => {
    const rng = new Rng(3);
    const values = Array.from({ length: 10000 }, () => rng.integers(-3, 4));
    expect(values.every(Number.isInteger)).toBe(true);
    expect(new Set(values)).toEqual(new Set([-3, -2, -1, 0, 1, 2, 3]));
    for (let k = -3; k < 4; k++) {
      const share = values.filter((v) => v === k).length / values.length;
      expect(Math.abs(share - 1 / 7)).toBeLessThan(0.02);
    }
  });

  test('integers(lo, lo + 1) is always lo; an empty range → RangeError', () => {
    const rng = new Rng(4);
    expect(Array.from({ length: 20 }, () => rng.integers(9, 10))).toEqual(new Array(20).fill(9));
    expect(() => rng.integers(5, 5)).toThrow(RangeError);
    expect(() => rng.integers(6, 5)).toThrow(RangeError);
  });

  test('normal(mean, std): mean and variance roughly right on 20k samples', () => {
    const rng = new Rng(5);
    const n = 20000;
    const values = Array.from({ length: n }, () => rng.normal(3, 2));
    const mean = values.reduce((s, v) => s + v, 0) / n;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (n - 1);
    expect(Math.abs(mean - 3)).toBeLessThan(0.1);
    expect(Math.abs(variance - 4)).toBeLessThan(0.3);
    // about 68% within one std
    const within = values.filter((v) => Math.abs(v - 3) < 2).length / n;
    expect(Math.abs(within - 0.6827)).toBeLessThan(0.02);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  test('normal() defaults to mean 0, std 1', () => {
    const rng = new Rng(6);
    const values = Array.from({ length: 20000 }, () => rng.normal());
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + v * v, 0) / values.length - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(variance - 1)).toBeLessThan(0.08);
  });

  test('bernoulli(p) frequency is close to p; p = 0 never, p = 1 always', () => {
    const rng = new Rng(7);
    const hits = Array.from({ length: 10000 }, () => rng.bernoulli(0.3)).filter(Boolean).length;
    expect(Math.abs(hits / 10000 - 0.3)).toBeLessThan(0.02);
    expect(Array.from({ length: 100 }, () => rng.bernoulli(0)).some(Boolean)).toBe(false);
    expect(Array.from({ length: 100 }, () => rng.bernoulli(1)).every(Boolean)).toBe(true);
  });

  test('nextSeed gives valid, distinct seeds usable by new Rng', () => {
    const rng = new Rng(8);
    const seeds = Array.from({ length: 100 }, () => rng.nextSeed());
    for (const seed of seeds) {
      expect(Number.isSafeInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThanOrEqual(MAX_SEED);
      expect(() => new Rng(seed)).not.toThrow();
    }
    expect(new Set(seeds).size).toBe(100);
    expect(seeds.some((s) => s > 2 ** 32)).toBe(true);
  });
});

describe('permutations and choices', () => {
  test('permutation(n) is a permutation of 0..n-1 (and not the identity)', () => {
    const perm = new Rng(9).permutation(100);
    expect(perm).toBeInstanceOf(Int32Array);
    expect(perm).toHaveLength(100);
    expect([...perm].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect([...perm]).not.toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  test('permutation(0) and permutation(1) are trivial', () => {
    expect(Array.from(new Rng(1).permutation(0))).toEqual([]);
    expect(Array.from(new Rng(1).permutation(1))).toEqual([0]);
  });

  test('permutations are roughly uniform: each value lands in position 0 about equally often', () => {
    const rng = new Rng(10);
    const counts = [0, 0, 0, 0];
    for (let t = 0; t < 8000; t++) counts[rng.permutation(4)[0]!]! += 1;
    for (const c of counts) expect(Math.abs(c / 8000 - 0.25)).toBeLessThan(0.03);
  });

  test('shuffle shuffles in place and returns the same array', () => {
    const values = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const result = new Rng(11).shuffle(values);
    expect(result).toBe(values);
    expect([...values].sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
    expect(values).not.toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h']);
  });

  test('choice picks elements of the array; an empty array → RangeError', () => {
    const rng = new Rng(12);
    const picks = new Set(Array.from({ length: 200 }, () => rng.choice(['x', 'y', 'z'])));
    expect(picks).toEqual(new Set(['x', 'y', 'z']));
    expect(() => rng.choice([])).toThrow(RangeError);
  });
});

describe('state', () => {
  test('getState / fromState round trip continues the same sequence', () => {
    const rng = new Rng(13);
    draw(rng, 7);
    const state = rng.getState();
    expect(state).toHaveLength(4);
    for (const word of state) expect(Number.isInteger(word)).toBe(true);
    const restored = Rng.fromState(state);
    expect(draw(restored, 20)).toEqual(draw(rng, 20));
  });

  test('the state survives structured cloning (it can be sent to a worker)', () => {
    const rng = new Rng(14);
    const restored = Rng.fromState(structuredClone(rng.getState()));
    expect(draw(restored, 5)).toEqual(draw(rng, 5));
  });

  test('getState returns a copy: mutating it does not change the generator', () => {
    const rng = new Rng(15);
    const reference = Rng.fromState(rng.getState());
    const state = rng.getState();
    state[0] = 0;
    state[1] = 0;
    expect(draw(rng, 5)).toEqual(draw(reference, 5));
  });

  test('clone continues from the same state and is independent afterwards', () => {
    const rng = new Rng(16);
    draw(rng, 3);
    const copy = rng.clone();
    expect(draw(copy, 10)).toEqual(draw(rng, 10));
    draw(copy, 5); // advancing the copy does not advance the original
    const next = rng.random();
    const fresh = new Rng(16);
    draw(fresh, 13);
    expect(next).toBe(fresh.random());
  });

  test('clone after an odd number of normal() draws continues the same normal sequence', () => {
    const rng = new Rng(17);
    rng.normal(); // Box–Muller keeps the second value of the pair for the next call
    const copy = rng.clone();
    expect(Array.from({ length: 5 }, () => copy.normal())).toEqual(Array.from({ length: 5 }, () => rng.normal()));
  });
});

describe('seed validation', () => {
  test.each([
    ['a negative seed', -1],
    ['a fraction', 1.5],
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['2^53', 2 ** 53],
    ['a string', '42'],
    ['a bigint', 42n],
    ['an object', {}],
  ])('%s → TypeError', (_label, seed) => {
    expect(() => new Rng(seed as number)).toThrow(TypeError);
  });

  test('the error names the bad value', () => {
    expect(() => new Rng(-5)).toThrow(/-5/);
  });

  test('the largest valid seed and 0 are accepted', () => {
    expect(() => new Rng(0)).not.toThrow();
    expect(() => new Rng(MAX_SEED)).not.toThrow();
  });
});
