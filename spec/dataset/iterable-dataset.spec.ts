/**
 * Datasets built from a generator, an iterable or an async iterable (IterableDataset and
 * Dataset.fromIterable): batches assembled from items or from batches of items as they arrive, ids
 * in arrival order, epochs, one-shot sources, malformed values, source errors, early stops, and the
 * operations that need an index.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ArgumentError,
  Batch,
  Dataset,
  IterableDataset,
  IterableSourceError,
  NoIndexError,
  SourceItemError,
  isNdArray,
  type NDArray,
} from '../../src/index.js';

class SensorBatch extends Batch {
  static override components = ['values', 'labels'] as const;
  declare values: NDArray;
  declare labels: NDArray;
}

interface Reading {
  values: Float32Array;
  labels: number;
}

const reading = (k: number): Reading => ({ values: new Float32Array([k, k + 0.5, -k]), labels: k % 3 });

/** A generator of `n` readings that counts what was pulled and whether it was closed. */
function counted(n: number): { source: () => Generator<Reading>; pulled: () => number; calls: () => number; closed: () => number } {
  let pulled = 0;
  let calls = 0;
  let closed = 0;
  function* gen(): Generator<Reading> {
    calls++;
    try {
      for (let k = 0; k < n; k++) {
        pulled++;
        yield reading(k);
      }
    } finally {
      closed++;
    }
  }
  return { source: gen, pulled: () => pulled, calls: () => calls, closed: () => closed };
}

