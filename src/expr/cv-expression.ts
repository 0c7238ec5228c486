/**
 * `dataset.CV(fold)`: BatchFlow's `ds.CV(C('fold'))` — a named expression giving cross-validation fold
 * `fold` of a dataset (`fold` may be an expression, worked out when evaluated: a pipeline whose dataset it
 * is picks the fold of its config at every run). `.train` / `.test` give that fold's parts.
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { EvalContext } from './context.js';
import { evalExpr } from './evaluate.js';
import { NamedExpression } from './named-expression.js';
import { reprValue } from './repr.js';

/** What `CV` needs of a dataset: its folds, each with a train and a test part. */
export interface CrossValidated<D> {
  cv(fold: number): D;
}

/** The part of a fold a {@link CvPartExpression} gives. */
export type CvPart = 'train' | 'test';

/** Fold `fold` of `dataset`, `fold` evaluated in `ctx`. */
function chooseFold<D>(dataset: CrossValidated<D>, fold: unknown, ctx: EvalContext): D {
  const value = evalExpr(fold, ctx);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ArgumentError('fold', `CV needs an integer fold number, got ${reprValue(value)}`);
  return dataset.cv(value);
}

/** `dataset.CV(fold)`: the fold itself (a dataset whose `train` and `test` are set). */
export class CvExpression<D extends { readonly train: D | null; readonly test: D | null }> extends NamedExpression<D> {
  constructor(
    readonly dataset: CrossValidated<D>,
    readonly fold: unknown,
  ) {
    super();
  }
  override toString(): string {
    return `CV(${reprValue(this.fold)})`;
  }
  protected override evaluate(ctx: EvalContext): D {
    return chooseFold(this.dataset, this.fold, ctx);
  }
  /** The fold's train part: all the other folds. */
  get train(): CvPartExpression<D> {
    return new CvPartExpression(this, 'train');
  }
  /** The fold's test part. */
  get test(): CvPartExpression<D> {
    return new CvPartExpression(this, 'test');
  }
}

/** `dataset.CV(fold).train` / `.test`: one part of the chosen fold. */
export class CvPartExpression<D extends { readonly train: D | null; readonly test: D | null }> extends NamedExpression<D> {
  constructor(
    readonly fold: CvExpression<D>,
    readonly part: CvPart,
  ) {
    super();
  }
  override toString(): string {
    return `${this.fold.toString()}.${this.part}`;
  }
  protected override evaluate(ctx: EvalContext): D {
    const dataset = this.fold.get(ctx)[this.part];
    if (dataset === null) throw new TypeError(`the fold has no ${this.part} part`);
    return dataset;
  }
}
