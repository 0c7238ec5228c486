/**
 * Target 'auto' through the public API: it keeps trivial items on 'for' and sends heavy ones to the
 * 'threads' pool, gives the results of 'for' bit for bit (generators, `p` masks, per-item options),
 * remembers its choice per action and batch shape, keeps closures on 'for', reports its decisions
 * and forgets them on closeEngines() / resetAutoDecisions(). Decisions are asserted, never durations.
 */
import { afterAll, afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ActionError, DatasetIndex, P, closeEngines, getAutoDecisions, resetAutoDecisions, type NDArray } from '../../src/index.js';
import { AutoBatch, addOne, heavyScale } from '../fixtures/auto/auto-batches.js';

function makeBatch(size: number, seed = 7): AutoBatch {
  const x = ndarray(
    Float64Array.from({ length: size }, (_, i) => i * 0.5),
    [size],
  );
  const labels = ndarray(
    Float64Array.from({ length: size }, (_, i) => 3 * i),
    [size],
  );
  const images = ndarray(
    Float32Array.from({ length: size * 16 }, (_, i) => (i % 13) / 13),
    [size, 4, 4],
  );
  const batch = new AutoBatch(new DatasetIndex(size), { preloaded: { x, labels, images } });
  batch.randomSeed = seed;
  return batch;
}

function values(batch: AutoBatch, name: 'x' | 'labels' | 'images'): number[] {
  const array = batch.getComponent(name) as NDArray;
  return Array.from({ length: array.size }, (_, i) => (array.data as Float64Array)[array.offset + i]!);
}

beforeEach(() => resetAutoDecisions());
afterEach(() => {
  jest.restoreAllMocks();
});
afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine (workers load TypeScript through tsx); no test asserts a duration
jest.setTimeout(60_000);

