/**
 * Per-item blosc load/dump on every engine (issue #5, item 6), file names through a FilesIndex, and
 * the documented byte layout (the file is one Blosc frame around the container).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, CorruptFileError, FilesIndex, closeEngines, isNdArray, type NDArray } from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';

afterAll(async () => {
  await closeEngines();
  cleanup();
});

class Images extends Batch {
  static override components = ['images', 'labels', 'meta'] as const;
}

function images(ids: readonly (string | number)[]): Images {
  const n = ids.length;
  const batch = new Images(ids);
  batch.setComponent(
    'images',
    ndarray(
      Float32Array.from({ length: n * 16 * 16 }, (_, i) => Math.cos(i / 13)),
      [n, 16, 16],
    ),
  );
  batch.setComponent(
    'labels',
    Int32Array.from({ length: n }, (_, i) => i % 3),
  );
  batch.setComponent(
    'meta',
    Array.from({ length: n }, (_, i) => ({ i, tag: `t${i}` })),
  );
  return batch;
}

describe.each([['for'], ['async'], ['threads'], ['mpc']] as const)("blosc on target '%s'", (target) => {
  test('dump then load 12 items gives the same components', async () => {
    const dir = tempDir();
    const ids = Array.from({ length: 12 }, (_, i) => i * 5);
    const source = images(ids);
    await source.dump({ fmt: 'blosc', dst: dir, target, nWorkers: 2 });
    expect(readdirSync(dir).sort()).toEqual(ids.map((id) => `${id}.blosc`).sort());
    const back = new Images(ids);
    await back.load({ fmt: 'blosc', src: dir, target, nWorkers: 2 });
    const got = back.getComponent('images') as NDArray;
    expect(isNdArray(got)).toBe(true);
    expect(got.shape).toEqual([12, 16, 16]);
    expect(got.dtype).toBe('float32');
    expect(Array.from(got.data as Float32Array)).toEqual(Array.from((source.getComponent('images') as NDArray).data as Float32Array));
    expect(back.getComponent('labels')).toEqual(source.getComponent('labels'));
    expect(back.getComponent('meta')).toEqual(source.getComponent('meta'));
  }, 60_000);

  test('a corrupt file is a CorruptFileError naming it on this engine too', async () => {
    const dir = tempDir();
    await images([1, 2, 3]).dump({ fmt: 'blosc', dst: dir, target, nWorkers: 2 });
    const file = path.join(dir, '2.blosc');
    writeFileSync(file, readFileSync(file).subarray(0, 40));
    const batch = new Images([1, 2, 3]);
    await expect(batch.load({ fmt: 'blosc', src: dir, target, nWorkers: 2 })).rejects.toMatchObject({ name: 'CorruptFileError', file });
    await expect(batch.load({ fmt: 'blosc', src: dir, target, nWorkers: 2 })).rejects.toBeInstanceOf(CorruptFileError);
    expect(batch.getComponent('images')).toBeNull();
  }, 60_000);
});

describe('file names through a FilesIndex', () => {
  function filesIndex(dirs: boolean): { root: string; index: FilesIndex } {
    const root = tempDir();
    for (const name of ['cat', 'dog']) {
      if (dirs) mkdirSync(path.join(root, name));
      else writeFileSync(path.join(root, `${name}.png`), 'x');
    }
    return { root, index: new FilesIndex({ path: path.join(root, '*'), dirs, sort: true }) };
  }

  test('files index + folder: <folder>/<basename of the item path>', async () => {
    const { index } = filesIndex(false);
    const out = tempDir();
    const batch = images([0, 1]);
    const filesBatch = new Images(index);
    for (const name of ['images', 'labels', 'meta']) filesBatch.setComponent(name, batch.getComponent(name));
    await filesBatch.dump({ fmt: 'blosc', dst: out });
    expect(readdirSync(out).sort()).toEqual(['cat.png', 'dog.png']);
    const back = new Images(index);
    await back.load({ fmt: 'blosc', src: out, dst: 'labels' });
    expect(back.getComponent('labels')).toEqual(batch.getComponent('labels'));
  });

  test('dirs index + name: <item folder>/<name>; a FilesIndex as src/dst', async () => {
    const { root, index } = filesIndex(true);
    const batch = new Images(index);
    batch.setComponent('labels', Int32Array.from([7, 8]));
    await batch.dump({ fmt: 'blosc', dst: 'data.blosc', components: 'labels' });
    expect(readdirSync(path.join(root, 'cat'))).toEqual(['data.blosc']);
    const back = new Images(index);
    await back.load({ fmt: 'blosc', src: 'data.blosc', dst: 'labels' });
    expect(back.getComponent('labels')).toEqual(Int32Array.from([7, 8]));
    const other = tempDir();
    const target = new FilesIndex({ index: ['cat', 'dog'], paths: { cat: path.join(other, 'c.bin'), dog: path.join(other, 'd.bin') } });
    await batch.dump({ fmt: 'blosc', dst: target, components: 'labels' });
    expect(readdirSync(other).sort()).toEqual(['c.bin', 'd.bin']);
    const fromTarget = new Images(['dog']);
    await fromTarget.load({ fmt: 'blosc', src: target, dst: 'labels' });
    expect(toList(fromTarget.getComponent('labels'))).toEqual([8]);
  });
});

test('the file is one Blosc frame: header sizes match, and the payload starts with the container header', async () => {
  const dir = tempDir();
  const batch = new Batch(['only']);
  await batch.addComponents('x', ndarray(Float64Array.from([1, 2, 3, 4]), [1, 2, 2]));
  await batch.dump({ fmt: 'blosc', dst: dir, clevel: 0 });
  const bytes = readFileSync(path.join(dir, 'only.blosc'));
  expect(bytes.readUInt32LE(12)).toBe(bytes.length); // cbytes
  const nbytes = bytes.readUInt32LE(4);
  // clevel 0 stores the payload uncompressed after the 16-byte header
  const payload = bytes.subarray(16, 16 + nbytes);
  const headerLength = Number(payload.readBigUInt64LE(0));
  expect((8 + headerLength) % 8).toBe(0);
  const header = JSON.parse(payload.subarray(8, 8 + headerLength).toString('utf8')) as Record<
    string,
    { dtype: string; shape: number[]; data_offsets: number[] }
  >;
  expect(header.__metadata__).toMatchObject({ format: 'batchflow-item', version: '1' });
  expect(header.x).toMatchObject({ dtype: 'F64', shape: [2, 2], data_offsets: [0, 32], kind: 'ndarray', column: 'ndarray' });
  const data = payload.subarray(8 + headerLength);
  expect(Array.from(new Float64Array(data.buffer.slice(data.byteOffset, data.byteOffset + 32)))).toEqual([1, 2, 3, 4]);
});
