/**
 * Giving consumed batches' memory back (`reuseMemory`). A batch made on a worker thread comes back
 * with the shared slots its worker handed over; once the consumer asks for the next batch, those
 * slots go back to the workers' pools with the next batches sent out, so the workers write the
 * following batches into memory that is already mapped instead of fresh pages. A batch whose results
 * a child process wrote to a shared-memory file is read into reused slots of the calling thread,
 * which go back to its own pool.
 * @module
 */
import { adoptSlots, giveBackSlots } from '../../engines/shared-slots.js';

/** Who reuses a consumed batch's slots: the worker threads that made them, or this thread (results read from a child process). */
export type SlotOwner = 'workers' | 'this thread';

/** The slots each batch of a `reuseMemory` run came back in, and who reuses them. */
const slotsOfBatch = new WeakMap<object, Array<{ readonly slots: readonly SharedArrayBuffer[]; readonly owner: SlotOwner }>>();

/** Records that `batch`'s data lives in `slots`, which `owner` may reuse once the batch is consumed. */
export function markRecyclable(batch: object, slots: readonly SharedArrayBuffer[], owner: SlotOwner = 'workers'): void {
  if (slots.length === 0) return;
  const entries = slotsOfBatch.get(batch);
  if (entries === undefined) slotsOfBatch.set(batch, [{ slots, owner }]);
  else entries.push({ slots, owner });
}

/**
 * The consumer is done with `batch` (it asked for the next one): the slots it came back in go back to
 * the workers. A batch that was not made in such slots (another object, made on the calling thread) is left alone.
 */
export function recycleBatch(batch: unknown): void {
  if (typeof batch !== 'object' || batch === null) return;
  const entries = slotsOfBatch.get(batch);
  if (entries === undefined) return;
  slotsOfBatch.delete(batch);
  for (const { slots, owner } of entries) {
    if (owner === 'workers') giveBackSlots(slots);
    else adoptSlots(slots);
  }
}
