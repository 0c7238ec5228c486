/**
 * Dataset: construction, data, batches, subsets, copies, splits, cross-validation
 * and batch generation; BatchFlow's dataset test cases and the fixes of bugs 2 and 7.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ArgumentError,
  Batch,
  BatchflowError,
  ComponentError,
  Dataset,
  DatasetIndex,
  MissingIdError,
  isNdArray,
  type IndexValue,
  type NDArray,
} from '../../src/index.js';
import { StopIterationError } from '../../src/dataset/iteration.js';
import { errorOf, range } from './helpers.js';

function toList(x: unknown): unknown {
  if (isNdArray(x)) return Array.from({ length: x.shape[0]! }, (_, i) => x.get(i));
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<number>);
  return x;
}
const nd = (values: number[]): NDArray => ndarray(Float64Array.from(values), [values.length]);
const ids = (x: { indices: readonly IndexValue[] }): IndexValue[] => [...x.indices];

class ImagesBatch extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray | null;
  declare labels: NDArray | null;
}

/** F-ds: Dataset(DatasetIndex(100), Batch). */
const fds = (): Dataset => new Dataset(new DatasetIndex(100), { batchClass: Batch });

describe('Dataset catalogue (§6.1)', () => {
  test('6.1-1: from_dataset: Dataset.fromDataset(ds, DatasetIndex(25)) → a Dataset, same batch class, ids 0..24', () => {
    const ds = fds();
    const made = Dataset.fromDataset(ds, new DatasetIndex(25));
    expect(made).toBeInstanceOf(Dataset);
    expect(made).not.toBe(ds);
    expect(made.batchClass).toBe(Batch);
    expect(ids(made)).toEqual(range(0, 25));
  });

  test('6.1-2: from_dataset_new_batch_class: batchClass ImagesBatch → the new dataset makes ImagesBatch batches', () => {
    const made = Dataset.fromDataset(fds(), new DatasetIndex(25), { batchClass: ImagesBatch });
    expect(made.batchClass).toBe(ImagesBatch);
    expect(made.createBatch([1, 2])).toBeInstanceOf(ImagesBatch);
  });

  test('6.1-3: build_index: Dataset.buildIndex(25) → a DatasetIndex (an index is returned as is)', () => {
    expect(Dataset.buildIndex(25)).toBeInstanceOf(DatasetIndex);
    const index = new DatasetIndex(3);
    expect(Dataset.buildIndex(index)).toBe(index);
  });

  test('6.1-4: create_subset: ds.createSubset(DatasetIndex(25)) → a Dataset whose ids are all in ds', () => {
    const ds = fds();
    const subset = ds.createSubset(new DatasetIndex(25));
    expect(subset).toBeInstanceOf(Dataset);
    expect(subset.length).toBe(25);
    expect(subset.indices.every((id) => ds.index.has(id))).toBe(true);
  });

  test('6.1-5: create_subset_wrong_index: ids 200..224 → MissingIdError listing the missing ids', () => {
    const error = errorOf(() => fds().createSubset(new DatasetIndex(range(200, 225))));
    expect(error).toBeInstanceOf(MissingIdError);
    expect((error as MissingIdError).ids).toEqual(range(200, 225));
    const partly = errorOf(() => fds().createSubset([5, 150, 99, 100]));
    expect((partly as MissingIdError).ids).toEqual([150, 100]);
  });

  test('6.1-6: create_batch: ds.createBatch(DatasetIndex(5)) → a batch of the batch class with 5 ids', () => {
    const ds = new Dataset(new DatasetIndex(100), { batchClass: ImagesBatch });
    const batch = ds.createBatch(new DatasetIndex(5));
    expect(batch).toBeInstanceOf(ImagesBatch);
    expect(batch.indices).toHaveLength(5);
  });

  // 6.1-7 (pipeline) and 6.1-8 (rshift) need the Pipeline layer: see spec/pipeline/builder.spec.ts.

  test('6.1-9: split_no_validation: train null before; split([0.8, 0.2]) → 80 / 20, validation null', () => {
    const ds = fds();
    expect(ds.train).toBeNull();
    expect(ds.isSplit).toBe(false);
    ds.split([0.8, 0.2]);
    expect(ds.train!.length).toBe(80);
    expect(ds.test!.length).toBe(20);
    expect(ds.validation).toBeNull();
    expect(ds.isSplit).toBe(true);
  });

  test('6.1-10: split_with_validation: [0.7, 0.2, 0.1] → 70 / 20 / 10', () => {
    const ds = fds().split([0.7, 0.2, 0.1]);
    expect([ds.train!.length, ds.test!.length, ds.validation!.length]).toEqual([70, 20, 10]);
  });

  test('6.1-11: split_with_validation_implicit: [0.6, 0.25] → validation set; 60 / 25 / 15', () => {
    const ds = fds().split([0.6, 0.25]);
    expect([ds.train!.length, ds.test!.length, ds.validation!.length]).toEqual([60, 25, 15]);
  });

  test('6.1-12: cv_split: cvSplit({nSplits: 3}) → cv(0..2) exist and are the same object on every call; cv(3) → ArgumentError', () => {
    const ds = fds().cvSplit({ nSplits: 3 });
    expect(ds.nSplits).toBe(3);
    for (const i of [0, 1, 2]) {
      expect(ds.cv(i)).toBeInstanceOf(Dataset);
      expect(ds.cv(i)).toBe(ds.cv(i));
      expect(ds.cv(i).train!.length + ds.cv(i).test!.length).toBe(100);
    }
    expect(() => ds.cv(3)).toThrow(ArgumentError);
    // bug 7: train/test of the dataset itself are not replaced by copies
    expect(ds.train).toBeNull();
    expect(ds.test).toBeNull();
  });

  test('6.1-13: cv_resplit: cvSplit 4 folds then 3 → cv(3) no longer exists, nSplits is 3', () => {
    const ds = fds().cvSplit({ nSplits: 4 });
    expect(ds.cv(3).test!.length).toBe(25);
    ds.cvSplit({ nSplits: 3 });
    expect(ds.nSplits).toBe(3);
    expect(() => ds.cv(3)).toThrow(ArgumentError);
    expect(ds.cv(0).test!.length).toBe(34);
  });
});

