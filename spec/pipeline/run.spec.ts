/**
 * Running pipelines (with the fixes of bugs
 * 15, 17, 21, 22): run / genBatch / nextBatch / createBatch, lazy runs, run options, variables and
 * their lifetime, strict mode, before/after once-pipelines, and the progress bar.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { ArgumentError, B, Batch, C, Dataset, F, I, Pipeline, PipelineError, R, V, type IndexValue } from '../../src/index.js';
import { ImagesBatch, imagesData, range, toList } from './fixtures/batches.js';

const imagesDataset = (n = 10): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

async function drain<T>(generator: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of generator) out.push(item);
  return out;
}

const idsOf = (b: { indices: readonly IndexValue[] }): IndexValue[] => [...b.indices];

/** A pipeline step that records the ids of each batch it sees. */
function idRecorder(): { seen: IndexValue[][]; step: (b: Batch) => void } {
  const seen: IndexValue[][] = [];
  return { seen, step: (b: Batch) => void seen.push(idsOf(b)) };
}

/** Every error in the `cause` chain of `error` (itself first). */
function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

afterEach(() => {
  jest.restoreAllMocks();
});

// ---- run -----------------------------------------------------------------------------------------

describe('run', () => {
  test('run resolves to the pipeline itself after every batch went through', async () => {
    const { seen, step } = idRecorder();
    const p = imagesDataset().p.call(step, B());
    const promise = p.run({ batchSize: 4 });
    expect(promise).toBeInstanceOf(Promise);
    expect(await promise).toBe(p);
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  test('bug 15: nEpochs defaults to 1 when neither nIters nor nEpochs is given (and no "never stop" warning)', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { seen, step } = idRecorder();
    await imagesDataset().p.call(step, B()).run({ batchSize: 3 });
    expect(seen.map((ids) => ids.length)).toEqual([3, 3, 3, 1]);
    expect(warn).not.toHaveBeenCalled();
  });

  test('nEpochs: 2 → batches wrap across the epoch boundary (§1.7); nEpochs: 0 → no batch', async () => {
    const { seen, step } = idRecorder();
    await imagesDataset().p.call(step, B()).run({ batchSize: 4, nEpochs: 2 });
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 0, 1],
      [2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
    const none = idRecorder();
    jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    await imagesDataset().p.call(none.step, B()).run({ batchSize: 4, nEpochs: 0 });
    expect(none.seen).toEqual([]);
  });

  test('nIters: exactly nIters batches, wrapping across epochs', async () => {
    const { seen, step } = idRecorder();
    await imagesDataset().p.call(step, B()).run({ batchSize: 4, nIters: 5 });
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 0, 1],
      [2, 3, 4, 5],
      [6, 7, 8, 9],
    ]);
    const short = idRecorder();
    await imagesDataset().p.call(short.step, B()).run({ batchSize: 4, nIters: 2 });
    expect(short.seen).toHaveLength(2);
  });

  test('dropLast drops the short tail of each epoch', async () => {
    const { seen, step } = idRecorder();
    await imagesDataset().p.call(step, B()).run({ batchSize: 4, nEpochs: 2, dropLast: true });
    expect(seen).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [0, 1, 2, 3],
      [4, 5, 6, 7],
    ]);
  });

  test('run options are checked: a missing or bad batchSize, an unknown option, nIters with nEpochs → ArgumentError', async () => {
    const p = imagesDataset().p;
    await expect(p.run({ batchSize: 0 })).rejects.toThrow(ArgumentError);
    await expect(p.run({ nEpochs: 1 })).rejects.toThrow(ArgumentError);
    await expect(p.run({ batchSize: 2, batchsize: 3 } as never)).rejects.toThrow(ArgumentError);
    await expect(p.run({ batchSize: 2, shuffle: 0.5 })).rejects.toThrow(ArgumentError);
    await expect(p.run({ batchSize: 2, nIters: 2, nEpochs: 1 })).rejects.toThrow(ArgumentError);
  });

  test('run options may be named expressions evaluated at run start (run({batchSize: C(bs)}))', async () => {
    const { seen, step } = idRecorder();
    await imagesDataset()
      .pipeline({ bs: 5 })
      .call(step, B())
      .run({ batchSize: C('bs') } as never);
    expect(seen.map((ids) => ids.length)).toEqual([5, 5]);
  });

  test("I('max') is the real number of batches of the run (ceil(N × nEpochs / batchSize) without dropLast)", async () => {
    const run = async (options: object): Promise<{ batches: number; max: unknown[] }> => {
      const p = imagesDataset().p.initVariable('max', []).update(V('max', 'a'), I('max'));
      const batches = (await drain(p.genBatch(options))).length;
      return { batches, max: p.v('max') as unknown[] };
    };
    for (const options of [{ batchSize: 4 }, { batchSize: 4, nEpochs: 2 }, { batchSize: 4, nEpochs: 2, dropLast: true }, { batchSize: 3, nIters: 7 }]) {
      const { batches, max } = await run(options);
      expect(max).toEqual(new Array(batches).fill(batches));
    }
  });

  test("I('current') counts batches from 1; I('ratio') = current / max", async () => {
    const p = imagesDataset().p.initVariables({ c: [], r: [] }).update(V('c', 'a'), I('c')).update(V('r', 'a'), I('r'));
    await p.run({ batchSize: 4 });
    expect(p.v('c')).toEqual([1, 2, 3]);
    expect(p.v('r')).toEqual([1 / 3, 2 / 3, 1]);
  });
});

