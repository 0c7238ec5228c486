/**
 * The Batch object itself: construction, attributes, components, item access,
 * data, copies, datasets, fromData, randomness and the small members. Where the reference is
 * buggy (§9) the tests assert the expected behaviour and name the bug.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, Batch, ComponentError, Dataset, DatasetIndex, MissingIdError, Rng, action, type NDArray } from '../../src/index.js';
import { toList, range, nd } from '../helpers/values.js';

const errorOf = (f: () => unknown): unknown => {
  try {
    f();
  } catch (e) {
    return e;
  }
  return null;
};

class MB extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray | null;
  declare labels: NDArray | null;
}

/** ids 20..24, images = id*10, labels = id + 1000. */
function mb(): MB {
  const ids = range(20, 25);
  return new MB(ids, { preloaded: { images: nd(ids.map((i) => i * 10)), labels: nd(ids.map((i) => i + 1000)) } });
}

// ---- construction ------------------------------------------------------------------------------

describe('construction (§1.2, §1.3)', () => {
  test('§1.3 index from ids, a size, a DatasetIndex, a typed array or an ndarray: indices, size, length', () => {
    expect(new Batch(range(10, 15)).indices).toEqual([10, 11, 12, 13, 14]);
    expect(new Batch(3).indices).toEqual([0, 1, 2]);
    expect(new Batch(new DatasetIndex(['a', 'b'])).indices).toEqual(['a', 'b']);
    expect(new Batch(Int32Array.from([7, 8])).indices).toEqual([7, 8]);
    expect(new Batch(nd([4, 5, 6])).indices).toEqual([4, 5, 6]);
    const batch = new Batch(range(10, 15));
    expect(batch.index).toBeInstanceOf(DatasetIndex);
    expect(batch.size).toBe(5);
    expect(batch.length).toBe(5);
  });

  test('§1.3 arrayOfNones is a new array of size nulls each time', () => {
    const batch = new Batch(4);
    expect(batch.arrayOfNones).toEqual([null, null, null, null]);
    expect(batch.arrayOfNones).not.toBe(batch.arrayOfNones);
  });

  test('§1.2 nothing is loaded at construction: bad preloaded data only fails on first access', () => {
    const batch = new MB([0, 1], { preloaded: 'not data' });
    expect(batch.size).toBe(2);
    expect(() => batch.images).toThrow(ComponentError);
  });

  test('§1.5 without components and without data, data is null; components is null', () => {
    const batch = new Batch(3);
    expect(batch.data).toBeNull();
    expect(batch.components).toBeNull();
  });

  test('§1.1 components must be an array of names: a string or duplicates → TypeError at construction', () => {
    class Bad extends Batch {
      static override components = 'images' as unknown as readonly string[];
    }
    class Dup extends Batch {
      static override components = ['a', 'a'] as const;
    }
    expect(() => new Bad(2)).toThrow(/components should be an array/);
    expect(() => new Dup(2)).toThrow(/lists a component twice/);
  });

  test('§1.1 a component named like a Batch member → ComponentError naming it', () => {
    class Clash extends Batch {
      static override components = ['size'] as const;
    }
    const error = errorOf(() => new Clash(2));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('size');
  });

  test('§1.1 a subclass of a components class is constructible and inherits its components', () => {
    class Child extends MB {
      extra(): number {
        return 1;
      }
    }
    void new MB(1); // the parent's accessors are installed first
    const child = new Child([0, 1], { preloaded: { images: nd([1, 2]), labels: nd([3, 4]) } });
    expect(child.components).toEqual(['images', 'labels']);
    expect(toList(child.images)).toEqual([1, 2]);
  });

  test('§1.1 a subclass extending the parent components list is constructible', () => {
    class Base extends Batch {
      static override components: readonly string[] = ['images', 'labels'];
    }
    class Wider extends Base {
      static override components: readonly string[] = ['images', 'labels', 'masks'];
    }
    void new Base(1);
    const batch = new Wider([0, 1], { preloaded: { images: nd([1, 2]), masks: nd([5, 6]) } });
    expect(batch.components).toEqual(['images', 'labels', 'masks']);
    expect(toList(batch.getComponent('masks'))).toEqual([5, 6]);
  });
});

