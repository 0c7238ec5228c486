/**
 * Python-style slices of positions: the `{start, stop, step}` objects dataset indices take, the
 * {@link Slice} class expressions build with `.slice()`, and the positions a slice selects.
 * @module
 */

/** A slice of positions, as in Python: `stop` excluded, negatives count from the end, `step` may be negative. */
export interface IndexSlice<T = number> {
  start?: T | null;
  stop?: T | null;
  step?: number | null;
}

/** Python's `slice(start, stop, step)`: the key of `item` made by the `.slice()` method of expressions. */
export class Slice implements IndexSlice<number> {
  constructor(
    readonly start: number | null = null,
    readonly stop: number | null = null,
    readonly step: number | null = null,
  ) {}
  toString(): string {
    const part = (v: number | null): string => (v === null ? '' : String(v));
    return `${part(this.start)}:${part(this.stop)}${this.step === null ? '' : `:${this.step}`}`;
  }
}

/** True for a plain `{start?, stop?, step?}` object (not an array, index or iterable). */
export function isSlice(value: unknown): value is IndexSlice<unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((key) => key === 'start' || key === 'stop' || key === 'step');
}

function checkInteger(value: unknown, name: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`slice ${name}: expected an integer or null, got ${JSON.stringify(value)}`);
  return value;
}

/** The positions a slice selects in a sequence of `n` items (Python's `slice.indices` semantics). */
export function slicePositions(slice: IndexSlice, n: number): Int32Array {
  const step = slice.step === undefined || slice.step === null ? 1 : checkInteger(slice.step, 'step');
  if (step === 0) throw new RangeError('slice step cannot be zero');
  const clamp = (value: number | null | undefined, name: string, fallback: number, low: number, high: number): number => {
    if (value === undefined || value === null) return fallback;
    let v = checkInteger(value, name);
    if (v < 0) v += n;
    return Math.min(Math.max(v, low), high);
  };
  const start = step > 0 ? clamp(slice.start, 'start', 0, 0, n) : clamp(slice.start, 'start', n - 1, -1, n - 1);
  const stop = step > 0 ? clamp(slice.stop, 'stop', n, 0, n) : clamp(slice.stop, 'stop', -1, -1, n - 1);
  const count = step > 0 ? Math.max(0, Math.ceil((stop - start) / step)) : Math.max(0, Math.ceil((start - stop) / -step));
  const out = new Int32Array(count);
  for (let k = 0, p = start; k < count; k++, p += step) out[k] = p;
  return out;
}
