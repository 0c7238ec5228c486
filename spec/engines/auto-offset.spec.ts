/**
 * `ItemTask.offset` on the worker engines: a custom engine that runs the first items itself and hands
 * the rest to a worker engine as a task of its own (`offset` = the global position of its first item)
 * gets the results of 'for' bit for bit: each item keeps its generator, its batch id and, on a
 * failure, its position. This is how target 'auto' sends what its probe left to the 'threads' pool.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ActionError,
  DatasetIndex,
  WorkerEngine,
  closeEngines,
  createThreadsTransport,
  invokeItem,
  registerEngine,
  type Engine,
  type EngineRunOptions,
  type ItemTask,
  type NDArray,
  type RngSeeding,
} from '../../src/index.js';
import { AutoBatch } from '../fixtures/auto/auto-batches.js';

declare module '../../src/index.js' {
  interface EngineRegistry {
    'head-here-tail-on-threads': true;
  }
}

function sliceSeeding(seeding: RngSeeding, start: number): RngSeeding {
  return seeding.kind === 'perItem' ? { kind: 'perItem', seeds: Array.from(seeding.seeds).slice(start) } : seeding;
}

/** The items from `start` on, as a task whose offset is their global position. */
function tail(task: ItemTask, start: number): ItemTask {
  return {
    ...task,
    offset: task.offset + start,
    items: { length: task.items.length - start, at: (local) => task.items.at(start + local) },
    perItemOptions: task.perItemOptions.map(([name, source]) => [name, { valueAt: (local: number) => source.valueAt(start + local) }] as const),
    perItemArgs: task.perItemArgs.map(([index, source]) => [index, { valueAt: (local: number) => source.valueAt(start + local) }] as const),
    applyMask: task.applyMask ? task.applyMask.subarray(start) : null,
    rngSeeding: sliceSeeding(task.rngSeeding, start),
    indexValues: Array.from(task.indexValues).slice(start),
  };
}

/** Runs the first `head` items in the calling thread, the rest on a 'threads' worker engine. */
class HeadHereTailOnThreads implements Engine {
  readonly name = 'head-here-tail-on-threads';
  private readonly workers = new WorkerEngine('tail-threads', createThreadsTransport);

  constructor(private readonly head: number) {}

  async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    const head = Math.min(this.head, task.items.length);
    const results: unknown[] = [];
    for (let k = 0; k < head; k++) results.push(await invokeItem(task, task.offset + k));
    return results.concat(await this.workers.run(tail(task, head), { ...options, nWorkers: 2 }));
  }

  async close(): Promise<void> {
    await this.workers.close();
  }
}

registerEngine('head-here-tail-on-threads', () => new HeadHereTailOnThreads(5));

function makeBatch(size: number): AutoBatch {
  const x = ndarray(
    Float64Array.from({ length: size }, (_, i) => i),
    [size],
  );
  const labels = ndarray(
    Float64Array.from({ length: size }, (_, i) => 3 * i),
    [size],
  );
  const images = ndarray(new Float32Array(size * 16), [size, 4, 4]);
  const batch = new AutoBatch(new DatasetIndex(size), { preloaded: { x, labels, images } });
  batch.randomSeed = 11;
  return batch;
}

function values(batch: AutoBatch, name: 'x' | 'labels'): number[] {
  const array = batch.getComponent(name) as NDArray;
  return Array.from({ length: array.size }, (_, i) => (array.data as Float64Array)[array.offset + i]!);
}

afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(60_000);

describe('a task with an offset on a worker engine', () => {
  test("keeps each item's generator (requiresRng, a p mask): the results of 'for'", async () => {
    const reference = makeBatch(12);
    await reference.actions.heavyNoise({ target: 'for', p: 0.5, scale: 2 });
    const batch = makeBatch(12);
    await batch.actions.heavyNoise({ target: 'head-here-tail-on-threads', p: 0.5, scale: 2 });
    expect(values(batch, 'labels')).toEqual(values(reference, 'labels'));
  });

  test("gives a batch method the ids of its own items (@inbatchParallel over the index): the results of 'for'", async () => {
    const reference = makeBatch(12);
    await reference.actions.heavyPerId({ target: 'for' });
    const batch = makeBatch(12);
    await batch.actions.heavyPerId({ target: 'head-here-tail-on-threads' });
    expect(batch.collected).toEqual(reference.collected);
  });

  test('reports a failing item of the tail at its position in the whole call', async () => {
    const failure = makeBatch(12).actions.failOn({ target: 'head-here-tail-on-threads', bad: 9 });
    await expect(failure).rejects.toThrow(ActionError);
    await expect(makeBatch(12).actions.failOn({ target: 'head-here-tail-on-threads', bad: 9 })).rejects.toMatchObject({ position: 9, indexValue: 9 });
  });
});
