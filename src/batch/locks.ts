/**
 * Which mutex a `@action({ useLock })` call takes: the pipeline's when the batch has one (the same
 * mutex as the pipeline's `acquireLock(name)`), else the batch's own.
 * @module
 */
import type { Mutex } from '../concurrency/mutex.js';
import { LockRegistry, locksOf } from '../concurrency/lock-registry.js';

/** Lock namespaces of pipeline objects that do not own one (a Pipeline owns its own: see `locksOf`). */
const foreignPipelineLocks = new WeakMap<object, LockRegistry>();

/** The mutex for lock `name` of a batch with locks `own`, run by `pipeline` (or none). */
export function lockFor(own: LockRegistry, pipeline: object | null, name: string): Mutex {
  let locks = own;
  if (pipeline) {
    locks = locksOf(pipeline) ?? foreignPipelineLocks.get(pipeline) ?? new LockRegistry();
    if (!locksOf(pipeline)) foreignPipelineLocks.set(pipeline, locks);
  }
  return locks.get(name);
}