describe('construction (§2.1)', () => {
  test('§2.1: batchClass must be Batch or a subclass → TypeError otherwise', () => {
    class NotBatch {}
    expect(() => new Dataset(5, { batchClass: NotBatch as never })).toThrow(TypeError);
    expect(() => new Dataset(5, { batchClass: 123 as never })).toThrow(/batchClass/);
    expect(() => new Dataset(5, { batchClass: (() => null) as never })).toThrow(TypeError);
    expect(new Dataset(5).batchClass).toBe(Batch);
    expect(new Dataset(5, { batchClass: ImagesBatch }).batchClass).toBe(ImagesBatch);
  });

  test('§2.1: a DatasetIndex is used as is (shared); anything else goes through new DatasetIndex', () => {
    const index = new DatasetIndex(['a', 'b']);
    expect(new Dataset(index).index).toBe(index);
    expect(ids(new Dataset(['x', 'y']))).toEqual(['x', 'y']);
    expect(() => new Dataset([])).toThrow(ArgumentError);
  });

  test('§2.1: other options become attributes (getAttrs lists them); a member name → ArgumentError', () => {
    const ds = new Dataset(5, { locations: [1, 2], tag: 'T' }) as Dataset & { locations: number[] };
    expect(ds.locations).toEqual([1, 2]);
    expect(ds.getAttrs()).toEqual({ locations: [1, 2], tag: 'T' });
    expect(() => new Dataset(5, { split: 1 })).toThrow(ArgumentError);
    expect(() => new Dataset(5, { train: 1 })).toThrow(ArgumentError);
    expect(() => new Dataset(5, { index: 1 })).toThrow(ArgumentError);
  });

  test('§2.1: nSplits runs cvSplit at once: Dataset(6, {nSplits: 3, shuffle: 5}) → 3 folds of 2 cut from shuffle(5)', () => {
    const ds = new Dataset(6, { nSplits: 3, shuffle: 5 });
    const order = Array.from(new DatasetIndex(6).shuffle(5));
    expect([0, 1, 2].map((i) => ids(ds.cv(i).test!))).toEqual([order.slice(0, 2), order.slice(2, 4), order.slice(4, 6)]);
    expect(ds.getAttrs()).toEqual({});
  });
});