// ---- attributes --------------------------------------------------------------------------------

describe('attributes (§1.4)', () => {
  test('§1.4 extra constructor options become attributes listed by getAttrs', () => {
    const batch = new MB(2, { foo: 'bar', n: 3 }) as MB & { foo: string; n: number };
    expect(batch.foo).toBe('bar');
    expect(batch.getAttrs()).toEqual({ foo: 'bar', n: 3 });
    batch.foo = 'baz';
    expect(batch.getAttrs()).toEqual({ foo: 'baz', n: 3 });
    batch.createAttrs({ more: 1 });
    expect(batch.getAttrs()).toEqual({ foo: 'baz', n: 3, more: 1 });
  });

  test('§1.4 getAttrs is {} without attributes', () => {
    expect(new MB(2).getAttrs()).toEqual({});
  });

  test('§1.4 (bug 34) an attribute named like a component or a Batch member → ArgumentError', () => {
    const asComponent = errorOf(() => new MB(2, { images: nd([1, 2]) }));
    expect(asComponent).toBeInstanceOf(ArgumentError);
    expect((asComponent as ArgumentError).argument).toBe('images');
    const asMember = errorOf(() => new MB(2, { size: 7 }));
    expect(asMember).toBeInstanceOf(ArgumentError);
    expect((asMember as ArgumentError).argument).toBe('size');
  });

  test('§1.9 (bug 33) copy: true is an option, not an attribute', () => {
    const batch = new MB(2, { copy: true });
    expect(batch.getAttrs()).toEqual({});
  });
});

// ---- components and addComponents ----------------------------------------------------------------

describe('components and addComponents (§1.6, §1.7)', () => {
  test('§1.6 component read/write: setComponent checks the length (one entry per item)', () => {
    const batch = new MB(3);
    expect(batch.images).toBeNull();
    batch.images = nd([1, 2, 3]);
    expect(toList(batch.images)).toEqual([1, 2, 3]);
    const error = errorOf(() => (batch.labels = nd([1, 2])));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as Error).message).toContain("component 'labels' must have 3 items (the batch size), got 2");
    expect(batch.labels).toBeNull();
  });

  test('§1.6 getComponent of an unknown name → ComponentError listing the components', () => {
    const error = errorOf(() => new MB(2).getComponent('zzz'));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as Error).message).toContain('images, labels');
  });

  test('§1.7 add several components with values; missing values are null; the class list is not mutated', async () => {
    const batch = new MB(5);
    await batch.addComponents(['c1', 'c2'], [new Float64Array(5), null]);
    expect(batch.components).toEqual(['images', 'labels', 'c1', 'c2']);
    expect(toList(batch.getComponent('c1'))).toEqual([0, 0, 0, 0, 0]);
    expect(batch.getComponent('c2')).toBeNull();
    await batch.addComponents(['c3', 'c4']);
    expect(batch.getComponent('c3')).toBeNull();
    expect(batch.getComponent('c4')).toBeNull();
    await batch.addComponents(['a', 'c'], [nd([1, 2, 3, 4, 5])]);
    expect(toList(batch.getComponent('a'))).toEqual([1, 2, 3, 4, 5]);
    expect(batch.getComponent('c')).toBeNull();
    expect(MB.components).toEqual(['images', 'labels']);
    expect(new MB(1).components).toEqual(['images', 'labels']);
    // added components get accessors on this instance only
    expect(toList((batch as unknown as { a: NDArray }).a)).toEqual([1, 2, 3, 4, 5]);
  });

  test("§1.7 addComponents('x', value) adds one component with that value", async () => {
    const batch = await new MB(2).addComponents('x', nd([7, 8]));
    expect(toList(batch.getComponent('x'))).toEqual([7, 8]);
  });

  test('§1.7 (bug 20) an existing component → ComponentError "component \'images\' already exists"', async () => {
    const error = await new MB(2).addComponents('images').then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as Error).message).toBe("component 'images' already exists");
  });

  test("§1.7 a Batch member name ('size', 'index') → ComponentError \"'size' already exists as a member\"", async () => {
    for (const name of ['size', 'index']) {
      const error = await new MB(2).addComponents(name).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ComponentError);
      expect((error as Error).message).toBe(`'${name}' already exists as a member of MB`);
    }
  });

  test('§1.7 a failing addComponents adds nothing (wrong length in the second value)', async () => {
    const batch = new MB(2);
    await expect(batch.addComponents(['p', 'q'], [nd([1, 2]), nd([1, 2, 3])])).rejects.toThrow(ComponentError);
    expect(batch.components).toEqual(['images', 'labels']);
    await expect(batch.addComponents(['p'], [nd([1, 2]), nd([3, 4])])).rejects.toThrow(ArgumentError);
    expect(batch.components).toEqual(['images', 'labels']);
  });

  test('§1.7 a batch without components gets its first components', async () => {
    const batch = await new Batch(2).addComponents('x', nd([1, 2]));
    expect(batch.components).toEqual(['x']);
    expect(toList(batch.getComponent('x'))).toEqual([1, 2]);
  });

  test('§1.7 (bug 20) a batch holding unnamed data refuses to add components and keeps its data', async () => {
    const batch = new Batch(3, { preloaded: nd([1, 2, 3]) });
    await expect(batch.addComponents('x')).rejects.toThrow(ComponentError);
    expect(batch.components).toBeNull();
    expect(toList(batch.data)).toEqual([1, 2, 3]);
  });

  test('§1.7 addComponents triggers the preload first (existing data survives)', async () => {
    const batch = await mb().addComponents('new');
    expect(toList(batch.images)).toEqual([200, 210, 220, 230, 240]);
    expect(batch.getComponent('new')).toBeNull();
  });
});

