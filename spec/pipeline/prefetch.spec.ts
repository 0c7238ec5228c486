/**
 * Prefetch (with the fix of bug 24; issue #4 "Prefetch"): bounded look-ahead,
 * results in order, errors / SkipBatch / StopPipeline / ignoreExceptions exactly as without prefetch,
 * variables and locks safe under concurrent batches.
 */
import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { B, Batch, Dataset, F, PipelineError, SkipBatch, StopPipeline, V, type IndexValue } from '../../src/index.js';
import { ImagesBatch, imagesData, sleep, toList } from './fixtures/batches.js';

const N = 24;
const BS = 3;
const BATCHES = N / BS;
const dataset = (n = N): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });
/** Batch number (0-based) of an unshuffled run with batches of BS. */
const numberOf = (ids: readonly IndexValue[]): number => Number(ids[0]) / BS;
const firstIds = (count = BATCHES): number[] => Array.from({ length: count }, (_, k) => k * BS);

afterEach(() => {
  jest.restoreAllMocks();
});

/** Rejects when `promise` takes longer than `ms` (a deadlock shows as a clear failure, not a jest timeout). */
async function within<T>(ms: number, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms} ms (deadlock?)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Collects the first id of each yielded batch, and the error that ended the run (if any). */
async function collect(generator: AsyncGenerator<Batch>): Promise<{ yielded: number[]; error: unknown }> {
  const yielded: number[] = [];
  try {
    for await (const batch of generator) yielded.push(Number(batch.indices[0]));
    return { yielded, error: undefined };
  } catch (error) {
    return { yielded, error };
  }
}

function causes(error: unknown): unknown[] {
  const chain: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
  return chain;
}

/** Tracks how many callers are inside a section at once. */
function concurrency(): { enter: () => void; leave: () => void; readonly max: number; readonly inside: number } {
  let inside = 0;
  let max = 0;
  return {
    enter: () => {
      inside++;
      max = Math.max(max, inside);
    },
    leave: () => void inside--,
    get max() {
      return max;
    },
    get inside() {
      return inside;
    },
  };
}

describe('order and bounds', () => {
  test.each([1, 3])('prefetch %i: batches are yielded in order although later batches finish first', async (prefetch) => {
    const finished: number[] = [];
    const p = dataset().p.call(async (ids: IndexValue[]) => {
      const k = numberOf(ids);
      await sleep((BATCHES - k) * 4);
      finished.push(k);
    }, B('indices'));
    const { yielded, error } = await collect(p.genBatch({ batchSize: BS, prefetch }));
    expect(error).toBeUndefined();
    expect(yielded).toEqual(firstIds());
    expect(finished).toHaveLength(BATCHES);
    expect(finished).not.toEqual([...finished].sort((a, b) => a - b));
  });

  test('prefetch 3 with random async delays (actions and async item functions): order and data are right', async () => {
    const p = dataset().p.randomDelay(6).slowScale({ factor: 2, dst: 'scaled', maxDelay: 4 }).randomDelay(3);
    const seen: number[] = [];
    for await (const batch of p.genBatch({ batchSize: BS, prefetch: 3 })) {
      seen.push(Number(batch.indices[0]));
      expect(toList(batch.getComponent('scaled'))).toEqual(batch.indices.map((id) => Number(id) * 2));
    }
    expect(seen).toEqual(firstIds());
  });

  test.each([0, 1, 2, 4])('prefetch %i keeps at most prefetch + 1 batches in flight (and really runs them concurrently)', async (prefetch) => {
    const section = concurrency();
    const p = dataset().p.call(async () => {
      section.enter();
      await sleep(3);
      section.leave();
    });
    await p.run({ batchSize: BS, prefetch });
    expect(section.max).toBeLessThanOrEqual(prefetch + 1);
    expect(section.max).toBe(Math.min(prefetch + 1, BATCHES));
  });

  test('with a shuffled run the yielded order is the order of the run (same with and without prefetch)', async () => {
    const order = async (prefetch: number): Promise<number[]> =>
      (await collect(dataset().p.randomDelay(5).genBatch({ batchSize: BS, prefetch, shuffle: 4 }))).yielded;
    const plain = await order(0);
    expect(plain).not.toEqual(firstIds());
    expect(await order(3)).toEqual(plain);
  });
});

