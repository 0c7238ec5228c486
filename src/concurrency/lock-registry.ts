/**
 * Named locks: one namespace of async mutexes per owner. A pipeline owns the locks of its run (its
 * `acquireLock` steps and the `@action({ useLock })` calls of its batches share them); a batch
 * without a pipeline owns its own.
 * @module
 */
import { Mutex } from './mutex.js';

/** The member through which an owner (a pipeline) exposes its lock namespace. */
export const ownedLocks = Symbol.for('batchflow-ts:owned-locks');

/** Mutexes by name, created on first use. */
export class LockRegistry {
  readonly #locks = new Map<string, Mutex>();

  /** The mutex called `name` (created on first use; the same object for every later call). */
  get(name: string): Mutex {
    let mutex = this.#locks.get(name);
    if (!mutex) this.#locks.set(name, (mutex = new Mutex()));
    return mutex;
  }
}

/** An object that owns a lock namespace (a Pipeline). */
export interface LockOwner {
  readonly [ownedLocks]: LockRegistry;
}

/** The lock namespace `owner` exposes, or null when it has none. */
export function locksOf(owner: unknown): LockRegistry | null {
  if (typeof owner !== 'object' || owner === null) return null;
  const registry = (owner as Partial<LockOwner>)[ownedLocks];
  return registry instanceof LockRegistry ? registry : null;
}
