/**
 * A batch's random state: its seed (drawn from OS entropy on first use unless set) and the generator
 * seeded by it, created on first use (also after the seed is set).
 * @module
 */
import { Rng } from '../random/rng.js';
import { assertSeed, entropySeed } from '../random/seed.js';

/** The seed and generator of one batch. */
export class RandomState {
  #seed: number | undefined;
  #rng: Rng | undefined;

  /** The seed (drawn from OS entropy on first use unless set). Setting it resets the generator. */
  get seed(): number {
    if (this.#seed === undefined) this.#seed = entropySeed();
    return this.#seed;
  }

  set seed(seed: number) {
    assertSeed(seed, 'randomSeed');
    this.#seed = seed;
    // made on first use (a pipeline seeds every batch; many never draw from it)
    this.#rng = undefined;
  }

  /** The generator, seeded by `seed`. */
  get rng(): Rng {
    if (!this.#rng) this.#rng = new Rng(this.seed);
    return this.#rng;
  }

  /** Takes over `source`'s seed and a clone of its generator (nothing is drawn when they are unset). */
  copyFrom(source: RandomState): void {
    this.#seed = source.#seed;
    this.#rng = source.#rng?.clone();
  }
}
