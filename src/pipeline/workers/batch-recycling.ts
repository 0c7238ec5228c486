/**
 * Giving consumed batches' memory back (`reuseMemory`). A batch made on a worker thread comes back
 * with the shared slots its worker handed over; once the consumer asks for the next batch, those
 * slots go back to the workers' pools with the next batches sent out, so the workers write the
 * following batches into memory that is already mapped instead of fresh pages.
 * @module
 */
import { giveBackSlots } from '../../engines/shared-slots.js';

/** The slots each batch of a `reuseMemory` run came back in. */
const slotsOfBatch = new WeakMap<object, readonly SharedArrayBuffer[]>();

/** Records that `batch`'s data lives in `slots`, which may be reused once the batch is consumed. */
export function markRecyclable(batch: object, slots: readonly SharedArrayBuffer[]): void {
  if (slots.length > 0) slotsOfBatch.set(batch, slots);
}

/**
 * The consumer is done with `batch` (it asked for the next one): the slots it came back in go back to
 * the workers. A batch that was not made in such slots (another object, made on the calling thread) is left alone.
 */
export function recycleBatch(batch: unknown): void {
  if (typeof batch !== 'object' || batch === null) return;
  const slots = slotsOfBatch.get(batch);
  if (slots === undefined) return;
  slotsOfBatch.delete(batch);
  giveBackSlots(slots);
}
