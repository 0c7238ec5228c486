/**
 * Whether a value survives structured cloning (what worker messages use).
 * @module
 */

/** True when `structuredClone(value)` succeeds (no functions, symbols or non-cloneable class instances inside). */
export function cloneable(value: unknown): boolean {
  try {
    structuredClone(value);
    return true;
  } catch {
    return false;
  }
}
