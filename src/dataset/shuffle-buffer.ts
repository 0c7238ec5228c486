/**
 * A seeded shuffle buffer (tf.data's `shuffle(bufferSize)`): items go in one by one; once the buffer
 * is full, each new item takes the place of a uniformly drawn one, which comes out. At the end of the
 * stream the rest comes out in random order. Every item comes out once; it can move forward by up to
 * `size` places and back by any number.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { Rng } from '../random/rng.js';

/** Options of a shuffle buffer. */
export interface ShuffleBufferOptions {
  /** Items held back to draw from (1: no shuffle). */
  readonly bufferSize: number;
  /** Seed of the draws: the same seed gives the same order. */
  readonly seed: number;
}

/** Checks a buffer size (`argument` names the option it came from). */
export function checkBufferSize(argument: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw new ArgumentError(argument, `expected a positive integer buffer size, got ${String(value)}`);
  return value;
}

/** A shuffle buffer of `bufferSize` items drawn with a generator seeded by `seed`. */
export class ShuffleBuffer<T> {
  readonly #items: T[] = [];
  readonly #size: number;
  readonly #rng: Rng;

  constructor(options: ShuffleBufferOptions) {
    this.#size = checkBufferSize('bufferSize', options.bufferSize);
    this.#rng = new Rng(options.seed);
  }

  /** Puts `item` in; gives back the item that comes out, or undefined while the buffer fills. */
  push(item: T): T | undefined {
    if (this.#items.length < this.#size) {
      this.#items.push(item);
      return undefined;
    }
    const k = this.#rng.integers(0, this.#size + 1);
    if (k === this.#size) return item; // the new item itself is drawn
    const out = this.#items[k]!;
    this.#items[k] = item;
    return out;
  }

  /** Empties the buffer in random order (the end of an epoch). */
  *drain(): Generator<T, void, undefined> {
    const items = this.#items;
    while (items.length > 0) {
      const k = this.#rng.integers(0, items.length);
      const out = items[k]!;
      items[k] = items[items.length - 1]!;
      items.pop();
      yield out;
    }
  }
}