async function collect<B extends Batch>(batches: AsyncIterable<B>): Promise<B[]> {
  const out: B[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

const ids = (batches: readonly Batch[]): number[][] => batches.map((batch) => batch.indices.map(Number));
const labelsOf = (batch: SensorBatch): number[] => Array.from({ length: batch.size }, (_, k) => batch.labels.get(k));

describe('IterableDataset: items become batches as they arrive', () => {
  test('items are assembled into batches of batchSize (typed arrays stacked, numbers as float64), ids 0, 1, 2, … in arrival order', async () => {
    const ds = new IterableDataset(() => counted(10).source(), { batchClass: SensorBatch });
    const batches = await collect(ds.batches({ batchSize: 4 }));
    expect(ids(batches)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
    const first = batches[0]!;
    expect(first).toBeInstanceOf(SensorBatch);
    expect(isNdArray(first.values)).toBe(true);
    expect(first.values.shape).toEqual([4, 3]);
    expect(first.values.dtype).toBe('float32');
    expect(first.values.get(2, 1)).toBe(reading(2).values[1]);
    expect(first.labels.dtype).toBe('float64');
    expect(labelsOf(batches[2]!)).toEqual([reading(8).labels, reading(9).labels]);
  });

  test('an async iterable and Dataset.fromIterable give the same batches as a generator', async () => {
    async function* slow(): AsyncGenerator<Reading> {
      for (let k = 0; k < 5; k++) {
        await new Promise((resolve) => setImmediate(resolve));
        yield reading(k);
      }
    }
    const fromAsync = await collect(Dataset.fromIterable(() => slow(), { batchClass: SensorBatch }).batches({ batchSize: 2 }));
    const fromSync = await collect(new IterableDataset(() => counted(5).source(), { batchClass: SensorBatch }).batches({ batchSize: 2 }));
    expect(ids(fromAsync)).toEqual(ids(fromSync));
    expect(fromAsync.map(labelsOf)).toEqual(fromSync.map(labelsOf));
    expect(fromAsync.map((b) => Array.from(b.values.data as Float32Array))).toEqual(fromSync.map((b) => Array.from(b.values.data as Float32Array)));
  });

  test('a batch class without declared components takes the components of the first item (Map items too)', async () => {
    const items = [
      new Map<string, unknown>([
        ['x', 1],
        ['name', 'a'],
      ]),
      { x: 2, name: 'b' },
      { x: 3, name: 'c' },
    ];
    const batches = await collect(new IterableDataset(items).batches({ batchSize: 3 }));
    expect(batches).toHaveLength(1);
    expect(batches[0]!.components).toEqual(['x', 'name']);
    const data = batches[0]!.data as { x: NDArray; name: string[] };
    expect(Array.from(data.x.data as Float64Array)).toEqual([1, 2, 3]);
    expect(data.name).toEqual(['a', 'b', 'c']);
  });

  test('class instances are items too (their own properties); arrays and batches are not', async () => {
    class Sample {
      constructor(
        readonly values: Float32Array,
        readonly labels: number,
      ) {}
    }
    const batches = await collect(
      new IterableDataset([new Sample(new Float32Array(3), 1), new Sample(new Float32Array(3), 2)], { batchClass: SensorBatch }).batches({ batchSize: 2 }),
    );
    expect(labelsOf(batches[0]!)).toEqual([1, 2]);
    const refused = (value: object): Promise<unknown> =>
      collect(new IterableDataset([value], { batchClass: SensorBatch }).batches({ batchSize: 1 })).catch((error: unknown) => error);
    expect(await refused([new Float32Array(3), 1])).toBeInstanceOf(SourceItemError);
    expect(String(await refused(new SensorBatch([0])))).toMatch(/item 0 of the source: expected a record of component values/);
  });

  test("kind 'batches': records of component arrays and Batch instances are cut into batches of batchSize", async () => {
    const chunk = (from: number, n: number): { values: NDArray; labels: number[] } => ({
      values: ndarray(
        Float64Array.from({ length: n * 2 }, (_, k) => from * 10 + k),
        [n, 2],
      ),
      labels: Array.from({ length: n }, (_, k) => from + k),
    });
    const asBatch = SensorBatch.fromData(null, { values: chunk(5, 4).values, labels: ndarray(Float64Array.from([5, 6, 7, 8])) });
    const ds = Dataset.fromIterable([chunk(0, 3), chunk(3, 2), asBatch], { batchClass: SensorBatch, kind: 'batches' });
    const batches = await collect(ds.batches({ batchSize: 4 }));
    expect(ids(batches)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
    expect(batches.map(labelsOf)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8]]);
    expect(batches[1]!.values.shape).toEqual([4, 2]);
    expect(batches[1]!.values.get(0, 1)).toBe(33); // item 4 = second row of the chunk starting at 3
    expect(batches[1]!.values.get(1, 0)).toBe(50); // item 5 = first row of the Batch
  });
});

describe('IterableDataset: epochs, nIters, dropLast and one-shot sources', () => {
  test('a function source is called again for every epoch; a short batch wraps into the next epoch as with an index', async () => {
    const source = counted(5);
    const ds = new IterableDataset(source.source, { batchClass: SensorBatch });
    const batches = await collect(ds.batches({ batchSize: 4, nEpochs: 2 }));
    expect(source.calls()).toBe(2);
    expect(batches.map(labelsOf)).toEqual([
      [0, 1, 2, 0],
      [1, 0, 1, 2],
      [0, 1],
    ]);
    expect(ids(batches)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9],
    ]);
  });

  test('dropLast drops the short rest of every epoch; nIters stops after that many batches across epochs and closes the source', async () => {
    const dropped = await collect(
      new IterableDataset(() => counted(5).source(), { batchClass: SensorBatch }).batches({ batchSize: 2, nEpochs: 2, dropLast: true }),
    );
    expect(dropped.map((b) => b.size)).toEqual([2, 2, 2, 2]);
    expect(ids(dropped)).toEqual([
      [0, 1],
      [2, 3],
      [5, 6],
      [7, 8],
    ]);
    const source = counted(5);
    const limited = await collect(new IterableDataset(source.source, { batchClass: SensorBatch }).batches({ batchSize: 2, nIters: 4 }));
    expect(limited).toHaveLength(4);
    expect(source.calls()).toBe(2);
    expect(source.pulled()).toBe(8);
    expect(source.closed()).toBe(2);
  });

  test('a one-shot generator gives one epoch, once: nEpochs > 1 and a second pass are ArgumentErrors before anything is pulled', async () => {
    const source = counted(6);
    const ds = new IterableDataset(source.source(), { batchClass: SensorBatch });
    expect(ds.reiterable).toBe(false);
    await expect(collect(ds.batches({ batchSize: 2, nEpochs: 2 }))).rejects.toThrow(ArgumentError);
    await expect(collect(ds.batches({ batchSize: 2, nEpochs: 2 }))).rejects.toThrow(/one-shot iterable.*nEpochs 2/);
    expect(source.pulled()).toBe(0);
    expect(await collect(ds.batches({ batchSize: 4, nEpochs: null }))).toHaveLength(2);
    expect(ds.consumed).toBe(true);
    await expect(collect(ds.batches({ batchSize: 2 }))).rejects.toThrow(/already consumed/);
  });

  test('an array is iterated again for every epoch', async () => {
    const ds = new IterableDataset([reading(0), reading(1), reading(2)], { batchClass: SensorBatch });
    expect(ds.reiterable).toBe(true);
    const batches = await collect(ds.batches({ batchSize: 3, nEpochs: 3 }));
    expect(batches.map(labelsOf)).toEqual([
      [0, 1, 2],
      [0, 1, 2],
      [0, 1, 2],
    ]);
  });

  test('an empty source gives no batch, even when endless', async () => {
    expect(await collect(new IterableDataset(() => [], { batchClass: SensorBatch }).batches({ batchSize: 2, nEpochs: null }))).toEqual([]);
  });
});

