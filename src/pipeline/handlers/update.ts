/**
 * The `update` step: evaluates a value and stores it in a named expression (`V('loss', 'a')`).
 * @module
 */
import { evalExpr } from '../expressions.js';
import { saveDataTo } from '../save-data.js';
import { contextFor, type StepHandler } from './step.js';

/** Runs an `update` record (synchronously: no microtask turn per batch). */
export const runUpdate: StepHandler<'update'> = (record, batch, context) => {
  const value = evalExpr(record.value, contextFor(context, batch));
  saveDataTo(value, record.target, contextFor(context, batch));
  return batch;
};
