/**
 * The internal hook through which a batch's preloaded rows are gathered straight into storage the
 * caller offers (the batch producer uses it to gather into the reused shared slots that batch workers
 * read in place, instead of into fresh memory that is then copied into a slot).
 * @module
 */

/** The key of `Batch`'s internal method `(storage: RowStorage) => void`: loads pending preloaded data into `storage`'s arrays. */
export const loadPreloadedInto: unique symbol = Symbol('batchflow.loadPreloadedInto');
