/**
 * The narrow interface decorated wrappers call on their instance. Batch implements it; keeping it
 * here lets decorators stay independent of the Batch class (decorators → registry → runtime).
 * @module
 */
import type { Mutex } from '../concurrency/mutex.js';
import type { ActionRecord } from './action-record.js';

/** Runs a parallel action described by a registry record with the caller's options. */
export const runParallelAction = Symbol.for('batchflow-ts:run-parallel-action');
/** Returns the mutex for a lock name (per pipeline when the batch has one, else per batch). */
export const lockForAction = Symbol.for('batchflow-ts:lock-for-action');

/** What a decorated method needs from `this`. */
export interface ActionHost {
  [runParallelAction](record: ActionRecord, options: Record<string, unknown> | undefined): Promise<unknown>;
  [lockForAction](name: string): Mutex;
}

/** True when `value` implements {@link ActionHost} (is a Batch). */
export function isActionHost(value: unknown): value is ActionHost {
  return typeof value === 'object' && value !== null && typeof (value as Partial<ActionHost>)[runParallelAction] === 'function';
}
