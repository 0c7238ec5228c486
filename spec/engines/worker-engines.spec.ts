/**
 * The 'threads' and 'mpc' engines, through the public API: same results as 'for' bit for bit (any
 * nWorkers), functions by reference only, item errors, worker crashes, timeouts, and pools that are
 * reused and never keep the process alive (this file runs without --forceExit).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ActionError,
  ArgumentError,
  DatasetIndex,
  NotPortableError,
  TimeoutError,
  WorkerCrashError,
  closeEngines,
  configureWorkers,
  zeros,
  type NDArray,
} from '../../src/index.js';
import { SubWorkerBatch, WorkerBatch, addOffset } from '../fixtures/worker-batches.js';

const size = 12;

function makeBatch<B extends WorkerBatch>(Class: new (...args: ConstructorParameters<typeof WorkerBatch>) => B = WorkerBatch as never, seed = 11): B {
  const images = ndarray(
    Float32Array.from({ length: size * 9 }, (_, i) => (i % 17) / 17),
    [size, 3, 3],
  );
  const labels = ndarray(
    Float64Array.from({ length: size }, (_, i) => i * 10),
    [size],
  );
  const batch = new Class(new DatasetIndex(Array.from({ length: size }, (_, i) => 100 + i)), { preloaded: { images, labels }, tag: 'T7' });
  batch.randomSeed = seed;
  return batch;
}

function values(batch: WorkerBatch, name: string): number[] {
  return Array.from((batch.getComponent(name) as NDArray).data as Float64Array);
}

afterAll(async () => {
  await closeEngines();
});

describe.each(['threads', 'mpc'] as const)("target '%s'", (target) => {
  test.each([1, 2, 4])(
    'matches the for loop bit for bit with nWorkers=%i (ndarray items, p, requiresRng)',
    async (nWorkers) => {
      const reference = makeBatch();
      await reference.actions.invert({ target: 'for', scale: 3, dst: 'inverted', p: 0.5 });
      await reference.actions.jitter({ target: 'for', dst: 'jittered', p: 0.7 });
      const parallel = makeBatch();
      await parallel.actions.invert({ target, nWorkers, scale: 3, dst: 'inverted', p: 0.5 });
      await parallel.actions.jitter({ target, nWorkers, dst: 'jittered', p: 0.7 });
      expect(values(parallel, 'inverted')).toEqual(values(reference, 'inverted'));
      expect(values(parallel, 'jittered')).toEqual(values(reference, 'jittered'));
      expect((parallel.getComponent('inverted') as NDArray).shape).toEqual([size, 3, 3]);
      expect(parallel.random.random()).toBe(reference.random.random());
    },
    30_000,
  );

  test('a shared-memory component gives the same results, and results land in shared memory', async () => {
    const images = zeros([size, 3, 3], 'float32', { shared: true });
    for (let i = 0; i < images.data.length; i++) images.data[i] = (i % 13) / 13;
    const onFor = new WorkerBatch(new DatasetIndex(size), { preloaded: { images } });
    await onFor.actions.invert({ target: 'for', dst: 'inverted', scale: 2 });
    const parallel = new WorkerBatch(new DatasetIndex(size), { preloaded: { images } });
    await parallel.actions.invert({ target, dst: 'inverted', scale: 2, nWorkers: 2 });
    await parallel.actions.invert({ target, src: 'inverted', dst: 'twice', nWorkers: 2 });
    const inverted = parallel.getComponent('inverted') as NDArray;
    expect(Array.from(inverted.data as Float32Array)).toEqual(Array.from((onFor.getComponent('inverted') as NDArray).data as Float32Array));
    expect((inverted.data as Float32Array).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect((parallel.getComponent('twice') as NDArray).get(1, 0, 0)).toBeCloseTo(1 - 2 * (1 - 9 / 13), 5);
  }, 30_000);

  test('runs an exported function marked portable(), with its own options', async () => {
    const batch = makeBatch();
    await batch.applyParallel(addOffset, { src: 'labels', dst: 'shifted', target, offset: 5, chunkSize: 5 });
    expect(values(batch, 'shifted')).toEqual(Array.from({ length: size }, (_, i) => i * 10 + 5));
  }, 30_000);

  test('refuses a closure before any work starts, saying why and what to do', async () => {
    const batch = makeBatch();
    let calls = 0;
    const closure = (x: number): number => x + ++calls;
    const error = await batch.applyParallel(closure, { src: 'labels', dst: 'out', target }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotPortableError);
    expect((error as Error).message).toMatch(/closure|portable\(fn, import\.meta\.url\)/);
    expect(calls).toBe(0);
    expect(batch.components).not.toContain('out');
  });

  test('refuses options that cannot be cloned, naming the option', async () => {
    const batch = makeBatch();
    const error = await batch.applyParallel(addOffset, { src: 'labels', target, offset: 1, helper: () => 1 } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('helper');
  });

  test('a failing item raises ActionError with the index value, position and the worker-side cause', async () => {
    const batch = makeBatch();
    const error = (await batch.actions.failOn({ target, bad: 70, nWorkers: 2 }).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect(error.action).toBe('failOn');
    expect(error.position).toBe(7);
    expect(error.indexValue).toBe(107);
    expect((error.cause as Error).name).toBe('RangeError');
    expect((error.cause as Error).message).toBe('label 70 is bad');
    expect((error.cause as Error).stack).toContain('worker-batches.ts');
  }, 30_000);

  test('a worker engine started inside a worker is refused with an explanation (no runaway pools)', async () => {
    const batch = makeBatch();
    const error = (await batch.actions.nested({ target, nWorkers: 1 }).catch((e: unknown) => e)) as ActionError;
    expect(error).toBeInstanceOf(ActionError);
    expect((error.cause as Error).message).toContain('cannot be used inside a batchflow-ts worker');
  }, 30_000);

  test('awaits async item functions in the worker', async () => {
    const batch = makeBatch();
    await batch.actions.slowDouble({ target, dst: 'doubled' });
    expect(values(batch, 'doubled')).toEqual(Array.from({ length: size }, (_, i) => i * 20));
  }, 30_000);

  test('this in a worker is an instance of the class with the batch attributes; subclasses work', async () => {
    const batch = makeBatch(SubWorkerBatch);
    await batch.actions.describeThis({ target, dst: 'described', nWorkers: 2 });
    expect(batch.getComponent('described')).toEqual(Array.from({ length: size }, (_, i) => `SubWorkerBatch:T7:${i * 10}`));
  }, 30_000);

  test('inbatchParallel with init and a post method runs in workers', async () => {
    const batch = makeBatch();
    await batch.actions.square({ target });
    expect(batch.collected).toEqual(Array.from({ length: size }, (_, i) => (100 + i) ** 2));
  }, 30_000);

  test('a worker that exits is a WorkerCrashError, not a hang, and the next call works', async () => {
    const batch = makeBatch();
    const error = await batch.actions.exitProcess({ target, nWorkers: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashError);
    await batch.actions.slowDouble({ target, nWorkers: 2, dst: 'doubled' });
    expect(values(batch, 'doubled')[3]).toBe(60);
  }, 60_000);

  test('an uncaught asynchronous error in a worker fails the call with a WorkerCrashError naming it, and the pool recovers', async () => {
    const batch = makeBatch();
    const error = await batch.actions.throwLater({ target, nWorkers: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect(String((error as Error).message)).toContain('uncaught in a worker');
    await batch.actions.slowDouble({ target, nWorkers: 2, dst: 'doubled' });
    expect(values(batch, 'doubled')[1]).toBe(20);
  }, 60_000);

  test('timeout aborts a call with TimeoutError and the pool stays usable', async () => {
    const batch = makeBatch();
    const started = Date.now();
    const error = await batch.actions.hang({ target, nWorkers: 2, timeout: 300 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeLessThan(4_000);
    await batch.actions.slowDouble({ target, nWorkers: 2, dst: 'doubled' });
    expect(values(batch, 'doubled')[2]).toBe(40);
  }, 60_000);
});

test("an out-of-memory worker (resourceLimits) is a WorkerCrashError on 'threads'", async () => {
  await configureWorkers({ resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
  try {
    const batch = makeBatch();
    const error = await batch.actions.exhaustMemory({ target: 'threads', nWorkers: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashError);
  } finally {
    await configureWorkers({});
  }
  const batch = makeBatch();
  await batch.actions.slowDouble({ target: 'threads', nWorkers: 1, dst: 'doubled' });
  expect(values(batch, 'doubled')[5]).toBe(100);
}, 60_000);
