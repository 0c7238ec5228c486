/**
 * Custom engines: an engine registered with `registerEngine` (a name and aliases) runs decorated
 * actions, direct `batch.applyParallel` calls and pipeline actions like a built-in one; its name
 * type-checks through `EngineRegistry`; clashes, bad names and unknown names are typed errors.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  ActionError,
  ArgumentError,
  B,
  Batch,
  Dataset,
  UnknownTargetError,
  applyParallel,
  closeEngines,
  registerEngine,
  type Engine,
  type ItemContext,
  type Target,
} from '../../src/index.js';
import { getEngine } from '../../src/internal.js';
import { ReversedEngine } from '../fixtures/reversed-engine.js';
import { ScalarBatch, negate } from '../fixtures/scalar-items.js';
import ndarray from 'ndarray';

declare module '../../src/index.js' {
  interface EngineRegistry {
    reversed: true;
    rev: 'reversed';
    'threads-plus-1000': true;
  }
}

/** Decorated while 'reversed' is not registered yet: the name is checked at each call. */
class CountBatch extends Batch {
  static override components = ['x', 'y'] as const;

  @applyParallel({ src: 'x', dst: 'y', target: 'reversed' })
  double(item: number): number {
    return item * 2;
  }

  @applyParallel({ src: 'x', dst: 'y', requiresRng: true })
  noisy(item: number, _options: object, context: ItemContext): number {
    return item + context.rng.random();
  }

  @applyParallel({ src: 'x', dst: 'y', target: 'reversed' })
  failOdd(item: number): number {
    if (item % 2 === 1) throw new RangeError(`odd ${item}`);
    return item;
  }
}

const engines: ReversedEngine[] = [];
const current = (): ReversedEngine => engines[engines.length - 1]!;
registerEngine(
  'reversed',
  () => {
    const engine = new ReversedEngine();
    engines.push(engine);
    return engine;
  },
  { aliases: ['rev'] },
);

function column(batch: CountBatch, name: 'x' | 'y'): number[] {
  const value = batch.getComponent(name) as unknown as ArrayLike<number> | { size: number; get(i: number): number };
  return 'get' in value ? Array.from({ length: value.size }, (_, i) => value.get(i)) : Array.from(value);
}

const makeBatch = (values: number[]): CountBatch => new CountBatch(values.length, { preloaded: { x: values, y: values.map(() => 0) } });

function caught(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

afterAll(async () => {
  await closeEngines();
});

describe('a registered custom engine', () => {
  test('runs a decorated action whose class was defined before the engine was registered', async () => {
    const batch = makeBatch([1, 2, 3, 4]);
    const before = engines.length === 0 ? 0 : current().calls;
    await batch.actions.double();
    expect(column(batch, 'y')).toEqual([2, 4, 6, 8]);
    expect(current().calls).toBe(before + 1);
    expect(current().order.slice(-4)).toEqual([3, 2, 1, 0]);
  });

  test('runs a direct batch.applyParallel call through its alias', async () => {
    const batch = makeBatch([5, 6, 7]);
    getEngine('reversed');
    const before = current().calls;
    await batch.actions.applyParallel((x: number, options: { k: number }) => x * options.k, { src: 'x', dst: 'y', k: 10, target: 'rev' });
    expect(column(batch, 'y')).toEqual([50, 60, 70]);
    expect(current().calls).toBe(before + 1);
  });

  test('gives the same p mask and item generators as the built-in engines', async () => {
    const onFor = makeBatch([1, 2, 3, 4, 5]);
    onFor.randomSeed = 11;
    await onFor.actions.noisy({ target: 'for', p: 0.5 });
    const onCustom = makeBatch([1, 2, 3, 4, 5]);
    onCustom.randomSeed = 11;
    await onCustom.actions.noisy({ target: 'reversed', p: 0.5 });
    expect(column(onCustom, 'y')).toEqual(column(onFor, 'y'));
  });

  test('runs the actions of a pipeline, one engine call per batch', async () => {
    const dataset = new Dataset(10, { batchClass: CountBatch, preloaded: { x: Array.from({ length: 10 }, (_, i) => i), y: new Array<number>(10).fill(0) } });
    getEngine('reversed');
    const before = current().calls;
    const seen: number[] = [];
    const pipeline = dataset.p.double({ target: 'rev' }).call((batch: CountBatch) => void seen.push(...column(batch, 'y')), B());
    await pipeline.run({ batchSize: 4 });
    expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => 2 * i));
    expect(current().calls).toBe(before + 3);
  });

  test("an engine that runs the task on 'threads' and changes the results gets every number result in the list", async () => {
    // the built-in engines may hand number results back as a column only; one that reads the list must see them all
    registerEngine('threads-plus-1000', () => ({
      name: 'threads-plus-1000',
      async run(task, options) {
        const results = await getEngine('threads').run(task, { ...options, nWorkers: 2 });
        return results.map((value) => (value as number) + 1000);
      },
      async close() {},
    }));
    const count = 3000;
    const batch = new ScalarBatch(count, {
      preloaded: {
        x: ndarray(
          Float64Array.from({ length: count }, (_, i) => i),
          [count],
        ),
      },
    });
    await batch.applyParallel(negate, { src: 'x', target: 'threads-plus-1000' });
    const x = batch.x;
    expect(x.shape).toEqual([count]);
    expect([x.get(0), x.get(1), x.get(count - 1)]).toEqual([1000, 999, 1001 - count]);
  });

  test('item failures come back as the ActionError of the lowest failed position', async () => {
    const error = await makeBatch([2, 3, 4, 5])
      .actions.failOdd()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).position).toBe(1);
    expect((error as ActionError).failedCount).toBe(2);
    expect((error as ActionError).cause).toBeInstanceOf(RangeError);
  });

  test('closeEngines closes it, and the next call starts a new one from the factory', async () => {
    const first = getEngine('reversed') as ReversedEngine;
    await closeEngines();
    expect(first.closed).toBe(true);
    const second = getEngine('rev');
    expect(second).not.toBe(first);
    expect(second).toBe(current());
  });
});

