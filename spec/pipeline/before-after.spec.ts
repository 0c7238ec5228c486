/**
 * `before` / `after` pipelines: every step that needs no batch (update / saveTo, call, print, locks,
 * variable declarations, repeat / sometimes), and batch steps refused.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { ArgumentError, B, Dataset, PipelineError, V, type OncePipeline } from '../../src/index.js';
import { ImagesBatch, imagesData } from './fixtures/batches.js';

const dataset = (n = 6): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

describe('before and after', () => {
  test('declare variables, update / saveTo them, call functions and save their results', async () => {
    const calls: string[] = [];
    const p = dataset()
      .p.before((once) =>
        once
          .initVariables('label', { seen: 0 })
          .initVariable('base', 100)
          .saveTo(V('label'), 'start')
          .callAndSave(V('seen'), (base: number) => base + 1, V('base'))
          .call((text: string) => void calls.push(text), 'before'),
      )
      .update(V('seen'), V<number>('seen').add(B('size')))
      .after((once) =>
        once
          .initLock('gate')
          .update(V('label'), 'end')
          .call(() => void calls.push('after')),
      );
    expect(p.hasVariable('label') && p.hasVariable('base') && p.hasVariable('gate')).toBe(true);
    await p.run({ batchSize: 4, nEpochs: 1 });
    expect(p.v('seen')).toBe(107);
    expect(p.v('label')).toBe('end');
    expect(calls).toEqual(['before', 'after']);
  });

  test('print writes once per run', async () => {
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await dataset()
        .p.before((once) => once.print('starting', V('n')))
        .initVariable('n', 3)
        .run({ batchSize: 2, nEpochs: 1 });
      expect(log.mock.calls).toEqual([['starting 3']]);
    } finally {
      log.mockRestore();
    }
  });

  test('locks: a lock taken in before is released by releaseLock, or when before ends', async () => {
    const order: string[] = [];
    const p = dataset()
      .p.before((once) =>
        once
          .acquireLock('gate')
          .call(() => void order.push('before'))
          .releaseLock('gate')
          .acquireLock('other'),
      )
      .acquireLock('other')
      .acquireLock('gate')
      .call(() => void order.push('batch'))
      .releaseLock('gate')
      .releaseLock('other')
      .after((once) => once.acquireLock('gate').call(() => void order.push('after')));
    await p.run({ batchSize: 3, nEpochs: 1 });
    expect(order).toEqual(['before', 'batch', 'batch', 'after']);
  });

  test('releaseLock of a lock the once-pipeline does not hold is a PipelineError', async () => {
    await expect(
      dataset()
        .p.before((once) => once.releaseLock('gate'))
        .run({ batchSize: 3, nEpochs: 1 }),
    ).rejects.toThrow(PipelineError);
  });

  test('repeat and sometimes apply to the steps recorded so far', async () => {
    const p = dataset()
      .p.initVariables({ n: 0, m: 0, k: 0 })
      .before((once) => once.update(V('n'), V<number>('n').add(1)).repeat(3))
      .before((once) => once.update(V('m'), V<number>('m').add(1)).sometimes(0))
      .after((once) => once.update(V('k'), 1).sometimes(1));
    await p.run({ batchSize: 3, nEpochs: 1 });
    expect([p.v('n'), p.v('m'), p.v('k')]).toEqual([3, 0, 1]);
  });

  test('batch steps are refused when recorded, naming the step', () => {
    type Untyped = OncePipeline & Record<'flip' | 'discardBatch' | 'filter' | 'rebatch', (...args: unknown[]) => OncePipeline>;
    const p = dataset().p;
    expect(() => p.before((once) => (once as Untyped).flip({ axis: 1 }))).toThrow(PipelineError);
    expect(() => p.after((once) => (once as Untyped).discardBatch())).toThrow(
      /'discardBatch' cannot be recorded in a before\/after pipeline: it needs a batch/,
    );
    expect(() => p.before((once) => once.update(V('x'), 1).print('x') && (once as Untyped).filter(() => true))).toThrow(/'filter'/);
    expect(() => p.before((once) => (once as Untyped).rebatch(2))).toThrow(PipelineError);
  });

  test('the build function must return the recorder', () => {
    expect(() => dataset().p.before((() => ({})) as unknown as (once: OncePipeline) => OncePipeline)).toThrow(ArgumentError);
  });
});
