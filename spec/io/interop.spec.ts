/**
 * Interop (issue #5, item 2): the files written by pandas 3.0.6, pyarrow 25 and h5py 3.16 in
 * spec/fixtures/interop load with exactly the values of expected.json.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { Batch, Dataset, isNdArray, MissingRowError, type NDArray } from '../../src/index.js';
import { cleanup, expected, expectedColumn, fixture, toList } from './helpers.js';

afterAll(cleanup);

const ALL = expected.table.index;
const SOME = [107, 100, 103];
const STR_IDS = expected.table_strindex.index;

class TableBatch extends Batch {
  static override components = ['a', 'b', 'c', 'x', 'flag'] as const;
}

/** Checks a,b,c,x,flag of a batch loaded from the table fixture against expected.json. */
function checkTable(batch: Batch, ids: readonly number[]): void {
  expect(batch.getComponent('a')).toBeInstanceOf(Float64Array);
  expect(toList(batch.getComponent('a'))).toEqual(expectedColumn('a', ids));
  expect(batch.getComponent('b')).toBeInstanceOf(Float64Array); // int64 → Float64Array (the default int64 policy)
  expect(toList(batch.getComponent('b'))).toEqual(expectedColumn('b', ids));
  expect(batch.getComponent('c')).toEqual(expectedColumn('c', ids));
  expect(batch.getComponent('flag')).toEqual(expectedColumn('flag', ids));
  const x = batch.getComponent('x') as NDArray;
  expect(isNdArray(x)).toBe(true);
  expect(x.shape).toEqual([ids.length, 3]);
  expect(x.dtype).toBe('float32');
  expect(toList(x)).toEqual(ids.map((_, i) => [0, 1, 2].map((j) => expectedColumn(`x${j}`, ids)[i])));
}

describe('csv written by pandas', () => {
  test.each([
    ['all ids', ALL],
    ['some ids, shuffled', SOME],
  ])('table.csv, %s: integer index, every column kind', async (_, ids) => {
    const batch = new TableBatch(ids);
    await batch.load({ fmt: 'csv', src: fixture('table.csv'), dtypes: { x0: 'float32', x1: 'float32', x2: 'float32' } });
    checkTable(batch, ids);
  });

  test('without dtypes, float32 columns load as float64 of the printed decimals', async () => {
    const batch = new Batch(SOME);
    await batch.load({ fmt: 'csv', src: fixture('table.csv'), dst: ['x0'] });
    const x0 = batch.getComponent('x0') as Float64Array;
    expect(x0).toBeInstanceOf(Float64Array);
    expect(Array.from(x0, Math.fround)).toEqual(expectedColumn('x0', SOME));
  });

  test('table_strindex.csv: string index values select rows', async () => {
    const ids = [STR_IDS[9]!, STR_IDS[0]!, STR_IDS[4]!];
    const batch = new Batch(ids);
    await batch.load({ fmt: 'csv', src: fixture('table_strindex.csv'), dst: ['a', 'c', 'b'] });
    expect(toList(batch.getComponent('a'))).toEqual(expectedColumn('a', [109, 100, 104]));
    expect(batch.getComponent('c')).toEqual(expectedColumn('c', [109, 100, 104]));
    expect(toList(batch.getComponent('b'))).toEqual(expectedColumn('b', [109, 100, 104]));
  });

  test('indexCol by name, and string ids that look like numbers', async () => {
    const batch = new Batch(['101', '108']);
    await batch.load({ fmt: 'csv', src: fixture('table.csv'), indexCol: 'id', dst: 'a' });
    expect(toList(batch.getComponent('a'))).toEqual(expectedColumn('a', [101, 108]));
  });

  test('int64 option: int32 and bigint', async () => {
    const b32 = new Batch(SOME);
    await b32.load({ fmt: 'csv', src: fixture('table.csv'), dst: 'b', int64: 'int32' });
    expect(b32.getComponent('b')).toEqual(Int32Array.from(expectedColumn('b', SOME) as number[]));
    const big = new Batch(SOME);
    await big.load({ fmt: 'csv', src: fixture('table.csv'), dst: 'b', int64: 'bigint' });
    expect(big.getComponent('b')).toEqual(BigInt64Array.from(expectedColumn('b', SOME) as number[], BigInt));
  });
});

