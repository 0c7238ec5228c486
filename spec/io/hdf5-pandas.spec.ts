/**
 * hdf5 dumps in pandas' fixed format (the default layout): the file round-trips through our reader,
 * and its structure is the one `pd.read_hdf(path, key)` reads (attributes, their types, the axes and
 * the blocks), checked here with h5wasm. `layout: 'datasets'` keeps the h5py-style file.
 * (spec/io/python/check_interop.py checks the same files with pandas and h5py, by hand.)
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import h5wasm from 'h5wasm/node';
import ndarray from 'ndarray';
import { ArgumentError, Batch, UnsupportedDataError, type NDArray } from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';

afterAll(cleanup);
beforeAll(async () => {
  await h5wasm.ready;
});

class Sample extends Batch {
  static override components = ['f32', 'f64', 'i32', 'i64', 'flags', 'img'] as const;
}

function sample(ids: Array<string | number>): Sample {
  const n = ids.length;
  const batch = new Sample(ids);
  batch.setComponent(
    'f32',
    Float32Array.from({ length: n }, (_, i) => i / 3),
  );
  batch.setComponent(
    'f64',
    Float64Array.from({ length: n }, (_, i) => Math.PI * (i - 1)),
  );
  batch.setComponent(
    'i32',
    Int32Array.from({ length: n }, (_, i) => (i % 2 ? -1 : 1) * (2 ** 31 - 1 - i)),
  );
  batch.setComponent(
    'i64',
    BigInt64Array.from({ length: n }, (_, i) => 2n ** 60n + BigInt(i)),
  );
  batch.setComponent(
    'flags',
    Array.from({ length: n }, (_, i) => i % 3 === 0),
  );
  batch.setComponent(
    'img',
    ndarray(
      Float32Array.from({ length: n * 6 }, (_, i) => i / 8),
      [n, 2, 3],
    ),
  );
  return batch;
}

/** The values and attributes of a file's objects, read with h5wasm. */
function inspect(file: string, use: (f: InstanceType<typeof h5wasm.File>) => void): void {
  const handle = new h5wasm.File(file, 'r');
  try {
    use(handle);
  } finally {
    handle.close();
  }
}

type Entity = { attrs: Record<string, { value: unknown; metadata: { type: number; size: number; signed: boolean; cset?: number } }> };
const attr = (entity: unknown, name: string): unknown => (entity as Entity).attrs[name]?.value;
const attrType = (entity: unknown, name: string): { type: number; size: number; signed: boolean; cset?: number } => (entity as Entity).attrs[name]!.metadata;
const STRING = 3;
const INTEGER = 0;

describe.each([
  ['integer ids', [10, 3, 7, 42]],
  ['string ids', ['k10', 'k3', 'b-7', 'z']],
] as const)('pandas layout, %s', (_, ids) => {
  test('our writer → our reader: every kind back with its dtype, img with its shape, rows by id', async () => {
    const file = path.join(tempDir(), 'frame.h5');
    const source = sample([...ids]);
    await source.dump({ fmt: 'hdf5', dst: file });
    const picked = [ids[3], ids[0], ids[2]] as Array<string | number>;
    const back = new Sample(picked);
    await back.load({ fmt: 'hdf5', src: file, int64: 'bigint' });
    const rows = [3, 0, 2];
    const expectRows = (name: string): void => {
      expect(toList(back.getComponent(name))).toEqual(rows.map((row) => (toList(source.getComponent(name)) as unknown[])[row]));
    };
    expect(back.getComponent('f32')).toBeInstanceOf(Float32Array);
    expect(back.getComponent('i32')).toBeInstanceOf(Int32Array);
    expect(back.getComponent('i64')).toBeInstanceOf(BigInt64Array);
    for (const name of ['f32', 'f64', 'i32', 'i64', 'flags', 'img']) expectRows(name);
    const img = back.getComponent('img') as NDArray;
    expect(img.dtype).toBe('float32');
    expect(img.shape).toEqual([3, 2, 3]);
  });

  test('the file is a pandas fixed-format frame: attributes, axes and one block per dtype', async () => {
    const file = path.join(tempDir(), 'frame.h5');
    await sample([...ids]).dump({ fmt: 'hdf5', dst: file, key: 'df' });
    inspect(file, (f) => {
      const group = f.get('df')!;
      for (const [name, value] of Object.entries({
        pandas_type: 'frame',
        encoding: 'UTF-8',
        errors: 'strict',
        axis0_variety: 'regular',
        axis1_variety: 'regular',
      })) {
        expect(attr(group, name)).toBe(value);
        expect(attrType(group, name)).toMatchObject({ type: STRING, cset: 1 }); // UTF-8 strings, as PyTables writes str
      }
      expect(typeof attr(group, 'pandas_version')).toBe('string');
      for (const name of ['ndim', 'nblocks']) expect(attrType(group, name)).toMatchObject({ type: INTEGER, size: 8, signed: true });
      expect(Number(attr(group, 'ndim'))).toBe(2);
      const columns = ['f32', 'f64', 'i32', 'i64', 'flags', 'img0', 'img1', 'img2', 'img3', 'img4', 'img5'];
      const axis0 = f.get('df/axis0') as InstanceType<typeof h5wasm.Dataset>;
      expect(axis0.value).toEqual(columns);
      expect(attr(axis0, 'kind')).toBe('string');
      expect(attr(axis0, 'name')).toBe('N.'); // PyTables' pickle of None: an unnamed axis
      expect(attrType(axis0, 'name')).toMatchObject({ type: STRING, cset: 0 });
      const axis1 = f.get('df/axis1') as InstanceType<typeof h5wasm.Dataset>;
      expect(attr(axis1, 'kind')).toBe(typeof ids[0] === 'number' ? 'integer' : 'string');
      expect(Array.from(axis1.value as ArrayLike<unknown>, (v) => (typeof v === 'bigint' ? Number(v) : v))).toEqual([...ids]);
      const nblocks = Number(attr(group, 'nblocks'));
      expect(nblocks).toBe(5); // float32 (f32 and img0…img5), float64, int32, int64, bool as uint8: one block per dtype
      const seen: string[] = [];
      for (let b = 0; b < nblocks; b++) {
        expect(attr(group, `block${b}_items_variety`)).toBe('regular');
        const items = (f.get(`df/block${b}_items`) as InstanceType<typeof h5wasm.Dataset>).value as string[];
        const values = f.get(`df/block${b}_values`) as InstanceType<typeof h5wasm.Dataset>;
        expect(values.shape).toEqual([ids.length, items.length]);
        expect(Number(attr(values, 'transposed'))).toBe(1);
        seen.push(...items);
      }
      expect(seen.sort()).toEqual([...columns].sort());
    });
  });
});

