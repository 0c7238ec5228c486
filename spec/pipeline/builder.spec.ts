/**
 * Pipeline building (with the fixes of bugs 8–13, 28, 29):
 * immutable builders, `ds.p`, concat / repeat / sometimes, record-time checks, and the pipeline cases
 * 6.1-7 / 6.1-8 of dataset_test.py.
 */
import { describe, expect, jest, test } from '@jest/globals';
import { ArgumentError, B, Batch, C, Config, Dataset, Pipeline, PipelineError, V, action, type Pipeline as PipelineType } from '../../src/index.js';
import { PipelineCore } from '../../src/internal.js';
import { ImagesBatch, imagesData } from './fixtures/batches.js';

class VoidBatch extends ImagesBatch {
  /** An action whose body returns nothing. */
  @action
  async noReturn(): Promise<void> {}
}

const imagesDataset = (n = 4): Dataset<VoidBatch> => new Dataset(n, { batchClass: VoidBatch, preloaded: imagesData(n) });

/** A log and a step that appends `tag` to it (once per call). */
function recorder(): { log: string[]; mark: (tag: string) => () => void } {
  const log: string[] = [];
  return { log, mark: (tag: string) => () => void log.push(tag) };
}

async function drain<T>(generator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of generator) out.push(item);
  return out;
}

// ---- 6.1-7 / 6.1-8 and ds.p ---------------------------------------------------------------------

describe('dataset_test.py pipeline cases (§6.1) and ds.p (§2.6)', () => {
  test('6.1-7: pipeline: ds.pipeline({}) → a Pipeline on ds with an empty config', () => {
    const ds = new Dataset(100);
    const p = ds.pipeline({});
    expect(p).toBeInstanceOf(PipelineCore);
    expect(p).toBeInstanceOf(Pipeline);
    expect(p.dataset).toBe(ds);
    expect(p.config).toBeInstanceOf(Config);
    expect(p.config.flatten()).toEqual({});
    expect(p.toString()).toBe('');
  });

  test('6.1-8: rshift (ds.pipeline({}) << ds): withDataset(ds) → a Pipeline on ds', async () => {
    const ds = new Dataset(100);
    const other = new Dataset(10);
    const p = other.pipeline({}).withDataset(ds);
    expect(p).toBeInstanceOf(Pipeline);
    expect(p.dataset).toBe(ds);
    const sizes: number[] = [];
    await p.call((b: Batch) => void sizes.push(b.size), B()).run({ batchSize: 40 });
    expect(sizes).toEqual([40, 40, 20]);
  });

  test('ds.p is a new pipeline on every access (ds.p !== ds.p), bound to ds', () => {
    const ds = imagesDataset();
    expect(ds.p).not.toBe(ds.p);
    expect(ds.p.dataset).toBe(ds);
    expect(ds.pipeline({ lr: 0.1 }).config.get('lr')).toBe(0.1);
  });

  test('await pipeline does not hang: a pipeline is not thenable (then/toJSON/asymmetricMatch are undefined)', async () => {
    const p = imagesDataset().p as unknown as Record<string, unknown>;
    expect(p.then).toBeUndefined();
    expect(p.asymmetricMatch).toBeUndefined();
    expect(await (p as unknown as Promise<unknown>)).toBe(p);
  });
});

// ---- immutability (bug 8 sane) ------------------------------------------------------------------