describe('registerEngine checks names and clashes', () => {
  const replacement = (): Engine => new ReversedEngine();

  test('a name that is registered already → ArgumentError naming it, unless override', () => {
    const error = caught(() => registerEngine('reversed', replacement));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('name');
    expect((error as Error).message).toMatch(/already registered for target 'reversed'.*override: true/);
    expect((caught(() => registerEngine('threads', replacement)) as Error).message).toContain("'threads'");
  });

  test('a name that is an alias of another engine → ArgumentError naming both', () => {
    const error = caught(() => registerEngine('t', replacement));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toMatch(/'t' is already an alias of target 'threads'/);
  });

  test('an alias that is taken → ArgumentError naming the alias and its owner; nothing is registered', () => {
    const error = caught(() => registerEngine('other', replacement, { aliases: ['o', 'a'] }));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('aliases');
    expect((error as Error).message).toMatch(/alias 'a' of 'other' is already an alias of target 'async'/);
    expect(() => getEngine('other')).toThrow(UnknownTargetError);
    expect(() => getEngine('o')).toThrow(UnknownTargetError);
    const asName = caught(() => registerEngine('other', replacement, { aliases: ['for'], override: true }));
    expect((asName as Error).message).toMatch(/alias 'for' of 'other' is the name of a registered engine/);
  });

  test('bad names and aliases → ArgumentError saying what was expected', () => {
    for (const name of ['', '  ', 42, undefined]) {
      const error = caught(() => registerEngine(name as string, replacement));
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe('name');
      expect((error as Error).message).toMatch(/non-empty string/);
    }
    expect((caught(() => registerEngine('x1', replacement, { aliases: [''] })) as ArgumentError).argument).toBe('aliases[0]');
    expect((caught(() => registerEngine('x2', replacement, { aliases: ['x2'] })) as Error).message).toMatch(/'x2' is given twice/);
    expect((caught(() => registerEngine('x3', 'nope' as unknown as () => Engine)) as ArgumentError).argument).toBe('factory');
  });

  test('override replaces an engine (its aliases kept) and moves an alias', async () => {
    const made: ReversedEngine[] = [];
    registerEngine('swap', () => new ReversedEngine(), { aliases: ['sw'] });
    registerEngine(
      'swap',
      () => {
        const engine = new ReversedEngine();
        made.push(engine);
        return engine;
      },
      { override: true },
    );
    expect(getEngine('sw')).toBe(made[0]);
    registerEngine('moved', () => new ReversedEngine(), { aliases: ['sw'], override: true });
    expect(getEngine('sw')).toBe(getEngine('moved'));
    expect(getEngine('swap')).toBe(made[0]);
  });

  test('an unknown name → UnknownTargetError listing every name and alias registered at the time of the call', async () => {
    registerEngine('listed', () => new ReversedEngine(), { aliases: ['ls'] });
    const error = await makeBatch([1])
      .actions.double({ target: 'nope' as Target })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnknownTargetError);
    const valid = (error as UnknownTargetError).validTargets;
    for (const name of ['for', 'f', 'threads', 't', 'mpc', 'm', 'async', 'a', 'reversed', 'rev', 'listed', 'ls']) expect(valid).toContain(name);
    expect((error as Error).message).toContain("'listed'");
  });
});
