/**
 * BatchFlow's rebatch_test.py (catalogue T93–T106, with the fixes of bugs 16 and 20) and
 * save_to_test.py (catalogue T107–T109) through pipelines.
 */
import { describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, B, Batch, C, Config, Dataset, Pipeline, V, type IndexValue } from '../../src/index.js';
import { DummyBatch, dummyData, sleep, toList } from './fixtures/batches.js';

const SIZE = 60;
const dummyDataset = (n = SIZE): Dataset<DummyBatch> => new Dataset(n, { batchClass: DummyBatch, preloaded: dummyData(n) });

/** The reference check: len(L) == ceil(60/S); the last = 60 % S or S; every other = S. */
function expectSizes(list: number[], size: number, total = SIZE): void {
  expect(list).toHaveLength(Math.ceil(total / size));
  expect(list[list.length - 1]).toBe(total % size || size);
  expect(list.slice(0, -1).every((s) => s === size)).toBe(true);
}

// ---- T93–T104 -------------------------------------------------------------------------------------

describe('rebatch_test.py: rebatch sizes', () => {
  const cases: Array<[number, number, number, number[], number[]]> = [
    [93, 20, 30, [20, 20, 20], [30, 30]],
    [94, 1, 10, new Array(60).fill(1), new Array(6).fill(10)],
    [95, 10, 60, new Array(6).fill(10), [60]],
    [96, 1, 60, new Array(60).fill(1), [60]],
    [97, 15, 40, new Array(4).fill(15), [40, 20]],
    [98, 13, 17, [13, 13, 13, 13, 8], [17, 17, 17, 9]],
    [99, 30, 20, [30, 30], new Array(3).fill(20)],
    [100, 10, 1, new Array(6).fill(10), new Array(60).fill(1)],
    [101, 60, 10, [60], new Array(6).fill(10)],
    [102, 60, 1, [60], new Array(60).fill(1)],
    [103, 40, 15, [40, 20], new Array(4).fill(15)],
    [104, 17, 13, [17, 17, 17, 9], [13, 13, 13, 13, 8]],
  ];

  test.each(cases)('T%i: batchSize %i, rebatch(%i): sizes before and after, data re-cut in order', async (_n, bs, r, before, after) => {
    const sizes: Record<'before' | 'after', number[]> = { before: [], after: [] };
    const rows: number[] = [];
    const record = (batch: Batch, key: 'before' | 'after'): void => void sizes[key].push(batch.size);
    const p = new Pipeline<DummyBatch>()
      .call(record, B(), 'before')
      .rebatch(r)
      .call(record, B(), 'after')
      .call((batch: DummyBatch) => void rows.push(...(toList(batch.dummy) as number[][]).map((row) => row[0]!)), B())
      .withDataset(dummyDataset());
    await p.run({ batchSize: bs, nEpochs: 1, bar: true });
    expect(sizes.before).toEqual(before);
    expect(sizes.after).toEqual(after);
    expectSizes(sizes.before, bs);
    expectSizes(sizes.after, r);
    expect(rows).toEqual(Array.from({ length: SIZE }, (_, i) => i));
  });
});

// ---- T105–T106 through a pipeline ----------------------------------------------------------------

describe('rebatch_test.py: merge through a pipeline', () => {
  test.each([
    [105, 1],
    [106, 3],
  ])('T%i: k = %i epochs of 60 re-cut by rebatch(60k) → one batch, dummy shape (60k, 2)', async (_n, k) => {
    const merged: DummyBatch[] = [];
    await dummyDataset()
      .p.rebatch(SIZE * k)
      .call((b: DummyBatch) => void merged.push(b), B())
      .run({ batchSize: 20, nEpochs: k });
    expect(merged).toHaveLength(1);
    expect(merged[0]!.dummy.shape).toEqual([SIZE * k, 2]);
    expect((toList(merged[0]!.dummy) as number[][]).map((row) => row[0])).toEqual(Array.from({ length: SIZE * k }, (_, i) => i % SIZE));
  });
});

// ---- §3.8 rebatch behaviour -------------------------------------------------------------------------

