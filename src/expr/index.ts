/**
 * Named expressions: lazy references evaluated when a pipeline runs a batch.
 * `B V C D I F L W P PP IF R` plus the algebra methods, `evalExpr`, and the context contract.
 * @module
 */
export type { EvalContext, PipelineLike, IterationInfo } from './context.js';
export { isPipelineLike } from './context.js';
export { ExpressionError, NoPipelineError } from './errors.js';
export {
  NamedExpression, AlgebraicExpression, BoundExpression, evalExpr, isNamedExpression, normaliseMode,
  type SetMode, type SetOptions, type ExprParams, type ExprOptions, type ExprOr, type Evaluated, type EvalOptions,
  type AlgebraNode, type SliceBound, type Callback, type AddResult, type NumericResult, type CompareResult, type ItemResult,
} from './expression.js';
export {
  B, V, C, D, I, F, L, W, P, PP, IF,
  BatchExpression, VariableExpression, ConfigExpression, DatasetExpression, IterationExpression, FunctionExpression,
  ListExpression, WrapExpression, PerItemExpression, PerItemEachExpression, ConditionalExpression,
  type BatchExprOptions, type ConfigExprOptions, type IterationField, type ExprArgs,
} from './expressions.js';
export { R, RandomExpression, supportedDistributions, type RandomOptions } from './random-expr.js';
export { PerItem, isPerItem } from './per-item.js';
export { formatValue, formatTemplate } from './ops.js';
export { Slice } from '../util/slice.js';