// ---- lazy runs -------------------------------------------------------------------------------------

describe('lazy runs', () => {
  test('run({..., lazy: true}) returns a new pipeline holding the options; run() then uses them; given options override them', async () => {
    const { seen, step } = idRecorder();
    const p = imagesDataset().p.call(step, B());
    const lazy = p.run({ batchSize: 4, nEpochs: 1, lazy: true });
    expect(lazy).not.toBe(p);
    expect(seen).toEqual([]);
    expect(await lazy.run()).toBe(lazy);
    expect(seen.map((ids) => ids.length)).toEqual([4, 4, 2]);
    seen.length = 0;
    await lazy.run({ batchSize: 5 });
    expect(seen.map((ids) => ids.length)).toEqual([5, 5]);
    seen.length = 0;
    await lazy.run({ nEpochs: 2 });
    expect(seen.map((ids) => ids.length)).toEqual([4, 4, 4, 4, 4]);
  });

  test('§3.5: with lazy run (2, nEpochs 1): genBatch({batchSize: 3}) gives [3,3,3,1]; genBatch({nEpochs: 2}) gives ten batches of 2', async () => {
    const lazy = imagesDataset().p.run({ batchSize: 2, nEpochs: 1, lazy: true });
    expect((await drain(lazy.genBatch({ batchSize: 3 }))).map((b) => b.size)).toEqual([3, 3, 3, 1]);
    expect((await drain(lazy.genBatch({ nEpochs: 2 }))).map((b) => b.size)).toEqual(new Array(10).fill(2));
    expect((await drain(lazy.genBatch())).map((b) => b.size)).toEqual([2, 2, 2, 2, 2]);
  });

  test('run() without options and without a lazy run → PipelineError (genBatch() and nextBatch() too)', async () => {
    const p = imagesDataset().p.call(() => undefined);
    await expect(p.run()).rejects.toThrow(PipelineError);
    await expect(p.run({})).rejects.toThrow(/batchSize: is required/); // options given, but no batchSize
    await expect(drain({ [Symbol.asyncIterator]: () => p.genBatch() })).rejects.toThrow(PipelineError);
    await expect(p.nextBatch()).rejects.toThrow(PipelineError);
  });
});

// ---- genBatch / nextBatch / createBatch -----------------------------------------------------------

