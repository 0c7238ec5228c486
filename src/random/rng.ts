/**
 * `Rng`: a seeded random generator (xoroshiro128+ from pure-rand) with the distributions data
 * pipelines need. All randomness in batchflow-ts goes through it.
 * @module
 */
import { xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { assertSeed, entropySeed, stateFromSeed } from './seed.js';

/** @internal A generator's full state as plain data (see {@link Rng.snapshot}). */
export interface RngSnapshot {
  readonly state: readonly number[];
  readonly spareNormal: number | null;
}

/** A seeded pseudo-random generator. Same seed, same sequence, on every engine and machine. */
export class Rng {
  private readonly generator: JumpableRandomGenerator;
  private spareNormal: number | null = null;

  /**
   * @param seed - an integer in [0, 2^53); omitted → a seed from the OS entropy pool.
   * @param position - mixes an item position into the seed (item generators of a parallel action).
   */
  constructor(seed?: number, position = 0) {
    const actualSeed = seed ?? entropySeed();
    assertSeed(actualSeed);
    this.generator = xoroshiro128plusFromState(stateFromSeed(actualSeed, position));
  }

  /** Rebuilds a generator from {@link Rng.getState} (for example inside a worker). */
  static fromState(state: readonly number[]): Rng {
    const rng = Object.create(Rng.prototype) as Rng;
    (rng as unknown as { generator: JumpableRandomGenerator }).generator = xoroshiro128plusFromState(state);
    (rng as unknown as { spareNormal: number | null }).spareNormal = null;
    return rng;
  }

  /** The generator's internal state: four 32-bit integers, safe to send to a worker. */
  getState(): number[] {
    return [...this.generator.getState()];
  }

  /** @internal Everything needed to continue this generator elsewhere (its state and a pending normal sample). */
  snapshot(): RngSnapshot {
    return { state: this.getState(), spareNormal: this.spareNormal };
  }

  /** @internal Continues, in place, from a {@link Rng.snapshot} (taken here or in a worker). */
  restore(snapshot: RngSnapshot): void {
    (this as unknown as { generator: JumpableRandomGenerator }).generator = xoroshiro128plusFromState(snapshot.state);
    this.spareNormal = snapshot.spareNormal;
  }

  /** An independent copy that continues from the same state. */
  clone(): Rng {
    const copy = Rng.fromState(this.getState());
    copy.spareNormal = this.spareNormal;
    return copy;
  }

  /** A float in [0, 1) with 53 random bits. */
  random(): number {
    return uniformFloat64(this.generator);
  }

  /** A float in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * uniformFloat64(this.generator);
  }

  /** An integer in [low, high) (numpy's `integers` convention: `high` excluded). */
  integers(low: number, high: number): number {
    if (!(high > low)) throw new RangeError(`integers: high (${high}) must be greater than low (${low})`);
    return low + Math.floor(uniformFloat64(this.generator) * (high - low));
  }

  /** A normal sample (Box–Muller), mean `mean` and standard deviation `std`. */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== null) {
      const spare = this.spareNormal;
      this.spareNormal = null;
      return mean + std * spare;
    }
    let u1 = 0;
    while (u1 === 0) u1 = uniformFloat64(this.generator);
    const u2 = uniformFloat64(this.generator);
    const radius = Math.sqrt(-2 * Math.log(u1));
    this.spareNormal = radius * Math.sin(2 * Math.PI * u2);
    return mean + std * radius * Math.cos(2 * Math.PI * u2);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return uniformFloat64(this.generator) < p;
  }

  /** A new non-negative integer seed in [0, 2^53), for child generators. */
  nextSeed(): number {
    const high = this.generator.next() & 0x1f_ffff;
    const low = this.generator.next() >>> 0;
    return high * 0x1_0000_0000 + low;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
    return this.shuffle(order);
  }

  /** Shuffles `values` in place (Fisher–Yates) and returns it. */
  shuffle<T extends { length: number; [position: number]: unknown }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(uniformFloat64(this.generator) * (i + 1));
      const swap = values[i];
      values[i] = values[j];
      values[j] = swap;
    }
    return values;
  }

  /** One element of `values`, chosen uniformly. */
  choice<T>(values: readonly T[]): T {
    if (values.length === 0) throw new RangeError('choice: values is empty');
    return values[Math.floor(uniformFloat64(this.generator) * values.length)]!;
  }
}
