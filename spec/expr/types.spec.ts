/**
 * Type-level checks of the expression API (checked by `tsc -p . --noEmit`; the `@ts-expect-error`
 * lines fail the type check if the error they expect disappears), plus the run-time facts they rely on.
 */
import { describe, expect, test } from '@jest/globals';
import { Config } from '../../src/config/config.js';
import {
  B,
  C,
  D,
  F,
  I,
  IF,
  P,
  PP,
  PerItem,
  R,
  V,
  W,
  evalExpr,
  type BoundExpression,
  type NamedExpression,
  type PerItemExpression,
} from '../../src/expr/index.js';
import type { Batch, Dataset } from '../../src/index.js';
import { FakePipeline } from './fake-pipeline.js';

// ---- compile-time checks -------------------------------------------------------------------------
/** Never called: only type-checked. */
export function typeChecks(): void {
  const loss: NamedExpression<number> = V<number>('loss');
  const next: NamedExpression<number> = V<number>('loss').add(1).mul(2).floorDiv(3);
  const label: NamedExpression<string> = V<string>('name').add('!');
  const flag: NamedExpression<boolean> = V<number>('x').gt(1);
  const element: NamedExpression<number> = V<number[]>('list').item(-1);
  const text: NamedExpression<string> = V<number>('x').format('{:.2f}');
  const wholeBatch: NamedExpression<Batch> = B();
  const wholeConfig: NamedExpression<Config> = C();
  const wholeDataset: NamedExpression<Dataset> = D();
  const withDefault: NamedExpression<number> = C('bs', { default: 32 });
  const current: NamedExpression<number> = I('current');
  const called: NamedExpression<number> = F((a: number, b: number) => a + b, V('x'), 1);
  const applied: NamedExpression<number> = B('values').apply((values: number[]) => values.length);
  const perItem: PerItemExpression = P(V('x'));
  const literal: PerItem<number> = P([1, 2, 3]);
  const each = PP(R('uniform'));
  const wrapped: NamedExpression<BoundExpression<number> | NamedExpression<number>> = W(V<number>('x'));
  const branch: NamedExpression<number | string> = IF(V('flag'), 1, 'no');
  // @ts-expect-error arithmetic on a number expression is not a string expression
  const wrong: NamedExpression<string> = V<number>('x').add(1);
  // @ts-expect-error unknown set mode
  V('x', 'z');
  // @ts-expect-error V needs a name
  V();
  // @ts-expect-error the default must match the declared type
  C<number>('bs', { default: 'x' });
  // @ts-expect-error apply's function gets the value type
  V<string>('s').apply((value: number) => value + 1);

  const evaluatedObject: { a: number; b: string[] } = evalExpr({ a: V<number>('x'), b: [V<string>('s'), 'literal'] });
  const evaluatedPerItem: PerItem<unknown> = evalExpr(P(V('x')));
  // @ts-expect-error evalExpr gives the value type, not the expression
  const notExpression: NamedExpression<number> = evalExpr(V<number>('x'));

  void [
    loss,
    next,
    label,
    flag,
    element,
    text,
    wholeBatch,
    wholeConfig,
    wholeDataset,
    withDefault,
    current,
    called,
    applied,
    perItem,
    literal,
    each,
    wrapped,
    branch,
    wrong,
    evaluatedObject,
    evaluatedPerItem,
    notExpression,
  ];
}

// ---- run-time facts ----------------------------------------------------------------------------
describe('types', () => {
  test('typed factories evaluate to the declared types', () => {
    const pipeline = new FakePipeline({ variables: { x: 3, s: 'a', list: [1, 2] } });
    const result = evalExpr({ n: V<number>('x').add(1), s: V<string>('s').add('b'), e: V<number[]>('list').item(-1) }, { pipeline });
    expect(result).toEqual({ n: 4, s: 'ab', e: 2 });
    expect(typeof result.n).toBe('number');
  });
});
