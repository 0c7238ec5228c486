/**
 * The pipeline forms of the catalogue cases (spec/CATALOGUE.md): apply_parallel_test.py T1–T7 as the reference
 * runs them (`update(B('images'), ARRAY_INIT).update(B('masks'), ARRAY_INIT).<action>` then
 * `nextBatch(8)`), and the `pl=True` variants of components_batch_test.py (T8–T57, D41–D46): the
 * template pipeline `initVariable('dummy').update(V('dummy'), B('data'))` (with the test's own
 * pipeline in front) over the dataset, three `nextBatch(10)` calls, then `load({src, dst})` when dst
 * is given.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { B, Batch, ComponentError, Dataset, F, V, isNdArray, tuple, type BatchClass, type NDArray, type Pipeline } from '../../src/index.js';
import { ApBatch, CONST, range, toList } from './fixtures/batches.js';

// ---- apply_parallel_test.py (T1–T7) -------------------------------------------------------------------

const BATCH_SIZE = 8;
const ARRAY_INIT_LIST = Array.from({ length: BATCH_SIZE }, (_, i) => [i]);
/** ARRAY_INIT = [[0],[1],…,[7]] (8×1). */
const arrayInit = (): NDArray =>
  ndarray(
    Float64Array.from({ length: BATCH_SIZE }, (_, i) => i),
    [BATCH_SIZE, 1],
  );

/** Dataset(10, MyBatch).pipeline().update(B.images, ARRAY_INIT).update(B.masks, ARRAY_INIT) */
const template = (): Pipeline<ApBatch> => new Dataset(10, { batchClass: ApBatch }).pipeline().update(B('images'), arrayInit()).update(B('masks'), arrayInit());

const list = (x: unknown): number[][] => toList(x) as number[][];

