/**
 * `batch.load` / `batch.dump` in memory: the observed load table (ids
 * [2,5,7], components images, labels), dumping into an array, unknown formats, and failed loads.
 * DataFrame sources map to records (or Maps) of columns.
 */
import { describe, expect, test } from '@jest/globals';
import { ArgumentError, Batch, ComponentError, Dataset, UnknownFormatError, zeros, type NDArray } from '../../src/index.js';
import { toList, range, nd } from '../helpers/values.js';

/** a = arange(10)*10, b = arange(10)+100 */
const A = (): NDArray => nd(range(0, 10).map((i) => i * 10));
const B_ = (): NDArray => nd(range(100, 110));

class MB extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray | null;
  declare labels: NDArray | null;
}

const IDS = [2, 5, 7];
/** The two ways the reference makes this batch: ids as positions (no dataset), or from a Dataset of 10. */
const makers: Array<[string, () => MB]> = [
  ['new MB([2,5,7])', () => new MB(IDS)],
  ['Dataset(10).createBatch([2,5,7])', () => new Dataset(10, { batchClass: MB }).createBatch(IDS)],
];

const values = (batch: Batch, name: string): unknown => toList(batch.getComponent(name));

describe.each(makers)('load in memory (§6.3), batch = %s', (_label, make) => {
  test('§6.3 src [a, b] (tuple) → images [20,50,70], labels [102,105,107]', async () => {
    const batch = await make().load({ src: [A(), B_()] });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.3 src {images, labels} (dict) → same', async () => {
    const batch = await make().load({ src: { images: A(), labels: B_() } });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.3 src Map {images, labels} (DataFrame → Map of columns) → same', async () => {
    const batch = await make().load({
      src: new Map([
        ['images', A()],
        ['labels', B_()],
      ]),
    });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.3 src {images} only → images [20,50,70], labels null', async () => {
    const batch = await make().load({ src: { images: A() } });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(batch.labels).toBeNull();
  });

  test('§6.3 src as plain JS arrays and typed arrays are cropped too', async () => {
    const batch = await make().load({ src: [range(0, 10).map((i) => `s${i}`), Int16Array.from(range(100, 110))] });
    expect(batch.getComponent('images')).toEqual(['s2', 's5', 's7']);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
    expect(batch.getComponent('labels')).toBeInstanceOf(Int16Array);
  });

  test('§6.3 src a bare array without dst → ComponentError explaining the fix (bug 13)', async () => {
    const batch = make();
    const error = await batch.load({ src: A() }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as Error).message).toContain('MB has components [images, labels]');
    expect((error as Error).message).toContain('give dst');
    expect(batch.images).toBeNull();
  });

  test("§6.3 src arange*3 with dst 'images' → images [6,15,21], labels null", async () => {
    const batch = await make().load({ src: nd(range(0, 10).map((i) => i * 3)), dst: 'images' });
    expect(values(batch, 'images')).toEqual([6, 15, 21]);
    expect(batch.labels).toBeNull();
  });

  test("§6.3 src [a, b] with dst ['labels','images'] → labels = a cropped, images = b cropped", async () => {
    const batch = await make().load({ src: [A(), B_()], dst: ['labels', 'images'] });
    expect(values(batch, 'labels')).toEqual([20, 50, 70]);
    expect(values(batch, 'images')).toEqual([102, 105, 107]);
    expect(batch.components).toEqual(['images', 'labels']);
  });

  test("§6.3 src {images, foo} with dst ['images','foo'] → images cropped; new component foo", async () => {
    const batch = await make().load({ src: { images: A(), foo: B_() }, dst: ['images', 'foo'] });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'foo')).toEqual([102, 105, 107]);
    expect(batch.components).toEqual(['images', 'labels', 'foo']);
    expect(batch.labels).toBeNull();
  });

  test("§6.3 (bug 20) new dst names are added in the given order: dst ['zeta','alpha']", async () => {
    const batch = await make().load({ src: [A(), B_()], dst: ['zeta', 'alpha'] });
    expect(batch.components).toEqual(['images', 'labels', 'zeta', 'alpha']);
    expect(values(batch, 'zeta')).toEqual([20, 50, 70]);
    expect(values(batch, 'alpha')).toEqual([102, 105, 107]);
  });

  test("§6.3 DataFrame columns with dst ['images','labels'] (record of columns) → columns", async () => {
    const batch = await make().load({ src: { labels: B_(), images: A(), other: A() }, dst: ['images', 'labels'] });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
    expect(batch.components).toEqual(['images', 'labels']);
  });

  test('§6.3 a load with dst leaves the other components untouched', async () => {
    const batch = await make().load({ src: { images: A(), labels: B_() } });
    await batch.load({ src: nd(range(0, 10).map((i) => -i)), dst: 'labels' });
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([-2, -5, -7]);
  });

  test('§6.3 a load without dst replaces every component (absent ones become null)', async () => {
    const batch = await make().load({ src: { images: A(), labels: B_() } });
    await batch.load({ src: { labels: A() } });
    expect(batch.images).toBeNull();
    expect(values(batch, 'labels')).toEqual([20, 50, 70]);
  });
});