describe('rebatch (§3.8)', () => {
  test('§3.8 observed: 6 items, inner batch 3, rebatch 4 → x=[0,1,2,3] ids [0..3], then x=[4,5] ids [0,1]', async () => {
    const ds = new Dataset(6, { batchClass: DummyBatch, preloaded: { dummy: ndarray(Float64Array.from([0, 1, 2, 3, 4, 5]), [6]) } });
    const got: Array<[IndexValue[], unknown]> = [];
    for await (const b of ds.p.rebatch(4).genBatch({ batchSize: 3 })) got.push([[...b.indices], toList(b.dummy)]);
    expect(got).toEqual([
      [
        [0, 1, 2, 3],
        [0, 1, 2, 3],
      ],
      [
        [0, 1],
        [4, 5],
      ],
    ]);
  });

  test('genBatch yields the rebatched batches, after the steps recorded after rebatch', async () => {
    const sizes: number[] = [];
    for await (const b of dummyDataset().p.rebatch(25).update(B('dummy'), B('dummy').mul(2)).genBatch({ batchSize: 10 })) {
      sizes.push(b.size);
      expect(b).toBeInstanceOf(DummyBatch);
      expect((toList(b.dummy) as number[][])[0]![0]! % 2).toBe(0);
    }
    expect(sizes).toEqual([25, 25, 10]);
  });

  test('bug 20 sane: variables set before the rebatch are the same variables as after it', async () => {
    const p = dummyDataset().p.initVariables({ before: [], after: [] }).update(V('before', 'a'), B('size')).rebatch(25).update(V('after', 'a'), B('size'));
    await p.run({ batchSize: 10 });
    expect(p.v('before')).toEqual([10, 10, 10, 10, 10, 10]);
    expect(p.v('after')).toEqual([25, 25, 10]);
  });

  test('bug 20 sane: a shuffled run with rebatch works (each id once, order from the run seed)', async () => {
    const run = async (): Promise<number[]> => {
      const rows: number[] = [];
      await dummyDataset()
        .p.rebatch(25)
        .call((b: DummyBatch) => void rows.push(...(toList(b.dummy) as number[][]).map((r) => r[0]!)), B())
        .run({ batchSize: 10, shuffle: 5 });
      return rows;
    };
    const rows = await run();
    expect([...rows].sort((a, b) => a - b)).toEqual(Array.from({ length: SIZE }, (_, i) => i));
    expect(rows).not.toEqual(Array.from({ length: SIZE }, (_, i) => i));
    expect(await run()).toEqual(rows);
  });

  test('bug 16 sane: rebatch(C(bs)) follows the config of each run (not frozen by the first run)', async () => {
    const sizes: number[] = [];
    const p = dummyDataset(12)
      .pipeline({ bs: 4 })
      .rebatch(C('bs'))
      .call((b: Batch) => void sizes.push(b.size), B());
    await p.run({ batchSize: 3 });
    expect(sizes).toEqual([4, 4, 4]);
    sizes.length = 0;
    await p.withConfig({ bs: 6 }).run({ batchSize: 3 });
    expect(sizes).toEqual([6, 6]);
    sizes.length = 0;
    await p.run({ batchSize: 3 });
    expect(sizes).toEqual([4, 4, 4]);
  });

  test('prefetch with rebatch keeps the order of the re-cut batches', async () => {
    const rows: number[] = [];
    const p = dummyDataset()
      .p.call(() => sleep(Math.floor(Math.random() * 5)))
      .rebatch(7)
      .call(() => sleep(Math.floor(Math.random() * 5)));
    for await (const b of p.genBatch({ batchSize: 10, prefetch: 3 })) rows.push(...(toList(b.dummy) as number[][]).map((r) => r[0]!));
    expect(rows).toEqual(Array.from({ length: SIZE }, (_, i) => i));
  });

  test('two rebatches in a row, and steps between them', async () => {
    const sizes: Record<string, number[]> = { a: [], b: [], c: [] };
    await dummyDataset()
      .p.call((b: Batch) => void sizes.a!.push(b.size), B())
      .rebatch(25)
      .call((b: Batch) => void sizes.b!.push(b.size), B())
      .rebatch(40)
      .call((b: Batch) => void sizes.c!.push(b.size), B())
      .run({ batchSize: 10 });
    expect(sizes).toEqual({ a: [10, 10, 10, 10, 10, 10], b: [25, 25, 10], c: [40, 20] });
  });

  test('a custom merge function and components/batchClass options are passed on', async () => {
    const merge = jest.fn((batches: readonly Batch[], options: { batchSize: number }) => DummyBatch.merge(batches, { batchSize: options.batchSize }));
    const sizes: number[] = [];
    await dummyDataset(20)
      .p.rebatch(8, { merge })
      .call((b: Batch) => void sizes.push(b.size), B())
      .run({ batchSize: 5 });
    expect(merge).toHaveBeenCalled();
    expect(merge.mock.calls[0]![1].batchSize).toBe(8);
    expect(sizes).toEqual([8, 8, 4]);
  });

  test('rebatch(0) or rebatch(1.5) fails the run with an ArgumentError', async () => {
    await expect(dummyDataset().p.rebatch(0).run({ batchSize: 10 })).rejects.toThrow(ArgumentError);
    await expect(dummyDataset().p.rebatch(1.5).run({ batchSize: 10 })).rejects.toThrow(ArgumentError);
  });
});