describe('IterableDataset: a seeded shuffle buffer', () => {
  const labelsWith = async (shuffle: { bufferSize: number; seed: number } | null, nEpochs = 1): Promise<number[][]> =>
    (await collect(new IterableDataset(() => counted(12).source(), { batchClass: SensorBatch }).batches({ batchSize: 12, nEpochs, shuffle }))).map(
      labelsOfItems,
    );
  const labelsOfItems = (batch: SensorBatch): number[] => Array.from({ length: batch.size }, (_, k) => batch.values.get(k, 0));

  test('every epoch is a permutation of its items; the same seed gives the same order, another seed another', async () => {
    const shuffled = await labelsWith({ bufferSize: 5, seed: 11 }, 2);
    const sorted = Array.from({ length: 12 }, (_, k) => k);
    for (const epoch of shuffled) expect([...epoch].sort((a, b) => a - b)).toEqual(sorted);
    expect(shuffled[0]).not.toEqual(sorted);
    expect(shuffled[1]).not.toEqual(shuffled[0]);
    expect(await labelsWith({ bufferSize: 5, seed: 11 }, 2)).toEqual(shuffled);
    expect(await labelsWith({ bufferSize: 5, seed: 12 }, 2)).not.toEqual(shuffled);
    expect(await labelsWith({ bufferSize: 1, seed: 11 })).not.toEqual([sorted]); // one item held back still moves items
    expect(await labelsWith(null)).toEqual([sorted]);
  });

  test('the source is read bufferSize items ahead; ids number the items in batch order', async () => {
    const source = counted(100);
    const ds = new IterableDataset(source.source, { batchClass: SensorBatch });
    const batches = ds.batches({ batchSize: 4, shuffle: { bufferSize: 10, seed: 3 } });
    const first = (await batches.next()).value as SensorBatch;
    expect(source.pulled()).toBe(14);
    expect(first.indices).toEqual([0, 1, 2, 3]);
    await batches.return();
    expect(source.closed()).toBe(1);
    await expect(collect(ds.batches({ batchSize: 4, shuffle: { bufferSize: 0, seed: 3 } }))).rejects.toThrow(/bufferSize: expected a positive integer/);
    expect(() => new IterableDataset([], { shuffleBuffer: -1 })).toThrow(/shuffleBuffer: expected a positive integer/);
  });
});

