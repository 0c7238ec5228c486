/**
 * The `action` step: calls a batch action with its arguments evaluated for the batch. An action that
 * returns another batch hands that batch to the next steps.
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import { callEvaluated, type ActionWrapper } from '../../decorators/direct-arguments.js';
import { isActionHost } from '../../decorators/host.js';
import { getAction } from '../../decorators/registry.js';
import { PipelineError } from '../errors.js';
import { evalExpr } from '../expressions.js';
import { takeJoined } from './join.js';
import { contextFor, type StepHandler } from './step.js';

/** Runs an `action` record. */
export const runAction: StepHandler<'action'> = async (record, batch, context, env) => {
  if (batch === null) throw new PipelineError(`action '${record.name}' needs a batch (it cannot run in a before/after pipeline)`);
  const cls = batch.constructor as unknown as new () => unknown;
  const action = getAction(cls, record.name);
  if (!action) throw new PipelineError(`'${record.name}' is not an action of ${batch.constructor.name}`);
  const method = (batch as unknown as Record<string, unknown>)[record.name];
  if (typeof method !== 'function') throw new PipelineError(`${batch.constructor.name}.${record.name} is not a method`);
  // noEval names options of the action's options object(s), so each argument is evaluated on its own
  const evaluated = record.args.map((arg) => evalExpr(arg, contextFor(context, batch), { noEval: action.noEval }));
  // batches of a `join` just before this action go in front of its arguments (the record stays as it is)
  const args = [...takeJoined(env.scope), ...evaluated];
  // the arguments are evaluated already: call the action's entry point that does not evaluate them again
  const invoke = (method as ActionWrapper)[callEvaluated] ?? method;
  const result = await (invoke as (...a: unknown[]) => unknown).apply(batch, args);
  if (isActionHost(result)) {
    const next = result as unknown as Batch;
    if (next !== batch) {
      next.pipeline = env.host.owner;
      context.batch = next;
    }
    return next;
  }
  return batch;
};