// ---- access --------------------------------------------------------------------------------------

describe('get / itemAt / items / iteration (§1.8, bug 15)', () => {
  test('§1.8 get(id) → item view by id: ids 20..24, get(22).images == 220; unknown id → MissingIdError', () => {
    const batch = mb();
    const item = batch.get(22) as Record<string, unknown>;
    expect(item.images).toBe(220);
    expect(item.labels).toBe(1022);
    expect(Object.keys(item)).toEqual(['images', 'labels']);
    const error = errorOf(() => batch.get(0));
    expect(error).toBeInstanceOf(MissingIdError);
    expect((error as MissingIdError).ids).toEqual([0]);
  });

  test('§1.8 get() → data; get(undefined, name) → component; get(id, name) → the item value', () => {
    const batch = mb();
    expect(Object.keys(batch.get() as object)).toEqual(['images', 'labels']);
    expect(toList(batch.get(undefined, 'labels'))).toEqual(range(1020, 1025));
    expect(batch.get(24, 'images')).toBe(240);
    expect(() => batch.get(undefined, 'zzz')).toThrow(ComponentError);
  });

  test('§1.8 itemAt(position) → the item at that position; out of range → RangeError', () => {
    const batch = mb();
    expect((batch.itemAt(2) as Record<string, unknown>).images).toBe(220);
    expect(() => batch.itemAt(5)).toThrow(RangeError);
    expect(() => batch.itemAt(-1)).toThrow(RangeError);
  });

  test('§1.8 (bug 15) items is a flat list of item views in batch order; iteration yields the same', () => {
    const batch = mb();
    const items = batch.items as Array<Record<string, unknown>>;
    expect(items).toHaveLength(5);
    expect(items.map((item) => item.images)).toEqual([200, 210, 220, 230, 240]);
    expect([...batch].map((item) => (item as Record<string, unknown>).labels)).toEqual(range(1020, 1025));
  });

  test('§8.10 item write b.get(22).images = -1 goes through to the batch', () => {
    const batch = mb();
    (batch.get(22) as Record<string, unknown>).images = -1;
    expect(toList(batch.images)).toEqual([200, 210, -1, 230, 240]);
  });

  test('§1.8 item views of 2-D components give the item row', () => {
    const batch = new MB(['a', 'b'], { preloaded: { images: ndarray(Float64Array.from([1, 2, 3, 4]), [2, 2]) } });
    expect(toList(batch.get('b', 'images'))).toEqual([3, 4]);
    (batch.get('a') as Record<string, unknown>).images = nd([9, 9]);
    expect(toList(batch.images)).toEqual([
      [9, 9],
      [3, 4],
    ]);
  });

  test('§1.8 (bug 15) no components, ids 20..29: get(id) is by id, itemAt by position, iteration works', () => {
    const batch = new Batch(range(20, 30), { preloaded: nd(range(100, 130)) });
    expect(batch.get(25)).toBe(125);
    expect(batch.itemAt(3)).toBe(123);
    expect([...batch]).toEqual(range(120, 130));
    expect(batch.items).toEqual(range(120, 130));
    expect(() => batch.get(3)).toThrow(MissingIdError);
  });

  test('§1.8 no components: tuple data gives tuple items, record data record items; no data gives nulls', () => {
    const tupleBatch = new Batch([0, 1], { preloaded: [nd([1, 2]), nd([3, 4])] });
    expect(tupleBatch.get(1)).toEqual([2, 4]);
    const recordBatch = new Batch([0, 1], { preloaded: { x: nd([1, 2]), y: ['a', 'b'] } });
    expect(recordBatch.get(1)).toEqual({ x: 2, y: 'b' });
    expect([...new Batch(2)]).toEqual([null, null]);
  });
});