describe('errors, SkipBatch, StopPipeline, ignoreExceptions behave as without prefetch (bug 24 fixed)', () => {
  const failing = (k: number, error: () => Error, options: { earlierSlow?: boolean } = {}) =>
    dataset().p.call(async (ids: IndexValue[]) => {
      const n = numberOf(ids);
      if (options.earlierSlow && n < k) await sleep(15);
      if (n === k) throw error();
    }, B('indices'));

  test.each([0, 1, 3])('prefetch %i: an error in batch 2 raises after batches 0 and 1; later batches are not yielded', async (prefetch) => {
    const { yielded, error } = await collect(failing(2, () => new RangeError('batch 2 failed'), { earlierSlow: true }).genBatch({ batchSize: BS, prefetch }));
    expect(yielded).toEqual(firstIds(2));
    expect(causes(error).some((e) => e instanceof RangeError && e.message === 'batch 2 failed')).toBe(true);
  });

  test.each([0, 3])('prefetch %i: run rejects with the error of the failing batch', async (prefetch) => {
    const error = await failing(5, () => new RangeError('batch 5 failed'))
      .run({ batchSize: BS, prefetch })
      .catch((e: unknown) => e);
    expect(causes(error).some((e) => e instanceof RangeError && e.message === 'batch 5 failed')).toBe(true);
  });

  test.each([0, 1, 3])('prefetch %i: SkipBatch drops exactly that batch (no repeat of the previous one)', async (prefetch) => {
    const { yielded, error } = await collect(failing(2, () => new SkipBatch(), { earlierSlow: true }).genBatch({ batchSize: BS, prefetch }));
    expect(error).toBeUndefined();
    expect(yielded).toEqual(firstIds().filter((id) => id !== 2 * BS));
  });

  test.each([0, 3])('prefetch %i: SkipBatch thrown inside a decorated action skips the batch too', async (prefetch) => {
    const p = dataset().p.critical(async (batch: ImagesBatch) => {
      if (numberOf(batch.indices) === 4) throw new SkipBatch('not this one');
    });
    const { yielded, error } = await collect(p.genBatch({ batchSize: BS, prefetch }));
    expect(error).toBeUndefined();
    expect(yielded).toEqual(firstIds().filter((id) => id !== 4 * BS));
  });

  test.each([0, 1, 3])('prefetch %i: StopPipeline in batch 3 ends the run quietly after batches 0..2', async (prefetch) => {
    const { yielded, error } = await collect(failing(3, () => new StopPipeline(), { earlierSlow: true }).genBatch({ batchSize: BS, prefetch }));
    expect(error).toBeUndefined();
    expect(yielded).toEqual(firstIds(3));
    const p = failing(3, () => new StopPipeline());
    await expect(p.run({ batchSize: BS, prefetch })).resolves.toBe(p);
  });

  test.each([0, 1, 3])('prefetch %i: ignoreExceptions drops the failing batch with a warning and goes on', async (prefetch) => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const { yielded, error } = await collect(
      failing(2, () => new RangeError('batch 2 failed'), { earlierSlow: true }).genBatch({ batchSize: BS, prefetch, ignoreExceptions: true }),
    );
    expect(error).toBeUndefined();
    expect(yielded).toEqual(firstIds().filter((id) => id !== 2 * BS));
    const messages = warn.mock.calls.map((call) => String(call[0] instanceof Error ? call[0].message : call[0]));
    expect(messages.some((m) => m.includes('batch 2 failed'))).toBe(true);
  });

  test.each([0, 3])('prefetch %i: discardBatch drops the batch; steps after it do not run for it', async (prefetch) => {
    const after: number[] = [];
    const odd = F((ids: IndexValue[]) => (numberOf(ids) % 2 === 1 ? 1 : 0), B('indices'));
    const p = dataset()
      .p.randomDelay(4)
      .concat(dataset().p.discardBatch().sometimes(odd))
      .call((ids: IndexValue[]) => void after.push(numberOf(ids)), B('indices'));
    const evens = firstIds().filter((id) => (id / BS) % 2 === 0);
    expect((await collect(p.genBatch({ batchSize: BS, prefetch }))).yielded).toEqual(evens);
    expect([...after].sort((a, b) => a - b)).toEqual(evens.map((id) => id / BS));
    jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    after.length = 0;
    const all = dataset()
      .p.discardBatch()
      .call((ids: IndexValue[]) => void after.push(numberOf(ids)), B('indices'));
    expect((await collect(all.genBatch({ batchSize: BS, prefetch }))).yielded).toEqual([]);
    expect(after).toEqual([]);
  });
});

