/**
 * Named expressions in direct action calls (`await batch.actions.add({ k: P(R(...)) })`): they are
 * evaluated against the batch before the action runs, for `@applyParallel`, `@inbatchParallel` and
 * `@action` methods alike, with the same draws as the pipeline for the same batch seed. Expressions
 * that need a pipeline fail with an error naming the option; `noEval` options stay expressions.
 */
import { describe, expect, test } from '@jest/globals';
import {
  ArgumentError,
  B,
  Batch,
  Dataset,
  NamedExpression,
  NoPipelineError,
  P,
  R,
  V,
  action,
  applyParallel,
  inbatchParallel,
  type IndexValue,
  type NDArray,
} from '../../src/index.js';

class ExprBatch extends Batch {
  static override components = ['values'] as const;
  declare values: NDArray;
  seen: Array<[IndexValue, unknown]> = [];
  marked: unknown[] = [];

  @applyParallel({ src: 'values' })
  add(value: number, options: { k: number }): number {
    return value + options.k;
  }

  @inbatchParallel({ init: 'indices' })
  tag(id: IndexValue, options: { label: number }): void {
    this.seen.push([id, options.label]);
  }

  @action
  async mark(options: { value?: unknown } = {}): Promise<this> {
    this.marked.push(options.value);
    return this;
  }

  @action({ noEval: 'target' })
  async keep(options: { target?: unknown; value?: unknown } = {}): Promise<this> {
    this.marked.push(options.target, options.value);
    return this;
  }
}

const data = (): Float64Array => Float64Array.from({ length: 6 }, (_, i) => i * 1000);
const dataset = (): Dataset<ExprBatch> => new Dataset(6, { batchClass: ExprBatch, preloaded: { values: data() } });
const valuesOf = (batch: ExprBatch): number[] => Array.from({ length: batch.size }, (_, i) => batch.values.get(i));

describe('direct calls evaluate named expressions', () => {
  test('@applyParallel: P(R(...)) gives each item its own draw, the same draws as the pipeline for the same batch seed', async () => {
    const pipeline = dataset().p.add({ k: P(R('integers', 0, 100)) });
    const fromPipeline = (await pipeline.nextBatch({ batchSize: 6, nEpochs: 1, shuffle: false, seed: 11 }))!;
    const direct = dataset().createBatch([0, 1, 2, 3, 4, 5]);
    direct.randomSeed = fromPipeline.randomSeed;
    await direct.actions.add({ k: P(R('integers', 0, 100)) });
    const got = valuesOf(direct);
    got.forEach((value, i) => {
      expect(typeof value).toBe('number');
      const k = value - i * 1000;
      expect(Number.isInteger(k) && k >= 0 && k < 100).toBe(true);
    });
    expect(new Set(got.map((value, i) => value - i * 1000)).size).toBeGreaterThan(1);
    expect(got).toEqual(valuesOf(fromPipeline));
  });

  test("@applyParallel: a plain expression option (B('size')) is evaluated against the batch", async () => {
    const batch = dataset().createBatch([1, 3]);
    await batch.actions.add({ k: B('size') });
    expect(valuesOf(batch)).toEqual([1002, 3002]);
  });

  test('@inbatchParallel: P(R(...)) reaches the items as numbers, one per item', async () => {
    const batch = dataset().createBatch([0, 2, 4]);
    batch.randomSeed = 5;
    await batch.actions.tag({ label: P(R('uniform', 10, 20)) });
    expect(batch.seen.map(([id]) => id)).toEqual([0, 2, 4]);
    for (const [, label] of batch.seen) {
      expect(typeof label).toBe('number');
      expect(label as number).toBeGreaterThanOrEqual(10);
      expect(label as number).toBeLessThan(20);
    }
  });

  test('@action: an option given as an expression arrives evaluated; an array option is passed on as it is', async () => {
    const batch = dataset().createBatch([0, 1, 2]);
    batch.randomSeed = 3;
    await batch.actions.mark({ value: R('uniform', 0, 1) });
    await batch.actions.mark({ value: B('size') });
    const list = [1, 2, 3];
    await batch.actions.mark({ value: list });
    expect(typeof batch.marked[0]).toBe('number');
    expect(batch.marked[1]).toBe(3);
    expect(batch.marked[2]).toBe(list);
  });

  test('@action({ noEval }): the noEval option stays a named expression, the others are evaluated', async () => {
    const batch = dataset().createBatch([0, 1]);
    await batch.actions.keep({ target: V('total'), value: B('size') });
    expect(batch.marked[0]).toBeInstanceOf(NamedExpression);
    expect(batch.marked[1]).toBe(2);
  });

  test('an options object without a prototype (Object.create(null)) is an options object too: noEval applies to it', async () => {
    const batch = dataset().createBatch([0, 1]);
    const options = Object.assign(Object.create(null) as Record<string, unknown>, { target: V('total'), value: B('size') });
    await batch.actions.keep(options);
    expect(batch.marked[0]).toBeInstanceOf(NamedExpression);
    expect(batch.marked[1]).toBe(2);
  });

  test.each([
    ['@applyParallel', 'add', 'k', (batch: ExprBatch) => batch.actions.add({ k: V('offset') })],
    ['@inbatchParallel', 'tag', 'label', (batch: ExprBatch) => batch.actions.tag({ label: V('offset') })],
    ['@action', 'mark', 'value', (batch: ExprBatch) => batch.actions.mark({ value: V('offset') })],
  ])('%s: V(...) without a pipeline is an ArgumentError naming the option, the action and the expression', async (_kind, name, option, call) => {
    const batch = dataset().createBatch([0, 1]);
    const error = await call(batch).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe(option);
    expect((error as Error).message).toContain(`${name}()`);
    expect((error as Error).message).toMatch(/V\('offset'\)/u);
    expect((error as Error).message).toMatch(/no pipeline/u);
    let cause: unknown = error;
    while (cause instanceof Error && !(cause instanceof NoPipelineError)) cause = cause.cause;
    expect(cause).toBeInstanceOf(NoPipelineError);
    expect(batch.marked).toEqual([]);
  });

  test("a batch that a pipeline ran reads that pipeline's variables in a direct call", async () => {
    const pipeline = dataset().p.initVariable('offset', 7);
    const batch = (await pipeline.nextBatch({ batchSize: 2, nEpochs: 1, shuffle: false }))!;
    await batch.actions.add({ k: V<number>('offset') });
    expect(valuesOf(batch)).toEqual([7, 1007]);
  });
});
