/**
 * `calcSplit`: how many items go to train, test and validation for a given set of shares
 * (BatchFlow's rule, with numpy's half-even rounding and the "zero share = empty part" fix).
 * @module
 */
import { ArgumentError } from '../errors.js';

/** Shares of a split: one number (train; test = the rest) or `[train, test]` / `[train, test, validation]`. */
export type SplitShares = number | readonly number[];

/** Rounds to the nearest integer, halves to even (numpy's `round`): 2.5 → 2, 1.5 → 2, 0.5 → 0. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const diff = x - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/**
 * The sizes `[train, test, validation]` of a split of `n` items.
 * - `0.8` → test is the rest; `[0.7, 0.2]` → validation is the rest (10 %); `[0.8, 0.2]` → no validation;
 * - the last given share is replaced by `1 − sum(the others)`;
 * - parts are rounded half to even; a positive share gets at least 1 item, a zero share none;
 * - train gets whatever the other parts leave.
 * @throws ArgumentError for more than 3 shares, a share outside [0, 1], a sum above 1, or fewer items than parts.
 */
export function calcSplit(n: number, shares: SplitShares = 0.8): [number, number, number] {
  let parts: number[];
  if (typeof shares === 'number') parts = [shares];
  else if (shares !== null && typeof shares === 'object' && typeof (shares as ArrayLike<number>).length === 'number') parts = Array.from(shares);
  else throw new TypeError(`shares: expected a number or an array of up to 3 numbers, got ${shares === null ? 'null' : typeof shares}`);
  for (const share of parts) {
    if (typeof share !== 'number' || !Number.isFinite(share)) throw new TypeError(`shares: expected numbers, got ${JSON.stringify(share)}`);
    if (share < 0 || share > 1) throw new ArgumentError('shares', `every share must be in [0, 1], got ${share}`);
  }
  if (parts.length < 3) parts.push(0);
  if (parts.length > 3) throw new ArgumentError('shares', `at most 3 shares (train, test, validation) can be given, got ${parts.length}`);
  const sum = parts.reduce((total, share) => total + share, 0);
  if (sum > 1) throw new ArgumentError('shares', `the shares must sum to at most 1, got ${sum}`);
  if (n < parts.length) throw new ArgumentError('shares', `a set of size ${n} cannot be split into ${parts.length} subsets`);
  const last = parts.length - 1;
  parts[last] = 1 - parts.slice(0, last).reduce((total, share) => total + share, 0);
  if (parts[last] === 0) parts.pop();
  const lengths = parts.map((share) => {
    const length = roundHalfEven(share * n);
    return share > 0 && length < 1 ? 1 : share > 0 ? length : 0;
  });
  const test = lengths[1] ?? 0;
  const validation = lengths[2] ?? 0;
  return [Math.max(0, n - test - validation), test, validation];
}
