/**
 * Errors raised while evaluating or assigning named expressions.
 * @module
 */
import { BatchflowError } from '../errors.js';

/**
 * An expression could not be evaluated (or assigned). `expression` is its text (e.g. `V('loss') + 1`);
 * the original error, if any, is `cause` (its stack is appended to this error's stack).
 */
export class ExpressionError extends BatchflowError {
  override name = 'ExpressionError';
  /** The expression's text. */
  readonly expression: string;
  constructor(expression: string, message: string, options?: { cause?: unknown }) {
    super(`can't evaluate ${expression}: ${message}`, options);
    this.expression = expression;
    const cause = options?.cause;
    if (cause instanceof Error && cause.stack) this.stack = `${this.stack}\nCaused by: ${cause.stack}`;
  }
}

/**
 * An expression that reads a pipeline (`V`, `C`, `I`, …) was evaluated where there is none, for
 * example in a direct action call on a batch that no pipeline runs. It is the `cause` of the
 * ExpressionError naming the expression.
 */
export class NoPipelineError extends TypeError {
  override name = 'NoPipelineError';
}