describe('variables and locks under prefetch', () => {
  test.each([0, 3])("prefetch %i: V(name, 'a') sees every batch exactly once; a read-modify-write counter counts every batch", async (prefetch) => {
    const p = dataset()
      .p.initVariables({ firsts: [], n: 0 })
      .randomDelay(5)
      .update(V('firsts', 'a'), B('indices').item(0))
      .update(V('n'), V('n').add(1))
      .randomDelay(5);
    await p.run({ batchSize: BS, prefetch, shuffle: 2 });
    const firsts = p.v('firsts') as number[];
    expect(firsts).toHaveLength(BATCHES);
    expect(new Set(firsts).size).toBe(BATCHES);
    expect(p.v('n')).toBe(BATCHES);
  });

  test('control: without a lock, an async section of concurrent batches overlaps', async () => {
    const section = concurrency();
    await dataset()
      .p.call(async () => {
        section.enter();
        await sleep(3);
        section.leave();
      })
      .run({ batchSize: BS, prefetch: 3 });
    expect(section.max).toBeGreaterThan(1);
  });

  test('acquireLock / releaseLock serialise a critical section across concurrent batches', async () => {
    const section = concurrency();
    let after = 0;
    const p = dataset()
      .p.acquireLock('L')
      .call(async () => {
        section.enter();
        await sleep(3);
        section.leave();
      })
      .releaseLock('L')
      .call(async () => {
        await sleep(2);
        after++;
      });
    await within(5_000, p.run({ batchSize: BS, prefetch: 3 }));
    expect(section.max).toBe(1);
    expect(after).toBe(BATCHES);
  });

  test('the default lock name is shared by acquireLock() and releaseLock(); initLock declares it', async () => {
    const section = concurrency();
    const p = dataset()
      .p.initLock()
      .acquireLock()
      .call(async () => {
        section.enter();
        await sleep(2);
        section.leave();
      })
      .releaseLock();
    await within(5_000, p.run({ batchSize: BS, prefetch: 3 }));
    expect(section.max).toBe(1);
  });

  test('a batch that fails while holding the lock releases it: no deadlock, the other batches go on', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const section = concurrency();
    const p = dataset()
      .p.acquireLock('L')
      .call(async (ids: IndexValue[]) => {
        section.enter();
        await sleep(2);
        section.leave();
        if (numberOf(ids) === 1) throw new RangeError('failed inside the lock');
      }, B('indices'))
      .releaseLock('L');
    const { yielded } = await within(5_000, collect(p.genBatch({ batchSize: BS, prefetch: 3, ignoreExceptions: true })));
    expect(yielded).toEqual(firstIds().filter((id) => id !== BS));
    expect(section.max).toBe(1);
    expect(warn).toHaveBeenCalled();
    // without ignoreExceptions the run fails, and the same pipeline object runs again (the lock is free)
    const error = await within(
      5_000,
      p.run({ batchSize: BS, prefetch: 3 }).catch((e: unknown) => e),
    );
    expect(causes(error).some((e) => e instanceof RangeError)).toBe(true);
    await expect(
      within(
        5_000,
        p
          .withConfig({})
          .call(() => undefined)
          .run({ batchSize: BS, nIters: 1 }),
      ),
    ).resolves.toBeDefined();
    const { yielded: again } = await within(5_000, collect(p.genBatch({ batchSize: BS, prefetch: 3, ignoreExceptions: true })));
    expect(again).toHaveLength(BATCHES - 1);
  });

  test('a lock a batch never releases is released when the batch ends', async () => {
    const section = concurrency();
    const p = dataset()
      .p.acquireLock('L')
      .call(async () => {
        section.enter();
        await sleep(2);
        section.leave();
      });
    await within(5_000, p.run({ batchSize: BS, prefetch: 3 }));
    expect(section.max).toBe(1);
  });

  test('releaseLock of a lock the batch does not hold → PipelineError', async () => {
    const error = await dataset()
      .p.releaseLock('L')
      .run({ batchSize: BS })
      .catch((e: unknown) => e);
    expect(causes(error).some((e) => e instanceof PipelineError)).toBe(true);
  });

  test('@action({useLock: true}) serialises the action across concurrent batches; a plain @action does not', async () => {
    const locked = concurrency();
    const section = async (tracker: ReturnType<typeof concurrency>) => {
      tracker.enter();
      await sleep(3);
      tracker.leave();
    };
    await within(
      5_000,
      dataset()
        .p.critical(() => section(locked))
        .run({ batchSize: BS, prefetch: 3 }),
    );
    expect(locked.max).toBe(1);
    const unlocked = concurrency();
    await dataset()
      .p.unlocked(() => section(unlocked))
      .run({ batchSize: BS, prefetch: 3 });
    expect(unlocked.max).toBeGreaterThan(1);
  });

  test('@action({useLock: true}): a failing call releases the lock (ignoreExceptions run finishes)', async () => {
    jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const p = dataset().p.critical(async (batch: ImagesBatch) => {
      await sleep(1);
      if (numberOf(batch.indices) === 0) throw new RangeError('first fails');
    });
    const { yielded } = await within(5_000, collect(p.genBatch({ batchSize: BS, prefetch: 3, ignoreExceptions: true })));
    expect(yielded).toEqual(firstIds().slice(1));
  });
});