describe.each(['for', 'async'] as const)("apply_parallel_test.py in a pipeline (target '%s')", (target) => {
  test('T1: apTest({src: images, dst: masks, param: 42}) → masks == images*42', async () => {
    const b = await template().apTest({ src: 'images', dst: 'masks', param: CONST, target }).nextBatch({ batchSize: BATCH_SIZE });
    expect(b!.indices).toEqual(range(0, 8));
    expect(list(b!.images)).toEqual(ARRAY_INIT_LIST);
    expect(list(b!.masks)).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
  });

  test('T2: apTest({src: [images, masks], dst: [outputs1, outputs2], param: 42}) → new components images*42, masks*42', async () => {
    const b = await template()
      .apTest({ src: ['images', 'masks'], dst: ['outputs1', 'outputs2'], param: CONST, target })
      .nextBatch({ batchSize: BATCH_SIZE });
    expect(b!.components).toEqual(['images', 'masks', 'outputs1', 'outputs2']);
    expect(list(b!.getComponent('outputs1'))).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
    expect(list(b!.getComponent('outputs2'))).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
  });

  test('T3: apTest({src: tuple(images, masks), dst: outputs, param: 42}) → outputs == ARRAY_INIT*84', async () => {
    const b = await template()
      .apTest({ src: tuple('images', 'masks'), dst: 'outputs', param: CONST, target })
      .nextBatch({ batchSize: BATCH_SIZE });
    expect(list(b!.getComponent('outputs'))).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * 2 * CONST]));
  });

  test('T4: apRequiresRngTest({src: images, dst: masks}) → masks = images + U[0,1), not all equal', async () => {
    const b = await template().apRequiresRngTest({ src: 'images', dst: 'masks', target }).nextBatch({ batchSize: BATCH_SIZE });
    const images = list(b!.images).map(([v]) => v!);
    const masks = list(b!.masks).map(([v]) => v!);
    expect(masks.some((m, i) => m !== images[i])).toBe(true);
    expect(masks.every((m, i) => m - images[i]! >= 0 && m - images[i]! < 1)).toBe(true);
  });

  test('T5: apRequiresRngTest({src: [images, images], dst: [outputs1, outputs2]}) → outputs1 == outputs2 exactly', async () => {
    const b = await template()
      .apRequiresRngTest({ src: ['images', 'images'], dst: ['outputs1', 'outputs2'], target })
      .nextBatch({ batchSize: BATCH_SIZE });
    expect(list(b!.getComponent('outputs1'))).toEqual(list(b!.getComponent('outputs2')));
    expect(list(b!.getComponent('outputs1'))).not.toEqual(ARRAY_INIT_LIST);
  });

  test('T6: apRequiresRngTest({src: tuple(images, masks), dst: outputs}) → outputs ≈ 2*ARRAY_INIT + 42 within 1/42', async () => {
    const b = await template()
      .apRequiresRngTest({ src: tuple('images', 'masks'), dst: 'outputs', target })
      .nextBatch({ batchSize: BATCH_SIZE });
    list(b!.getComponent('outputs')).forEach(([v], i) => {
      expect(v! - (2 * i + CONST)).toBeGreaterThanOrEqual(0);
      expect(v! - (2 * i + CONST)).toBeLessThan(1 / CONST);
    });
  });

  test('T7: two fresh datasets and pipelines, nextBatch({batchSize: 8, shuffle: 42}) → same ids, same b.random.uniform(), same outputs', async () => {
    const build = async () => {
      const b = await template().apRequiresRngTest({ src: 'images', dst: 'outputs', target }).nextBatch({ batchSize: BATCH_SIZE, shuffle: 42 });
      return { ids: [...b!.indices], uniform: b!.random.uniform(), outputs: list(b!.getComponent('outputs')) };
    };
    const first = await build();
    const second = await build();
    expect(second).toEqual(first);
    expect(first.outputs.some(([v], i) => v !== ARRAY_INIT_LIST[i]![0])).toBe(true);
    const other = await template().apRequiresRngTest({ src: 'images', dst: 'outputs', target }).nextBatch({ batchSize: BATCH_SIZE, shuffle: 43 });
    expect(other!.random.uniform()).not.toBe(first.uniform);
  });
});

// ---- components_batch_test.py pl=True variants (T8–T57, D42–D46) ---------------------------------------

const DATASET_SIZE = 100;
const arange = (n: number, offset = 0): NDArray => ndarray(Float64Array.from(range(offset, offset + n)), [n]);
const labels = (): NDArray => arange(DATASET_SIZE);
/** images[k] is a 10×10 image filled with k. */
function images(): NDArray {
  const data = new Float64Array(DATASET_SIZE * 100);
  for (let k = 0; k < DATASET_SIZE; k++) data.fill(k, k * 100, (k + 1) * 100);
  return ndarray(data, [DATASET_SIZE, 10, 10]);
}
const firstPixels = (value: unknown): number[] => {
  const array = value as NDArray;
  expect(isNdArray(array)).toBe(true);
  expect(array.shape.slice(1)).toEqual([10, 10]);
  return range(0, array.shape[0]!).map((i) => array.get(i, 0, 0));
};
const STRING_INDEX = range(1000, 1100).map(String);

/**
 * get_batch(data, pipeline=True or a pipeline, …): the dataset (preloaded unless dst is given), the
 * template pipeline after `prefix` (the test's own pipeline), the third of three nextBatch(10) calls
 * (ids 20..29), then `load({src: data, dst})` when dst is given.
 */
