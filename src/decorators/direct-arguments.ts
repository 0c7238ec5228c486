/**
 * Named expressions in direct action calls (`await batch.actions.add({ k: P(R('integers', 0, 9)) })`):
 * they are evaluated against the batch (and its pipeline, if it has one) before the action runs, as a
 * pipeline evaluates its recorded arguments. A pipeline passes arguments it already evaluated through
 * {@link callEvaluated}, so they are never evaluated twice.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { NoPipelineError } from '../expr/errors.js';
import { containsExpression, evalExpr } from '../expr/evaluate.js';
import { isNamedExpression } from '../expr/named-expression.js';
import type { EvalContext } from '../expr/context.js';
import type { BatchType } from '../batch/batch-like.js';
import { isPlainObject } from '../util/plain-object.js';

/**
 * The property of an action wrapper holding the same action without argument evaluation. Pipelines
 * call it with arguments they evaluated themselves (`noEval` options stay bound expressions there).
 */
export const callEvaluated = Symbol.for('batchflow-ts:call-evaluated');

/** An action wrapper with its no-evaluation entry point. */
export interface ActionWrapper {
  (this: unknown, ...args: unknown[]): Promise<unknown>;
  readonly [callEvaluated]?: (this: unknown, ...args: unknown[]) => Promise<unknown>;
}

function needsPipeline(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) if (e instanceof NoPipelineError) return true;
  return false;
}

function evaluateOne(value: unknown, context: EvalContext, action: string, argument: string): unknown {
  try {
    return evalExpr(value, context);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const hint = needsPipeline(error)
      ? '; the batch has no pipeline, and V, C and I read one: record the action in a pipeline (dataset.p.' + action + '(...)) or pass the value itself'
      : '';
    throw new ArgumentError(argument, `${action}(): the named expression given as '${argument}' cannot be evaluated in this direct call: ${message}${hint}`, {
      cause: error,
    });
  }
}

/**
 * `args` with every named expression evaluated against `batch` (keys of an options object listed in
 * `noEval` keep their expressions, bound to the batch). Only entries that hold an expression are
 * rebuilt: everything else is passed on as it is (an array given as `dst` is still filled in place).
 * Errors name the option (or `arguments[i]`) and the action.
 */
export function evaluateDirectArguments(batch: BatchType, action: string, args: readonly unknown[], noEval: readonly string[]): unknown[] {
  if (!args.some((arg) => containsExpression(arg))) return [...args];
  const context: EvalContext = { batch };
  return args.map((arg, i) => {
    if (!containsExpression(arg)) return arg;
    if (isPlainObject(arg) && !isNamedExpression(arg)) {
      const out: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(arg)) {
        if (!containsExpression(value)) out[key] = value;
        else out[key] = noEval.includes(key) ? (isNamedExpression(value) ? value.bind(context) : value) : evaluateOne(value, context, action, key);
      }
      return out;
    }
    return evaluateOne(arg, context, action, `arguments[${i}]`);
  });
}
