/**
 * Items that reach 'threads' workers through reused shared memory: a result that is the item itself
 * (or the item changed in place) stays the caller's own, whatever later calls send, and the caller's
 * data is never changed by a worker.
 */
import { afterAll, describe, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import { DatasetIndex, closeEngines, type NDArray } from '../../src/index.js';
import { WorkerBatch } from '../fixtures/worker-batches.js';
import { expectSameValues } from '../helpers/values.js';

afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(60_000);

/** 24 images of 64×64 float32 (16 KiB each: chunks of several items are large enough to be pooled). */
function makeBatch(base: number): WorkerBatch {
  const count = 24;
  const images = ndarray(
    Float32Array.from({ length: count * 64 * 64 }, (_, i) => base + (i % 101)),
    [count, 64, 64],
  );
  return new WorkerBatch(new DatasetIndex(count), { preloaded: { images, labels: ndarray(new Float64Array(count), [count]) } });
}

function pixels(batch: WorkerBatch, name = 'images'): number[] {
  const array = batch.getComponent(name) as NDArray;
  return Array.from({ length: array.size }, (_, k) => array.get(Math.floor(k / 4096), Math.floor(k / 64) % 64, k % 64) as number);
}

describe("items on 'threads' through reused shared memory", () => {
  test('results that are the items themselves keep their values after later calls', async () => {
    const held: WorkerBatch[] = [];
    for (let call = 0; call < 4; call++) {
      const batch = makeBatch(call * 1000);
      await batch.actions.same({ target: 'threads', nWorkers: 2, dst: 'copied' });
      held.push(batch);
    }
    held.forEach((batch, call) => expectSameValues(pixels(batch, 'copied'), pixels(makeBatch(call * 1000))));
  });

  test('items changed in place on a worker leave the caller’s data alone and come back changed', async () => {
    const held: WorkerBatch[] = [];
    for (let call = 0; call < 4; call++) {
      const batch = makeBatch(call * 1000);
      await batch.actions.addInPlace({ target: 'threads', nWorkers: 2, amount: 0.5, dst: 'shifted' });
      held.push(batch);
    }
    held.forEach((batch, call) => {
      expectSameValues(pixels(batch), pixels(makeBatch(call * 1000)));
      expectSameValues(
        pixels(batch, 'shifted'),
        pixels(makeBatch(call * 1000)).map((value) => value + 0.5),
      );
    });
  });
});