describe('feather written by pyarrow / pandas', () => {
  test.each([['table_uncompressed.feather'], ['table_default.feather']])('%s with indexCol "id" (all and some ids)', async (name) => {
    for (const ids of [ALL, SOME]) {
      const batch = new TableBatch(ids);
      await batch.load({ fmt: 'feather', src: fixture(name), indexCol: 'id' });
      checkTable(batch, ids);
    }
  });

  test('the LZ4-compressed default file equals the uncompressed one, column by column', async () => {
    const a = new Batch(ALL);
    const b = new Batch(ALL);
    await a.load({ fmt: 'feather', src: fixture('table_uncompressed.feather'), indexCol: 'id' });
    await b.load({ fmt: 'feather', src: fixture('table_default.feather'), indexCol: 'id' });
    expect(b.components).toEqual(['a', 'b', 'c', 'x0', 'x1', 'x2', 'flag']);
    for (const name of a.components!) expect(toList(b.getComponent(name))).toEqual(toList(a.getComponent(name)));
  });

  test('without indexCol the rows are positions 0..n-1 (RangeIndex metadata); other ids are missing rows', async () => {
    const batch = new Batch([0, 9]);
    await batch.load({ fmt: 'feather', src: fixture('table_default.feather'), dst: ['id', 'a'] });
    expect(toList(batch.getComponent('id'))).toEqual([100, 109]);
    await expect(new Batch([100]).load({ fmt: 'feather', src: fixture('table_default.feather'), dst: 'a' })).rejects.toBeInstanceOf(MissingRowError);
  });
});

describe('hdf5 written by pandas (fixed format) and h5py', () => {
  test.each([
    ['key "df"', { key: 'df' }],
    ['no key (the only frame)', {}],
  ])('frame_fixed.h5, %s', async (_, options) => {
    for (const ids of [ALL, SOME]) {
      const batch = new TableBatch(ids);
      await batch.load({ fmt: 'hdf5', src: fixture('frame_fixed.h5'), ...options });
      checkTable(batch, ids);
    }
  });

  test('plain.h5: float32 3-D images, int64 labels, string names; ids are positions', async () => {
    const batch = new Batch(new Dataset(10).index);
    await batch.load({ fmt: 'hdf5', src: fixture('plain.h5') });
    expect(batch.components).toEqual(['images', 'labels', 'names']);
    const images = batch.getComponent('images') as NDArray;
    expect(images.shape).toEqual(expected.plain_h5.images_shape);
    expect(images.dtype).toBe('float32');
    expect(Array.from((images.data as Float32Array).subarray(0, 8))).toEqual(expected.plain_h5.images_flat_first8);
    expect((images.data as Float32Array).reduce((s, v) => s + v, 0)).toBeCloseTo(expected.plain_h5.images_sum, 3);
    expect(toList(batch.getComponent('labels'))).toEqual(expected.plain_h5.labels);
    expect(batch.getComponent('names')).toEqual(expected.plain_h5.names);
  });

  test('plain.h5: a subset of positions, and a batch from a dataset with string ids', async () => {
    const sub = new Batch([7, 2]);
    await sub.load({ fmt: 'hdf5', src: fixture('plain.h5'), dst: ['labels', 'names'] });
    expect(toList(sub.getComponent('labels'))).toEqual([7, 2].map((i) => expected.plain_h5.labels[i]));
    expect(sub.getComponent('names')).toEqual(['name7', 'name2']);
    const ids = Array.from({ length: 10 }, (_, i) => `item${i}`);
    const batch = new Dataset(ids).createBatch(['item3', 'item5']);
    await batch.load({ fmt: 'hdf5', src: fixture('plain.h5'), dst: 'names' });
    expect(batch.getComponent('names')).toEqual(['name3', 'name5']);
  });
});
