/**
 * The in-process engines ('for', 'async' and their aliases): identical results in item order,
 * async item functions, real concurrency and `nWorkers` on 'async', target checking, item failures
 * as ActionError, timeouts, and reproducible randomness (`p`, `requiresRng`) across engines.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import {
  ActionError,
  ArgumentError,
  Batch,
  DatasetIndex,
  ItemContext,
  Rng,
  TimeoutError,
  UnknownTargetError,
  applyParallel,
  closeEngines,
  type ParallelDecoratorOptions,
  type Target,
} from '../../src/index.js';
import { getEngine, resolveTarget, validTargets } from '../../src/internal.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A column as a plain list (1-D ndarrays read element by element). */
function list(column: unknown): unknown[] {
  if (column && typeof column === 'object' && 'shape' in column && 'pick' in column) {
    const nd = column as unknown as { shape: number[]; get(i: number): unknown };
    return Array.from({ length: nd.shape[0]! }, (_, i) => nd.get(i));
  }
  return Array.from(column as ArrayLike<unknown>);
}

const ALL_TARGETS = ['for', 'f', 'threads', 't', 'mpc', 'm', 'async', 'a', 'auto', 'queue', 'q'];
const IN_PROCESS: Target[] = ['for', 'f', 'async', 'a'];

class EngBatch extends Batch {
  static override components = ['x', 'y'] as const;
  log: string[] = [];
  active = 0;
  maxActive = 0;

  @applyParallel({ src: 'x', dst: 'y' })
  square(item: number): number {
    return item * item;
  }

  @applyParallel({ src: 'x', dst: 'y' })
  async slowSquare(item: number, options: { delays?: number[] }, context: ItemContext): Promise<number> {
    this.log.push(`start${context.position}`);
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    await sleep(options.delays?.[context.position] ?? 5);
    this.active -= 1;
    this.log.push(`end${context.position}`);
    return item * item;
  }

  @applyParallel({ src: 'x', dst: 'y' })
  async explode(item: number, options: { failAt: number[]; delays?: number[] }, context: ItemContext): Promise<number> {
    await sleep(options.delays?.[context.position] ?? 0);
    this.log.push(`ran${context.position}`);
    if (options.failAt.includes(context.position)) throw new RangeError(`bad item ${item}`);
    return item;
  }

  @applyParallel({ src: 'x', dst: 'y', requiresRng: true })
  noisy(item: number, _options: object, context: ItemContext): number {
    return item + context.rng.random();
  }

  @applyParallel({ src: 'x', dst: 'y' })
  useRngWithoutAsking(item: number, _options: object, context: ItemContext): number {
    return item + context.rng.random();
  }
}

function makeBatch(n = 6, ids?: (string | number)[]): EngBatch {
  const x = Array.from({ length: n }, (_, i) => i + 1);
  return new EngBatch(new DatasetIndex(ids ?? n), { preloaded: { x, y: new Array(n).fill(0) } });
}

afterAll(async () => {
  await closeEngines();
});