// ---- data ----------------------------------------------------------------------------------------

describe('data getter and setter (§1.5, bug 14)', () => {
  test('§1.5 data of a components batch is a frozen record of the columns', () => {
    const batch = mb();
    const data = batch.data as Record<string, unknown>;
    expect(Object.keys(data)).toEqual(['images', 'labels']);
    expect(toList(data.images)).toEqual([200, 210, 220, 230, 240]);
    expect(Object.isFrozen(data)).toBe(true);
  });

  test('§1.5 (bug 14) data can be set: a record or an array tuple, in batch order', () => {
    const batch = mb();
    batch.data = { images: nd([1, 2, 3, 4, 5]) };
    expect(toList(batch.images)).toEqual([1, 2, 3, 4, 5]);
    expect(batch.labels).toBeNull();
    batch.data = [nd([5, 4, 3, 2, 1]), nd([0, 0, 0, 0, 0])];
    expect(toList(batch.images)).toEqual([5, 4, 3, 2, 1]);
    expect(toList(batch.labels)).toEqual([0, 0, 0, 0, 0]);
  });

  test('§1.5 setting data with a wrong length changes nothing (data already read)', () => {
    const batch = mb();
    void batch.data;
    expect(() => (batch.data = { images: nd([1, 2, 3, 4, 5]), labels: nd([1]) })).toThrow(ComponentError);
    expect(toList(batch.images)).toEqual([200, 210, 220, 230, 240]);
    expect(toList(batch.labels)).toEqual(range(1020, 1025));
  });

  test('§1.5 setting data with a wrong length changes nothing (before the preload ran: the preload is kept)', () => {
    const batch = mb();
    expect(() => (batch.data = { images: nd([1, 2, 3, 4, 5]), labels: nd([1]) })).toThrow(ComponentError);
    expect(toList(batch.images)).toEqual([200, 210, 220, 230, 240]);
    expect(toList(batch.labels)).toEqual(range(1020, 1025));
  });

  test('§1.5 setting data before the first read replaces the preload (it never runs afterwards)', () => {
    const batch = mb();
    batch.data = { labels: nd([1, 2, 3, 4, 5]) };
    expect(batch.images).toBeNull();
    expect(toList(batch.labels)).toEqual([1, 2, 3, 4, 5]);
  });

  test('§1.5 without components data is whatever was set', () => {
    const batch = new Batch(2);
    batch.data = { any: 'thing' };
    expect(batch.data).toEqual({ any: 'thing' });
  });
});