async function getBatchPl<B extends Batch>(
  data: unknown,
  options: {
    batchClass?: BatchClass<B>;
    index?: number | string[];
    dst?: false | undefined | string | string[];
    prefix?: (p: Pipeline<B>) => Pipeline<B>;
  } = {},
): Promise<B> {
  const { batchClass, index = DATASET_SIZE, dst = false, prefix } = options;
  const dataset = new Dataset<B>(index, dst === false ? { batchClass: batchClass as never, preloaded: data } : { batchClass: batchClass as never });
  const start = prefix ? prefix(dataset.p) : dataset.p;
  const pipeline = start.initVariable('dummy').update(V('dummy'), B('data'));
  let batch: B | null = null;
  for (let i = 0; i < 3; i++) batch = await pipeline.nextBatch({ batchSize: 10 });
  expect(batch!.indices).toEqual(typeof index === 'number' ? range(20, 30) : index.slice(20, 30));
  if (dst !== false) batch = await batch!.load({ src: data, dst });
  return batch!;
}

type DstCase = { label: string; dst: false | undefined | string[] };
const preload: DstCase = { label: 'preloaded (dst False)', dst: false };
const loadAll: DstCase = { label: 'load with dst undefined (dst None)', dst: undefined };

describe('components_batch_test.py TestNoComponents, pl=True', () => {
  for (const [n, { label, dst }] of [
    [10, preload],
    [11, loadAll],
  ] as const) {
    test(`T${n}: test_array, pl, ${label}: data == [120..129]`, async () => {
      const batch = await getBatchPl(arange(DATASET_SIZE, 100), { dst });
      expect(batch.components).toBeNull();
      expect(toList(batch.data)).toEqual(range(120, 130));
    });
  }

  for (const [n, { label, dst }] of [
    [14, preload],
    [15, loadAll],
  ] as const) {
    test(`T${n}: test_tuple, pl, ${label}: data[0] == [120..129], data[1] == [1020..1029]`, async () => {
      const batch = await getBatchPl([arange(DATASET_SIZE, 100), arange(DATASET_SIZE, 1000)], { dst });
      const data = batch.data as unknown[];
      expect(data).toHaveLength(2);
      expect(toList(data[0])).toEqual(range(120, 130));
      expect(toList(data[1])).toEqual(range(1020, 1030));
    });
  }

  for (const [n, { label, dst }] of [
    [18, preload],
    [19, loadAll],
  ] as const) {
    test(`T${n}: test_dict, pl, ${label}: data.comp1 == [120..129], data.comp2 == [1020..1029]`, async () => {
      const batch = await getBatchPl({ comp1: arange(DATASET_SIZE, 100), comp2: arange(DATASET_SIZE, 1000) }, { dst });
      const data = batch.data as Record<string, unknown>;
      expect(toList(data.comp1)).toEqual(range(120, 130));
      expect(toList(data.comp2)).toEqual(range(1020, 1030));
    });
  }

  for (const [n, { label, dst }] of [
    [22, preload],
    [23, loadAll],
  ] as const) {
    test(`T${n}: test_df (record of columns, string index), pl, ${label}: rows found by id`, async () => {
      const batch = await getBatchPl({ comp1: arange(DATASET_SIZE, 100), comp2: arange(DATASET_SIZE, 1000) }, { dst, index: STRING_INDEX });
      const data = batch.data as Record<string, unknown>;
      expect(toList(data.comp1)).toEqual(range(120, 130));
      expect(toList(data.comp2)).toEqual(range(1020, 1030));
    });
  }

  test('the template pipeline stored B(data) in the variable dummy (it really read the data)', async () => {
    const dataset = new Dataset(DATASET_SIZE, { preloaded: arange(DATASET_SIZE, 100) });
    const p = dataset.p.initVariable('dummy').update(V('dummy'), B('data'));
    await p.nextBatch({ batchSize: 10 });
    expect(toList(p.v('dummy'))).toEqual(range(100, 110));
  });
});

class MyBatch1 extends Batch {
  static override components = ['images'] as const;
  declare images: NDArray;
}