describe('load without components (§6.3)', () => {
  test('§6.3 no components: src [a, b] → data == [a[ids], b[ids]]', async () => {
    const batch = await new Batch(IDS).load({ src: [A(), B_()] });
    expect(toList(batch.data)).toEqual([
      [20, 50, 70],
      [102, 105, 107],
    ]);
  });

  test('§6.3 no components: a record (DataFrame) → a record of cropped columns', async () => {
    const batch = await new Batch(IDS).load({ src: { x: A(), y: B_() } });
    const data = batch.data as Record<string, unknown>;
    expect(toList(data.x)).toEqual([20, 50, 70]);
    expect(toList(data.y)).toEqual([102, 105, 107]);
  });

  test("§6.3 no components: load with dst 'x' creates the component x", async () => {
    const batch = await new Batch(IDS).load({ src: nd(range(0, 10).map((i) => i * 5)), dst: 'x' });
    expect(batch.components).toEqual(['x']);
    expect(values(batch, 'x')).toEqual([10, 25, 35]);
  });
});

describe('ids and positions (bug 17)', () => {
  test('§6.3 a dataset with ids 100..109: batch ids [102,105,107] are located through the dataset index', async () => {
    const dataset = new Dataset(range(100, 110), { batchClass: MB, preloaded: { images: A(), labels: B_() } });
    const batch = dataset.createBatch([102, 105, 107]);
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.3 ids that are not positions in a source of another length → ArgumentError naming src', async () => {
    const batch = new MB([200, 500]);
    const error = await batch.load({ src: { images: A() } }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('src');
    expect(batch.images).toBeNull();
  });

  test('§6.3 a source with one entry per batch item is taken in batch order', async () => {
    const batch = await new MB([200, 500]).load({ src: { images: nd([1, 2]) } });
    expect(values(batch, 'images')).toEqual([1, 2]);
  });
});

describe('copy (bug 32)', () => {
  test('§6.3 copy: true isolates the batch from the dataset source (even for contiguous ids)', () => {
    const images = A();
    const dataset = new Dataset(10, { batchClass: MB, preloaded: { images }, copy: true });
    const batch = dataset.createBatch([3, 4, 5]);
    batch.images!.set(0, -1);
    expect(images.get(3)).toBe(30);
    images.set(4, -2);
    expect(values(batch, 'images')).toEqual([-1, 40, 50]);
  });
});

describe('failed loads and unknown formats', () => {
  test('§6.3 unknown fmt → UnknownFormatError and nothing changes', async () => {
    const batch = await new MB(IDS).load({ src: { images: A() } });
    const error = await batch.load({ src: 'file.xyz', fmt: 'xyz', dst: 'new' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownFormatError);
    expect((error as UnknownFormatError).format).toBe('xyz');
    expect((error as Error).message).toContain('"xyz"');
    expect(batch.components).toEqual(['images', 'labels']);
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
  });

  test('§6.3 a load that fails on one component changes nothing (no partial writes, no new components)', async () => {
    const batch = await new MB(IDS).load({ src: { images: A(), labels: B_() } });
    const bad = { images: nd(range(0, 10).map(() => -1)), zeta: 'not an array' };
    await expect(batch.load({ src: bad, dst: ['images', 'zeta'] })).rejects.toThrow(ComponentError);
    expect(batch.components).toEqual(['images', 'labels']);
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    await expect(batch.load({ src: { images: nd([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), labels: { 2: 1 } } })).rejects.toThrow();
    expect(values(batch, 'images')).toEqual([20, 50, 70]);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.3 a tuple with more entries than components → an error, nothing changes', async () => {
    const batch = await new MB(IDS).load({ src: { images: A(), labels: B_() } });
    await expect(batch.load({ src: [A(), A(), A()] })).rejects.toThrow(ComponentError);
    await expect(batch.load({ src: [A(), A(), A()], dst: ['images', 'labels'] })).rejects.toThrow(/3 entries but only 2 component/);
    expect(values(batch, 'labels')).toEqual([102, 105, 107]);
  });

  test('§6.4 dump with an unknown fmt → UnknownFormatError', async () => {
    const batch = await new MB(IDS).load({ src: { images: A() } });
    await expect(batch.dump({ dst: 'out.xyz', fmt: 'xyz' })).rejects.toThrow(UnknownFormatError);
    await expect(batch.save({ dst: 'out.xyz', fmt: 'xyz' })).rejects.toThrow(UnknownFormatError);
  });
});

describe('dump in memory (§6.4)', () => {
  test.each(makers)('§6.4 ids [2,5,7], images [20,50,70] → zeros(10) becomes [0,0,20,0,0,50,0,70,0,0] (%s)', async (_label, make) => {
    const batch = await make().load({ src: { images: A(), labels: B_() } });
    const dst = zeros([10]);
    expect(await batch.dump({ dst, components: 'images' })).toBe(batch);
    expect(Array.from(dst.data)).toEqual([0, 0, 20, 0, 0, 50, 0, 70, 0, 0]);
  });

  test('§6.4 dump into a Float64Array and a JS array; save is the same action', async () => {
    const batch = await new MB(IDS).load({ src: { images: A(), labels: B_() } });
    const typed = new Float64Array(10);
    await batch.dump({ dst: typed, components: ['labels'] });
    expect(Array.from(typed)).toEqual([0, 0, 102, 0, 0, 105, 0, 107, 0, 0]);
    const list: number[] = new Array(10).fill(0);
    await batch.save({ dst: list, components: 'images' });
    expect(list).toEqual([0, 0, 20, 0, 0, 50, 0, 70, 0, 0]);
  });

  test('§6.4 more than one component → ArgumentError "only one component"', async () => {
    const batch = await new MB(IDS).load({ src: { images: A(), labels: B_() } });
    const dst = zeros([10]);
    await expect(batch.dump({ dst, components: ['images', 'labels'] })).rejects.toThrow(/only one component/);
    await expect(batch.dump({ dst })).rejects.toThrow(ArgumentError);
    expect(Array.from(dst.data)).toEqual(new Array(10).fill(0));
  });

  test('§6.4 without components the data itself is written', async () => {
    const batch = await new Batch(IDS).load({ src: A() });
    const dst = new Float32Array(10);
    await batch.dump({ dst });
    expect(Array.from(dst)).toEqual([0, 0, 20, 0, 0, 50, 0, 70, 0, 0]);
  });

  test('§6.4 (bug 17) a dataset with ids 100..109 dumps at the dataset positions', async () => {
    const dataset = new Dataset(range(100, 110), { batchClass: MB, preloaded: { images: A() } });
    const batch = dataset.createBatch([102, 105, 107]);
    const dst = zeros([10]);
    await batch.dump({ dst, components: 'images' });
    expect(Array.from(dst.data)).toEqual([0, 0, 20, 0, 0, 50, 0, 70, 0, 0]);
  });

  test('§6.4 dst that is not an array → ArgumentError naming dst', async () => {
    const batch = await new MB(IDS).load({ src: { images: A() } });
    const error = await batch.dump({ dst: 'nowhere', components: 'images' }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('dst');
  });
});