describe('immutable builder: every method returns a new pipeline and never changes the original', () => {
  const other = imagesDataset(6);
  const { log, mark } = recorder();
  const ds = imagesDataset(4);
  const makeBase = () =>
    ds
      .pipeline({ k: 1, nested: { a: 1 } })
      .initVariable('x', 0)
      .update(V('x'), V('x').add(1))
      .call(mark('base'))
      .before((o) => o.call(mark('before')))
      .after((o) => o.call(mark('after')));

  const derivations: Array<[string, (p: ReturnType<typeof makeBase>) => unknown]> = [
    ['initVariable', (p) => p.initVariable('y', 5)],
    ['initVariable (already declared)', (p) => p.initVariable('x', 100)],
    ['initVariables', (p) => p.initVariables('y', { z: 1 })],
    ['initLock', (p) => p.initLock('y')],
    ['update', (p) => p.update(V('x'), 7)],
    ['saveTo', (p) => p.saveTo(V('x'), 7)],
    ['call', (p) => p.call(mark('new'))],
    ['callAndSave', (p) => p.callAndSave(V('x'), () => 9)],
    ['print', (p) => p.print('hello')],
    ['acquireLock', (p) => p.acquireLock('y')],
    ['releaseLock', (p) => p.releaseLock('y')],
    ['discardBatch', (p) => p.discardBatch()],
    ['rebatch', (p) => p.rebatch(3)],
    ['applyParallel', (p) => p.applyParallel((x: number) => x, { src: 'labels', dst: 'copy' })],
    ['a batch action (flip)', (p) => p.flip({ axis: 1 })],
    ['before', (p) => p.before((o) => o.call(mark('before2')).update(V('y'), 1))],
    ['after', (p) => p.after((o) => o.call(mark('after2')))],
    [
      'concat',
      (p) =>
        p.concat(
          ds
            .pipeline({ k: 2, nested: { b: 2 } })
            .initVariable('y', 1)
            .call(mark('other'))
            .before((o) => o.call(mark('before3'))),
        ),
    ],
    ['repeat', (p) => p.repeat(2)],
    ['sometimes', (p) => p.sometimes(0.5)],
    ['withDataset', (p) => p.withDataset(other)],
    ['withConfig', (p) => p.withConfig({ k: 2, nested: { b: 2 } })],
    ['run lazy', (p) => p.run({ batchSize: 2, lazy: true })],
  ];

  test.each(derivations)(
    '%s: a new pipeline; the original keeps its records, config, variables, dataset, before/after and (no) lazy run',
    async (_name, derive) => {
      const base = makeBase();
      const text = base.toString();
      const config = base.config.flatten();
      const derived = derive(base);
      expect(derived).not.toBe(base);
      expect(derived).toBeInstanceOf(PipelineCore);
      expect(base.toString()).toBe(text);
      expect(base.config.flatten()).toEqual(config);
      expect(base.hasVariable('y')).toBe(false);
      expect(base.hasVariable('z')).toBe(false);
      expect(base.dataset).toBe(ds);
      log.length = 0;
      await base.run({ batchSize: 2 });
      expect(log).toEqual(['before', 'base', 'base', 'after']);
      expect(base.v('x')).toBe(2);
      await expect(makeBase().run()).rejects.toThrow(PipelineError);
      await expect(base.run()).rejects.toThrow(PipelineError);
    },
  );

  test('a derived pipeline starts from the declared defaults (§3.1: after p1.run, x=2 but p1.doNothing().v(x)=0)', async () => {
    const p1 = ds.p.initVariable('x', 0).update(V('x'), V('x').add(1));
    await p1.run({ batchSize: 2 });
    expect(p1.v('x')).toBe(2);
    const p2 = p1.doNothing();
    expect(p2.v('x')).toBe(0);
    expect(p1.v('x')).toBe(2);
  });

  test('a mutable default is never shared: appends in one pipeline do not show in another built from the same template', async () => {
    const template = ds.p.initVariable('ids', []).update(V('ids', 'a'), B('indices').item(0));
    const a = template.doNothing();
    const b = template.doNothing();
    await a.run({ batchSize: 2 });
    expect(a.v('ids')).toEqual([0, 2]);
    expect(b.v('ids')).toEqual([]);
    expect(template.v('ids')).toEqual([]);
  });

  test('bug 28 sane: the user config object is copied (a run that sets C(value) does not change it)', async () => {
    const user = { some: 100 };
    const p = ds.pipeline(user).update(C('value'), 200);
    await p.run({ batchSize: 4 });
    expect(p.config.get('value')).toBe(200);
    expect(user).toEqual({ some: 100 });
    const cfg = new Config({ some: 100 });
    const q = new Pipeline({ dataset: ds, config: cfg }).update(C('value'), 200);
    await q.run({ batchSize: 4 });
    expect(cfg.has('value')).toBe(false);
  });

  test('a run of a derived pipeline that sets C(value) does not change the config of the pipeline it was built from', async () => {
    const base = ds.pipeline({ some: 100 });
    const derived = base.update(C('value'), 200);
    await derived.run({ batchSize: 4 });
    expect(derived.config.get('value')).toBe(200);
    expect(base.config.has('value')).toBe(false);
    expect(base.config.flatten()).toEqual({ some: 100 });
  });

  test('withConfig deep-merges (the argument wins) into a new config', () => {
    const base = ds.pipeline({ a: 1, nested: { x: 1, y: 2 } });
    const derived = base.withConfig({ nested: { y: 3 }, b: 2 });
    expect(derived.config.flatten()).toEqual({ a: 1, 'nested/x': 1, 'nested/y': 3, b: 2 });
    expect(base.config.flatten()).toEqual({ a: 1, 'nested/x': 1, 'nested/y': 2 });
  });

  test('withConfig(new Config(...)) keeps a Config; the given Config is not aliased', async () => {
    const given = new Config({ a: { b: 1 } });
    const p = ds.p.withConfig(given).update(C('a/c'), 2);
    expect(p.config).toBeInstanceOf(Config);
    expect(p.config.get('a/b')).toBe(1);
    await p.run({ batchSize: 4 });
    expect(p.config.get('a/c')).toBe(2);
    expect(given.flatten()).toEqual({ 'a/b': 1 });
  });
});

