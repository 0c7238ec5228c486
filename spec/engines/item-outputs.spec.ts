/**
 * `context.output`: an item computing into its output row. On 'for' and 'async' the rows are one
 * array for all items, which becomes the component without a copy; every engine gives the same
 * values; rows nobody used are filled from the items' own results; batches made on workers keep their
 * values while later batches reuse the workers' memory.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, closeEngines, type NDArray, type RunOptions, type Target } from '../../src/index.js';
import { OutputBatch, Recording, SIDE, given, outputChain, outputDataset } from '../fixtures/item-outputs/output-pipelines.js';
import { expectSameValues } from '../helpers/values.js';

jest.setTimeout(120_000);

afterAll(async () => {
  await closeEngines();
});

/** Every value of an ndarray, in row-major order, as plain numbers. */
function values(array: NDArray): number[] {
  const out: number[] = [];
  const index = new Array<number>(array.shape.length).fill(0);
  for (let k = 0; k < array.size; k++) {
    out.push(array.get(...index) as number);
    for (let axis = array.shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < array.shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

function imagesBatch(count: number): OutputBatch {
  const batch = outputDataset.createBatch(Array.from({ length: count }, (_, i) => i)) as OutputBatch;
  batch.randomSeed = 17;
  return batch;
}

function recording(): Recording {
  const images = ndarray(
    Float32Array.from({ length: 5 * 6 }, (_, i) => i * 1.5),
    [5, 2, 3],
  );
  return Recording.fromData(null, { images }) as Recording;
}

describe('context.output', () => {
  test.each(['for', 'async'] as const)('on %s the items get the rows of one zero-filled array, which becomes the component', async (target) => {
    given.length = 0;
    const batch = recording();
    const before = values(batch.images);
    await batch.actions.copied({ target });
    expect(given).toHaveLength(5);
    expect(given.every((out) => out.data === given[0]!.data)).toBe(true);
    expect(given.map((out) => out.offset)).toEqual([0, 6, 12, 18, 24]);
    expect(batch.images.data).toBe(given[0]!.data);
    expect(batch.images.shape).toEqual([5, 2, 3]);
    expect(values(batch.images)).toEqual(before);
  });

  test('on a worker engine each item gets an array of its own, with the same values assembled', async () => {
    const expected = recording();
    await expected.actions.copied({ target: 'for' });
    for (const target of ['threads', 'mpc'] as const) {
      const batch = recording();
      await batch.actions.copied({ target, nWorkers: 2 });
      expectSameValues({ target, images: values(batch.images) }, { target, images: values(expected.images) });
    }
  });

  test('a p mask, a second request and another dtype: the values of arrays of their own on every engine', async () => {
    const run = async (target: Target): Promise<number[][]> => {
      const batch = imagesBatch(12);
      await batch.actions.scaled({ factor: 2, target });
      await batch.actions.scaled({ factor: 3, p: 0.5, target });
      await batch.actions.summary({ target });
      await batch.actions.twice({ target });
      return [values(batch.images), values(batch.stats)];
    };
    const expected = await run('for');
    // by hand for item 0: (x * 2 + 0) maybe * 3 + 0, + 1
    const firstImage = values((outputDataset.createBatch([0]) as OutputBatch).images);
    const item0 = expected[0]!.slice(0, SIDE * SIDE);
    expect([firstImage.map((x) => x * 2 + 1), firstImage.map((x) => x * 6 + 1)]).toContainEqual(item0);
    expect(expected[1]!.slice(0, 2)).toEqual([item0.reduce((a, b) => a + b - 1, 0), Math.max(...item0) - 1]);
    for (const target of ['async', 'threads', 'mpc'] as const) expect({ target, result: await run(target) }).toEqual({ target, result: expected });
  });

  test('items asking for different shapes get arrays of their own, assembled as a list', async () => {
    const batch = imagesBatch(4);
    await batch.actions.ragged({});
    const kept = batch.kept as unknown as NDArray[];
    expect(Array.isArray(kept)).toBe(true);
    expect(kept.map((image) => image.shape)).toEqual([
      [SIDE, SIDE],
      [3, SIDE],
      [SIDE, SIDE],
      [3, SIDE],
    ]);
    const images = batch.images;
    expect(values(kept[1]!)).toEqual(values(images.pick(1, null, null)).slice(0, 3 * SIDE));
    expect(values(kept[2]!)).toEqual(values(images.pick(2, null, null)));
  });

  test('a bad shape or dtype is an error naming the argument and the item', async () => {
    const batch = recording();
    await expect(batch.actions.badShape({ shape: [2, -1] })).rejects.toThrow(/item 0[\s\S]*shape/);
    await expect(batch.actions.badShape({ shape: [2, -1] })).rejects.toMatchObject({ cause: expect.any(ArgumentError) });
    await expect(batch.actions.badDtype({})).rejects.toThrow(/dtype/);
  });

  test('batches made on workers keep their values while later batches reuse the workers memory', async () => {
    const collect = async (options: RunOptions): Promise<number[][][]> => {
      const held: OutputBatch[] = [];
      for await (const batch of outputChain.genBatch({ batchSize: 8, shuffle: 3, nEpochs: 2, reset: 'all', ...options })) held.push(batch as OutputBatch);
      // compared only once every batch is made: storage reused for a later batch would show in an earlier one
      return held.map((batch) => [values(batch.images), values(batch.stats), [...batch.indices] as number[]]);
    };
    const expected = await collect({});
    expect(expected).toHaveLength(10);
    const runs: RunOptions[] = [
      { target: 'threads', nWorkers: 1, prefetch: 0 },
      { target: 'threads', nWorkers: 1, prefetch: 3 },
      { target: 'threads', nWorkers: 2, prefetch: 0 },
      { target: 'threads', nWorkers: 2, prefetch: 3 },
      { target: 'mpc', nWorkers: 2, prefetch: 2 },
    ];
    for (const options of runs) expect({ options, difference: firstDifference(await collect(options), expected) }).toEqual({ options, difference: null });
  });
});

/** Where two runs' batches first differ (batch, component, value), or null (a short message instead of a diff of thousands of values). */
function firstDifference(got: number[][][], expected: number[][][]): string | null {
  if (got.length !== expected.length) return `${got.length} batches instead of ${expected.length}`;
  for (let b = 0; b < got.length; b++)
    for (let c = 0; c < expected[b]!.length; c++) {
      const [a, e] = [got[b]![c]!, expected[b]![c]!];
      if (a.length !== e.length) return `batch ${b} component ${c}: ${a.length} values instead of ${e.length}`;
      for (let k = 0; k < a.length; k++) if (!Object.is(a[k], e[k])) return `batch ${b} component ${c} value ${k}: ${a[k]} instead of ${e[k]}`;
    }
  return null;
}
