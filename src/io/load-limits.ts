/**
 * What one load may allocate. Readers check the sizes a file declares against these limits
 * *before* allocating, so a small hostile file cannot make the process allocate gigabytes.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { LoadLimitError } from './errors.js';

/** Limits of a single load (see {@link configureLoadLimits}). */
export interface LoadLimits {
  /** Most bytes one load may allocate for the data a file declares (default 4 GiB). */
  readonly maxBytes: number;
}

/** The default limits: 4 GiB per load. */
export const defaultLoadLimits: LoadLimits = Object.freeze({ maxBytes: 4 * 1024 ** 3 });

let current: LoadLimits = defaultLoadLimits;

/**
 * Changes the load limits for every later load (`configureLoadLimits({})` restores the defaults).
 * @example
 * ```ts
 * configureLoadLimits({ maxBytes: 16 * 1024 ** 3 }); // trusted files up to 16 GiB
 * ```
 */
export function configureLoadLimits(limits: Partial<LoadLimits>): void {
  const maxBytes = limits.maxBytes ?? defaultLoadLimits.maxBytes;
  if (typeof maxBytes !== 'number' || !(maxBytes > 0) || !Number.isFinite(maxBytes))
    throw new ArgumentError('maxBytes', `expected a positive finite number of bytes, got ${String(maxBytes)}`);
  current = Object.freeze({ maxBytes });
}

/** The limits in force. */
export function getLoadLimits(): LoadLimits {
  return current;
}

/**
 * Throws a {@link LoadLimitError} naming `file` when `declaredBytes` (what the file declares for
 * `what`, e.g. "dataset 'images'") is not a finite non-negative size within the limit (`limit`: the
 * configured one; readers running on workers pass the limit of the process that started the load).
 */
export function checkDeclaredSize(format: string, file: string, what: string, declaredBytes: number, limit: number = current.maxBytes): void {
  if (!Number.isFinite(declaredBytes) || declaredBytes < 0 || declaredBytes > limit) throw new LoadLimitError(format, file, what, declaredBytes, limit);
}