describe("target 'auto'", () => {
  test("keeps a trivial function (x + 1 over 10,000 items) on 'for', with the results of 'for'", async () => {
    const reference = makeBatch(10_000);
    await reference.applyParallel(addOne, { src: 'x', target: 'for' });
    const batch = makeBatch(10_000);
    await batch.applyParallel(addOne, { src: 'x', target: 'auto' });
    expect(values(batch, 'x')).toEqual(values(reference, 'x'));
    const [decision] = getAutoDecisions();
    expect(getAutoDecisions()).toHaveLength(1);
    expect(decision).toMatchObject({ action: 'addOne', batchClass: 'AutoBatch', items: 10_000, itemShape: 'number', engine: 'for', chunkSize: undefined });
    expect(decision!.probe!.items).toBeGreaterThan(0);
    expect(decision!.estimate!.forMs).toBeLessThan(decision!.estimate!.workersMs);
  });

  test("gives 'for' results for cheap items with generators and a p mask (probe and rest split the items)", async () => {
    const reference = makeBatch(10_000);
    await reference.actions.cheapNoise({ target: 'for', p: 0.5 });
    const batch = makeBatch(10_000);
    await batch.actions.cheapNoise({ target: 'auto', p: 0.5 });
    expect(values(batch, 'x')).toEqual(values(reference, 'x'));
    expect(batch.random.random()).toBe(reference.random.random());
    const decision = getAutoDecisions()[0]!;
    // cheap items normally stay on 'for' (the x + 1 test above asserts that); a probe slowed down by a
    // loaded machine may pick 'threads', and then the results must still be those of 'for' (checked
    // above). Either way the choice follows the estimates of this very probe:
    const { forMs, workersMs } = decision.estimate!;
    if (decision.engine === 'threads') expect(workersMs).toBeLessThan(forMs);
    else expect(decision.engine).toBe('for');
    // the probe ran only part of the items: the rest continued at their own positions
    expect(decision.probe!.items).toBeLessThan(10_000);
  });

  test("sends a heavy decorated method to 'threads' with the results of 'for' (requiresRng, p)", async () => {
    const reference = makeBatch(40);
    await reference.actions.heavyNoise({ target: 'for', p: 0.5, scale: 2 });
    const batch = makeBatch(40);
    await batch.actions.heavyNoise({ target: 'auto', nWorkers: 2, p: 0.5, scale: 2 });
    expect(values(batch, 'labels')).toEqual(values(reference, 'labels'));
    expect(batch.random.random()).toBe(reference.random.random());
    const decision = getAutoDecisions()[0]!;
    expect(decision).toMatchObject({ action: 'heavyNoise', engine: 'threads', nWorkers: 2, items: 40 });
    expect(decision.chunkSize).toBeUndefined(); // the pool keeps its own schedule
    expect(decision.probe!.items).toBeLessThan(40);
  });

  test("sends a heavy portable function to 'threads' with the results of 'for' (ndarray items, per-item options)", async () => {
    const factor = P(Array.from({ length: 40 }, (_, i) => 1 + (i % 5)));
    const reference = makeBatch(40);
    await reference.applyParallel(heavyScale, { src: 'images', target: 'for', factor });
    const batch = makeBatch(40);
    await batch.applyParallel(heavyScale, { src: 'images', target: 'auto', nWorkers: 2, factor });
    expect(values(batch, 'images')).toEqual(values(reference, 'images'));
    expect(getAutoDecisions()[0]).toMatchObject({ action: 'heavyScale', itemShape: 'float32[4,4]', engine: 'threads' });
  });

  test('remembers its choice: a second call with the same action and batch shape does not probe again', async () => {
    const first = makeBatch(40, 1);
    await first.actions.heavyNoise({ target: 'auto', nWorkers: 2 });
    const [decision] = getAutoDecisions();
    const reference = makeBatch(40, 2);
    await reference.actions.heavyNoise({ target: 'for' });
    const second = makeBatch(40, 2);
    await second.actions.heavyNoise({ target: 'auto', nWorkers: 2 });
    expect(values(second, 'labels')).toEqual(values(reference, 'labels'));
    const decisions = getAutoDecisions();
    expect(decisions).toHaveLength(1);
    expect(decisions[0]).toEqual({ ...decision, uses: 2 }); // same probe, same timing: no new probe
    // another batch shape (a different item count bucket) is a new decision
    await makeBatch(10_000).actions.increment({ target: 'auto' });
    await makeBatch(200).actions.increment({ target: 'auto' });
    expect(getAutoDecisions().map((d) => [d.action, d.items])).toEqual([
      ['heavyNoise', 40],
      ['increment', 10_000],
      ['increment', 200],
    ]);
  });

  test("serves @inbatchParallel: heavy items go to 'threads' with the results of 'for'", async () => {
    const reference = makeBatch(40);
    await reference.actions.heavyPerId({ target: 'for' });
    const batch = makeBatch(40);
    await batch.actions.heavyPerId({ target: 'auto', nWorkers: 2 });
    expect(batch.collected).toEqual(reference.collected);
    expect(batch.collected).toHaveLength(40);
    expect(getAutoDecisions()[0]).toMatchObject({ action: 'heavyPerId', engine: 'threads' });
  });

  test("keeps a closure on 'for' without an error, and says why", async () => {
    const reference = makeBatch(40);
    await reference.applyParallel((x: number) => x * 3, { src: 'x', target: 'for' });
    const batch = makeBatch(40);
    await batch.applyParallel((x: number) => x * 3, { src: 'x', target: 'auto' });
    expect(values(batch, 'x')).toEqual(values(reference, 'x'));
    const decision = getAutoDecisions()[0]!;
    expect(decision).toMatchObject({ engine: 'for', probe: null, estimate: null });
    expect(decision.reason).toMatch(/cannot travel to workers/);
  });

  test('reports a failing item as on for (action, position)', async () => {
    const batch = makeBatch(10_000);
    const failure = batch.actions.failOn({ target: 'auto', bad: 4000 });
    await expect(failure).rejects.toThrow(ActionError);
    await expect(makeBatch(10_000).actions.failOn({ target: 'auto', bad: 4000 })).rejects.toMatchObject({ action: 'failOn', position: 8000, indexValue: 8000 });
  });

  test('forgets its decisions on closeEngines() and resetAutoDecisions()', async () => {
    await makeBatch(100).actions.increment({ target: 'auto' });
    expect(getAutoDecisions()).toHaveLength(1);
    await closeEngines();
    expect(getAutoDecisions()).toEqual([]);
    await makeBatch(100).actions.increment({ target: 'auto' });
    expect(getAutoDecisions()).toHaveLength(1);
    resetAutoDecisions();
    expect(getAutoDecisions()).toEqual([]);
  });

  test("logs each new decision when BATCHFLOW_DEBUG names 'auto'", async () => {
    const log = jest.spyOn(console, 'error').mockImplementation(() => {});
    const saved = process.env.BATCHFLOW_DEBUG;
    process.env.BATCHFLOW_DEBUG = 'io,auto';
    try {
      await makeBatch(100).actions.increment({ target: 'auto' });
      await makeBatch(100).actions.increment({ target: 'auto' });
    } finally {
      if (saved === undefined) delete process.env.BATCHFLOW_DEBUG;
      else process.env.BATCHFLOW_DEBUG = saved;
    }
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]![0])).toMatch(/^\[batchflow-ts auto\] 'increment' on AutoBatch, 100 × number: probe .* → 'for'/);
  });
});