// ---- deepcopy --------------------------------------------------------------------------------------

describe('deepcopy (§1.9, bug 12)', () => {
  test('§1.9 deepcopy copies data and attributes: changes to the copy never reach the original', async () => {
    const dataset = new Dataset(range(20, 25));
    const original = new MB(range(20, 25), { dataset, preloaded: { images: nd([1, 2, 3, 4, 5]) }, tag: { k: [1] } }) as MB & { tag: { k: number[] } };
    await original.addComponents('extra', nd([0, 0, 0, 0, 0]));
    const copy = original.deepcopy();
    expect(copy).toBeInstanceOf(MB);
    expect(copy).not.toBe(original);
    expect(copy.indices).toEqual(range(20, 25));
    expect(copy.components).toEqual(['images', 'labels', 'extra']);
    expect(copy.getAttrs()).toEqual({ tag: { k: [1] } });
    copy.images!.set(0, 99);
    (copy.getComponent('extra') as NDArray).set(1, 7);
    copy.tag.k.push(2);
    expect(toList(original.images)).toEqual([1, 2, 3, 4, 5]);
    expect(toList(original.getComponent('extra'))).toEqual([0, 0, 0, 0, 0]);
    expect(original.tag.k).toEqual([1]);
    expect(toList(copy.images)).toEqual([99, 2, 3, 4, 5]);
  });

  test('§1.9 (bug 12) the copy keeps dataset, pipeline and the random state', () => {
    const dataset = new Dataset(3);
    const pipeline = { name: 'p' };
    const original = new MB(3, { dataset, pipeline });
    original.randomSeed = 11;
    original.random.random();
    const copy = original.deepcopy();
    expect(copy.dataset).toBe(dataset);
    expect(copy.pipeline).toBe(pipeline);
    expect(copy.randomSeed).toBe(11);
    expect(copy.random.random()).toBe(original.random.random());
  });

  test('§1.9 deepcopy of a batch without components copies its raw data', () => {
    const original = new Batch(2, { preloaded: [nd([1, 2]), nd([3, 4])] });
    const copy = original.deepcopy();
    (copy.data as NDArray[])[0]!.set(0, -1);
    expect(toList(original.data)).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(toList(copy.data)).toEqual([
      [-1, 2],
      [3, 4],
    ]);
  });
});

// ---- asDataset ---------------------------------------------------------------------------------------

describe('asDataset (§1.9, bugs 17 and 19)', () => {
  const batch59 = (): MB => new MB(range(5, 10), { preloaded: { images: nd(range(0, 10).map((i) => i * 10)), labels: nd(range(0, 10)) } });

  test('§1.9 a components batch as a dataset works by id: createBatch([6,8]).images == [60,80]', () => {
    const dataset = batch59().asDataset();
    expect(dataset).toBeInstanceOf(Dataset);
    expect(dataset.indices).toEqual(range(5, 10));
    const sub = dataset.createBatch([6, 8]);
    expect(sub).toBeInstanceOf(MB);
    expect(toList(sub.images)).toEqual([60, 80]);
    expect(toList(sub.labels)).toEqual([6, 8]);
  });

  test('§1.9 (bug 19) a never-read batch still gives a dataset with data (the load is triggered)', () => {
    const dataset = batch59().asDataset();
    expect(toList(dataset.createBatch([9]).images)).toEqual([90]);
  });

  test('§1.9 a Dataset instance: its class and attributes are carried over; batch attributes too (bug 19)', () => {
    class MyDataset extends Dataset {}
    const template = new MyDataset(1, { foo: 'bar' });
    const batch = new MB(range(5, 10), { preloaded: { images: nd(range(0, 10)) }, tag: 't' });
    const dataset = batch.asDataset(template) as unknown as Dataset & { foo: string; tag: string };
    expect(dataset).toBeInstanceOf(MyDataset);
    expect(dataset.foo).toBe('bar');
    expect(dataset.getAttrs()).toEqual({ foo: 'bar', tag: 't' });
  });

  test("§1.9 without a dataset argument the batch's own dataset class is used, else Dataset", () => {
    class MyDataset extends Dataset {}
    const own = new MyDataset(range(0, 10), { batchClass: MB, preloaded: { images: nd(range(0, 10)) } });
    expect(own.createBatch([1, 2]).asDataset()).toBeInstanceOf(MyDataset);
    expect(new MB(2).asDataset()).toBeInstanceOf(Dataset);
  });

  test('§1.9 (bug 17) a no-components batch with array data: asDataset then createBatch by id', () => {
    const batch = new Batch(range(20, 30), { preloaded: nd(range(100, 130)) });
    const dataset = batch.asDataset();
    expect(toList(dataset.createBatch([22, 25]).data)).toEqual([122, 125]);
  });

  test('§1.9 asDataset({copy: true}) batches do not share memory with the batch', () => {
    const batch = new MB(range(0, 3), { preloaded: { images: nd([1, 2, 3]) } });
    const sub = batch.asDataset(null, { copy: true }).createBatch([0, 1, 2]);
    sub.images!.set(0, -1);
    expect(toList(batch.images)).toEqual([1, 2, 3]);
  });
});