// ---- record-time checks (bug 29 sane) -----------------------------------------------------------

describe('recording actions (§3.2)', () => {
  test('a name that is no action of any Batch class is undefined on the pipeline (and so are non-action Batch methods)', () => {
    const p = imagesDataset().p as unknown as Record<string, unknown>;
    expect(p.noSuchAction).toBeUndefined();
    expect(p.getComponent).toBeUndefined();
    expect(typeof p.flip).toBe('function');
    expect(typeof p.addToLabels).toBe('function');
  });

  test("an action of another Batch class, not of the dataset's → PipelineError at record time", () => {
    const p = imagesDataset().p as unknown as Record<string, (...args: unknown[]) => unknown>;
    // apTest is an action of ApBatch (fixtures), not of ImagesBatch
    expect(() => p.apTest!({ src: 'images', param: 2 })).toThrow(PipelineError);
    expect(() => p.apTest!({ src: 'images', param: 2 })).toThrow(/apTest.*VoidBatch/);
  });

  test('a pipeline without a dataset records anything, and its run fails with a PipelineError', async () => {
    const p = new Pipeline<VoidBatch>().flip({ axis: 1 });
    expect(p.toString()).toBe('#0 flip');
    await expect(p.run({ batchSize: 2 })).rejects.toThrow(PipelineError);
    const bound = p.withDataset(imagesDataset());
    await expect(bound.run({ batchSize: 2 })).resolves.toBe(bound);
  });

  test('toString lists one line per step', () => {
    const p = imagesDataset()
      .p.update(V('a'), 1)
      .flip({ axis: 0 })
      .call(() => 1)
      .rebatch(2);
    expect(p.toString().split('\n')).toHaveLength(4);
    expect(p.toString()).toContain('#1 flip');
  });

  test('bug 18 sane: length and index read the bound dataset before the first run', () => {
    const ds = imagesDataset(7);
    expect(ds.p.length).toBe(7);
    expect(ds.p.index).toBe(ds.index);
    expect(() => new Pipeline().length).toThrow(PipelineError);
  });

  test('bug 19 sane: an action that returns nothing keeps the batch (the next steps get it)', async () => {
    const sizes: number[] = [];
    await imagesDataset()
      .p.noReturn()
      .call((b: Batch) => void sizes.push(b.size), B())
      .run({ batchSize: 3 });
    expect(sizes).toEqual([3, 1]);
  });

  test('update needs a named expression to store into', () => {
    expect(() => imagesDataset().p.update([] as unknown, 1)).toThrow(ArgumentError);
    expect(() => imagesDataset().p.before((o) => o.update('x', 1))).toThrow(ArgumentError);
  });
});

// ---- concat (§3.3 p + q) ------------------------------------------------------------------------