describe('genBatch, nextBatch, createBatch', () => {
  test('genBatch yields each batch after all its steps ran', async () => {
    const order: string[] = [];
    const p = imagesDataset()
      .p.call((b: Batch) => void order.push(`first ${b.indices[0]}`), B())
      .update(B('labels'), B('labels').mul(2))
      .call((b: Batch) => void order.push(`last ${b.indices[0]}`), B());
    for await (const batch of p.genBatch({ batchSize: 5 })) {
      order.push(`yield ${batch.indices[0]}`);
      expect(batch).toBeInstanceOf(ImagesBatch);
      expect(toList(batch.labels)).toEqual(idsOf(batch).map((id) => Number(id) * 2));
      expect(batch.pipeline).toBe(p);
    }
    expect(order).toEqual(['first 0', 'last 0', 'yield 0', 'first 5', 'last 5', 'yield 5']);
  });

  test('nextBatch continues an ongoing run, returns null at its end, and reset(iter) restarts it', async () => {
    const p = imagesDataset().p.update(B('labels'), B('labels').add(100));
    const options = { batchSize: 4, nEpochs: 1 };
    const first = await p.nextBatch(options);
    expect(idsOf(first!)).toEqual([0, 1, 2, 3]);
    expect(toList(first!.labels)).toEqual([100, 101, 102, 103]);
    expect(idsOf((await p.nextBatch(options))!)).toEqual([4, 5, 6, 7]);
    expect(idsOf((await p.nextBatch(options))!)).toEqual([8, 9]);
    expect(await p.nextBatch(options)).toBeNull();
    expect(await p.nextBatch(options)).toBeNull();
    p.reset('iter');
    expect(idsOf((await p.nextBatch(options))!)).toEqual([0, 1, 2, 3]);
  });

  test('nextBatch is endless by default (no nEpochs): it wraps into the next epoch', async () => {
    const p = imagesDataset().p;
    const sizes: number[] = [];
    for (let i = 0; i < 6; i++) sizes.push((await p.nextBatch({ batchSize: 4 }))!.size);
    expect(sizes).toEqual([4, 4, 4, 4, 4, 4]);
  });

  test('nextBatch() without options uses the lazy run as is (nEpochs included, so it ends)', async () => {
    const p = imagesDataset().p.run({ batchSize: 5, nEpochs: 1, lazy: true });
    expect((await p.nextBatch())!.size).toBe(5);
    expect((await p.nextBatch())!.size).toBe(5);
    expect(await p.nextBatch()).toBeNull();
  });

  test('createBatch(ids) runs every step on the batch with those ids', async () => {
    const p = imagesDataset().p.update(B('labels'), B('labels').mul(10));
    const batch = await p.createBatch([3, 7]);
    expect(batch).toBeInstanceOf(ImagesBatch);
    expect(idsOf(batch!)).toEqual([3, 7]);
    expect(toList(batch!.labels)).toEqual([30, 70]);
  });

  test('an action that throws inside genBatch ends the generator with the error', async () => {
    const p = imagesDataset().p.call((b: Batch) => {
      if (b.indices[0] === 4) throw new RangeError('bad batch 4');
    }, B());
    const got: IndexValue[][] = [];
    const error = await (async () => {
      for await (const b of p.genBatch({ batchSize: 4 })) got.push(idsOf(b));
    })().catch((e: unknown) => e);
    expect(causes(error).some((e) => e instanceof RangeError && e.message === 'bad batch 4')).toBe(true);
    expect(got).toEqual([[0, 1, 2, 3]]);
  });
});

// ---- variables --------------------------------------------------------------------------------------