describe('targets', () => {
  test('aliases resolve to canonical names; getEngine returns the same engine for an alias', () => {
    expect(resolveTarget('f')).toBe('for');
    expect(resolveTarget('a')).toBe('async');
    expect(resolveTarget('t')).toBe('threads');
    expect(resolveTarget('m')).toBe('mpc');
    expect(getEngine('f')).toBe(getEngine('for'));
    expect(getEngine('a')).toBe(getEngine('async'));
    expect(getEngine('for').name).toBe('for');
    expect(getEngine('async').name).toBe('async');
  });

  test('validTargets lists every canonical name and alias', () => {
    expect([...validTargets].sort()).toEqual([...ALL_TARGETS].sort());
  });

  test('an unknown target in a call → UnknownTargetError listing the valid targets', async () => {
    const batch = makeBatch(3);
    const call = batch.actions.square({ target: 'gpu' as Target });
    await expect(call).rejects.toThrow(UnknownTargetError);
    const error = (await batch.actions.square({ target: 'gpu' as Target }).catch((e: unknown) => e)) as UnknownTargetError;
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.target).toBe('gpu');
    expect([...error.validTargets].sort()).toEqual([...ALL_TARGETS].sort());
    for (const target of ALL_TARGETS) expect(error.message).toContain(`'${target}'`);
    expect(error.message).toContain('gpu');
    expect(list(batch.getComponent('y'))).toEqual([0, 0, 0]);
  });

  test("Python's 'nogil' and wrong types are unknown targets too", async () => {
    const batch = makeBatch(3);
    await expect(batch.actions.square({ target: 'nogil' as Target })).rejects.toThrow(UnknownTargetError);
    await expect(batch.actions.square({ target: 1 as unknown as Target })).rejects.toThrow(UnknownTargetError);
    expect(() => getEngine('gpu')).toThrow(UnknownTargetError);
  });

  test('a decorator target that is not a string → UnknownTargetError when the class is defined', () => {
    let error: unknown;
    try {
      class BadDefault extends Batch {
        static override components = ['x'] as const;
        @applyParallel({ src: 'x', target: 7 as unknown as Target })
        inc(item: number): number {
          return item + 1;
        }
      }
      void BadDefault;
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect([...(error as UnknownTargetError).validTargets].sort()).toEqual([...ALL_TARGETS].sort());
  });

  test('a decorator target naming no registered engine → UnknownTargetError at the call (engines may be registered after the class)', async () => {
    class LateDefault extends Batch {
      static override components = ['x'] as const;
      @applyParallel({ src: 'x', target: 'gpu' as Target })
      inc(item: number): number {
        return item + 1;
      }
    }
    const batch = new LateDefault(2, { preloaded: { x: [1, 2] } });
    const error = await batch.actions.inc().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect((error as UnknownTargetError).target).toBe('gpu');
    expect([...(error as UnknownTargetError).validTargets].sort()).toEqual([...ALL_TARGETS].sort());
  });

  test('an unknown target in a subclass applyDefaults → UnknownTargetError', async () => {
    class BadClassDefault extends Batch {
      static override components = ['x'] as const;
      static override applyDefaults: Readonly<ParallelDecoratorOptions> = { target: 'gpu' as Target };
      @applyParallel({ src: 'x' })
      inc(item: number): number {
        return item + 1;
      }
    }
    const batch = new BadClassDefault(2, { preloaded: { x: [1, 2] } });
    await expect(batch.actions.inc()).rejects.toThrow(UnknownTargetError);
  });
});

describe("'for' and 'async' give the same results", () => {
  test.each(IN_PROCESS)("sync item function on '%s': results in item order", async (target) => {
    const batch = makeBatch(6);
    await batch.actions.square({ target });
    expect(list(batch.getComponent('y'))).toEqual([1, 4, 9, 16, 25, 36]);
  });

  test.each(IN_PROCESS)("async item function awaited on '%s' (results are values, not promises)", async (target) => {
    const batch = makeBatch(5);
    await batch.actions.slowSquare({ target, delays: [5, 1, 4, 2, 3] });
    expect(list(batch.getComponent('y'))).toEqual([1, 4, 9, 16, 25]);
  });

  test('a plain function through batch.applyParallel gives identical results on every in-process target', async () => {
    const outputs: unknown[][] = [];
    for (const target of IN_PROCESS) {
      const batch = makeBatch(7);
      await batch.applyParallel(
        async (v: number, o: { k: number }) => {
          await sleep((7 - v) % 3);
          return v * o.k;
        },
        { src: 'x', dst: 'y', target, k: 3 },
      );
      outputs.push(list(batch.getComponent('y')));
    }
    for (const output of outputs) expect(output).toEqual([3, 6, 9, 12, 15, 18, 21]);
  });
});

describe("'async' runs items concurrently", () => {
  test("'for' runs items one after another", async () => {
    const batch = makeBatch(3);
    await batch.actions.slowSquare({ target: 'for', delays: [15, 10, 5] });
    expect(batch.log).toEqual(['start0', 'end0', 'start1', 'end1', 'start2', 'end2']);
    expect(batch.maxActive).toBe(1);
  });

  test("'async': items with decreasing delays finish out of order but results stay in item order", async () => {
    const batch = makeBatch(3);
    await batch.actions.slowSquare({ target: 'async', delays: [30, 15, 1] });
    expect(batch.log).toEqual(['start0', 'start1', 'start2', 'end2', 'end1', 'end0']);
    expect(batch.maxActive).toBe(3);
    expect(list(batch.getComponent('y'))).toEqual([1, 4, 9]);
  });

  test("'async' respects nWorkers as a concurrency limit", async () => {
    const batch = makeBatch(6);
    await batch.actions.slowSquare({ target: 'async', nWorkers: 2, delays: [10, 10, 10, 10, 10, 10] });
    expect(batch.maxActive).toBe(2);
    expect(batch.log.slice(0, 2)).toEqual(['start0', 'start1']);
    const firstEnd = batch.log.findIndex((entry) => entry.startsWith('end'));
    expect(firstEnd).toBe(2);
    expect(batch.log.indexOf('start2')).toBeGreaterThan(firstEnd);
    expect(list(batch.getComponent('y'))).toEqual([1, 4, 9, 16, 25, 36]);
  });

  test("'async' with nWorkers: 1 is sequential", async () => {
    const batch = makeBatch(3);
    await batch.actions.slowSquare({ target: 'async', nWorkers: 1, delays: [15, 10, 5] });
    expect(batch.log).toEqual(['start0', 'end0', 'start1', 'end1', 'start2', 'end2']);
  });

  test("'async' without nWorkers starts every item at once", async () => {
    const batch = makeBatch(8);
    await batch.actions.slowSquare({ target: 'async', delays: new Array(8).fill(10) });
    expect(batch.maxActive).toBe(8);
  });
});

