/**
 * Batches cut from preloaded arrays (rows gathered by position, copied run by run) and per-item results
 * stacked back into a component: every dtype and row shape gives exactly the source's elements, bit for
 * bit, in batch order, whatever the order of the ids (shuffled, consecutive runs, repeated ids).
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Batch, Dataset, Rng, type NDArray } from '../../src/index.js';
import { expectSameValues } from '../helpers/values.js';

class TableBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: NDArray;
}

type Typed = Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | Uint8ClampedArray;
type TypedConstructor = new (length: number) => Typed;

const constructors: ReadonlyArray<[string, TypedConstructor]> = [
  ['float32', Float32Array],
  ['float64', Float64Array],
  ['int8', Int8Array],
  ['int16', Int16Array],
  ['int32', Int32Array],
  ['uint8', Uint8Array],
  ['uint16', Uint16Array],
  ['uint32', Uint32Array],
  ['uint8_clamped', Uint8ClampedArray],
];

/** An array of `length` elements whose every byte differs from its neighbours' (a misplaced byte shows). */
function filled(Constructor: TypedConstructor, length: number): Typed {
  const out = new Constructor(length);
  const bytes = new Uint8Array(out.buffer);
  for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 37 + 11) % 251;
  return out;
}

/** The bytes of rows `ids` of `data` (rows of `rowSize` elements), one after another: the expected batch. */
function expectedRows(data: Typed, rowSize: number, ids: readonly number[]): number[] {
  const width = data.BYTES_PER_ELEMENT * rowSize;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  return ids.flatMap((id) => Array.from(bytes.subarray(id * width, (id + 1) * width)));
}

function bytesOf(array: NDArray): number[] {
  const data = array.data as Typed;
  const width = data.BYTES_PER_ELEMENT;
  return Array.from(new Uint8Array(data.buffer, data.byteOffset + array.offset * width, array.size * width));
}

