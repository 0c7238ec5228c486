/**
 * The pipeline's view of the named-expression layer (one import point, so the executor does not
 * depend on how src/expr is split into files).
 * @module
 */
export { evalExpr } from '../expr/evaluate.js';
export { isNamedExpression, NamedExpression } from '../expr/named-expression.js';
export { ConfigExpression, IterationExpression, VariableExpression } from '../expr/reference-expressions.js';
export type { EvalContext, PipelineLike, IterationInfo } from '../expr/context.js';
export { Config } from '../config/config.js';
