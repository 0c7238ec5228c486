/**
 * The `print` step: logs its evaluated arguments, space-separated (plain objects as JSON).
 * @module
 */
import { isPlainObject } from '../../util/plain-object.js';
import { evalExpr } from '../expressions.js';
import { contextFor, type StepHandler } from './step.js';

/** Runs a `print` record. */
export const runPrint: StepHandler<'print'> = async (record, batch, context) => {
  const args = evalExpr(record.args, contextFor(context, batch)) as unknown[];
  console.log(args.map((arg) => (typeof arg === 'string' ? arg : isPlainObject(arg) ? JSON.stringify(arg) : String(arg))).join(' '));
  return batch;
};
