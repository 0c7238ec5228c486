/**
 * Views made through kept view classes (src/ndarray/views.ts) are the views scijs makes: an item of a
 * parallel action over an ndarray component is what `pick(i)` gives (same class, data, shape, stride
 * and offset) for every dtype, for rows of one, two and three dimensions, and for strided, offset,
 * transposed and reversed arrays; gathered components are what `ndarray()` gives.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Batch, Dataset, type NDArray } from '../../src/index.js';
import { contiguousView, RowViews } from '../../src/ndarray/views.js';

class ItemsBatch extends Batch {
  static override components = ['x'] as const;
  declare x: NDArray;
}

type TypedConstructor = new (length: number) => ArrayLike<number> & { [index: number]: number };

const storages: ReadonlyArray<TypedConstructor> = [
  Float32Array,
  Float64Array,
  Int8Array,
  Int16Array,
  Int32Array,
  Uint8Array,
  Uint16Array,
  Uint32Array,
  Uint8ClampedArray,
];

function filled(Storage: TypedConstructor, length: number): ArrayLike<number> {
  const data = new Storage(length);
  for (let i = 0; i < length; i++) data[i] = (i * 7) % 100;
  return data;
}

/** What a view is: its class, storage, shape, stride and offset. */
function describeView(view: NDArray): unknown {
  return { cls: view.constructor, data: view.data, shape: [...view.shape], stride: [...view.stride], offset: view.offset, dtype: view.dtype };
}

/** The items a parallel action over component `x` of a batch holding `array` receives. */
async function itemsSeen(array: NDArray): Promise<NDArray[]> {
  const batch = new ItemsBatch(Array.from({ length: array.shape[0]! }, (_, i) => i));
  batch.x = array;
  const seen: NDArray[] = [];
  await batch.applyParallel((item: NDArray) => void seen.push(item), { src: 'x', post: null });
  return seen;
}

describe('row views', () => {
  test.each(storages.map((Storage) => [Storage.name, Storage] as const))('items of a %s component are the views pick() gives', async (_, Storage) => {
    const arrays: NDArray[] = [
      ndarray(filled(Storage, 24) as never, [6, 4]),
      ndarray(filled(Storage, 24) as never, [4, 3, 2]),
      ndarray(filled(Storage, 48) as never, [3, 2, 2, 4]),
      ndarray(filled(Storage, 40) as never, [5, 4], [8, 2], 1), // strided, with an offset
      ndarray(filled(Storage, 24) as never, [6, 4]).transpose(1, 0), // column-major rows
      ndarray(filled(Storage, 24) as never, [6, 4]).step(-1, -1), // reversed on both axes
      ndarray(filled(Storage, 24) as never, [4, 3, 2])
        .lo(1, 1, 0)
        .hi(3, 2, 2),
    ];
    for (const array of arrays) {
      const seen = await itemsSeen(array);
      expect(seen.map(describeView)).toEqual(Array.from({ length: array.shape[0]! }, (_, i) => describeView(array.pick(i))));
      // the views read the array's elements
      seen.forEach((item, i) => expect(Array.from(item.data as ArrayLike<number>)).toEqual(Array.from(array.pick(i).data as ArrayLike<number>)));
      if (array.shape.length === 2) seen.forEach((item, i) => expect(item.get(1)).toBe(array.get(i, 1)));
    }
  });

  test('rows of generic (array) storage and of a Buffer are the views pick() gives', async () => {
    const generic = ndarray(
      Array.from({ length: 12 }, (_, i) => i),
      [4, 3],
    );
    const buffer = ndarray(Buffer.from(Array.from({ length: 12 }, (_, i) => i * 2)), [3, 4]);
    for (const array of [generic, buffer]) {
      const seen = await itemsSeen(array as NDArray);
      expect(seen.map(describeView)).toEqual(Array.from({ length: array.shape[0]! }, (_, i) => describeView(array.pick(i) as NDArray)));
    }
  });

  test('a negative position gives what pick() gives (the whole array)', () => {
    const array = ndarray(new Float32Array(12), [4, 3]);
    expect(describeView(new RowViews(array).at(-1))).toEqual(describeView(array.pick(-1)));
  });
});

describe('contiguous views', () => {
  test.each(storages.map((Storage) => [Storage.name, Storage] as const))('a %s view is what ndarray() gives', (_, Storage) => {
    const data = filled(Storage, 24);
    for (const shape of [[24], [6, 4], [2, 3, 4], [0], [0, 4]]) {
      expect(describeView(contiguousView(data as never, shape))).toEqual(describeView(ndarray(data as never, shape)));
    }
  });

  test.each(storages.map((Storage) => [Storage.name, Storage] as const))('a %s view at an offset is what ndarray() gives with that offset', (_, Storage) => {
    const data = filled(Storage, 40);
    for (const [shape, offset] of [
      [[24], 16],
      [[6, 4], 8],
      [[2, 3, 4], 12],
      [[0], 3],
    ] as const) {
      expect(describeView(contiguousView(data as never, shape, offset))).toEqual(describeView(ndarray(data as never, [...shape], undefined, offset)));
    }
  });

  test('a Buffer keeps its own dtype', () => {
    const data = Buffer.alloc(8);
    expect(contiguousView(data, [2, 4]).dtype).toBe(ndarray(data, [2, 4]).dtype);
  });

  test('components gathered from a dataset are the views ndarray() makes', async () => {
    for (const Storage of storages) {
      const source = ndarray(filled(Storage, 40) as never, [10, 4]);
      const dataset = new Dataset(10, { batchClass: ItemsBatch, preloaded: { x: source } });
      const batch = dataset.createBatch([7, 2, 5]);
      const gathered = batch.x;
      const expected = ndarray(new Storage(12) as never, [3, 4]);
      expect(gathered.constructor).toBe(expected.constructor);
      expect([...gathered.shape, ...gathered.stride, gathered.offset]).toEqual([3, 4, 4, 1, 0]);
      expect(Array.from(gathered.data as ArrayLike<number>)).toEqual([7, 2, 5].flatMap((row) => [0, 1, 2, 3].map((j) => source.get(row, j))));
    }
  });
});