describe('data (§2.2, §2.3)', () => {
  test('§2.2: data is null without preloaded data, and preloaded itself for a batch class without components', () => {
    expect(new Dataset(5).data).toBeNull();
    const raw = [0, 10, 20, 30, 40];
    expect(new Dataset(5, { preloaded: raw }).data).toBe(raw);
  });

  test('§2.2: with components, data is a record {component: whole data} (a tuple by position, a record by name), built once', () => {
    const images = nd([1, 2, 3]);
    const labels = [7, 8, 9];
    const fromTuple = new Dataset(3, { batchClass: ImagesBatch, preloaded: [images, labels] });
    expect(fromTuple.data).toEqual({ images, labels });
    expect(fromTuple.data).toBe(fromTuple.data);
    const fromRecord = new Dataset(3, { batchClass: ImagesBatch, preloaded: { labels } });
    expect(fromRecord.data).toEqual({ images: null, labels });
    expect(fromRecord.component('labels')).toBe(labels);
    expect(fromRecord.component('images')).toBeNull();
  });

  test('§2.2: component() of a name that is not a component → ComponentError', () => {
    expect(() => new Dataset(3, { batchClass: ImagesBatch, preloaded: {} }).component('masks')).toThrow(ComponentError);
    expect(() => new Dataset(3).component('images')).toThrow(ComponentError);
  });

  test('§2.3 observed: Dataset(5, preloaded arange(5)*10).createBatch([1,3]).data == [10, 30]', () => {
    expect(toList(new Dataset(5, { preloaded: [0, 10, 20, 30, 40] }).createBatch([1, 3]).data)).toEqual([10, 30]);
    expect(toList(new Dataset(5, { preloaded: nd([0, 10, 20, 30, 40]) }).createBatch([1, 3]).data)).toEqual([10, 30]);
  });

  test("§2.3 observed: components (a, b), preloaded keyed by id over ['x','y','z']: createBatch(['z','x']) → a [3,1], b ['Z','X']", () => {
    class AB extends Batch {
      static override components = ['a', 'b'] as const;
      declare a: unknown;
      declare b: unknown;
    }
    const ds = new Dataset(['x', 'y', 'z'], { batchClass: AB, preloaded: { a: { x: 1, y: 2, z: 3 }, b: { x: 'X', y: 'Y', z: 'Z' } } });
    const batch = ds.createBatch(['z', 'x']);
    expect(toList(batch.a)).toEqual([3, 1]);
    expect(toList(batch.b)).toEqual(['Z', 'X']);
  });

  test('§2.1: copy: true gives batches their own data (editing a batch leaves preloaded alone); copyData reports the flag', () => {
    const data = Float64Array.from([0, 1, 2, 3]);
    const ds = new Dataset(4, { preloaded: data, copy: true });
    const copied = ds.createBatch([0, 1, 2, 3]);
    (copied.data as Float64Array)[0] = 100;
    expect((copied.data as Float64Array)[0]).toBe(100);
    expect(data[0]).toBe(0);
    expect(ds.copyData).toBe(true);
    expect(ds.copy().copyData).toBe(true);
    expect(new Dataset(4, { preloaded: data }).copyData).toBe(false);
  });
});

