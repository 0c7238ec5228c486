/**
 * Memory lent to the actions of one batch: a batch made on a worker holds a lease of reused
 * shared-memory slots until it is sent back, and its actions' output rows (`context.output`) come
 * from those slots instead of fresh memory (whose first touch costs a page fault per 4 KiB page).
 * Outputs an action replaces go back to the pool with the lease; what the batch ends with leaves with it.
 * @module
 */
import type { SlotLease } from './shared-slots.js';

const lent = new WeakMap<object, SlotLease>();

/** Lends `lease` to the actions of `batch` (until the lease is released). */
export function lendMemory(batch: object, lease: SlotLease): void {
  lent.set(batch, lease);
}

/** The lease lent to `batch`, or null (then outputs get fresh memory). */
export function memoryOf(batch: unknown): SlotLease | null {
  return typeof batch === 'object' && batch !== null ? (lent.get(batch) ?? null) : null;
}
