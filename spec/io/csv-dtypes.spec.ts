/**
 * csv `dtypes` keys: a column, or a component stored as `name0, name1, …` columns (the type applies to
 * every one of them); a key that matches nothing is a MissingColumnError naming it and what the file has.
 */
import { afterAll, expect, test } from '@jest/globals';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, MissingColumnError, type NDArray } from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';

afterAll(cleanup);

async function dumpImages(): Promise<{ file: string; images: NDArray }> {
  const images = ndarray(
    Float32Array.from({ length: 3 * 2 * 2 }, (_, i) => i / 3),
    [3, 2, 2],
  );
  const batch = new Batch([5, 6, 7]);
  await batch.addComponents(['images', 'label'], [images, Int32Array.of(1, 0, 1)]);
  const file = path.join(tempDir(), 'images.csv');
  await batch.dump({ fmt: 'csv', dst: file });
  return { file, images };
}

test('dtypes keyed by a component name types all its columns: float32 images come back exactly', async () => {
  const { file, images } = await dumpImages();
  const back = new Batch([7, 5]);
  await back.load({ fmt: 'csv', src: file, dst: ['images', 'label'], dtypes: { images: 'float32', label: 'int32' }, shapes: { images: [2, 2] } });
  const loaded = back.getComponent('images') as NDArray;
  expect(loaded.dtype).toBe('float32');
  expect(loaded.shape).toEqual([2, 2, 2]);
  expect(toList(loaded)).toEqual([toList(images.pick(2)), toList(images.pick(0))]);
  expect(back.getComponent('label')).toEqual(Int32Array.of(1, 1));
});

test('a column key wins over its component key', async () => {
  const { file } = await dumpImages();
  const back = new Batch([5]);
  await back.load({ fmt: 'csv', src: file, dst: ['images0', 'images1'], dtypes: { images: 'float32', images1: 'float64' } });
  expect(back.getComponent('images0')).toBeInstanceOf(Float32Array);
  expect(back.getComponent('images1')).toBeInstanceOf(Float64Array);
});

test('a key that is neither a column nor a component is a MissingColumnError naming it, the components and the columns', async () => {
  const { file } = await dumpImages();
  const error = await new Batch([5]).load({ fmt: 'csv', src: file, dst: 'label', dtypes: { image: 'float32' } }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(MissingColumnError);
  expect((error as MissingColumnError).column).toBe('image');
  expect((error as MissingColumnError).available).toEqual(['images', 'images0', 'images1', 'images2', 'images3', 'label']);
  expect((error as Error).message).toMatch(/column or component \(in dtypes\) 'image' is not in the file \(it has: 'images', /);
});
