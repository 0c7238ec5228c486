/**
 * `reuseMemory`: batches produced on 'threads' workers come back in shared memory that the workers
 * reuse, and those produced on 'mpc' workers are read into memory the calling thread reuses, once
 * the consumer asks for the next batch. Every batch and the final variables equal prefetch 0 on
 * 'for' (read while the batch is current); a batch kept past the next request sees a later batch's
 * values (the memory was reused), while without the option kept batches keep theirs; no effect on
 * 'for'; a bad value is an ArgumentError naming the option.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { ArgumentError, closeEngines, type NDArray, type RunOptions } from '../../src/index.js';
import { ITEMS, allocatedByStep, intoOutputRows, madeByStep, type ReuseBatch } from '../fixtures/pipeline-workers/reuse-pipelines.js';
import { expectSameValues } from '../helpers/values.js';

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(120_000);

afterAll(async () => {
  await closeEngines();
});

type ReusePipeline = typeof madeByStep;

/** Copies of each batch's ids and pixels taken while it is the current batch, and the batches themselves. */
async function consume(pipeline: ReusePipeline, options: Partial<RunOptions>): Promise<{ ids: unknown[][]; pixels: Float32Array[]; kept: ReuseBatch[] }> {
  const ids: unknown[][] = [];
  const pixels: Float32Array[] = [];
  const kept: ReuseBatch[] = [];
  for await (const batch of pipeline.genBatch({ batchSize: 8, shuffle: 3, reset: 'all', ...options })) {
    const images = batch.images;
    ids.push([...batch.indices]);
    pixels.push((images.data as Float32Array).slice(images.offset, images.offset + images.size));
    kept.push(batch as ReuseBatch);
  }
  return { ids, pixels, kept };
}

function pixelsOf(images: NDArray): Float32Array {
  return (images.data as Float32Array).slice(images.offset, images.offset + images.size);
}

const pipelines: ReadonlyArray<[string, ReusePipeline]> = [
  ['images a step made in memory of its own', madeByStep],
  ['images computed into an array from Batch.allocate', allocatedByStep as unknown as ReusePipeline],
  ['images computed into context.output rows', intoOutputRows as unknown as ReusePipeline],
];

const workerTargets = ['threads', 'mpc'] as const;

describe.each(pipelines)('reuseMemory with %s', (_name, pipeline) => {
  test.each(workerTargets)("on '%s' every batch, read while current, equals prefetch 0 on 'for'; so do the variables", async (target) => {
    const expected = await consume(pipeline, {});
    const sum = (): unknown => (pipeline.hasVariable('sum') ? pipeline.getVariable('sum') : undefined);
    const expectedSum = sum();
    const seen = await consume(pipeline, { target, nWorkers: 2, prefetch: 2, reuseMemory: true });
    expect(seen.ids).toEqual(expected.ids);
    expect(seen.pixels).toHaveLength(ITEMS / 8);
    seen.pixels.forEach((pixels, k) => expectSameValues(pixels, expected.pixels[k]));
    expect(sum()).toBe(expectedSum);
  });

  test.each(workerTargets)("on '%s' a batch kept past the next request sees a later batch's values: its memory served the next batches", async (target) => {
    const seen = await consume(pipeline, { target, nWorkers: 2, prefetch: 2, reuseMemory: true });
    const changed = seen.kept.filter((batch, k) => !pixelsOf(batch.images).every((value, i) => value === seen.pixels[k]![i]));
    expect(changed.length).toBeGreaterThan(0);
    // the last batch was never followed by a request: it keeps its values
    expectSameValues(pixelsOf(seen.kept.at(-1)!.images), seen.pixels.at(-1));
  });

  test.each(workerTargets)("without reuseMemory, batches kept on '%s' keep their values", async (target) => {
    const seen = await consume(pipeline, { target, nWorkers: 2, prefetch: 2 });
    seen.kept.forEach((batch, k) => expectSameValues(pixelsOf(batch.images), seen.pixels[k]));
  });

  test("on 'for' reuseMemory changes nothing: kept batches keep their values", async () => {
    const expected = await consume(pipeline, {});
    const seen = await consume(pipeline, { reuseMemory: true });
    seen.kept.forEach((batch, k) => {
      expectSameValues(pixelsOf(batch.images), seen.pixels[k]);
      expectSameValues(seen.pixels[k], expected.pixels[k]);
    });
  });
});

test('nextBatch with reuseMemory gives the batches of genBatch, each read while current', async () => {
  const expected = await consume(madeByStep, {});
  madeByStep.reset('iter');
  const pixels: Float32Array[] = [];
  const options = { batchSize: 8, shuffle: 3, nEpochs: 1, reset: 'all', target: 'threads', nWorkers: 2, prefetch: 2, reuseMemory: true } as const;
  for (let batch = await madeByStep.nextBatch(options); batch !== null; batch = await madeByStep.nextBatch()) pixels.push(pixelsOf(batch.images));
  expectSameValues(pixels, expected.pixels);
});

test('reuseMemory that is not true or false is an ArgumentError naming it, before any batch', async () => {
  const run = consume(madeByStep, { target: 'threads', reuseMemory: 'yes' as unknown as boolean });
  await expect(run).rejects.toThrow(ArgumentError);
  await expect(consume(madeByStep, { reuseMemory: 1 as unknown as boolean })).rejects.toThrow(/reuseMemory.*expected true or false, got 1/);
});