// ---- fromData ------------------------------------------------------------------------------------------

describe('fromData (§1.9, bug 18)', () => {
  test('§1.9 (bug 18: sized by the first component) fromData(null, [arange(4), arange(4)+10]) → ids 0..3', () => {
    const batch = Batch.fromData(null, [nd(range(0, 4)), nd(range(10, 14))]);
    expect(batch.indices).toEqual([0, 1, 2, 3]);
    expect(toList(batch.data)).toEqual([
      [0, 1, 2, 3],
      [10, 11, 12, 13],
    ]);
  });

  test('§1.9 fromData with an index crops the data by its ids: fromData(DatasetIndex(3), arange(10)).data == [0,1,2]', () => {
    const batch = Batch.fromData(new DatasetIndex(3), nd(range(0, 10)));
    expect(toList(batch.data)).toEqual([0, 1, 2]);
  });

  test('§1.9 fromData on a components class with a record; ids 0..n-1; the result is of that class', () => {
    const batch = MB.fromData(undefined, { images: nd([5, 6, 7]), labels: nd([1, 2, 3]) });
    expect(batch).toBeInstanceOf(MB);
    expect(batch.indices).toEqual([0, 1, 2]);
    expect(toList(batch.images)).toEqual([5, 6, 7]);
    expect(toList(batch.labels)).toEqual([1, 2, 3]);
  });

  test('§1.9 fromData of a bare array without index → ids 0..n-1', () => {
    const batch = Batch.fromData(null, nd([4, 5]));
    expect(batch.indices).toEqual([0, 1]);
    expect(toList(batch.data)).toEqual([4, 5]);
  });

  test('§1.9 (bug 18) the first entry may be null: the size comes from the first array', () => {
    const batch = MB.fromData(null, [null, nd([1, 2, 3])]);
    expect(batch.size).toBe(3);
    expect(batch.images).toBeNull();
    expect(toList(batch.labels)).toEqual([1, 2, 3]);
  });

  test('§1.9 fromData without index and without any array → ArgumentError naming data', () => {
    const error = errorOf(() => Batch.fromData(null, { a: null }));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('data');
  });
});

// ---- random ---------------------------------------------------------------------------------------------