describe('batches, subsets, copies (§2.4)', () => {
  test('§2.4: createBatch reads ids by default and positions with pos: true; a DatasetIndex is used as is', () => {
    const ds = new Dataset(['a', 'b', 'c', 'd']);
    expect(ds.createBatch(['d', 'a']).indices).toEqual(['d', 'a']);
    expect(ds.createBatch([3, 0], { pos: true }).indices).toEqual(['d', 'a']);
    const index = new DatasetIndex(['c']);
    const batch = ds.createBatch(index);
    expect(batch.index).toBe(index);
    expect(batch.dataset).toBe(ds);
  });

  test('§2.4: other createBatch options become batch attributes', () => {
    const batch = new Dataset(5).createBatch([1], { tag: 'x' });
    expect(batch.getAttrs()).toEqual({ tag: 'x' });
  });

  test('§2.4: createSubset of all the ids gives back the dataset; a subclass is kept; preloaded and attrs are shared', () => {
    class MyDataset extends Dataset {}
    const preloaded = [0, 10, 20, 30, 40];
    const ds = new MyDataset(5, { preloaded, tag: 't' });
    expect(ds.createSubset([0, 1, 2, 3, 4])).toBe(ds);
    const subset = ds.createSubset([3, 1]);
    expect(subset).toBeInstanceOf(MyDataset);
    expect(subset.preloaded).toBe(preloaded);
    expect(subset.getAttrs()).toEqual({ tag: 't' });
    expect(toList(subset.createBatch([3, 1]).data)).toEqual([30, 10]);
  });

  test('§2.4: fromDataset gives back the same object for an equal index, and a new one with copy, a new batch class or attributes', () => {
    const ds = new Dataset(5);
    expect(Dataset.fromDataset(ds, new DatasetIndex(5))).toBe(ds);
    expect(Dataset.fromDataset(ds, new DatasetIndex([4, 3, 2, 1, 0]))).not.toBe(ds);
    expect(Dataset.fromDataset(ds, ds.index, { copy: true })).not.toBe(ds);
    expect(Dataset.fromDataset(ds, ds.index, { batchClass: ImagesBatch })).not.toBe(ds);
    const tagged = Dataset.fromDataset(ds, ds.index, { note: 'n' });
    expect(tagged.getAttrs()).toEqual({ note: 'n' });
  });

  test('§2.4: copy() → a new dataset: same preloaded data (shared), attrs and ids; a new index object', () => {
    const preloaded = { x: [1, 2, 3] };
    const ds = new Dataset(3, { preloaded, tag: 1 });
    const copy = ds.copy();
    expect(copy).not.toBe(ds);
    expect(copy.preloaded).toBe(preloaded);
    expect(copy.getAttrs()).toEqual({ tag: 1 });
    expect(copy.index).not.toBe(ds.index);
    expect(ids(copy)).toEqual([0, 1, 2]);
  });

  test('§2.4: split parts are datasets on both the index and the dataset (ds.train.index is ds.index.train)', () => {
    const ds = new Dataset(10, { preloaded: range(0, 10).map((i) => i * 10) });
    ds.split(0.8);
    expect(ds.train!.index).toBe(ds.index.train);
    expect(ds.test!.index).toBe(ds.index.test);
    expect(ids(ds.test!)).toEqual([0, 1]);
    expect(toList(ds.train!.createBatch([9, 2]).data)).toEqual([90, 20]);
  });

  test('§2.4 / bug 2: stale parts are cleared on the dataset and the index', () => {
    const ds = new Dataset(10).split([0.5, 0.3]);
    expect(ds.validation).not.toBeNull();
    ds.split(0.8);
    expect(ds.validation).toBeNull();
    expect(ds.index.validation).toBeNull();
  });

  test('§2.4: a split that keeps every id in train still gives a new dataset (never the dataset itself)', () => {
    const ds = new Dataset(4).split(1.0);
    expect(ds.train).not.toBe(ds);
    expect(ds.test).toBeNull();
    expect(ids(ds.train!)).toEqual([0, 1, 2, 3]);
  });
});

