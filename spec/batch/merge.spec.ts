/**
 * Port of BatchFlow's rebatch_test.py::test_merge (catalogue T105–T106) and BatchFlow's merge table.
 * (T93–T104 exercise `rebatch` inside a pipeline and are deferred to the pipeline issue.)
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, Batch, ComponentError, DatasetIndex, type BatchOptions, type Column, type NDArray } from '../../src/index.js';
import { toList, range, nd } from '../helpers/values.js';

class MyBatch extends Batch {
  static override components = ['dummy'] as const;
  declare dummy: NDArray;
}

describe('rebatch_test::test_merge', () => {
  (
    [
      [105, 1],
      [106, 3],
    ] as const
  ).forEach(([n, k]) => {
    test(`T${n}: merge([b]*${k}) of a 60-item batch → dummy of shape [${60 * k}, 2], rest null`, () => {
      const data = new Float64Array(120);
      for (let i = 0; i < 60; i++) data.set([i, i], 2 * i);
      const b = new MyBatch(Int32Array.from(range(0, 60)), { preloaded: [ndarray(data, [60, 2])] });
      const [merged, rest] = MyBatch.merge(Array.from({ length: k }, () => b));
      expect(rest).toBeNull();
      expect(merged).toBeInstanceOf(MyBatch);
      const dummy = (merged as MyBatch).dummy;
      expect(dummy.shape).toEqual([60 * k, 2]);
      expect(dummy.get(60 * k - 1, 0)).toBe(59);
      expect(dummy.get(61 % (60 * k), 1)).toBe(61 % 60);
      expect(merged!.indices).toEqual(range(0, 60 * k));
    });
  });
});

// ---- §6.1 table: three batches of sizes 3, 4, 2; images = id*10, labels = id + 1000 -------------

class IL extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray | null;
  declare labels: NDArray | null;
}

function threeBatches<B extends Batch>(
  cls: new (index: number[], options?: BatchOptions) => B = IL as never,
  fill: (ids: number[]) => unknown = (ids) => ({ images: nd(ids.map((i) => i * 10)), labels: nd(ids.map((i) => i + 1000)) }),
): B[] {
  return [range(0, 3), range(3, 7), range(7, 9)].map((ids) => new cls(ids, { preloaded: fill(ids) }));
}

const imagesOf = (batch: Batch | null): unknown => (batch === null ? null : toList(batch.getComponent('images')));
const labelsOf = (batch: Batch | null): unknown => (batch === null ? null : toList(batch.getComponent('labels')));

describe('Batch.merge (§6.1)', () => {
  test('§6.1 no batchSize → one batch of all 9 items with ids 0..8, rest null', () => {
    const [batch, rest] = IL.merge(threeBatches());
    expect(imagesOf(batch)).toEqual(range(0, 9).map((i) => i * 10));
    expect(labelsOf(batch)).toEqual(range(1000, 1009));
    expect(batch!.indices).toEqual(range(0, 9));
    expect(rest).toBeNull();
  });

  const splits: Array<[number, number]> = [
    [1, 1],
    [3, 3],
    [4, 4],
    [5, 5],
    [7, 7],
    [9, 9],
    [10, 9],
    [20, 9],
  ];
  for (const [batchSize, taken] of splits) {
    test(`§6.1 batchSize ${batchSize} → ${taken} items + ${9 - taken === 0 ? 'rest null' : `rest of ${9 - taken}`}`, () => {
      const [batch, rest] = IL.merge(threeBatches(), { batchSize });
      expect(imagesOf(batch)).toEqual(range(0, taken).map((i) => i * 10));
      expect(labelsOf(batch)).toEqual(range(1000, 1000 + taken));
      expect(batch!.indices).toEqual(range(0, taken));
      if (taken === 9) {
        expect(rest).toBeNull();
      } else {
        expect(imagesOf(rest)).toEqual(range(taken, 9).map((i) => i * 10));
        expect(labelsOf(rest)).toEqual(range(1000 + taken, 1009));
        expect(rest!.indices).toEqual(range(0, 9 - taken));
      }
    });
  }

  test("§6.1 components ['labels','images'] → merged components in that order", () => {
    const [batch] = IL.merge(threeBatches(), { components: ['labels', 'images'] });
    expect(batch!.components).toEqual(['labels', 'images']);
    expect(labelsOf(batch)).toEqual(range(1000, 1009));
    expect(imagesOf(batch)).toEqual(range(0, 9).map((i) => i * 10));
  });

  test('§6.1 a component null in every batch stays null', () => {
    const [batch] = IL.merge(threeBatches(IL, (ids) => ({ images: nd(ids.map((i) => i * 10)) })));
    expect(imagesOf(batch)).toEqual(range(0, 9).map((i) => i * 10));
    expect(batch!.getComponent('labels')).toBeNull();
  });

  test('§6.1 (bug 21) the first component null everywhere but the second present → size from the second', () => {
    const [batch, rest] = IL.merge(
      threeBatches(IL, (ids) => ({ labels: nd(ids.map((i) => i + 1000)) })),
      { batchSize: 4 },
    );
    expect(batch).not.toBeNull();
    expect(batch!.size).toBe(4);
    expect(batch!.getComponent('images')).toBeNull();
    expect(labelsOf(batch)).toEqual(range(1000, 1004));
    expect(rest!.size).toBe(5);
    expect(labelsOf(rest)).toEqual(range(1004, 1009));
  });

  test('§6.1 a component null in some batches only → ComponentError naming it', () => {
    const batches = threeBatches();
    batches[1]!.setComponent('labels', null);
    const error = (() => {
      try {
        IL.merge(batches);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('labels');
  });

  test('§6.1 batchClass Other → the result is an Other, merged with Other.mergeComponent (bug 21: the target class merges)', () => {
    const calls: string[] = [];
    class Other extends Batch {
      static override components = ['images', 'labels'] as const;
      static override mergeComponent(component: string, data: readonly Column[]): Column {
        calls.push(component);
        return Batch.mergeComponent(component, data);
      }
    }
    const [batch, rest] = IL.merge(threeBatches(), { batchClass: Other, batchSize: 5 });
    expect(batch).toBeInstanceOf(Other);
    expect(rest).toBeInstanceOf(Other);
    expect(imagesOf(batch)).toEqual([0, 10, 20, 30, 40]);
    expect(calls).toContain('images');
    expect(calls).toContain('labels');
  });

  test('§6.1 (bug 21) batches without components: their array data is merged', () => {
    const batches = [range(0, 3), range(3, 7), range(7, 9)].map((ids) => new Batch(ids, { preloaded: nd(ids.map((i) => i * 10)) }));
    const [batch, rest] = Batch.merge(batches, { batchSize: 6 });
    expect(batch!.components).toBeNull();
    expect(toList(batch!.data)).toEqual([0, 10, 20, 30, 40, 50]);
    expect(toList(rest!.data)).toEqual([60, 70, 80]);
  });

  test('§6.1 (bug 21) merge([]) → [null, null]', () => {
    expect(IL.merge([])).toEqual([null, null]);
  });

  test('§6.1 the merged batch loses the original ids, dataset and attributes; inputs are unchanged', () => {
    const batches = [
      new IL([100, 101], { preloaded: { images: nd([1, 2]), labels: nd([3, 4]) }, tag: 'x' }),
      new IL([200], { preloaded: { images: nd([5]), labels: nd([6]) } }),
    ];
    const [batch] = IL.merge(batches);
    expect(batch!.indices).toEqual([0, 1, 2]);
    expect(batch!.dataset).toBeNull();
    expect(batch!.getAttrs()).toEqual({});
    expect(imagesOf(batch)).toEqual([1, 2, 5]);
    expect(batches[0]!.indices).toEqual([100, 101]);
    expect(imagesOf(batches[0]!)).toEqual([1, 2]);
  });

  test('§6.1 mergeComponent concatenates ndarrays, typed arrays and JS arrays; mixed kinds → TypeError', () => {
    expect(toList(Batch.mergeComponent('x', [nd([1, 2]), nd([3])]))).toEqual([1, 2, 3]);
    expect(Array.from(Batch.mergeComponent('x', [Int32Array.from([1]), Int32Array.from([2, 3])]) as Int32Array)).toEqual([1, 2, 3]);
    expect(Batch.mergeComponent('x', [['a'], ['b', 'c']])).toEqual(['a', 'b', 'c']);
    expect(() => Batch.mergeComponent('x', [nd([1]), ['b']])).toThrow(TypeError);
  });

  test('§6.1 batchSize must be a positive integer', () => {
    expect(() => IL.merge(threeBatches(), { batchSize: 0 })).toThrow(ArgumentError);
    expect(() => IL.merge(threeBatches(), { batchSize: 2.5 })).toThrow(ArgumentError);
  });

  test('§6.1 merged 2-D components keep their row shape', () => {
    const a = new IL(new DatasetIndex(2), { preloaded: { images: ndarray(Float64Array.from([1, 2, 3, 4]), [2, 2]) } });
    const b = new IL(new DatasetIndex(1), { preloaded: { images: ndarray(Float64Array.from([5, 6]), [1, 2]) } });
    const [batch] = IL.merge([a, b]);
    expect(toList(batch!.getComponent('images'))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });
});

describe('mergeComponent dtypes', () => {
  test('§6.2 merging ndarrays of different dtypes keeps every value (like np.concatenate: upcast, no truncation)', () => {
    const ints = ndarray(Int32Array.from([1, 2]), [2]);
    const floats = ndarray(Float64Array.from([2.5, -0.25]), [2]);
    const merged = Batch.mergeComponent('x', [ints, floats]) as NDArray;
    expect(toList(merged)).toEqual([1, 2, 2.5, -0.25]);
    expect(merged.dtype).toBe('float64');
    const same = Batch.mergeComponent('x', [ints, ndarray(Int32Array.from([3]), [1])]) as NDArray;
    expect(same.dtype).toBe('int32');
    expect(toList(same)).toEqual([1, 2, 3]);
  });
});
