/**
 * Batches on 'threads' workers from a dataset whose preloaded components are in shared memory: the
 * workers gather the batch's rows themselves. Views with an offset, a step or swapped axes, ids that
 * are not positions, shuffled batches, a component outside shared memory: the same batches and
 * variables as prefetch 0 on 'for', bit for bit; steps that write into the batch never write into the
 * dataset; errors, SkipBatch, StopPipeline and crashes as without shared memory.
 */
import { afterAll, beforeAll, describe, expect, jest, test } from '@jest/globals';
import { WorkerCrashError, closeEngines, type Batch, type NDArray, type RunOptions } from '../../src/index.js';
import { BadBatchError } from '../fixtures/pipeline-workers/pipelines.js';
import {
  fillSharedData,
  relabelled,
  sharedCrashing,
  sharedFailing,
  sharedInPlace,
  sharedRows,
  sharedSkipping,
  sharedSnapshot,
  sharedStopping,
  sharedTail,
} from '../fixtures/pipeline-workers/shared-pipelines.js';
import { expectSameValues } from '../helpers/values.js';

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(120_000);

beforeAll(() => {
  // the calling thread alone fills the shared arrays: the workers' own imports of the module hold zeros
  fillSharedData(3);
});

afterAll(async () => {
  await closeEngines();
});

type AnyPipeline = { genBatch(options: RunOptions): AsyncGenerator<Batch> };

/** Every value of an ndarray, in row-major order of its shape, as plain numbers. */
function values(array: NDArray): number[] {
  const out: number[] = [];
  const shape = array.shape;
  const index = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < array.size; k++) {
    out.push(array.get(...index) as number);
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      if (++index[axis]! < shape[axis]!) break;
      index[axis] = 0;
    }
  }
  return out;
}

interface Seen {
  readonly ids: unknown[];
  readonly shapes: number[][];
  readonly components: number[][];
  readonly nextDraw: number;
}

/** Every yielded batch (batches of 32 by default, shuffled with seed 5, everything reset), all held until the run ends. */
async function collect(pipeline: AnyPipeline, options: RunOptions): Promise<Seen[]> {
  const held: Batch[] = [];
  // holding every batch: storage reused for a later batch would show in an earlier one
  for await (const batch of pipeline.genBatch({ batchSize: 32, shuffle: 5, reset: 'all', ...options })) held.push(batch);
  return held.map((batch) => {
    const data = batch.data as Record<string, NDArray | Uint8Array[]>;
    const arrays = Object.values(data);
    return {
      ids: [...batch.indices],
      shapes: arrays.map((array) => (Array.isArray(array) ? [array.length] : array.shape.slice())),
      components: arrays.map((array) => (Array.isArray(array) ? array.flatMap((row) => Array.from(row)) : values(array))),
      nextDraw: batch.random.random(),
    };
  });
}

describe('batches on threads from a dataset in shared memory', () => {
  test('shuffled, with in-place and random steps and a stateful tail: the batches and variables of for, whatever nWorkers and prefetch', async () => {
    const before = sharedSnapshot();
    const expected = await collect(sharedTail, { nEpochs: 2 });
    const sum = sharedTail.v<number>('sum');
    expect(expected).toHaveLength(6);
    expect(sum).toBe(192);
    // the component shapes are those of the dataset's views
    expect(expected[0]!.shapes).toEqual([[32, 32, 32], [32, 64, 64], [32, 8, 8], [32]]);
    expectSameValues(sharedSnapshot(), before);
    for (const nWorkers of [1, 2])
      for (const prefetch of [0, 3]) {
        const got = await collect(sharedTail, { nEpochs: 2, target: 'threads', nWorkers, prefetch });
        expectSameValues({ nWorkers, prefetch, batches: got }, { nWorkers, prefetch, batches: expected });
        expect(sharedTail.v<number>('sum')).toBe(sum);
      }
    // on 'mpc' (no memory shared with child processes) the calling thread sends the rows, as before
    expectSameValues(await collect(sharedTail, { nEpochs: 2, target: 'mpc', nWorkers: 2, prefetch: 2 }), expected);
    expectSameValues(sharedSnapshot(), before);
  });

  test('steps writing into the batch never write into the dataset, also for batches of consecutive items', async () => {
    const before = sharedSnapshot();
    for (const shuffle of [false, 9] as const) {
      const got = await collect(sharedInPlace, { shuffle, nEpochs: 3, target: 'threads', nWorkers: 2, prefetch: 2 });
      expect(got).toHaveLength(9);
      // every epoch sees the dataset as it was: the same ids hold the same values
      const byIds = new Map<string, number[][]>();
      for (const batch of got) {
        const key = JSON.stringify(batch.ids);
        const known = byIds.get(key);
        if (known) expectSameValues(batch.components, known);
        else byIds.set(key, batch.components);
      }
      expectSameValues(sharedSnapshot(), before);
    }
    // and the values are the dataset's plus the steps' increments, as on 'for' with copies of the rows
    const expected = await collect(sharedInPlace, { shuffle: 9, nEpochs: 1 });
    expectSameValues(await collect(sharedInPlace, { shuffle: 9, nEpochs: 1, target: 'threads', nWorkers: 2, prefetch: 2 }), expected);
  });

  test('values the calling thread writes into the shared arrays before a run reach the batches', async () => {
    try {
      fillSharedData(11);
      const expected = await collect(sharedTail, {});
      expectSameValues(await collect(sharedTail, { target: 'threads', nWorkers: 2, prefetch: 1 }), expected);
    } finally {
      fillSharedData(3);
    }
  });

  test("a component whose entries view the batch's storage keeps its values in every batch held", async () => {
    const expected = await collect(sharedRows, { nEpochs: 2 });
    expect(expected[0]!.shapes.at(-1)).toEqual([32]);
    expectSameValues(await collect(sharedRows, { nEpochs: 2, target: 'threads', nWorkers: 2, prefetch: 3 }), expected);
  });

  test('a dataset whose createBatch changes the batch gives the batches of for', async () => {
    const expected = await collect(relabelled, {});
    expect(expected[0]!.components[3]!.every((label) => label === 42)).toBe(true);
    expectSameValues(await collect(relabelled, { target: 'threads', nWorkers: 2, prefetch: 1 }), expected);
  });

  test('errors, SkipBatch, StopPipeline and crashes as without shared memory', async () => {
    // in dataset order (seed 5)
    const options: RunOptions = { shuffle: -5, target: 'threads', nWorkers: 2, prefetch: 2 };
    await expect(collect(sharedFailing, options)).rejects.toThrow(BadBatchError);
    const skipped = await collect(sharedSkipping, options);
    expectSameValues(skipped, await collect(sharedSkipping, { shuffle: -5 }));
    expect(skipped.map((batch) => batch.ids[0])).toEqual([1096, 1192]);
    const stopped = await collect(sharedStopping, options);
    expect(stopped).toHaveLength(1);
    expect(sharedStopping.v<number>('count')).toBe(1);
    await expect(collect(sharedCrashing, options)).rejects.toThrow(WorkerCrashError);
  });
});