describe('cross-validation (§2.5, bug 7)', () => {
  test('§2.5 observed: Dataset(10).cvSplit(3): tests [0..3], [4,5,6], [7,8,9]; trains the other folds in fold order', () => {
    const ds = new Dataset(10).cvSplit({ nSplits: 3 });
    expect([0, 1, 2].map((i) => ids(ds.cv(i).test!))).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6],
      [7, 8, 9],
    ]);
    expect([0, 1, 2].map((i) => ids(ds.cv(i).train!))).toEqual([
      [4, 5, 6, 7, 8, 9],
      [0, 1, 2, 3, 7, 8, 9],
      [0, 1, 2, 3, 4, 5, 6],
    ]);
  });

  test('bug 7: folds are proper subsets; cv(i) is a copy of the dataset with train/test set on it and its index; an earlier split survives', () => {
    const preloaded = range(0, 10).map((i) => i * 10);
    const ds = new Dataset(10, { preloaded }).split(0.8);
    const earlierTrain = ds.train;
    ds.cvSplit({ nSplits: 5, shuffle: 2 });
    expect(ds.train).toBe(earlierTrain);
    const fold = ds.cv(1);
    expect(fold).not.toBe(ds);
    expect(fold.length).toBe(10);
    expect(fold.preloaded).toBe(preloaded);
    expect(fold.test!.length).toBe(2);
    expect(fold.train!.length).toBe(8);
    expect(fold.index.test).toBe(fold.test!.index);
    expect(ds.index.train).toBe(earlierTrain!.index);
    const testIds = fold.test!.indices as number[];
    expect(toList(fold.test!.createBatch(testIds).data)).toEqual(testIds.map((i) => i * 10));
    const allTests = [0, 1, 2, 3, 4].flatMap((i) => ds.cv(i).test!.indices as number[]);
    expect(allTests.sort((a, b) => a - b)).toEqual(range(0, 10));
  });

  test('§2.5: fold sizes: the first n mod k folds get one item more (11 items, 4 folds → 3,3,3,2)', () => {
    const ds = new Dataset(11).cvSplit({ nSplits: 4 });
    expect([0, 1, 2, 3].map((i) => ds.cv(i).test!.length)).toEqual([3, 3, 3, 2]);
  });

  test('§2.5: errors: an unknown method, nSplits < 2 or > length → ArgumentError; cv before cvSplit → BatchflowError', () => {
    const ds = new Dataset(5);
    expect(() => ds.cv(0)).toThrow(/call cvSplit\(\) first/);
    expect(() => ds.cv(0)).toThrow(BatchflowError);
    expect(() => ds.cvSplit({ method: 'loo' as 'kfold' })).toThrow(ArgumentError);
    expect(() => ds.cvSplit({ nSplits: 1 })).toThrow(ArgumentError);
    expect(() => ds.cvSplit({ nSplits: 6 })).toThrow(ArgumentError);
    expect(ds.nSplits).toBeNull();
  });
});

describe('batch generation from a dataset (§2.4, §1.7)', () => {
  test('§2.4: genBatch defaults to endless (nEpochs null): 25 batches of 2 from 5 items and still going', () => {
    const gen = new Dataset(5).genBatch(2);
    for (let i = 0; i < 25; i++) expect(gen.next().done).toBe(false);
  });

  test('genBatch yields batches of the batch class, with the dataset and the cropped data', () => {
    const ds = new Dataset(range(100, 106), { batchClass: ImagesBatch, preloaded: { images: nd(range(0, 6)), labels: nd(range(10, 16)) } });
    const batches = [...ds.genBatch({ batchSize: 4, nEpochs: 1 })];
    expect(batches.map((b) => b.indices)).toEqual([
      [100, 101, 102, 103],
      [104, 105],
    ]);
    expect(batches.every((b) => b instanceof ImagesBatch && b.dataset === ds)).toBe(true);
    expect(toList(batches[1]!.labels)).toEqual([14, 15]);
  });

  test('genBatch: the same seed gives the same batches; options are checked when genBatch is called', () => {
    const ds = new Dataset(20);
    const run = (): IndexValue[][] => [...ds.genBatch({ batchSize: 3, nEpochs: 2, shuffle: 4 })].map((b) => [...b.indices]);
    expect(run()).toEqual(run());
    expect(run().flat()).toHaveLength(40);
    expect(() => ds.genBatch(21)).toThrow(ArgumentError);
  });

  test("nextBatch continues the dataset's own state; StopIterationError at the end; reset('iter') resets it and the index's", () => {
    const ds = new Dataset(['a', 'b', 'c']);
    expect(ds.nextBatch({ batchSize: 2, nEpochs: 1 }).indices).toEqual(['a', 'b']);
    expect(ds.nextBatch({ batchSize: 2, nEpochs: 1 }).indices).toEqual(['c']);
    expect(() => ds.nextBatch({ batchSize: 2, nEpochs: 1 })).toThrow(StopIterationError);
    ds.index.nextBatch(1);
    ds.reset('iter');
    expect(ds.index.iterParams.nIters).toBe(0);
    expect(ds.nextBatch(2, { nEpochs: 1 }).indices).toEqual(['a', 'b']);
  });
});
