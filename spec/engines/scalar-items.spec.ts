/**
 * Scalar items (a 1-D numeric component) on the worker engines: they travel as slices of the
 * component (shared slots on 'threads') and number results come back the same way, so every
 * dtype, layout, worker count and kind of result must still give what 'for' gives, with each
 * item's position, batch id and failure where they belong.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ActionError, DatasetIndex, P, closeEngines, type NDArray } from '../../src/index.js';
import { ScalarBatch, failOn, idSign, laterPlusOne, negate, numbersThenStrings, onScalarBatch, plusArgument, tagged } from '../fixtures/scalar-items.js';
import { expectSameValues } from '../helpers/values.js';

afterAll(async () => {
  await closeEngines();
});

type Storage = Float64Array | Float32Array | Int32Array | Uint8Array;

type Ids = 'spaced' | 'consecutive' | 'strings';

/**
 * A batch of `count` items holding `x` (a strided view when `step` > 1), with ids 7, 10, 13, … ('spaced'),
 * 500, 501, … ('consecutive') or 'id-7', 'id-10', … ('strings').
 */
function scalarBatch(count: number, Storage: new (length: number) => Storage = Float64Array, step = 1, kind: Ids = 'spaced'): ScalarBatch {
  const storage = new Storage(count * step);
  for (let i = 0; i < storage.length; i++) storage[i] = (i * 7) % 251;
  const x = ndarray(storage, [count * step]).step(step) as NDArray;
  const ids = Array.from({ length: count }, (_, i) => (kind === 'consecutive' ? 500 + i : kind === 'strings' ? `id-${7 + 3 * i}` : 7 + 3 * i));
  return new ScalarBatch(new DatasetIndex(ids), { preloaded: { x } });
}

/** Changes the first result before the default assembly (results are the caller's list to change). */
class FirstResultBatch extends ScalarBatch {
  override _assemble(results: readonly unknown[], options: { dst: string | readonly string[] | null }): this {
    (results as unknown[])[0] = 4242;
    return super._assemble(results, options);
  }
}

function column(batch: ScalarBatch): unknown[] {
  const x = batch.getComponent('x');
  return Array.isArray(x) ? x : Array.from({ length: (x as NDArray).shape[0]! }, (_, i) => (x as NDArray).get(i));
}