// ---- T107–T109 saveTo ------------------------------------------------------------------------------

describe('save_to_test.py through callAndSave / update', () => {
  const ds = (): Dataset<DummyBatch> => dummyDataset(4);

  test('T107: callAndSave into an array fills it in place: zeros(3) → [1,2,3], the same object', async () => {
    const arr = new Float64Array(3);
    const ndarr = ndarray(new Float64Array(3), [3]);
    await ds()
      .p.callAndSave(arr, () => [1, 2, 3])
      .callAndSave(ndarr, () => [4, 5, 6])
      .run({ batchSize: 4 });
    expect(Array.from(arr)).toEqual([1, 2, 3]);
    expect(toList(ndarr)).toEqual([4, 5, 6]);
  });

  test("T108: callAndSave(C('value'), () => 200) on a pipeline with config {some: 100} → some 100, value 200", async () => {
    const p = new Pipeline<DummyBatch>({ dataset: ds(), config: new Config({ some: 100 }) }).callAndSave(C('value'), () => 200);
    await p.run({ batchSize: 4 });
    expect(p.config.get('some')).toBe(100);
    expect(p.config.get('value')).toBe(200);
    const q = new Pipeline<DummyBatch>({ dataset: ds(), config: { some: 100 } }).update(C('value'), 200);
    await q.run({ batchSize: 4 });
    expect(q.config.get('some')).toBe(100);
    expect(q.config.get('value')).toBe(200);
  });

  test("T109: callAndSave([arr, C('value')], () => [[1,2,3], 200]) → arr [1,2,3], value 200", async () => {
    const arr = new Float64Array(3);
    const p = ds()
      .pipeline({ some: 100 })
      .callAndSave([arr, C('value')], () => [[1, 2, 3], 200]);
    await p.run({ batchSize: 4 });
    expect(Array.from(arr)).toEqual([1, 2, 3]);
    expect(p.config.get('value')).toBe(200);
    expect(p.config.get('some')).toBe(100);
  });

  test('§3.4 observed: callAndSave([V(a), V(b)], () => [1, 2]) → a = 1, b = 2; a record of destinations takes the keys', async () => {
    const p = ds()
      .p.callAndSave([V('a'), V('b')], () => [1, 2])
      .callAndSave({ x: V('x'), y: B('dummy') }, () => ({
        x: 'ex',
        y: [
          [9, 9],
          [8, 8],
          [7, 7],
          [6, 6],
        ],
        z: 0,
      }));
    const batch = await p.nextBatch({ batchSize: 4 });
    expect(p.v('a')).toBe(1);
    expect(p.v('b')).toBe(2);
    expect(p.v('x')).toBe('ex');
    expect(batch!.dummy).toEqual([
      [9, 9],
      [8, 8],
      [7, 7],
      [6, 6],
    ]);
  });

  test('a null-prototype record of destinations takes the keys too', async () => {
    const destinations = Object.assign(Object.create(null) as Record<string, unknown>, { x: V('x'), y: V('y') });
    const p = ds().p.callAndSave(destinations, () => ({ x: 1, y: 2 }));
    await p.run({ batchSize: 4, nIters: 1 });
    expect([p.v('x'), p.v('y')]).toEqual([1, 2]);
  });

  test('saveTo mismatches are ArgumentErrors: wrong number of values, a missing key, an array of another length', async () => {
    await expect(
      ds()
        .p.callAndSave([V('a'), V('b')], () => [1, 2, 3])
        .run({ batchSize: 4 }),
    ).rejects.toThrow(ArgumentError);
    await expect(
      ds()
        .p.callAndSave({ x: V('x') }, () => ({ y: 1 }))
        .run({ batchSize: 4 }),
    ).rejects.toThrow(ArgumentError);
    await expect(
      ds()
        .p.callAndSave(new Float64Array(3), () => [1, 2])
        .run({ batchSize: 4 }),
    ).rejects.toThrow(ArgumentError);
  });

  test('saveTo(V(x), value) is update: modes apply (a appends per batch)', async () => {
    const p = ds().p.initVariable('sizes', []).saveTo(V('sizes', 'a'), B('size'));
    await p.run({ batchSize: 3 });
    expect(p.v('sizes')).toEqual([3, 1]);
  });
});