describe('variables (§3.9)', () => {
  test('values persist across runs of the same pipeline object (5, then 10)', async () => {
    const p = imagesDataset().p.initVariable('n', 0).update(V('n'), V('n').add(1));
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toBe(5);
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toBe(10);
  });

  test("bug 22 sane: reset('vars') re-initialises the variables once; later runs accumulate again (not sticky)", async () => {
    const p = imagesDataset().p.initVariable('n', 0).update(V('n'), V('n').add(1));
    await p.run({ batchSize: 2 });
    expect(p.reset('vars')).toBe(p);
    expect(p.v('n')).toBe(0);
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toBe(5);
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toBe(10);
  });

  test("run({reset: 'vars'}) starts that run from the defaults; the next plain run keeps accumulating", async () => {
    const p = imagesDataset().p.initVariable('n', 0).update(V('n'), V('n').add(1));
    await p.run({ batchSize: 2 });
    await p.run({ batchSize: 2, reset: 'vars' });
    expect(p.v('n')).toBe(5);
    await p.run({ batchSize: 2 });
    expect(p.v('n')).toBe(10);
  });

  test("reset('vars') gives a fresh copy of a mutable default (the appended default is not reused)", async () => {
    const p = imagesDataset().p.initVariable('ids', []).update(V('ids', 'a'), B('indices').item(0));
    await p.run({ batchSize: 5 });
    expect(p.v('ids')).toEqual([0, 5]);
    p.reset('vars');
    expect(p.v('ids')).toEqual([]);
    await p.run({ batchSize: 5 });
    expect(p.v('ids')).toEqual([0, 5]);
  });

  test("bug 21 sane: an NE default (initVariable('lr', C('lr'))) is evaluated when the run starts, with the pipeline config", async () => {
    const seenInBatch: unknown[] = [];
    const p = imagesDataset()
      .pipeline({ lr: 0.1 })
      .initVariable('lr', C('lr'))
      .call((lr: unknown) => void seenInBatch.push(lr), V('lr'));
    await p.run({ batchSize: 5 });
    expect(seenInBatch).toEqual([0.1, 0.1]);
    expect(p.v('lr')).toBe(0.1);
    const q = p.withConfig({ lr: 0.5 });
    await q.run({ batchSize: 10 });
    expect(q.v('lr')).toBe(0.5);
    expect(seenInBatch).toEqual([0.1, 0.1, 0.5]);
  });

  test('an F default is called once per initialisation, not per batch', async () => {
    let calls = 0;
    const p = imagesDataset()
      .p.initVariable(
        'x',
        F(() => ++calls),
      )
      .update(V('seen', 'a'), V('x'))
      .initVariable('seen', []);
    await p.run({ batchSize: 2 });
    expect(calls).toBe(1);
    expect(p.v('seen')).toEqual([1, 1, 1, 1, 1]);
    p.reset('vars');
    expect(p.v('x')).toBe(2);
  });

  test('initVariables accepts names (default null) and records of defaults', () => {
    const p = imagesDataset().p.initVariables('a', 'b', { c: 5, d: [1] });
    expect(p.v('a')).toBeNull();
    expect(p.v('b')).toBeNull();
    expect(p.v('c')).toBe(5);
    expect(p.v('d')).toEqual([1]);
  });

  test('initVariable does not replace the default of a declared variable', () => {
    expect(imagesDataset().p.initVariable('x', 1).initVariable('x', 2).v('x')).toBe(1);
  });

  test('getVariable/v, setVariable, hasVariable, deleteVariable', () => {
    const p = imagesDataset().p.initVariable('x', 1);
    expect(p.hasVariable('x')).toBe(true);
    expect(p.getVariable('x')).toBe(1);
    p.setVariable('x', 3);
    expect(p.v('x')).toBe(3);
    p.setVariable('y', 4);
    expect(p.hasVariable('y')).toBe(true);
    p.deleteVariable('y');
    expect(p.hasVariable('y')).toBe(false);
    p.deleteVariable('x');
    expect(p.v('x')).toBe(1);
  });

  test('non-strict: reading a missing variable creates it as null with a warning', () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const p = imagesDataset().p;
    expect(p.v('missing')).toBeNull();
    expect(warn).toHaveBeenCalled();
    expect(p.hasVariable('missing')).toBe(true);
  });

  test('strict: reading or setting an undeclared variable → PipelineError, also inside a run', async () => {
    const ds = imagesDataset();
    const p = new Pipeline<ImagesBatch>({ dataset: ds, strict: true });
    expect(() => p.v('missing')).toThrow(PipelineError);
    expect(() => p.setVariable('missing', 1)).toThrow(PipelineError);
    const declared = p.initVariable('ok', 0).update(V('ok'), V('ok').add(1));
    await declared.run({ batchSize: 5 });
    expect(declared.v('ok')).toBe(2);
    const reading = p.call(() => undefined, V('missing'));
    const error = await reading.run({ batchSize: 5 }).catch((e: unknown) => e);
    expect(causes(error).some((e) => e instanceof PipelineError)).toBe(true);
  });

  test('variables are shared by all batches of a run and visible to later steps of the same batch', async () => {
    const p = imagesDataset()
      .p.initVariable('last', null)
      .update(V('last'), B('indices').item(0))
      .initVariable('copies', [])
      .update(V('copies', 'a'), V('last'));
    await p.run({ batchSize: 3 });
    expect(p.v('copies')).toEqual([0, 3, 6, 9]);
  });
});

// ---- before / after ---------------------------------------------------------------------------------

