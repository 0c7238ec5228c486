/**
 * Pipeline variables: declarations are part of the (immutable) pipeline; values live in one pipeline
 * object, persist across its runs, and start from their defaults (evaluated when a run starts, so a
 * default may be a named expression such as `C('lr')`). Mutable defaults are copied, never shared.
 * @module
 */

/** How a variable is declared. */
export interface VariableDeclaration {
  readonly name: string;
  /** The initial value, or an expression evaluated when the variable is initialised. */
  readonly defaultValue: unknown;
}

/** A fresh copy of an initial value, so runs and pipelines never share a mutable default. */
export function copyInitialValue<T>(value: T): T {
  if (Array.isArray(value)) return [...value] as T;
  if (value instanceof Map) return new Map(value) as T;
  if (value instanceof Set) return new Set(value) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return { ...(value as object) } as T;
  return value;
}
