/**
 * The `nested` step: a group of steps with its own probability / repeat (`repeat`, `sometimes`).
 * @module
 */
import { contextFor, type StepHandler } from './step.js';

/** Runs a `nested` record. */
export const runNested: StepHandler<'nested'> = (record, batch, context, env) => env.runRecords(record.records, batch, contextFor(context, batch));
