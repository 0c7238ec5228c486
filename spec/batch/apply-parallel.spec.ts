/**
 * Port of BatchFlow's apply_parallel_test.py (catalogue T1–T7) and the apply_parallel extras (catalogue §8.10).
 * The Python tests run through a pipeline (`update(B.images, ...)`, `next_batch(8)`); here the batch
 * is created from a Dataset and its components are assigned directly, which is what those pipelines do.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ActionError,
  ArgumentError,
  AssembleError,
  Batch,
  Dataset,
  DatasetIndex,
  ItemContext,
  P,
  Rng,
  UnknownTargetError,
  applyParallel,
  tuple,
  type NDArray,
} from '../../src/index.js';
import { toList } from '../helpers/values.js';

// ---- helpers -----------------------------------------------------------------------------------

/** An ndarray (or typed array / array) as nested JS arrays, like numpy's tolist(). */

/** A new ndarray with `f` applied to every element. */
function mapNd(a: NDArray, f: (v: number) => number): NDArray {
  const flat = (toList(a) as unknown[]).flat(Infinity as 1) as number[];
  return ndarray(Float64Array.from(flat.map(f)), a.shape.slice());
}

/** Elementwise a + b. */
function addNd(a: NDArray, b: NDArray): NDArray {
  const bs = (toList(b) as unknown[]).flat(Infinity as 1) as number[];
  let k = 0;
  return mapNd(a, (v) => v + bs[k++]!);
}

const BATCH_SIZE = 8;
const CONST = 42;
/** ARRAY_INIT = [[0],[1],…,[7]] (8×1). */
const arrayInit = (): NDArray =>
  ndarray(
    Float64Array.from({ length: BATCH_SIZE }, (_, i) => i),
    [BATCH_SIZE, 1],
  );
const ARRAY_INIT_LIST = Array.from({ length: BATCH_SIZE }, (_, i) => [i]);

class MyBatch extends Batch {
  static override components = ['images', 'masks'] as const;
  declare images: NDArray;
  declare masks: NDArray;

  /** item*param, or (item[0] + item[1])*param for a tuple src. */
  @applyParallel
  apTest(item: number | NDArray | [NDArray, NDArray], options: { param: number }): number | NDArray {
    if (typeof item === 'number') return item * options.param;
    if (Array.isArray(item))
      return addNd(
        mapNd(item[0], (v) => v * options.param),
        mapNd(item[1], (v) => v * options.param),
      );
    return mapNd(item, (v) => v * options.param);
  }

  /** item + U[0,1), or item[0] + item[1] + U[0,1)/42 + 42 for a tuple src. */
  @applyParallel({ requiresRng: true })
  apRequiresRngTest(item: number | NDArray | [NDArray, NDArray], _options: {}, context: ItemContext): number | NDArray {
    if (typeof item === 'number') return item + context.rng.uniform();
    if (Array.isArray(item)) {
      const u = context.rng.uniform();
      return mapNd(addNd(item[0], item[1]), (v) => v + u / CONST + CONST);
    }
    const u = context.rng.uniform();
    return mapNd(item, (v) => v + u);
  }

  /** An init method: the items are the ids times 10. */
  tensOfIds(): number[] {
    return this.indices.map((id) => Number(id) * 10);
  }
}

/** The Python setup: Dataset(10, MyBatch), images = masks = ARRAY_INIT, batch of ids 0..7. */
function makeBatch(seed?: number): MyBatch {
  const dataset = new Dataset(10, { batchClass: MyBatch });
  const batch = dataset.createBatch(Array.from({ length: BATCH_SIZE }, (_, i) => i));
  batch.images = arrayInit();
  batch.masks = arrayInit();
  if (seed !== undefined) batch.randomSeed = seed;
  return batch;
}

const component = (batch: Batch, name: string): unknown => toList(batch.getComponent(name));

// ---- T1–T7 -------------------------------------------------------------------------------------