describe.each(['threads', 'mpc'] as const)("target '%s'", (target) => {
  test.each([
    ['float64, 3 items', 3, Float64Array, 1],
    ['float64, 1,000 items', 1000, Float64Array, 1],
    ['float32, 1,000 items', 1000, Float32Array, 1],
    ['int32, 300 items', 300, Int32Array, 1],
    ['uint8, strided view, 500 items', 500, Uint8Array, 3],
  ] as const)(
    '%s: item, position and batch id of every item as on for',
    async (_name, count, Storage, step) => {
      for (const nWorkers of [1, 2, 3]) {
        const reference = scalarBatch(count, Storage, step);
        await reference.applyParallel(tagged, { src: 'x', target: 'for' });
        const parallel = scalarBatch(count, Storage, step);
        await parallel.applyParallel(tagged, { src: 'x', target, nWorkers });
        expectSameValues(column(parallel), column(reference));
      }
    },
    60_000,
  ); // the first test starts the pools of 1, 2 and 3 workers

  test.each(['consecutive', 'strings'] as const)('%s ids: item, position and batch id of every item as on for', async (kind) => {
    const reference = scalarBatch(700, Float64Array, 1, kind);
    await reference.applyParallel(tagged, { src: 'x', target: 'for' });
    const parallel = scalarBatch(700, Float64Array, 1, kind);
    await parallel.applyParallel(tagged, { src: 'x', target, nWorkers: 2 });
    expectSameValues(column(parallel), column(reference));
  });

  test('a batch id -0 amid consecutive integers reaches the item as -0, as on for', async () => {
    const ids = Array.from({ length: 600 }, (_, i) => (i === 300 ? -0 : i - 300));
    const make = (): ScalarBatch => new ScalarBatch(new DatasetIndex(ids), { preloaded: { x: ndarray(new Float64Array(600), [600]) as NDArray } });
    const reference = make();
    await reference.applyParallel(idSign, { src: 'x', target: 'for' });
    expect(column(reference)[300]).toBe(-1);
    const parallel = make();
    await parallel.applyParallel(idSign, { src: 'x', target, nWorkers: 2 });
    expectSameValues(column(parallel), column(reference));
  });

  test('numbers, then other results part-way through each chunk', async () => {
    const reference = scalarBatch(600);
    await reference.applyParallel(numbersThenStrings, { src: 'x', target: 'for', from: 100 });
    const parallel = scalarBatch(600);
    await parallel.applyParallel(numbersThenStrings, { src: 'x', target, nWorkers: 2, from: 100 });
    expectSameValues(column(parallel), column(reference));
    expect(column(parallel)).toContain('item 200');
  });

  test('async item functions returning numbers', async () => {
    const batch = scalarBatch(400);
    const expected = column(batch).map((x) => (x as number) + 1);
    await batch.applyParallel(laterPlusOne, { src: 'x', target, nWorkers: 2 });
    expectSameValues(column(batch), expected);
  });

  test('a failing item is reported with its position, batch id and original error', async () => {
    const batch = scalarBatch(1000);
    const values = column(batch) as number[];
    const position = 777;
    const error = await batch.applyParallel(failOn, { src: 'x', target, nWorkers: 2, at: values[position]! }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    const failure = error as ActionError;
    // the lowest position holding that value fails first
    const first = values.indexOf(values[position]!);
    expect(failure.position).toBe(first);
    expect(failure.indexValue).toBe(7 + 3 * first);
    expect(failure.cause).toBeInstanceOf(RangeError);
    expect((failure.cause as Error).message).toBe(`cannot take item ${values[position]}`);
  });

  test('NaN payloads, -0 and infinities come back as returned', async () => {
    const storage = new Float64Array(2048);
    const bytes = new DataView(storage.buffer);
    for (let i = 0; i < storage.length; i++) storage[i] = i % 4 === 0 ? -0 : i % 4 === 1 ? Infinity : i;
    bytes.setUint32(8 * 10 + 4, 0x7ff80000 | 0x1234); // a NaN with a payload at item 10
    const make = (): ScalarBatch => new ScalarBatch(new DatasetIndex(storage.length), { preloaded: { x: ndarray(storage.slice(), [storage.length]) } });
    const reference = make();
    await reference.applyParallel(negate, { src: 'x', target: 'for' });
    const parallel = make();
    await parallel.applyParallel(negate, { src: 'x', target, nWorkers: 2 });
    const bits = (batch: ScalarBatch): Uint8Array => {
      const x = batch.getComponent('x') as NDArray;
      return new Uint8Array((x.data as Float64Array).slice(x.offset, x.offset + storage.length).buffer);
    };
    expectSameValues(bits(parallel), bits(reference));
  });

  test('a post function gets the number results as a list it may change before assembling them', async () => {
    const batch = scalarBatch(1000);
    const expected = column(batch).map((x) => -(x as number));
    expected[3] = 17;
    await batch.applyParallel(negate, {
      src: 'x',
      target,
      nWorkers: 2,
      post: (results: unknown[]) => {
        results[3] = 17;
        batch._assemble(results, { dst: 'x' });
      },
    });
    expectSameValues(column(batch), expected);
  });

  test("a subclass's _assemble may change the number results before the default assembly", async () => {
    const make = (): FirstResultBatch =>
      new FirstResultBatch(new DatasetIndex(1000), {
        preloaded: {
          x: ndarray(
            Float64Array.from({ length: 1000 }, (_, i) => i),
            [1000],
          ),
        },
      });
    const batch = make();
    await batch.applyParallel(negate, { src: 'x', target, nWorkers: 2 });
    const expected = Array.from({ length: 1000 }, (_, i) => -i);
    expected[0] = 4242;
    expectSameValues(column(batch), expected);
  });

  test('a p mask, per-item options and extra arguments on scalar items as on for', async () => {
    const mask = P(Array.from({ length: 800 }, (_, i) => (i % 3 === 0 ? 0 : 1)));
    const at = P(Array.from({ length: 800 }, (_, i) => (i === 640 ? 42 : -1)));
    const runs: Array<(batch: ScalarBatch, engine: { target: 'for' } | { target: typeof target; nWorkers: number }) => Promise<unknown>> = [
      (batch, engine) => batch.applyParallel(negate, { src: 'x', ...engine, p: mask }),
      (batch, engine) => batch.applyParallel(failOn, { src: 'x', ...engine, at }).catch((error: unknown) => (error as ActionError).position),
      (batch, engine) => batch.applyParallel(plusArgument, { src: 'x', ...engine, args: [0.25] }),
      (batch, engine) => batch.applyParallel(plusArgument, { src: 'x', ...engine, args: [P(Array.from({ length: 800 }, (_, i) => i / 4))] }),
    ];
    for (const run of runs) {
      const reference = scalarBatch(800);
      const referenceOutcome = await run(reference, { target: 'for' });
      const parallel = scalarBatch(800);
      expect(await run(parallel, { target, nWorkers: 2 })).toEqual(referenceOutcome);
      expectSameValues(column(parallel), column(reference));
    }
  });

  test('the item function runs with its batch (or a stand-in for it) as this', async () => {
    const batch = scalarBatch(900);
    const expected = column(batch).map((x) => (x as number) + 0.5);
    await batch.applyParallel(onScalarBatch, { src: 'x', target, nWorkers: 2 });
    expectSameValues(column(batch), expected);
  });

  test('large chunks of number results (over 64 KiB, through shared-memory files on mpc) as on for', async () => {
    const count = 20_000;
    const make = (): ScalarBatch =>
      new ScalarBatch(new DatasetIndex(count), {
        preloaded: {
          x: ndarray(
            Float64Array.from({ length: count }, (_, i) => i / 3),
            [count],
          ),
        },
      });
    const values = (batch: ScalarBatch): Float64Array => {
      const x = batch.getComponent('x') as NDArray;
      return (x.data as Float64Array).slice(x.offset, x.offset + count);
    };
    const reference = make();
    await reference.applyParallel(negate, { src: 'x', target: 'for' });
    const parallel = make();
    await parallel.applyParallel(negate, { src: 'x', target, nWorkers: 2, chunkSize: 10_000 });
    expectSameValues(values(parallel), values(reference));
  }, 60_000);
});
