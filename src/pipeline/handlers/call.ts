/**
 * The `call` step: calls a function with arguments evaluated for the batch, and stores the result
 * when the step was recorded with `callAndSave`.
 * @module
 */
import { ArgumentError } from '../../errors.js';
import { evalExpr } from '../expressions.js';
import { saveDataTo } from '../save-data.js';
import { contextFor, type StepHandler } from './step.js';

/** Runs a `call` record. */
export const runCall: StepHandler<'call'> = async (record, batch, context) => {
  const fn = evalExpr(record.fn, contextFor(context, batch), { noEval: [] });
  if (typeof fn !== 'function') throw new ArgumentError('fn', `call needs a function, got ${fn === null ? 'null' : typeof fn}`);
  const args = evalExpr(record.args, contextFor(context, batch)) as unknown[];
  const output = await (fn as (...a: unknown[]) => unknown)(...args);
  if (record.saveTo !== undefined) saveDataTo(output, record.saveTo, contextFor(context, batch));
  return batch;
};