describe.each(['for', 'async'] as const)('apply_parallel_test (target %s)', (target) => {
  test('T1: ap_test src images dst masks multiplies by param', async () => {
    const batch = makeBatch();
    await batch.actions.apTest({ src: 'images', dst: 'masks', param: CONST, target });
    expect(component(batch, 'masks')).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
    expect(component(batch, 'images')).toEqual(ARRAY_INIT_LIST);
    expect(batch.masks.shape).toEqual([8, 1]);
  });

  test('T2: ap_test with a list src runs once per component into new components outputs1/outputs2', async () => {
    const batch = makeBatch();
    batch.masks = mapNd(arrayInit(), (v) => v + 100);
    await batch.actions.apTest({ src: ['images', 'masks'], dst: ['outputs1', 'outputs2'], param: CONST, target });
    expect(batch.components).toEqual(['images', 'masks', 'outputs1', 'outputs2']);
    expect(component(batch, 'outputs1')).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
    expect(component(batch, 'outputs2')).toEqual(ARRAY_INIT_LIST.map(([v]) => [(v! + 100) * CONST]));
  });

  test('T3: ap_test with a tuple src passes [image, mask] together: outputs = ARRAY_INIT*84', async () => {
    const batch = makeBatch();
    await batch.actions.apTest({ src: tuple('images', 'masks'), dst: 'outputs', param: CONST, target });
    expect(component(batch, 'outputs')).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * 2 * CONST]));
  });

  test('T4: requiresRng item function adds U[0,1) from context.rng: masks differ from images by less than 1', async () => {
    const batch = makeBatch();
    await batch.actions.apRequiresRngTest({ src: 'images', dst: 'masks', target });
    const images = (component(batch, 'images') as number[][]).flat();
    const masks = (component(batch, 'masks') as number[][]).flat();
    expect(masks).toHaveLength(BATCH_SIZE);
    expect(masks.some((m, i) => m !== images[i])).toBe(true);
    masks.forEach((m, i) => {
      expect(m - images[i]!).toBeGreaterThanOrEqual(0);
      expect(m - images[i]!).toBeLessThan(1);
    });
    // every item got its own generator: the added values are not all the same
    expect(new Set(masks.map((m, i) => m - images[i]!)).size).toBeGreaterThan(1);
  });

  test('T5: requiresRng with src [images, images] gives identical outputs1 and outputs2 (seeds shared by the list)', async () => {
    const batch = makeBatch();
    await batch.actions.apRequiresRngTest({ src: ['images', 'images'], dst: ['outputs1', 'outputs2'], target });
    const out1 = component(batch, 'outputs1') as number[][];
    expect(out1).toEqual(component(batch, 'outputs2'));
    expect(out1.flat().some((v, i) => v !== i)).toBe(true);
  });

  test('T6: requiresRng with a tuple src: outputs ≈ 2*ARRAY_INIT + 42 within 1/42', async () => {
    const batch = makeBatch();
    await batch.actions.apRequiresRngTest({ src: tuple('images', 'masks'), dst: 'outputs', target });
    const outputs = (component(batch, 'outputs') as number[][]).flat();
    expect(outputs).toHaveLength(BATCH_SIZE);
    outputs.forEach((v, i) => {
      expect(v - (2 * i + CONST)).toBeGreaterThanOrEqual(0);
      expect(v - (2 * i + CONST)).toBeLessThan(1 / CONST);
    });
  });

  test('T7: same randomSeed on two fresh batches → identical outputs and identical next batch.random.random()', async () => {
    const run = async (seed: number): Promise<{ draw: number; outputs: unknown }> => {
      const batch = makeBatch(seed);
      await batch.actions.apRequiresRngTest({ src: 'images', dst: 'outputs', target });
      const draw = batch.random.random();
      return { draw, outputs: component(batch, 'outputs') };
    };
    const first = await run(42);
    const second = await run(42);
    expect(second.draw).toBe(first.draw);
    expect(second.outputs).toEqual(first.outputs);
    const other = await run(43);
    expect(other.outputs).not.toEqual(first.outputs);
    expect(other.draw).not.toBe(first.draw);
  });
});