describe('concat', () => {
  test('steps of this then other; configs deep-merged (other wins); variables joined (this wins); dataset from this or other', async () => {
    const { log, mark } = recorder();
    const ds = imagesDataset();
    const a = ds.pipeline({ k: 1, a: 1 }).initVariable('v', 'a').call(mark('a'));
    const b = new Pipeline<VoidBatch>({ config: { k: 2, b: 2 } }).initVariable('v', 'b').initVariable('w', 1).call(mark('b'));
    const c = a.concat(b);
    expect(c.config.flatten()).toEqual({ k: 2, a: 1, b: 2 });
    expect(c.v('v')).toBe('a');
    expect(c.v('w')).toBe(1);
    expect(c.dataset).toBe(ds);
    await c.run({ batchSize: 2 });
    expect(log).toEqual(['a', 'b', 'a', 'b']);
    log.length = 0;
    const d = b.concat(a);
    expect(d.dataset).toBe(ds);
    expect(d.v('v')).toBe('b');
    await d.run({ batchSize: 4 });
    expect(log).toEqual(['b', 'a']);
    // the operands are unchanged
    expect(a.toString()).toBe('#0 call');
    expect(b.toString()).toBe('#0 call');
    expect(b.dataset).toBeNull();
  });

  test('before/after lists are joined; the lazy run comes from this, else from other', async () => {
    const { log, mark } = recorder();
    const ds = imagesDataset();
    const a = ds.p.before((o) => o.call(mark('before a'))).after((o) => o.call(mark('after a')));
    const b = ds.p
      .before((o) => o.call(mark('before b')))
      .after((o) => o.call(mark('after b')))
      .run({ batchSize: 4, lazy: true });
    const c = a.concat(b);
    await c.run();
    expect(log).toEqual(['before a', 'before b', 'after a', 'after b']);
  });

  test('concat with something that is not a pipeline → ArgumentError', () => {
    expect(() => imagesDataset().p.concat({} as never)).toThrow(ArgumentError);
  });
});

// ---- repeat / sometimes (§3.3 p * n, p @ prob; bugs 10–13 sane) -----------------------------------

describe('repeat', () => {
  const counter = () => {
    const counts = { n: 0 };
    return { counts, step: () => void counts.n++ };
  };

  test('repeat(3) runs a one-step pipeline 3 times per batch; repeat(2).repeat(3) runs it 6 times', async () => {
    const ds = imagesDataset();
    const a = counter();
    await ds.p.call(a.step).repeat(3).run({ batchSize: 2 });
    expect(a.counts.n).toBe(6);
    const b = counter();
    await ds.p.call(b.step).repeat(2).repeat(3).run({ batchSize: 4 });
    expect(b.counts.n).toBe(6);
  });

  test('bug 11 sane: repeat(0) runs zero times (and the batches are still yielded)', async () => {
    const ds = imagesDataset();
    const a = counter();
    const batches = await drain(ds.p.call(a.step).repeat(0).genBatch({ batchSize: 2 }));
    expect(a.counts.n).toBe(0);
    expect(batches).toHaveLength(2);
    const b = counter();
    await ds.p.call(b.step).call(b.step).repeat(0).run({ batchSize: 2 });
    expect(b.counts.n).toBe(0);
  });

  test('several steps repeat as a group, in order', async () => {
    const { log, mark } = recorder();
    await imagesDataset().p.call(mark('a')).call(mark('b')).repeat(2).run({ batchSize: 4 });
    expect(log).toEqual(['a', 'b', 'a', 'b']);
  });

  test('bug 10 sane: a wrapped multi-step pipeline keeps its dataset, config and variables', async () => {
    const ds = imagesDataset();
    const p = ds
      .pipeline({ k: 3 })
      .initVariable('n', [])
      .update(V('n', 'a'), C('k'))
      .call(() => undefined)
      .repeat(2);
    expect(p.dataset).toBe(ds);
    expect(p.config.get('k')).toBe(3);
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toEqual([3, 3, 3, 3]);
    const q = ds
      .pipeline({ k: 4 })
      .initVariable('n', [])
      .update(V('n', 'a'), C('k'))
      .call(() => undefined)
      .sometimes(1);
    await q.run({ batchSize: 2 });
    expect(q.v('n')).toEqual([4, 4]);
  });

  test('repeat(C(times)) is evaluated per batch with the current config', async () => {
    const a = counter();
    const p = imagesDataset().pipeline({ times: 3 }).call(a.step).repeat(C('times'));
    await p.run({ batchSize: 2 });
    expect(a.counts.n).toBe(6);
    await p.withConfig({ times: 1 }).run({ batchSize: 2 });
    expect(a.counts.n).toBe(8);
  });

  test('repeat(-1), repeat(1.5) → ArgumentError; repeat or sometimes of an empty pipeline → ArgumentError (bug 12 sane)', () => {
    const p = imagesDataset().p;
    expect(() => p.call(() => 1).repeat(-1)).toThrow(ArgumentError);
    expect(() => p.call(() => 1).repeat(1.5)).toThrow(ArgumentError);
    expect(() => p.repeat(2)).toThrow(ArgumentError);
    expect(() => p.sometimes(0.5)).toThrow(ArgumentError);
  });
});