describe('item failures', () => {
  test.each(['for', 'async'] as Target[])("a failing item on '%s' → ActionError with action, index value, position and cause", async (target) => {
    const batch = makeBatch(4, ['a', 'b', 'c', 'd']);
    const error = (await batch.actions.explode({ target, failAt: [2] }).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.action).toBe('explode');
    expect(error.indexValue).toBe('c');
    expect(error.position).toBe(2);
    expect(error.failedCount).toBe(1);
    expect(error.cause).toBeInstanceOf(RangeError);
    expect((error.cause as Error).message).toBe('bad item 3');
    expect(error.message).toContain('explode');
    expect(error.message).toContain('"c"');
    expect(error.message).toContain('bad item 3');
    // the cause's stack is part of the error's stack
    const causeStack = (error.cause as Error).stack!;
    expect(error.stack).toContain(causeStack);
    expect(error.stack!.indexOf(causeStack)).toBeGreaterThan(error.stack!.indexOf('ActionError'));
    // nothing was assembled
    expect(list(batch.getComponent('y'))).toEqual([0, 0, 0, 0]);
  });

  test("on 'async' with several failures the lowest position is reported and failedCount counts them", async () => {
    const batch = makeBatch(5, [10, 11, 12, 13, 14]);
    // item 3 fails first in time, item 1 later; both are reported as one error for position 1
    const error = (await batch.actions.explode({ target: 'async', failAt: [3, 1, 4], delays: [1, 20, 1, 1, 10] }).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.position).toBe(1);
    expect(error.indexValue).toBe(11);
    expect(error.failedCount).toBe(3);
    expect((error.cause as Error).message).toBe('bad item 2');
    expect(error.message).toContain('2 more item(s) failed');
    // every item ran (a failure does not cancel the others)
    expect([...batch.log].sort()).toEqual(['ran0', 'ran1', 'ran2', 'ran3', 'ran4']);
  });

  test('a plain function given to batch.applyParallel is named by its function name', async () => {
    const batch = makeBatch(2);
    const error = (await batch
      .applyParallel(
        function brokenStep(): number {
          throw new Error('nope');
        },
        { src: 'x', dst: 'y' },
      )
      .catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.action).toBe('brokenStep');
    expect(error.position).toBe(0);
    expect(error.indexValue).toBe(0);
  });

  test('a non-Error thrown value is kept as the cause', async () => {
    const batch = makeBatch(2);
    const error = (await batch
      .applyParallel(
        (v: number) => {
          if (v === 2) throw 'plain string';
          return v;
        },
        { src: 'x', dst: 'y' },
      )
      .catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.cause).toBe('plain string');
    expect(error.position).toBe(1);
  });

  test('an item masked out by p never runs, so it cannot fail', async () => {
    const batch = makeBatch(3);
    await batch.actions.explode({ failAt: [0, 1, 2], p: 0 });
    expect(batch.log).toEqual([]);
    expect(list(batch.getComponent('y'))).toEqual([1, 2, 3]);
  });

  test('context.rng without requiresRng/rngSeeds → ActionError whose cause says how to get one', async () => {
    const batch = makeBatch(2);
    const error = (await batch.actions.useRngWithoutAsking().catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.cause).toBeInstanceOf(TypeError);
    expect((error.cause as Error).message).toMatch(/requiresRng/);
  });
});

