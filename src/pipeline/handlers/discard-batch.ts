/**
 * The `discardBatch` step: the batch is not yielded, and later steps do not run for it.
 * @module
 */
import type { StepHandler } from './step.js';

/** Runs a `discardBatch` record. */
export const runDiscardBatch: StepHandler<'discardBatch'> = async () => null;
