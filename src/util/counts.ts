/**
 * The check of counts given as options (epochs, iterations, batches): one rule and one message.
 * @module
 */
import { ArgumentError } from '../errors.js';

/** `value` when it is a non-negative integer, else an ArgumentError naming `argument` (`expected` says what was expected). */
export function nonNegativeInteger(argument: string, value: unknown, expected = 'a non-negative integer'): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new ArgumentError(argument, `expected ${expected}, got ${String(value)}`);
  return value;
}

/** null for null or undefined (no limit), else {@link nonNegativeInteger}. */
export function optionalNonNegativeInteger(argument: string, value: unknown): number | null {
  return value === null || value === undefined ? null : nonNegativeInteger(argument, value, 'a non-negative integer or null');
}