describe('random and randomSeed (§1.11)', () => {
  test('§1.11 two batches with randomSeed 42 draw the same numbers; another seed differs', () => {
    const a = new Batch(2);
    const b = new Batch(2);
    const c = new Batch(2);
    a.randomSeed = 42;
    b.randomSeed = 42;
    c.randomSeed = 43;
    const drawsA = [a.random.random(), a.random.uniform(), a.random.integers(0, 1000)];
    const drawsB = [b.random.random(), b.random.uniform(), b.random.integers(0, 1000)];
    expect(drawsB).toEqual(drawsA);
    expect(c.random.random()).not.toBe(drawsA[0]);
    expect(drawsA[0]).toBe(new Rng(42).random());
  });

  test('§1.11 random is cached; setting randomSeed resets it', () => {
    const batch = new Batch(2);
    batch.randomSeed = 5;
    expect(batch.random).toBe(batch.random);
    const first = batch.random.random();
    batch.random.random();
    batch.randomSeed = 5;
    expect(batch.random.random()).toBe(first);
  });

  test('§1.11 without a seed: an entropy seed is drawn once and kept', () => {
    const batch = new Batch(2);
    const seed = batch.randomSeed;
    expect(Number.isInteger(seed)).toBe(true);
    expect(batch.randomSeed).toBe(seed);
    expect(batch.random.random()).toBe(new Rng(seed).random());
  });

  test('§1.11 an invalid seed → TypeError naming randomSeed', () => {
    const batch = new Batch(2);
    expect(() => (batch.randomSeed = -1)).toThrow(/randomSeed/);
    expect(() => (batch.randomSeed = 1.5)).toThrow(TypeError);
  });
});

// ---- dataset, pipeline, small members ------------------------------------------------------------------

describe('dataset, pipeline and small members (§1.10, §1.12)', () => {
  test('§1.10 dataset is the constructor dataset, or the pipeline dataset when the pipeline has one', () => {
    const own = new Dataset(3);
    const other = new Dataset(3);
    expect(new Batch(3, { dataset: own }).dataset).toBe(own);
    expect(new Batch(3).dataset).toBeNull();
    const batch = new Batch(3, { dataset: own, pipeline: { dataset: other } });
    expect(batch.dataset).toBe(other);
    batch.pipeline = null;
    expect(batch.dataset).toBe(own);
    expect(batch.pipeline).toBeNull();
  });

  test('§2.10 Dataset.createBatch gives a batch of the dataset class with the dataset set (pos: true by position)', () => {
    const dataset = new Dataset(range(100, 110), { batchClass: MB, preloaded: { images: nd(range(0, 10)) } });
    const batch = dataset.createBatch([1, 3], { pos: true });
    expect(batch).toBeInstanceOf(MB);
    expect(batch.dataset).toBe(dataset);
    expect(batch.indices).toEqual([101, 103]);
    expect(toList(batch.images)).toEqual([1, 3]);
  });

  test('§1.12 getErrors returns the Error results, or null when there are none', () => {
    const batch = new Batch(2);
    const e1 = new Error('a');
    const e2 = new TypeError('b');
    expect(batch.getErrors([1, e1, 'x', e2])).toEqual([e1, e2]);
    expect(batch.getErrors([1, 2])).toBeNull();
    expect(batch.getErrors([])).toBeNull();
  });

  test('§1.12 runOnce returns [undefined] and forces the preload', () => {
    expect(mb().runOnce()).toEqual([undefined]);
    const bad = new MB(2, { preloaded: 'not data' });
    expect(() => bad.runOnce()).toThrow(ComponentError);
  });

  test('§1.12 doNothing resolves to the same batch, unchanged', async () => {
    const batch = mb();
    expect(await batch.actions.doNothing(1, 2)).toBe(batch);
    expect(toList(batch.images)).toEqual([200, 210, 220, 230, 240]);
  });

  test('§3.3 actions: a non-action method through batch.actions → ArgumentError; @action methods resolve to the batch', async () => {
    class WithAction extends Batch {
      static override components = ['images'] as const;
      declare images: NDArray | null;
      @action
      async mark(): Promise<this> {
        this.images = nd([1]);
        return this;
      }

      plain(): number {
        return 1;
      }
    }
    const batch = new WithAction([0]);
    expect(await batch.actions.mark()).toBe(batch);
    expect(toList(batch.images)).toEqual([1]);
    expect(() => (batch.actions as unknown as { plain(): unknown }).plain()).toThrow(ArgumentError);
  });

  test('toString shows the class, size and components', () => {
    expect(String(mb())).toBe('MB(size=5, components=[images, labels])');
  });
});
