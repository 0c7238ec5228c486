/**
 * Batches on 'mpc' workers move their large component data through shared-memory files (both ways),
 * not through the process channel, one file per batch in flight reused for the whole run: the batches
 * and variables stay those of 'for', bit for bit, and no file of the library is left behind, after a
 * run and after a failed one.
 */
import { existsSync, readdirSync } from 'node:fs';
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import { closeEngines, type Batch, type NDArray, type RunOptions } from '../../src/index.js';
import { BadBatchError, largeBatches, largeFailing, largeInPlace } from '../fixtures/pipeline-workers/pipelines.js';
import { expectSameValues } from '../helpers/values.js';

afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(60_000);

type AnyPipeline = { genBatch(options: RunOptions): AsyncGenerator<Batch> };

interface Collected {
  readonly batches: Array<{ ids: unknown[]; images: number[]; labels: number[]; nextDraw: number }>;
  /** The shared-memory files of this process each batch's worker-side steps saw, and the processes they ran in. */
  readonly shmFiles: string[][];
  readonly pids: Set<number>;
}

async function collect(pipeline: AnyPipeline, options: RunOptions): Promise<Collected> {
  const collected: Collected = { batches: [], shmFiles: [], pids: new Set() };
  for await (const batch of pipeline.genBatch({ batchSize: 32, shuffle: 5, reset: 'all', ...options })) {
    const data = batch.data as { images: NDArray; labels: NDArray };
    collected.batches.push({
      ids: [...batch.indices],
      images: Array.from({ length: data.images.size }, (_, k) => data.images.get(Math.floor(k / 1024), Math.floor(k / 32) % 32, k % 32) as number),
      labels: Array.from({ length: data.labels.size }, (_, k) => data.labels.get(k) as number),
      nextDraw: batch.random.random(),
    });
    const attributes = batch.getAttrs();
    collected.shmFiles.push((attributes.shmFiles as string[] | undefined) ?? []);
    collected.pids.add((attributes.producedIn as { pid: number }).pid);
  }
  return collected;
}

/** The library's shared-memory files left by the processes `pids`. */
function leftovers(pids: Iterable<number>): string[] {
  if (!existsSync('/dev/shm')) return [];
  const prefixes = [...pids].map((pid) => `batchflow-${pid}-`);
  return readdirSync('/dev/shm').filter((name) => prefixes.some((prefix) => name.startsWith(prefix)));
}

describe('large batches on workers', () => {
  test("on 'mpc' reach the workers through shared-memory files, with the batches and variables of for, and leave no file", async () => {
    const expected = await collect(largeBatches, { nEpochs: 2 });
    const sum = largeBatches.v<number>('sum');
    const got = await collect(largeBatches, { nEpochs: 2, target: 'mpc', nWorkers: 2, prefetch: 2 });
    expectSameValues(got.batches, expected.batches);
    expect(largeBatches.v<number>('sum')).toBe(sum);
    expect(got.pids.has(process.pid)).toBe(false);
    // while a worker produced a batch, its data waited in a file of this process
    expect(got.shmFiles.every((files) => files.length > 0)).toBe(true);
    expect(leftovers([process.pid, ...got.pids])).toEqual([]);
  });

  test("on 'mpc' reuse one file per batch in flight for a whole run, both ways, and batches held keep their own data", async () => {
    const got = await collect(largeBatches, { nEpochs: 2, target: 'mpc', nWorkers: 2, prefetch: 2 });
    expect(got.batches).toHaveLength(6);
    // at most prefetch + 1 = 3 batches are in flight, each with one file (a new file per batch would make 6)
    const files = new Set(got.shmFiles.flat());
    expect(files.size).toBeGreaterThan(0);
    expect(files.size).toBeLessThanOrEqual(3);
    expect(leftovers([process.pid, ...got.pids])).toEqual([]);
    const pixels = async (options: RunOptions): Promise<number[][]> => {
      const held: Batch[] = [];
      for await (const batch of largeInPlace.genBatch({ batchSize: 32, shuffle: 3, nEpochs: 2, ...options })) held.push(batch);
      return held.map((batch) => Array.from((batch.data as { images: NDArray }).images.data as Float32Array));
    };
    expectSameValues(await pixels({ target: 'mpc', nWorkers: 2, prefetch: 3 }), await pixels({}));
  });

  test("on 'threads' move their buffers without files, with the batches of for", async () => {
    const expected = await collect(largeBatches, {});
    const got = await collect(largeBatches, { target: 'threads', nWorkers: 2, prefetch: 1 });
    expectSameValues(got.batches, expected.batches);
    expect(got.shmFiles.every((files) => files.length === 0)).toBe(true);
  });

  // batches of 8 (32 KiB of images) travel as moved buffers; batches of 32 (128 KiB) are gathered from the
  // dataset straight into reused shared slots, which later batches take again
  test.each([8, 32])(
    "on 'threads' keep their own data when a worker changed a column in place, however many batches are held (batch %i)",
    async (batchSize) => {
      const pixels = async (options: RunOptions): Promise<number[][]> => {
        const held: Batch[] = [];
        // every batch is held until the run ends, so a buffer reused for a later batch would show
        for await (const batch of largeInPlace.genBatch({ batchSize, shuffle: 3, nEpochs: 2, ...options })) held.push(batch);
        return held.map((batch) => Array.from((batch.data as { images: NDArray }).images.data as Float32Array));
      };
      const expected = await pixels({});
      for (const prefetch of [0, 3]) expectSameValues(await pixels({ target: 'threads', nWorkers: 2, prefetch }), expected);
    },
  );

  test("on 'mpc' leave no file after a failed run", async () => {
    const workers = await collect(largeBatches, { target: 'mpc', nWorkers: 2 });
    const failing = collect(largeFailing, { shuffle: false, target: 'mpc', nWorkers: 2, prefetch: 2 });
    await expect(failing).rejects.toThrow(BadBatchError);
    expect(leftovers([process.pid, ...workers.pids])).toEqual([]);
  });
});
