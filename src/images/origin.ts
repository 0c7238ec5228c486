/**
 * Where a box goes on a larger area (`origin` of `crop`, `putOnBackground`, `cutout`, `scale`,
 * `rotate`'s `preserveShape`): as in BatchFlow's `_calc_origin`, but in numpy's `[row, column]` order.
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { Rng } from '../random/rng.js';

/** A named position, or `[row, column]` integers, or `[row, column]` fractions in [0, 1) of the free room. */
export type Origin = 'center' | 'top_left' | 'top_right' | 'bottom_left' | 'bottom_right' | 'random' | readonly [number, number];

/** The names `origin` accepts. */
export const originNames = ['center', 'top_left', 'top_right', 'bottom_left', 'bottom_right', 'random'] as const;

/**
 * The `[row, column]` of a `box` (`[rows, columns]`) placed on an `area` (`[rows, columns]`).
 * `'random'` draws from `rng` (row first): uniformly among the positions where the box fits.
 */
export function calcOrigin(
  box: readonly [number, number],
  origin: Origin,
  area: readonly [number, number],
  rng: () => Rng,
  argument = 'origin',
): [number, number] {
  const room: [number, number] = [area[0] - box[0], area[1] - box[1]];
  if (typeof origin === 'string') {
    switch (origin) {
      case 'top_left':
        return [0, 0];
      case 'top_right':
        return [0, room[1]];
      case 'bottom_left':
        return [room[0], 0];
      case 'bottom_right':
        return [room[0], room[1]];
      case 'center':
        return [Math.max(0, room[0]) >> 1, Math.max(0, room[1]) >> 1];
      case 'random': {
        const generator = rng();
        const row = generator.integers(0, Math.max(0, room[0]) + 1);
        return [row, generator.integers(0, Math.max(0, room[1]) + 1)];
      }
      default:
        throw new ArgumentError(argument, `expected one of ${originNames.map((name) => `'${name}'`).join(', ')} or [row, column], got '${String(origin)}'`);
    }
  }
  if (!Array.isArray(origin) || origin.length !== 2 || origin.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    throw new ArgumentError(argument, `expected a name or [row, column], got ${JSON.stringify(origin)}`);
  const [row, column] = origin as [number, number];
  if (Number.isInteger(row) && Number.isInteger(column)) return [row, column];
  if (row >= 0 && row < 1 && column >= 0 && column < 1) return [Math.trunc(row * (Math.max(0, room[0]) + 1)), Math.trunc(column * (Math.max(0, room[1]) + 1))];
  throw new ArgumentError(argument, `expected integers or fractions in [0, 1), got ${JSON.stringify(origin)}`);
}