describe('pandas layout: options and limits', () => {
  test('strings cannot be written in the pandas layout: an UnsupportedDataError naming the column and the way out; no file', async () => {
    const file = path.join(tempDir(), 'names.h5');
    const batch = new Batch([1, 2]);
    await batch.addComponents(['x', 'names'], [Float64Array.of(1, 2), ['a', 'b']]);
    const error = await batch.dump({ fmt: 'hdf5', dst: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as Error).message).toMatch(/column 'names' holds strings.*layout: 'datasets'/);
    expect(existsSync(file)).toBe(false);
    await batch.dump({ fmt: 'hdf5', dst: file, layout: 'datasets' });
    const back = new Batch([2]);
    await back.load({ fmt: 'hdf5', src: file, dst: 'names' });
    expect(back.getComponent('names')).toEqual(['b']);
  });

  test('a bad layout, or indexKey with the pandas layout, is an ArgumentError', async () => {
    const file = path.join(tempDir(), 'bad.h5');
    await expect(sample([1]).dump({ fmt: 'hdf5', dst: file, layout: 'table' as 'pandas' })).rejects.toBeInstanceOf(ArgumentError);
    await expect(sample([1]).dump({ fmt: 'hdf5', dst: file, indexKey: 'ids' })).rejects.toThrow(/indexKey.*layout 'datasets'/);
  });

  test('gzip compression: chunked value blocks that load back', async () => {
    const file = path.join(tempDir(), 'gz.h5');
    const source = sample([5, 6, 7]);
    await source.dump({ fmt: 'hdf5', dst: file, compression: 6, components: ['f64', 'img'] });
    inspect(file, (f) => {
      const values = f.get('block0_values') as InstanceType<typeof h5wasm.Dataset>;
      expect(values.filters.map((filter) => filter.id)).toContain(1); // deflate
    });
    const back = new Batch([7, 5]);
    await back.load({ fmt: 'hdf5', src: file, dst: ['f64', 'img'] });
    expect(toList(back.getComponent('img'))).toEqual([2, 0].map((row) => toList((source.getComponent('img') as NDArray).pick(row))));
  });

  test("layout: 'datasets' writes h5py-style datasets (full shapes, __index__)", async () => {
    const file = path.join(tempDir(), 'plain.h5');
    await sample([4, 9]).dump({ fmt: 'hdf5', dst: file, layout: 'datasets' });
    inspect(file, (f) => {
      expect(f.keys().sort()).toEqual(['__index__', 'f32', 'f64', 'flags', 'i32', 'i64', 'img']);
      expect((f.get('img') as InstanceType<typeof h5wasm.Dataset>).shape).toEqual([2, 2, 3]);
      expect(attr(f, 'pandas_type')).toBeUndefined();
    });
  });
});