test('T7 (engines): the same seed gives the same per-item values on the for and async engines', async () => {
  const results: unknown[] = [];
  for (const target of ['for', 'async'] as const) {
    const batch = makeBatch(7);
    await batch.actions.apRequiresRngTest({ src: 'images', dst: 'outputs', target });
    results.push(component(batch, 'outputs'));
  }
  expect(results[1]).toEqual(results[0]);
});

// ---- §8.10 extras ------------------------------------------------------------------------------

describe('apply_parallel extras (§8.10)', () => {
  test('§8.10 p=0: no item is applied, dst gets the src values', async () => {
    const batch = makeBatch(1);
    await batch.actions.apTest({ src: 'images', dst: 'out', param: CONST, p: 0 });
    expect(component(batch, 'out')).toEqual(ARRAY_INIT_LIST);
  });

  test('§8.10 p=1: every item is applied', async () => {
    const batch = makeBatch(1);
    await batch.actions.apTest({ src: 'images', dst: 'out', param: CONST, p: 1 });
    expect(component(batch, 'out')).toEqual(ARRAY_INIT_LIST.map(([v]) => [v! * CONST]));
  });

  test('§8.10 p=P([1,0,1]): per-item 0/1 decides which items are applied', async () => {
    const batch = new MyBatch([5, 6, 7]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    await batch.actions.apTest({ src: 'images', dst: 'out', param: 10, p: P([1, 0, 1]) });
    expect(component(batch, 'out')).toEqual([10, 2, 30]);
  });

  test('§8.10 p=0.5 (bug 7: any number in [0,1] is a probability): a seeded batch applies a reproducible subset', async () => {
    const outs: unknown[] = [];
    for (let k = 0; k < 2; k++) {
      const batch = new MyBatch(new DatasetIndex(200));
      batch.randomSeed = 123;
      batch.images = ndarray(new Float64Array(200).fill(1), [200]);
      await batch.actions.apTest({ src: 'images', dst: 'out', param: 2, p: 0.5 });
      outs.push(component(batch, 'out'));
    }
    const out = outs[0] as number[];
    expect(outs[1]).toEqual(out);
    const applied = out.filter((v) => v === 2).length;
    expect(out.every((v) => v === 1 || v === 2)).toBe(true);
    expect(applied).toBeGreaterThan(60);
    expect(applied).toBeLessThan(140);
  });

  test('§8.10 p=P(per-item probabilities) (bug 7): probability 0 never applies, 1 always applies', async () => {
    const batch = new MyBatch([0, 1, 2, 3]);
    batch.randomSeed = 5;
    batch.images = ndarray(Float64Array.from([1, 1, 1, 1]), [4]);
    await batch.actions.apTest({ src: 'images', dst: 'out', param: 3, p: P([0, 1, 0, 1]) });
    expect(component(batch, 'out')).toEqual([1, 3, 1, 3]);
  });

  test('§8.10 list src shares the p mask: both components are applied on the same items', async () => {
    const batch = new MyBatch(new DatasetIndex(64));
    batch.randomSeed = 99;
    batch.images = ndarray(new Float64Array(64).fill(1), [64]);
    batch.masks = ndarray(new Float64Array(64).fill(1), [64]);
    await batch.actions.apTest({ src: ['images', 'masks'], dst: ['o1', 'o2'], param: 5, p: 0.5 });
    const o1 = component(batch, 'o1') as number[];
    expect(component(batch, 'o2')).toEqual(o1);
    expect(o1).toContain(1);
    expect(o1).toContain(5);
  });

  test('§8.10 list src shares the p mask and the item seeds (p and requiresRng together)', async () => {
    const batch = new MyBatch(new DatasetIndex(32));
    batch.randomSeed = 2024;
    batch.images = ndarray(new Float64Array(32), [32]);
    batch.masks = ndarray(new Float64Array(32), [32]);
    await batch.actions.apRequiresRngTest({ src: ['images', 'masks'], dst: ['o1', 'o2'], p: 0.5 });
    const o1 = component(batch, 'o1') as number[];
    expect(component(batch, 'o2')).toEqual(o1);
    expect(o1.filter((v) => v === 0).length).toBeGreaterThan(0);
    expect(o1.filter((v) => v > 0 && v < 1).length).toBeGreaterThan(0);
  });

  test("§8.10 init='indices' on ids 5..7 with ix*2 → [10,12,14]", async () => {
    const batch = new MyBatch([5, 6, 7]);
    await batch.actions.applyParallel((ix: number) => ix * 2, { init: 'indices', dst: 'out' });
    expect(component(batch, 'out')).toEqual([10, 12, 14]);
  });

  test('§8.10 init as a method name: the method is called on the batch and its result is the items', async () => {
    const batch = new MyBatch([5, 6, 7]);
    await batch.actions.applyParallel((x: number) => x + 1, { init: 'tensOfIds', dst: 'out' });
    expect(component(batch, 'out')).toEqual([51, 61, 71]);
  });

  test('§8.10 an init function receives src, dst, p, target and the user options (and runs on the batch)', async () => {
    const batch = new MyBatch([5, 6, 7]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    let seen: Record<string, unknown> | undefined;
    let self: unknown;
    const init = function (this: unknown, options: Record<string, unknown>): number[] {
      seen = options;
      self = this;
      return [100, 200, 300];
    };
    await batch.actions.applyParallel((x: number, o: { k: number }) => x + o.k, { init, src: 'images', dst: 'out', k: 7, p: 1, target: 'f' });
    expect(seen).toMatchObject({ src: 'images', dst: 'out', k: 7, p: 1, target: 'f' });
    expect(self).toBe(batch);
    expect(component(batch, 'out')).toEqual([107, 207, 307]);
  });

  test('§8.10 (bug 2) the item function gets only its own options plus a context; `this` is the batch', async () => {
    const batch = new MyBatch([5, 6, 7]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    const calls: Array<{ keys: string[]; index: unknown; position: number; self: unknown; action: string }> = [];
    await batch.actions.applyParallel(
      function named(this: unknown, x: number, o: { k: number }, ctx: ItemContext) {
        calls.push({ keys: Object.keys(o).sort(), index: ctx.index, position: ctx.position, self: this, action: ctx.action });
        return x * o.k;
      },
      { src: 'images', dst: 'out', k: 3 },
    );
    expect(calls.map((c) => c.keys)).toEqual([['k'], ['k'], ['k']]);
    expect(calls.map((c) => [c.index, c.position])).toEqual([
      [5, 0],
      [6, 1],
      [7, 2],
    ]);
    expect(calls.every((c) => c.self === batch && c.action === 'named')).toBe(true);
    expect(component(batch, 'out')).toEqual([3, 6, 9]);
  });

  test('§8.10 (bug 1) positional extras go through args and reach the item function after the context', async () => {
    const batch = new MyBatch([0, 1, 2]);
    await batch.actions.applyParallel((x: number, _o: {}, _c: ItemContext, a: number, b: number) => x * a + b, {
      init: [1, 2, 3],
      dst: 'out',
      args: [10, P([1, 2, 3])],
    });
    expect(component(batch, 'out')).toEqual([11, 22, 33]);
  });

  test('§8.10 P(...) option values are split per item', async () => {
    const batch = new MyBatch([0, 1, 2]);
    batch.images = ndarray(Float64Array.from([1, 1, 1]), [3]);
    await batch.actions.apTest({ src: 'images', dst: 'out', param: P([7, 8, 9]) });
    expect(component(batch, 'out')).toEqual([7, 8, 9]);
  });

  test('§8.10 item failure → one ActionError with the action, index value, position and cause', async () => {
    for (const target of ['for', 'async'] as const) {
      const batch = new MyBatch([5, 6, 7]);
      batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
      const boom = new RangeError('bad item');
      const failing = (x: number): number => {
        if (x === 2) throw boom;
        return x;
      };
      const error = await batch.actions.applyParallel(failing, { src: 'images', dst: 'out', target }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ActionError);
      const actionError = error as ActionError;
      expect(actionError.action).toBe('failing');
      expect(actionError.indexValue).toBe(6);
      expect(actionError.position).toBe(1);
      expect(actionError.cause).toBe(boom);
      expect(actionError.message).toContain('bad item');
      expect(actionError.message).toContain('6');
      // nothing was assembled
      expect(batch.components).toEqual(['images', 'masks']);
    }
  });

  test('§8.10 (bug 8) several failing items on async: the first by position is the cause, the count is kept', async () => {
    const batch = new MyBatch([10, 11, 12, 13]);
    const error = await batch.actions
      .applyParallel(
        async (x: number) => {
          await new Promise((resolve) => setTimeout(resolve, (4 - x) * 5));
          if (x % 2 === 1) throw new Error(`item ${x}`);
          return x;
        },
        { init: [0, 1, 2, 3], dst: 'out', target: 'async' },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).position).toBe(1);
    expect((error as ActionError).indexValue).toBe(11);
    expect((error as ActionError).failedCount).toBe(2);
    expect(((error as ActionError).cause as Error).message).toBe('item 1');
  });

  test('§8.10 results are kept in item order even when async items finish in reverse order', async () => {
    const batch = new MyBatch([0, 1, 2, 3, 4]);
    const finished: number[] = [];
    const gates: Array<() => void> = [];
    const opened = [0, 1, 2, 3, 4].map((i) => new Promise<void>((resolve) => (gates[i] = resolve)));
    let started = 0;
    const running = batch.actions.applyParallel(
      async (x: number) => {
        started++;
        await opened[x];
        finished.push(x);
        return x * 10;
      },
      { init: [0, 1, 2, 3, 4], dst: 'out', target: 'async' },
    );
    for (let tick = 0; started < 5 && tick < 1000; tick++) await new Promise((resolve) => setImmediate(resolve));
    expect(started).toBe(5); // every item is in flight before any of them finishes
    for (const i of [4, 3, 2, 1, 0]) {
      gates[i]!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await running;
    expect(finished).toEqual([4, 3, 2, 1, 0]);
    expect(component(batch, 'out')).toEqual([0, 10, 20, 30, 40]);
  });

  test('§8.10 explicit rngSeeds: P(per-item seeds) gives item i the generator Rng(seed_i)', async () => {
    const batch = new MyBatch([0, 1, 2]);
    await batch.actions.applyParallel((_x: number, _o: {}, ctx: ItemContext) => ctx.rng.random(), { init: [0, 0, 0], dst: 'out', rngSeeds: P([1, 2, 3]) });
    expect(component(batch, 'out')).toEqual([new Rng(1).random(), new Rng(2).random(), new Rng(3).random()]);
  });

  test('§8.10 context.rng without requiresRng/rngSeeds is an error naming the action', async () => {
    const batch = new MyBatch([0, 1]);
    const error = await batch.actions
      .applyParallel(
        function useRng(_x: number, _o: {}, ctx: ItemContext) {
          return ctx.rng.random();
        },
        { init: [0, 0], dst: 'out' },
      )
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ActionError);
    expect(String(((error as ActionError).cause as Error).message)).toContain('requiresRng');
  });

  test('§8.10 (bug 3) post: null switches assembly off; results are discarded and nothing changes', async () => {
    const batch = new MyBatch([0, 1, 2]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    await batch.actions.apTest({ src: 'images', param: 10, post: null });
    expect(component(batch, 'images')).toEqual([1, 2, 3]);
    expect(batch.components).toEqual(['images', 'masks']);
  });

  test('§8.10 a post function receives the results in item order and src/dst', async () => {
    const batch = new MyBatch([0, 1, 2]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    let got: [unknown[], Record<string, unknown>] | undefined;
    await batch.actions.apTest({
      src: 'images',
      dst: 'x',
      param: 10,
      post: (results, options) => {
        got = [results, options];
      },
    });
    expect(got?.[0]).toEqual([10, 20, 30]);
    expect(got?.[1]).toMatchObject({ src: 'images', dst: 'x', param: 10 });
    expect(batch.components).toEqual(['images', 'masks']);
  });

  test('§8.10 (bug 3) subclass applyDefaults are merged over the parent: post stays _assemble', async () => {
    class Child extends Batch {
      static override components = ['images', 'masks'] as const;
      static override applyDefaults = { dst: 'masks' };
      declare images: NDArray;
      @applyParallel({ src: 'images' })
      double(x: number): number {
        return 2 * x;
      }
    }
    const batch = new Child([0, 1, 2]);
    batch.images = ndarray(Float64Array.from([1, 2, 3]), [3]);
    await batch.actions.double();
    expect(component(batch, 'masks')).toEqual([2, 4, 6]);
    expect(component(batch, 'images')).toEqual([1, 2, 3]);
  });

  test('§8.10 (bug 4) init may be a typed array or an ndarray', async () => {
    const batch = new MyBatch([0, 1, 2]);
    await batch.actions.applyParallel((x: number) => x + 1, { init: Float32Array.from([1, 2, 3]), dst: 'out' });
    expect(component(batch, 'out')).toEqual([2, 3, 4]);
    await batch.actions.applyParallel((x: number) => x * 2, { init: ndarray(Float64Array.from([4, 5, 6]), [3]), dst: 'out' });
    expect(component(batch, 'out')).toEqual([8, 10, 12]);
  });

  test('§8.10 (bug 5) a list item is one argument, not spread into positional arguments', async () => {
    const batch = new MyBatch([0, 1]);
    const seen: unknown[] = [];
    await batch.actions.applyParallel(
      (item: number[], o: {}, ctx: ItemContext) => {
        seen.push([item, o, ctx.position]);
        return item[0]! + item[1]!;
      },
      {
        init: [
          [1, 2],
          [3, 4],
        ],
        dst: 'out',
      },
    );
    expect(seen).toEqual([
      [[1, 2], {}, 0],
      [[3, 4], {}, 1],
    ]);
    expect(component(batch, 'out')).toEqual([3, 7]);
  });

  test('§8.10 (bug 6) init may give more items than the batch size; then items have no index value', async () => {
    const batch = new MyBatch([7, 8]);
    const indices: unknown[] = [];
    let results: unknown[] = [];
    await batch.actions.applyParallel(
      (x: number, _o: {}, ctx: ItemContext) => {
        indices.push(ctx.index);
        return x;
      },
      {
        init: [1, 2, 3, 4],
        post: (r) => {
          results = r;
        },
      },
    );
    expect(indices).toEqual([undefined, undefined, undefined, undefined]);
    expect(results).toEqual([1, 2, 3, 4]);
  });

  test('§8.10 (bug 30) dst naming a batch member that is not a component → AssembleError', async () => {
    const batch = new MyBatch([0, 1, 2]);
    await expect(batch.actions.applyParallel((x: number) => x, { init: [1, 2, 3], dst: 'size' })).rejects.toThrow(AssembleError);
    expect(batch.size).toBe(3);
  });

  test('§8.10 (bug 31) raw data src without dst → ArgumentError naming dst', async () => {
    const batch = new MyBatch([0, 1, 2]);
    const error = await batch.actions
      .applyParallel((x: number) => x, { src: Float64Array.from([1, 2, 3]) })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('dst');
  });

  test('§8.10 list src with a dst of another length → ArgumentError "src and dst must have equal length"', async () => {
    const batch = makeBatch();
    await expect(batch.actions.apTest({ src: ['images', 'masks'], dst: ['x'], param: 1 })).rejects.toThrow(/src and dst must have equal length/);
    await expect(batch.actions.apTest({ src: ['images', 'masks'], dst: 'x', param: 1 })).rejects.toThrow(ArgumentError);
    expect(batch.components).toEqual(['images', 'masks']);
  });

  test('§8.10 unknown target → UnknownTargetError listing the valid ones', async () => {
    const batch = makeBatch();
    const error = await batch.actions.apTest({ src: 'images', param: 1, target: 'nogil' as never }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UnknownTargetError);
    expect((error as UnknownTargetError).message).toContain("'for'");
    expect((error as UnknownTargetError).message).toContain("'async'");
  });

  test('§8.10 the per-item original stays callable as _name_', () => {
    const batch = makeBatch();
    const inner = (batch as unknown as { _apTest_(x: NDArray, o: { param: number }): NDArray })._apTest_(ndarray(Float64Array.from([1, 2]), [2]), {
      param: 10,
    });
    expect(toList(inner)).toEqual([10, 20]);
  });
});