describe('timeout', () => {
  test("'async': a slow item → TimeoutError naming the action and the timeout, without waiting for the item", async () => {
    const batch = makeBatch(3);
    const started = Date.now();
    const error = (await batch.actions.slowSquare({ target: 'async', timeout: 30, delays: [400, 1, 1] }).catch((e: unknown) => e)) as Error;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('slowSquare');
    expect(error.message).toContain('30 ms');
    expect(elapsed).toBeLessThan(300);
    expect(list(batch.getComponent('y'))).toEqual([0, 0, 0]);
    await sleep(420); // let the abandoned item finish before the next test
  });

  test("'for': items that together exceed the timeout → TimeoutError", async () => {
    const batch = makeBatch(4);
    const error = (await batch.actions.slowSquare({ target: 'for', timeout: 25, delays: [15, 15, 15, 15] }).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(error.message).toContain('slowSquare');
    expect(batch.log).not.toContain('start3');
    expect(list(batch.getComponent('y'))).toEqual([0, 0, 0, 0]);
  });

  test("'for': one slow async item → TimeoutError without waiting for the item to finish", async () => {
    const batch = makeBatch(2);
    const started = Date.now();
    const error = (await batch.actions.slowSquare({ target: 'for', timeout: 30, delays: [400, 1] }).catch((e: unknown) => e)) as Error;
    const elapsed = Date.now() - started;
    expect(error).toBeInstanceOf(TimeoutError);
    expect(elapsed).toBeLessThan(300);
    await sleep(Math.max(0, 420 - elapsed));
  });

  test('a call that finishes in time is not affected by its timeout', async () => {
    const batch = makeBatch(3);
    await batch.actions.slowSquare({ target: 'async', timeout: 2000, delays: [1, 1, 1] });
    expect(list(batch.getComponent('y'))).toEqual([1, 4, 9]);
  });
});

describe('reproducibility across engines', () => {
  const N = 40;

  async function runNoisy(seed: number, target: Target, extra: Record<string, unknown> = {}): Promise<number[]> {
    const batch = makeBatch(N);
    batch.randomSeed = seed;
    await batch.actions.noisy({ target, p: 0.5, ...extra } as never);
    return list(batch.getComponent('y')) as number[];
  }

  function mask(values: number[]): boolean[] {
    return values.map((v, i) => v !== i + 1); // skipped items pass through unchanged
  }

  test('p: 0.5 + requiresRng: bit-identical results for the same seed on for, async, f, a and any nWorkers', async () => {
    const reference = await runNoisy(42, 'for');
    const count = mask(reference).filter(Boolean).length;
    expect(count).toBeGreaterThan(8);
    expect(count).toBeLessThan(N - 8);
    for (const [target, extra] of [
      ['async', {}],
      ['f', {}],
      ['a', {}],
      ['async', { nWorkers: 3 }],
      ['async', { nWorkers: 1 }],
    ] as const) {
      const other = await runNoisy(42, target, extra);
      expect(Float64Array.from(other)).toEqual(Float64Array.from(reference));
      other.forEach((v, i) => expect(Object.is(v, reference[i])).toBe(true));
    }
  });

  test('applied items got rng values in [0, 1) on top of the item; different positions get different values', async () => {
    const values = await runNoisy(7, 'async');
    const noise = values.map((v, i) => v - (i + 1)).filter((d, i) => mask(values)[i]);
    for (const d of noise) {
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThan(1);
    }
    expect(new Set(noise).size).toBe(noise.length);
  });

  test('different seeds give different masks', async () => {
    const a = mask(await runNoisy(1, 'for'));
    const b = mask(await runNoisy(2, 'for'));
    const c = mask(await runNoisy(3, 'async'));
    expect(a).not.toEqual(b);
    expect(b).not.toEqual(c);
    expect(a).not.toEqual(c);
  });

  test('p alone (no rng): same seed → same mask on for and async', async () => {
    const masks: boolean[][] = [];
    for (const target of ['for', 'async'] as Target[]) {
      const batch = makeBatch(N);
      batch.randomSeed = 99;
      await batch.applyParallel((v: number) => -v, { src: 'x', dst: 'y', target, p: 0.5 });
      masks.push((list(batch.getComponent('y')) as number[]).map((v) => v < 0));
    }
    expect(masks[0]).toEqual(masks[1]);
    expect(masks[0]!.filter(Boolean).length).toBeGreaterThan(8);
    expect(masks[0]!.filter(Boolean).length).toBeLessThan(N - 8);
  });

  test('requiresRng alone: same seed → identical streams on for and async; two calls on one batch differ', async () => {
    const results: number[][] = [];
    for (const target of ['for', 'async'] as Target[]) {
      const batch = makeBatch(N);
      batch.randomSeed = 5;
      await batch.actions.noisy({ target });
      results.push(list(batch.getComponent('y')) as number[]);
    }
    expect(results[0]).toEqual(results[1]);
    const batch = makeBatch(N);
    batch.randomSeed = 5;
    await batch.actions.noisy();
    const first = list(batch.getComponent('y'));
    await batch.actions.noisy();
    expect(list(batch.getComponent('y'))).not.toEqual(first);
    expect(first).toEqual(results[0]);
  });

  test('rngSeeds: a number seeds item i with new Rng(seed, i) on every engine', async () => {
    const expected = Array.from({ length: 5 }, (_, i) => i + 1 + new Rng(1234, i).random());
    for (const target of IN_PROCESS) {
      const batch = makeBatch(5);
      await batch.actions.noisy({ target, rngSeeds: 1234 });
      expect(list(batch.getComponent('y'))).toEqual(expected);
    }
  });
});