describe('batches gathered from preloaded arrays', () => {
  const items = 50;
  const orders: ReadonlyArray<[string, number[]]> = [
    ['shuffled', Array.from(new Rng(7).permutation(items))],
    ['runs of consecutive ids', [10, 11, 12, 13, 40, 41, 0, 1, 2, 49, 20, 21, 22, 23, 24, 25]],
    ['repeated ids', [3, 3, 3, 4, 4, 0]],
  ];
  for (const [dtype, Constructor] of constructors) {
    for (const [order, ids] of orders) {
      test(`${dtype}, ${order}: each row's bytes, in batch order (rows of 1, 3 and 2×5 elements)`, () => {
        for (const rowShape of [[], [3], [2, 5]]) {
          const rowSize = rowShape.reduce((a, b) => a * b, 1);
          const data = filled(Constructor, items * rowSize);
          const dataset = new Dataset(items, {
            batchClass: TableBatch,
            preloaded: { x: ndarray(data, [items, ...rowShape]), y: ndarray(data.slice(0, items), [items]) },
          });
          const batch = dataset.createBatch(ids);
          expect(batch.x.shape).toEqual([ids.length, ...rowShape]);
          expect(batch.x.dtype).toBe(dtype);
          expectSameValues(bytesOf(batch.x), expectedRows(data, rowSize, ids));
          expectSameValues(bytesOf(batch.y), expectedRows(data.slice(0, items), 1, ids));
        }
      });
    }
  }

  test('rows shorter and longer than the ones read ahead of the copy (up to 256 bytes), at shuffled positions', () => {
    const count = 300;
    const ids = Array.from(new Rng(11).permutation(count)).slice(0, 120);
    for (const [, Constructor] of [constructors[0]!, constructors[5]!, constructors[1]!]) {
      for (const rowSize of [1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 257]) {
        const data = filled(Constructor, count * rowSize);
        const column = data.slice(0, count);
        // expected from the untouched source: the gathering only reads it
        const expectedX = expectedRows(data, rowSize, ids);
        const expectedY = expectedRows(column, 1, ids);
        const dataset = new Dataset(count, { batchClass: TableBatch, preloaded: { x: ndarray(data, [count, rowSize]), y: ndarray(column, [count]) } });
        const batch = dataset.createBatch(ids);
        expectSameValues(bytesOf(batch.x), expectedX);
        expectSameValues(bytesOf(batch.y), expectedY);
        expectSameValues(expectedRows(data, rowSize, ids), expectedX);
      }
    }
  });

  test('NaN payloads and -0 travel unchanged (float32 and float64)', () => {
    const f32 = new Float32Array(8);
    new Uint32Array(f32.buffer).set([0x7fc00123, 0xffa00001, 0x80000000, 0x7f800001, 0x3f800000, 0, 0x7fffffff, 1]);
    const f64 = new Float64Array(8);
    new Uint32Array(f64.buffer).set([1, 0x7ff00000, 0x123, 0xfff80000, 0, 0x80000000, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
    const dataset = new Dataset(8, { batchClass: TableBatch, preloaded: { x: ndarray(f32, [8]), y: ndarray(f64, [8]) } });
    const ids = [7, 0, 3, 1, 2, 6];
    const batch = dataset.createBatch(ids);
    expect(bytesOf(batch.x)).toEqual(expectedRows(f32, 1, ids));
    expect(bytesOf(batch.y)).toEqual(expectedRows(f64, 1, ids));
  });

  test('plain typed-array components (not ndarrays) keep NaN payloads too', () => {
    const f32 = new Float32Array(6);
    new Uint32Array(f32.buffer).set([0x7f800001, 0xffa00001, 0x7fc00123, 0x3f800000, 0x80000000, 2]);
    const f64 = new Float64Array(3);
    new Uint32Array(f64.buffer).set([1, 0x7ff00000, 0x123, 0xfff00000, 9, 0x7ff00000]);
    const dataset = new Dataset(3, { batchClass: TableBatch, preloaded: { x: f32.subarray(0, 3), y: f64 } });
    const ids = [2, 0, 1, 0];
    const batch = dataset.createBatch(ids);
    const x = batch.x as unknown as Float32Array;
    const y = batch.y as unknown as Float64Array;
    expect(Array.from(new Uint32Array(x.buffer, x.byteOffset, x.length))).toEqual(ids.map((id) => new Uint32Array(f32.buffer)[id]));
    expect(Array.from(new Uint8Array(y.buffer, y.byteOffset, y.byteLength))).toEqual(expectedRows(f64, 1, ids));
  });

  test('a source that is a view (offset into its storage) or not contiguous (transposed) gives its own rows', () => {
    const storage = Float64Array.from({ length: 7 * 4 }, (_, i) => i);
    const offsetView = ndarray(storage, [6, 4]).lo(1, 0); // rows 1..6 of the storage
    const transposed = ndarray(storage.slice(0, 24), [4, 6]).transpose(1, 0); // 6 rows of 4, strided
    const dataset = new Dataset(5, { batchClass: TableBatch, preloaded: { x: offsetView.hi(5, 4), y: transposed.hi(5, 4) } });
    const batch = dataset.createBatch([4, 0, 2]);
    const rowsOf = (array: NDArray): number[][] => Array.from({ length: array.shape[0]! }, (_, i) => Array.from({ length: 4 }, (_, j) => array.get(i, j)));
    expect(rowsOf(batch.x)).toEqual([4, 0, 2].map((i) => [0, 1, 2, 3].map((j) => storage[(i + 1) * 4 + j]!)));
    expect(rowsOf(batch.y)).toEqual([4, 0, 2].map((i) => [0, 1, 2, 3].map((j) => j * 6 + i)));
  });
});

describe('per-item results stacked into a component', () => {
  const items = 12;
  const source = (): Dataset<TableBatch> =>
    new Dataset(items, {
      batchClass: TableBatch,
      preloaded: {
        x: ndarray(
          Float32Array.from({ length: items * 4 }, (_, i) => i / 8),
          [items, 4],
        ),
        y: ndarray(new Int32Array(items), [items]),
      },
    });
  const ids = [5, 2, 11, 0, 7];

  test('fresh arrays, views of other storage, and strided views stack to the same values', async () => {
    const times = (factor: number) => (row: NDArray) =>
      ndarray(
        Float32Array.from({ length: 4 }, (_, j) => (row.get(j) as number) * factor),
        [4],
      );
    const shared = ndarray(
      Float32Array.from({ length: 40 }, (_, i) => i),
      [10, 4],
    );
    const fresh = source().createBatch(ids);
    await fresh.applyParallel(times(2), { src: 'x', target: 'for' });
    expect(Array.from(fresh.x.data as Float32Array)).toEqual(ids.flatMap((id) => [0, 1, 2, 3].map((j) => ((id * 4 + j) / 8) * 2)));
    const views = source().createBatch(ids);
    await views.applyParallel((_row: NDArray, _options: object, context) => shared.pick(context.position + 1), { src: 'x', target: 'for' });
    expect(Array.from(views.x.data as Float32Array)).toEqual(ids.flatMap((_, k) => [0, 1, 2, 3].map((j) => (k + 1) * 4 + j)));
    const strided = source().createBatch(ids);
    await strided.applyParallel((row: NDArray) => row.step(-1), { src: 'x', target: 'for' });
    expect(Array.from(strided.x.data as Float32Array)).toEqual(ids.flatMap((id) => [3, 2, 1, 0].map((j) => (id * 4 + j) / 8)));
  });

  test('results of mixed dtypes stack as float64 with every value kept', async () => {
    const batch = source().createBatch(ids);
    await batch.applyParallel(
      (row: NDArray, _options: object, context) => {
        const even = context.position % 2 === 0;
        const out = even ? new Float64Array(4) : new Int16Array(4);
        for (let j = 0; j < 4; j++) out[j] = Math.round((row.get(j) as number) * 8) + (even ? 0.25 : 0);
        return ndarray(out, [4]);
      },
      { src: 'x', target: 'for' },
    );
    expect(batch.x.dtype).toBe('float64');
    expect(Array.from(batch.x.data as Float64Array)).toEqual(ids.flatMap((id, k) => [0, 1, 2, 3].map((j) => id * 4 + j + (k % 2 === 0 ? 0.25 : 0))));
  });
});