describe('before / after once-pipelines (§3.13)', () => {
  test("before runs once before the first batch, after once after the last; before.update(V('z'), 42) → z = 42", async () => {
    const log: string[] = [];
    const p = imagesDataset()
      .p.before((o) => o.call(() => void log.push('before')).update(V('z'), 42))
      .call((b: Batch) => void log.push(`batch ${b.indices[0]}`), B())
      .after((o) => o.call(() => void log.push('after')));
    await p.run({ batchSize: 5 });
    expect(log).toEqual(['before', 'batch 0', 'batch 5', 'after']);
    expect(p.v('z')).toBe(42);
    log.length = 0;
    await p.run({ batchSize: 10 });
    expect(log).toEqual(['before', 'batch 0', 'after']);
  });

  test('after runs only when the run was used up (leaving genBatch early skips it)', async () => {
    const log: string[] = [];
    const p = imagesDataset()
      .p.before((o) => o.call(() => void log.push('before')))
      .after((o) => o.call(() => void log.push('after')));
    for await (const _batch of p.genBatch({ batchSize: 2 })) break;
    expect(log).toEqual(['before']);
    log.length = 0;
    await drain(p.genBatch({ batchSize: 2 }));
    expect(log).toEqual(['before', 'after']);
  });

  test('with nextBatch, before runs once (when the run starts); after runs when it is used up', async () => {
    const log: string[] = [];
    const p = imagesDataset()
      .p.before((o) => o.call(() => void log.push('before')))
      .after((o) => o.call(() => void log.push('after')));
    await p.nextBatch({ batchSize: 5, nEpochs: 1 });
    await p.nextBatch({ batchSize: 5, nEpochs: 1 });
    expect(log).toEqual(['before']);
    expect(await p.nextBatch({ batchSize: 5, nEpochs: 1 })).toBeNull();
    expect(log).toEqual(['before', 'after']);
  });

  test('after sees the variables of the run; callAndSave stores into V; print works without a batch', async () => {
    const spy = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const p = imagesDataset()
      .p.initVariable('n', 0)
      .update(V('n'), V('n').add(B('size')))
      .after((o) => o.callAndSave(V('double'), (n: number) => n * 2, V('n')).print('total', V('n')));
    await p.run({ batchSize: 4 });
    expect(p.v('double')).toBe(20);
    expect(spy.mock.calls.map((c) => c.join(' '))).toEqual(['total 10']);
  });

  test('B() in a once-pipeline fails (there is no batch)', async () => {
    const p = imagesDataset().p.before((o) => o.update(V('x'), B('size')));
    await expect(p.run({ batchSize: 2 })).rejects.toThrow();
  });

  test('R() in a before pipeline draws from the pipeline seed: the same shuffle seed gives the same value', async () => {
    const value = async (shuffle: number | boolean): Promise<unknown> => {
      const p = imagesDataset().p.before((o) => o.update(V('r'), R('uniform')));
      await p.run({ batchSize: 5, shuffle });
      return p.v('r');
    };
    const a = await value(7);
    expect(typeof a).toBe('number');
    expect(await value(7)).toBe(a);
    expect(await value(-7)).toBe(a);
    expect(await value(8)).not.toBe(a);
  });
});

// ---- progress bar -------------------------------------------------------------------------------------

describe('bar', () => {
  const withStderr = async (isTTY: boolean, ci: string | undefined, body: () => Promise<void>): Promise<string[]> => {
    const written: string[] = [];
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(((chunk: unknown) => {
      written.push(String(chunk));
      return true;
    }) as never);
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    const oldCi = process.env.CI;
    Object.defineProperty(process.stderr, 'isTTY', { value: isTTY, configurable: true, writable: true });
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
    try {
      await body();
    } finally {
      if (tty) Object.defineProperty(process.stderr, 'isTTY', tty);
      else delete (process.stderr as { isTTY?: boolean }).isTTY;
      if (oldCi === undefined) delete process.env.CI;
      else process.env.CI = oldCi;
      write.mockRestore();
    }
    return written;
  };

  test('bar: true under CI (even on a terminal) does not print and does not throw', async () => {
    const p = imagesDataset().p.call(() => undefined);
    const written = await withStderr(true, 'true', async () => {
      expect(await p.run({ batchSize: 2, bar: true })).toBe(p);
    });
    expect(written).toEqual([]);
  });

  test('control: bar: true on a terminal outside CI draws a progress bar on stderr (bar: false does not)', async () => {
    const p = imagesDataset().p.call(() => undefined);
    const silent = await withStderr(true, undefined, async () => {
      await p.run({ batchSize: 2 });
    });
    expect(silent).toEqual([]);
    const written = await withStderr(true, undefined, async () => {
      await p.run({ batchSize: 2, bar: true });
    });
    expect(written.join('')).toMatch(/5\/5/);
  });

  test('bar: true when stderr is not a terminal does not print and does not throw (also for endless nextBatch runs)', async () => {
    const p = imagesDataset().p.call(() => undefined);
    const written = await withStderr(false, undefined, async () => {
      await p.run({ batchSize: 2, bar: true, nEpochs: 2 });
      await p.nextBatch({ batchSize: 2, bar: true });
    });
    expect(written).toEqual([]);
  });
});

describe('reset', () => {
  test("reset('all') restarts the iteration and re-initialises the variables; reset returns the pipeline", async () => {
    const p = imagesDataset().p.initVariable('n', 0).update(V('n'), V('n').add(1));
    await p.nextBatch({ batchSize: 4 });
    await p.nextBatch({ batchSize: 4 });
    expect(p.v('n')).toBe(2);
    expect(p.reset('all')).toBe(p);
    expect(p.v('n')).toBe(0);
    expect(idsOf((await p.nextBatch({ batchSize: 4 }))!)).toEqual([0, 1, 2, 3]);
    expect(p.v('n')).toBe(1);
  });

  test('a run drops the nextBatch position: nextBatch after run starts over', async () => {
    const p = imagesDataset().p;
    await p.nextBatch({ batchSize: 4 });
    await p.run({ batchSize: 4 });
    expect(idsOf((await p.nextBatch({ batchSize: 4 }))!)).toEqual(range(0, 4));
  });
});