describe('components_batch_test.py TestOneComponent, pl=True', () => {
  test('T25 (pipeline form): test_array_fail: the template reads B(data) of a batch preloaded from a bare ndarray → ComponentError from nextBatch', async () => {
    const error = await getBatchPl(images(), { batchClass: MyBatch1 }).catch((e: unknown) => e);
    const chain: unknown[] = [];
    for (let e = error; e && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
    expect(chain.some((e) => e instanceof ComponentError)).toBe(true);
    expect(chain.map((e) => String((e as Error).message)).join('\n')).not.toContain('data not found');
  });

  test("T27: test_array, pl: no preload, load({src: images, dst: 'images'}) → images[:,0,0] == [20..29]", async () => {
    const batch = await getBatchPl(images(), { batchClass: MyBatch1, dst: 'images' });
    expect(firstPixels(batch.images)).toEqual(range(20, 30));
  });

  const variants: Array<[number, DstCase]> = [
    [1, preload],
    [3, { label: "load with dst ['images']", dst: ['images'] }],
  ];
  for (const [offset, { label, dst }] of variants) {
    test(`T${28 + offset}: test_tuple, pl, ${label}: [images] → images[:,0,0] == [20..29]`, async () => {
      const batch = await getBatchPl([images()], { batchClass: MyBatch1, dst });
      expect(firstPixels(batch.images)).toEqual(range(20, 30));
    });

    test(`T${32 + offset}: test_dict, pl, ${label}: {images, labels} (labels ignored) → images[:,0,0] == [20..29]`, async () => {
      const batch = await getBatchPl({ images: images(), labels: labels() }, { batchClass: MyBatch1, dst });
      expect(firstPixels(batch.images)).toEqual(range(20, 30));
      expect(batch.components).toEqual(['images']);
    });

    test(`T${36 + offset}: test_dict_with_index, pl, ${label}: images keyed by string id are stacked in batch order`, async () => {
      const all = images();
      const byId: Record<string, NDArray> = {};
      STRING_INDEX.forEach((id, k) => (byId[id] = all.pick(k)));
      const batch = await getBatchPl({ images: byId, labels: labels() }, { batchClass: MyBatch1, dst, index: STRING_INDEX });
      expect(firstPixels(batch.images)).toEqual(range(20, 30));
    });

    test(`T${40 + offset}: test_df (record of columns, string index), pl, ${label}: images == [20..29]`, async () => {
      const batch = await getBatchPl({ images: arange(DATASET_SIZE), labels: labels() }, { batchClass: MyBatch1, dst, index: STRING_INDEX });
      expect(toList(batch.images)).toEqual(range(20, 30));
    });
  }
});

class MyBatch4 extends Batch {
  static override components = ['images', 'nodata1', 'labels', 'nodata2'] as const;
  declare images: NDArray;
  declare nodata1: NDArray | null;
  declare labels: NDArray;
  declare nodata2: NDArray | null;
}

const addData = () => ({ images: images(), labels: arange(DATASET_SIZE, 1000) });

function expectBaseComponents(batch: MyBatch4): void {
  expect(firstPixels(batch.images)).toEqual(range(20, 30));
  expect(toList(batch.labels)).toEqual(range(1020, 1030));
  expect(batch.nodata1).toBeNull();
  expect(batch.nodata2).toBeNull();
}

describe('components_batch_test.py TestAddComponents, as pipelines (the reference passes these pipelines)', () => {
  const dsts: Array<[number, DstCase]> = [
    [0, preload],
    [1, { label: "load with dst ['images','labels']", dst: ['images', 'labels'] }],
  ];
  for (const [offset, { label, dst }] of dsts) {
    test(`T${44 + offset} (pipeline form): test_none, ${label}: addComponents('new') first; data kept, new null`, async () => {
      const batch = await getBatchPl(addData(), { batchClass: MyBatch4, dst, prefix: (p) => p.addComponents('new') });
      expectBaseComponents(batch);
      expect(batch.components).toEqual(['images', 'nodata1', 'labels', 'nodata2', 'new']);
      expect(batch.getComponent('new')).toBeNull();
    });

    test(`T${46 + offset} (pipeline form): test_array, ${label}: addComponents('new', F(arange)(B(size)) + B(indices)) → [20,22,…,38]`, async () => {
      const init = F((size: number) => Float64Array.from(range(0, size)), B('size')).add(B('indices'));
      const batch = await getBatchPl(addData(), { batchClass: MyBatch4, dst, prefix: (p) => p.addComponents('new', init) });
      expectBaseComponents(batch);
      expect(toList(batch.getComponent('new'))).toEqual(range(20, 40, 2));
    });

    test(`T${48 + offset} (pipeline form): test_load_from_array, ${label}: then load({src: arange+5000, dst: 'new'}) → [5020..5029]`, async () => {
      const batch = await getBatchPl(addData(), { batchClass: MyBatch4, dst, prefix: (p) => p.addComponents('new') });
      await batch.load({ src: arange(DATASET_SIZE, 5000), dst: 'new' });
      expectBaseComponents(batch);
      expect(toList(batch.getComponent('new'))).toEqual(range(5020, 5030));
    });
  }
});

describe('components_batch_test.py TestItems, pl=True', () => {
  const dsts: Array<[number, DstCase]> = [
    [1, preload],
    [3, loadAll],
  ];
  for (const [offset, { label, dst }] of dsts) {
    test(`T${50 + offset}: test_tuple, pl, ${label}: [images] only: get(25).images all 25, labels null`, async () => {
      const batch = await getBatchPl([images()], { batchClass: MyBatch4, dst });
      const item = batch.get(25) as Record<string, unknown>;
      expect(toList(item.images)).toEqual(Array.from({ length: 10 }, () => new Array(10).fill(25)));
      expect(item.labels).toBeNull();
    });

    test(`T${54 + offset}: test_dict, pl, ${label}: get(25).images all 25, get(25).labels == 1025`, async () => {
      const batch = await getBatchPl(addData(), { batchClass: MyBatch4, dst });
      const item = batch.get(25) as Record<string, unknown>;
      expect(toList(item.images)).toEqual(Array.from({ length: 10 }, () => new Array(10).fill(25)));
      expect(item.labels).toBe(1025);
    });
  }
});

describe('components_batch_test.py TesManyComponents (disabled in the reference), pl=True', () => {
  test('D42: test_tuple, pl: [images, null, labels] matched by position → images, labels; nodata1/nodata2 null', async () => {
    const batch = await getBatchPl([images(), null, labels()], { batchClass: MyBatch4 });
    expect(firstPixels(batch.images)).toEqual(range(20, 30));
    expect(toList(batch.labels)).toEqual(range(20, 30));
    expect(batch.nodata1).toBeNull();
    expect(batch.nodata2).toBeNull();
  });

  test('D44: test_dict, pl: {images, labels} → images, labels; nodata1/nodata2 null', async () => {
    const batch = await getBatchPl({ images: images(), labels: labels() }, { batchClass: MyBatch4 });
    expect(firstPixels(batch.images)).toEqual(range(20, 30));
    expect(toList(batch.labels)).toEqual(range(20, 30));
    expect(batch.nodata1).toBeNull();
    expect(batch.nodata2).toBeNull();
  });

  test('D46: test_df, pl (record of columns, string index; nodata1 a column of nulls) → nodata1 == arrayOfNones, nodata2 null', async () => {
    const data = { images: arange(DATASET_SIZE, 100), labels: arange(DATASET_SIZE, 1000), nodata1: new Array(DATASET_SIZE).fill(null) };
    const batch = await getBatchPl(data, { batchClass: MyBatch4, index: STRING_INDEX });
    expect(toList(batch.images)).toEqual(range(120, 130));
    expect(toList(batch.labels)).toEqual(range(1020, 1030));
    expect(batch.nodata1).toEqual(batch.arrayOfNones);
    expect(batch.nodata2).toBeNull();
  });
});