describe('IterableDataset: malformed values, source errors and early stops', () => {
  const firstError = async (source: Iterable<unknown>, kind: 'items' | 'batches' = 'items'): Promise<unknown> => {
    try {
      await collect(new IterableDataset(source as Iterable<Reading>, { batchClass: SensorBatch, kind }).batches({ batchSize: 2 }));
    } catch (error) {
      return error;
    }
    throw new Error('expected the source to be refused');
  };

  test('a missing component names the item and the component', async () => {
    const error = await firstError([reading(0), reading(1), { values: new Float32Array(3) }]);
    expect(error).toBeInstanceOf(SourceItemError);
    expect(error).toMatchObject({ item: 2, component: 'labels' });
    expect((error as Error).message).toMatch(/item 2 .*'labels' is missing/);
  });

  test('a value of another type than in item 0, a name that is not a component, and a non-record are SourceItemErrors', async () => {
    expect(await firstError([reading(0), { values: new Float32Array(3), labels: 'one' }])).toMatchObject({ item: 1, component: 'labels' });
    expect(String(await firstError([reading(0), { values: new Float32Array(3), labels: 'one' }]))).toMatch(
      /item 1 .*'labels' is string, expected a number as in item 0/,
    );
    expect(await firstError([{ values: new Float32Array(3), label: 1 }])).toMatchObject({ item: 0, component: 'label' });
    expect(String(await firstError([{ values: new Float32Array(3), label: 1 }]))).toMatch(/'label' is not a component of SensorBatch/);
    expect(await firstError([reading(0), 7])).toMatchObject({ item: 1, component: null });
  });

  test("kind 'batches': components of different lengths name the batch, its first item and the component", async () => {
    const error = await firstError(
      [
        { values: ndarray(new Float64Array(6), [3, 2]), labels: [1, 2, 3] },
        { values: ndarray(new Float64Array(4), [2, 2]), labels: [1] },
      ],
      'batches',
    );
    expect(error).toBeInstanceOf(SourceItemError);
    expect(error).toMatchObject({ item: 3, component: 'labels' });
    expect((error as Error).message).toMatch(/batch 1 of the source \(from item 3\): component 'labels' has 1 items, expected 2/);
  });

  test('an error thrown by the source is an IterableSourceError with the batch number, the item number and the original error as cause', async () => {
    const boom = new RangeError('sensor offline');
    function* failing(): Generator<Reading> {
      for (let k = 0; k < 5; k++) yield reading(k);
      throw boom;
    }
    const error = await collect(new IterableDataset(() => failing(), { batchClass: SensorBatch }).batches({ batchSize: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IterableSourceError);
    expect(error).toMatchObject({ batch: 2, item: 5, cause: boom });
    expect((error as Error).message).toMatch(/batch 2 .*RangeError: sensor offline/);
  });

  test("the source's return() is called when the consumer stops early", async () => {
    const source = counted(100);
    const ds = new IterableDataset(source.source, { batchClass: SensorBatch });
    for await (const batch of ds.batches({ batchSize: 3, nEpochs: null })) if (batch.indices[0] === 6) break;
    expect(source.pulled()).toBe(9);
    expect(source.closed()).toBe(1);
  });
});

describe('IterableDataset: what needs an index', () => {
  const ds = new IterableDataset(() => counted(4).source(), { batchClass: SensorBatch, owner: 'lab' });

  test('length is unknown (NaN); other options are attributes', () => {
    expect(ds.length).toBeNaN();
    expect(ds.size).toBeNaN();
    expect(ds.getAttrs()).toEqual({ owner: 'lab' });
  });

  test.each([
    ['createBatch', () => ds.createBatch([0, 1], { pos: true })],
    ['createBatch', () => ds.createBatch({ start: 0, stop: 2 })],
    ['createSubset', () => ds.createSubset([0])],
    ['copy', () => ds.copy()],
    ['split', () => ds.split(0.5)],
    ['cvSplit', () => ds.cvSplit()],
    ['genBatch', () => ds.genBatch(2)],
    ['nextBatch', () => ds.nextBatch(2)],
  ])('%s is a NoIndexError that says why', (operation, call) => {
    expect(call).toThrow(NoIndexError);
    expect(call).toThrow(new RegExp(`^${operation}: not available on a dataset built from an iterable`));
  });

  test('createBatch(ids) is a batch of those ids without data (the items are known only to the source)', () => {
    const batch = ds.createBatch([3, 4], { tag: 'x' });
    expect(batch).toBeInstanceOf(SensorBatch);
    expect(batch.indices).toEqual([3, 4]);
    expect(batch.values).toBeNull();
    expect(batch.getAttrs()).toEqual({ tag: 'x' });
  });

  test('a source that is neither a function nor an iterable, an unknown kind and a function that returns no iterable are ArgumentErrors', async () => {
    expect(() => new IterableDataset(42 as unknown as Reading[])).toThrow(/source: expected a function returning an iterable/);
    expect(() => new IterableDataset([], { kind: 'rows' as 'items' })).toThrow(/kind: expected 'items' or 'batches'/);
    await expect(collect(new IterableDataset((() => 5) as unknown as () => Reading[]).batches({ batchSize: 1 }))).rejects.toThrow(/must return an iterable/);
    await expect(collect(ds.batches({ batchSize: 0 }))).rejects.toThrow(/batchSize: expected a positive integer/);
  });
});
