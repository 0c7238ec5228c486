/**
 * Round trips (issue #5, item 1): dump then load gives the same data for every format and component
 * kind (float32/float64/int32/int64, strings, booleans, multi-dimensional arrays, ragged object items
 * for blosc), with and without `components`/`dst` selection, with integer and string ids.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, Dataset, isNdArray, type NDArray } from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';

afterAll(cleanup);

const INT_IDS = [10, 3, 7, 0];
const STR_IDS = ['k10', 'k3', 'b-7', 'zero'];
const N = 4;

class AllKinds extends Batch {
  static override components = ['f32', 'f64', 'i32', 'i64', 'names', 'flags', 'img', 'vol'] as const;
}

function fill(batch: Batch): void {
  batch.setComponent('f32', ndarray(Float32Array.from([0.1, -2.5, 3.25, 1e-7]), [N]));
  batch.setComponent('f64', Float64Array.from([Math.PI, -0, 1e300, NaN]));
  batch.setComponent('i32', Int32Array.from([1, -2, 2147483647, -2147483648]));
  batch.setComponent('i64', BigInt64Array.from([1n, -2n, 9007199254740991n, -9007199254740991n]));
  batch.setComponent('names', ['alpha', 'bé "quoted", comma', '', 'line\nbreak']);
  batch.setComponent('flags', [true, false, false, true]);
  batch.setComponent(
    'img',
    ndarray(
      Float32Array.from({ length: N * 6 }, (_, i) => i / 7),
      [N, 2, 3],
    ),
  );
  batch.setComponent(
    'vol',
    ndarray(
      Int32Array.from({ length: N * 4 }, (_, i) => i * 11 - 20),
      [N, 4],
    ),
  );
}

function make(ids: readonly (string | number)[]): AllKinds {
  const batch = new AllKinds(ids);
  fill(batch);
  return batch;
}

const sameValues = (a: unknown, b: unknown): void => {
  const la = toList(a) as unknown[];
  const lb = toList(b) as unknown[];
  expect(JSON.stringify(la, (_, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v))).toBe(
    JSON.stringify(lb, (_, v) => (typeof v === 'bigint' ? `${v}n` : Number.isNaN(v) ? 'NaN' : v)),
  );
};
const asNumbers = (x: unknown): number[] => (toList(x) as unknown[]).map(Number);

describe.each([
  ['integer ids', INT_IDS],
  ['string ids', STR_IDS],
])('round trips with %s', (_, ids) => {
  test('feather keeps every column type; multi-dimensional components come back with their shapes', async () => {
    const file = path.join(tempDir(), 'b.feather');
    const source = make(ids);
    await source.dump({ fmt: 'feather', dst: file });
    const back = new AllKinds(ids);
    await back.load({ fmt: 'feather', src: file, int64: 'bigint' });
    expect(back.getComponent('f32')).toBeInstanceOf(Float32Array); // a 1-D ndarray column comes back as a typed array of its dtype
    sameValues(back.getComponent('f32'), source.getComponent('f32'));
    expect(back.getComponent('f64')).toBeInstanceOf(Float64Array);
    sameValues(back.getComponent('f64'), source.getComponent('f64'));
    expect(back.getComponent('i32')).toBeInstanceOf(Int32Array);
    sameValues(back.getComponent('i32'), source.getComponent('i32'));
    expect(back.getComponent('i64')).toEqual(source.getComponent('i64'));
    expect(back.getComponent('names')).toEqual(source.getComponent('names'));
    expect(back.getComponent('flags')).toEqual(source.getComponent('flags'));
    for (const name of ['img', 'vol']) {
      const got = back.getComponent(name) as NDArray;
      const want = source.getComponent(name) as NDArray;
      expect(got.shape).toEqual(want.shape);
      expect(got.dtype).toBe(want.dtype);
      sameValues(got, want);
    }
  });

  test('feather: a shuffled subset of ids loads the right rows', async () => {
    const file = path.join(tempDir(), 'c.feather');
    await make(ids).dump({ fmt: 'feather', dst: file, indexName: 'id' });
    const subset = [ids[2]!, ids[0]!];
    const back = new Batch(subset);
    await back.load({ fmt: 'feather', src: file, dst: ['names', 'img'] });
    expect(back.getComponent('names')).toEqual(['', 'alpha']);
    sameValues(back.getComponent('img'), [(make(ids).getComponent('img') as NDArray).pick(2), (make(ids).getComponent('img') as NDArray).pick(0)]);
  });

  test('hdf5 plain datasets keep types and shapes; ids in __index__ select rows', async () => {
    const file = path.join(tempDir(), 'b.h5');
    const source = make(ids);
    await source.dump({ fmt: 'hdf5', dst: file, layout: 'datasets' });
    const back = new AllKinds([...ids].reverse());
    await back.load({ fmt: 'hdf5', src: file, int64: 'bigint' });
    const reversed = (name: string): unknown => (toList(source.getComponent(name)) as unknown[]).slice().reverse();
    expect(back.getComponent('f32')).toBeInstanceOf(Float32Array);
    sameValues(back.getComponent('f32'), reversed('f32'));
    sameValues(back.getComponent('f64'), reversed('f64'));
    expect(back.getComponent('i32')).toBeInstanceOf(Int32Array);
    sameValues(back.getComponent('i32'), reversed('i32'));
    sameValues(back.getComponent('i64'), reversed('i64'));
    expect(back.getComponent('names')).toEqual(reversed('names'));
    expect(back.getComponent('flags')).toEqual(reversed('flags'));
    const img = back.getComponent('img') as NDArray;
    expect(img.shape).toEqual([N, 2, 3]);
    expect(img.dtype).toBe('float32');
    sameValues(img, reversed('img'));
  });

  test('hdf5 with components, key, gzip compression; dst selects datasets', async () => {
    const file = path.join(tempDir(), 'sel.h5');
    await make(ids).dump({ fmt: 'hdf5', dst: file, components: ['vol', 'names'], key: 'grp/sub', compression: 4, layout: 'datasets' });
    const back = new Batch(ids);
    await back.load({ fmt: 'hdf5', src: file, key: 'grp/sub', dst: 'vol' });
    expect(back.components).toEqual(['vol']);
    sameValues(back.getComponent('vol'), make(ids).getComponent('vol'));
  });

  test('csv: values round trip; int columns follow the int64 policy, float32 needs dtypes, shapes flatten', async () => {
    const file = path.join(tempDir(), 'b.csv');
    const source = make(ids);
    await source.dump({ fmt: 'csv', dst: file });
    const back = new AllKinds(ids);
    await back.load({
      fmt: 'csv',
      src: file,
      shapes: { img: [2, 3] },
      dtypes: { f32: 'float32', img0: 'float32', img1: 'float32', img2: 'float32', img3: 'float32', img4: 'float32', img5: 'float32' },
    });
    expect(back.getComponent('f32')).toBeInstanceOf(Float32Array);
    sameValues(back.getComponent('f32'), source.getComponent('f32'));
    sameValues(back.getComponent('f64'), source.getComponent('f64'));
    expect(back.getComponent('i32')).toBeInstanceOf(Float64Array);
    sameValues(back.getComponent('i32'), asNumbers(source.getComponent('i32')));
    sameValues(back.getComponent('i64'), asNumbers(source.getComponent('i64')));
    expect(back.getComponent('names')).toEqual(['alpha', 'bé "quoted", comma', null, 'line\nbreak']); // an empty string is a missing value in CSV
    expect(back.getComponent('flags')).toEqual(source.getComponent('flags'));
    const img = back.getComponent('img') as NDArray;
    expect(img.shape).toEqual([N, 2, 3]);
    sameValues(img, source.getComponent('img'));
    const vol = back.getComponent('vol') as NDArray;
    expect(vol.shape).toEqual([N, 4]);
    sameValues(vol, source.getComponent('vol'));
  });

  test('csv with components and dst as a column prefix and single columns', async () => {
    const file = path.join(tempDir(), 'sel.csv');
    await make(ids).dump({ fmt: 'csv', dst: file, components: 'vol', indexName: 'id' });
    const back = new Batch([ids[3]!, ids[1]!]);
    await back.load({ fmt: 'csv', src: file, dst: ['vol', 'vol2'], int64: 'int32' });
    const vol = make(ids).getComponent('vol') as NDArray;
    expect(back.getComponent('vol')).toEqual(ndarray(Int32Array.from([...asNumbers(vol.pick(3)), ...asNumbers(vol.pick(1))]), [2, 4]));
    expect(back.getComponent('vol2')).toEqual(Int32Array.from([vol.get(3, 2), vol.get(1, 2)]));
  });

  test('blosc keeps every component kind exactly (ndarray, typed array, JS arrays, ragged and object items)', async () => {
    const dir = tempDir();
    const source = make(ids);
    source.setComponent('names', ['a', { nested: [1, 'two', null] }, [1, 2, 3], null]);
    await source.addComponents('ragged', [Float32Array.from([1, 2]), ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]), 42, 'text']);
    await source.dump({ fmt: 'blosc', dst: dir });
    const back = new AllKinds(ids);
    await back.load({ fmt: 'blosc', src: dir });
    for (const name of ['f32', 'img', 'vol']) {
      const got = back.getComponent(name) as NDArray;
      const want = source.getComponent(name) as NDArray;
      expect(isNdArray(got)).toBe(true);
      expect(got.shape).toEqual(want.shape);
      expect(got.dtype).toBe(want.dtype);
      sameValues(got, want);
    }
    for (const name of ['f64', 'i32', 'i64']) {
      expect(back.getComponent(name)!.constructor).toBe(source.getComponent(name)!.constructor);
      sameValues(back.getComponent(name), source.getComponent(name));
    }
    expect(back.getComponent('names')).toEqual(source.getComponent('names'));
    expect(back.getComponent('flags')).toEqual(source.getComponent('flags'));
    const ragged = new Batch(ids);
    await ragged.load({ fmt: 'blosc', src: dir, dst: 'ragged' });
    const items = ragged.getComponent('ragged') as unknown[];
    expect(items[0]).toEqual(Float32Array.from([1, 2]));
    expect((items[1] as NDArray).shape).toEqual([2, 3]);
    sameValues(items[1], [
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(items.slice(2)).toEqual([42, 'text']);
  });

  test('blosc with components and dst selection; a subset batch reads only its files', async () => {
    const dir = tempDir();
    await make(ids).dump({ fmt: 'blosc', dst: dir, components: ['img', 'flags'], cname: 'zstd', clevel: 3 });
    const back = new Batch([ids[1]!]);
    await back.load({ fmt: 'blosc', src: dir, dst: ['flags'] });
    expect(back.components).toEqual(['flags']);
    expect(back.getComponent('flags')).toEqual([false]);
  });
});

test('a batch from a Dataset round-trips through hdf5 without an index dataset (positions)', async () => {
  const file = path.join(tempDir(), 'noindex.h5');
  const dataset = new Dataset(['a', 'b', 'c', 'd']);
  const full = dataset.createBatch(['a', 'b', 'c', 'd']);
  await full.addComponents('v', Float64Array.from([1, 2, 3, 4]));
  await full.dump({ fmt: 'hdf5', dst: file, indexKey: null, layout: 'datasets' });
  const part = dataset.createBatch(['d', 'b']);
  await part.load({ fmt: 'hdf5', src: file, dst: 'v' });
  expect(part.getComponent('v')).toEqual(Float64Array.from([4, 2]));
});

test('loading into a batch replaces existing components and keeps the others', async () => {
  const file = path.join(tempDir(), 'r.feather');
  const source = make(INT_IDS);
  await source.dump({ fmt: 'feather', dst: file, components: ['f64'] });
  const target = make(INT_IDS);
  target.setComponent('f64', Float64Array.from([9, 9, 9, 9]));
  await target.load({ fmt: 'feather', src: file });
  sameValues(target.getComponent('f64'), source.getComponent('f64'));
  expect(target.getComponent('names')).toEqual(source.getComponent('names'));
});
