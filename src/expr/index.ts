/**
 * Named expressions: lazy references evaluated when a pipeline runs a batch.
 * `B V C D I F L W P PP IF R` plus the algebra methods, `evalExpr`, and the context contract.
 * @module
 */
export type { EvalContext, PipelineLike, IterationInfo } from './context.js';
export { isPipelineLike } from './context.js';
export { ExpressionError, NoPipelineError } from './errors.js';
export {
  NamedExpression,
  AlgebraicExpression,
  BoundExpression,
  isNamedExpression,
  type ExprParams,
  type ExprOptions,
  type ExprOr,
  type SliceBound,
} from './named-expression.js';
export { normaliseMode, type SetMode, type SetOptions } from './set-mode.js';
export { evalExpr, type Evaluated, type EvalOptions } from './evaluate.js';
export type { AlgebraNode, Callback, AddResult, NumericResult, CompareResult, ItemResult } from './algebra-types.js';
export {
  B,
  V,
  C,
  D,
  I,
  L,
  BatchExpression,
  VariableExpression,
  ConfigExpression,
  DatasetExpression,
  IterationExpression,
  ListExpression,
  type BatchExprOptions,
  type ConfigExprOptions,
  type IterationField,
} from './reference-expressions.js';
export {
  F,
  W,
  P,
  PP,
  IF,
  FunctionExpression,
  WrapExpression,
  PerItemExpression,
  PerItemEachExpression,
  ConditionalExpression,
  type ExprArgs,
} from './wrapper-expressions.js';
export { R, RandomExpression, supportedDistributions, type RandomOptions } from './random-expr.js';
export { PerItem, isPerItem } from './per-item.js';
export { formatValue, formatTemplate } from './format-spec.js';
export { Slice } from '../util/slice.js';