describe('sometimes', () => {
  const ds = new Dataset(400, { batchClass: ImagesBatch, preloaded: imagesData(400) });

  async function countRuns(
    build: (p: PipelineType<ImagesBatch>, step: () => void) => PipelineType<ImagesBatch>,
    seed = 11,
  ): Promise<{ runs: number; batches: number }> {
    let runs = 0;
    let batches = 0;
    const p = build(ds.p, () => void runs++).call(() => void batches++);
    await p.run({ batchSize: 1, shuffle: -seed });
    return { runs, batches };
  }

  test('bug 13 sane: sometimes(0) on a one-step pipeline skips the step without crashing; sometimes(1) always runs', async () => {
    const never = await countRuns((p, step) => p.call(step).sometimes(0));
    expect(never).toEqual({ runs: 0, batches: 400 });
    const always = await countRuns((p, step) => p.call(step).sometimes(1));
    expect(always).toEqual({ runs: 400, batches: 400 });
  });

  test('sometimes(0.5) runs about half of the batches; sometimes(0.5).sometimes(0.5) about a quarter', async () => {
    const half = await countRuns((p, step) => p.call(step).sometimes(0.5));
    expect(half.runs).toBeGreaterThan(150);
    expect(half.runs).toBeLessThan(250);
    const quarter = await countRuns((p, step) => p.call(step).sometimes(0.5).sometimes(0.5));
    expect(quarter.runs).toBeGreaterThan(60);
    expect(quarter.runs).toBeLessThan(140);
  });

  test('a repeated group sampled with sometimes runs all its repeats or none, per batch', async () => {
    const perBatch: number[] = [];
    let n = 0;
    const small = imagesDataset(40);
    await small.p
      .call(() => void n++)
      .repeat(2)
      .sometimes(0.5)
      .call(() => {
        perBatch.push(n);
        n = 0;
      })
      .run({ batchSize: 1, shuffle: -3 });
    expect(new Set(perBatch)).toEqual(new Set([0, 2]));
  });

  test('sometimes(2), sometimes(-0.1) → ArgumentError; sometimes(C(prob)) is evaluated per batch', async () => {
    const p = imagesDataset().p.call(() => 1);
    expect(() => p.sometimes(2)).toThrow(ArgumentError);
    expect(() => p.sometimes(-0.1)).toThrow(ArgumentError);
    let runs = 0;
    const q = imagesDataset()
      .pipeline({ prob: 0 })
      .call(() => void runs++)
      .sometimes(C('prob'));
    await q.run({ batchSize: 1 });
    expect(runs).toBe(0);
    await q.withConfig({ prob: 1 }).run({ batchSize: 1 });
    expect(runs).toBe(4);
  });

  test('the decisions of sometimes depend only on the run seed', async () => {
    const decisions = async (): Promise<number[]> => {
      const hit: number[] = [];
      const small = imagesDataset(30);
      await small.p
        .call((b: Batch) => void hit.push(Number(b.indices[0])), B())
        .sometimes(0.5)
        .run({ batchSize: 1, shuffle: 9 });
      return hit;
    };
    const first = await decisions();
    expect(await decisions()).toEqual(first);
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(30);
  });
});

describe('print', () => {
  test("print('size', B('size')) logs the evaluated arguments separated by spaces", async () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await imagesDataset().p.print('size', B('size')).run({ batchSize: 3 });
      expect(spy.mock.calls.map((call) => call.join(' '))).toEqual(['size 3', 'size 1']);
    } finally {
      spy.mockRestore();
    }
  });
});
