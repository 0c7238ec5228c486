/**
 * Errors thrown by items cross the worker engines as they are on 'for': the class when it is
 * exported from the item function's module or registered with registerErrorClass (library errors
 * and built-in errors always), `name`, `message`, `stack`, `code` and the other own cloneable fields,
 * and the `cause` chain. A class that cannot be found comes back as a plain Error with its name and fields.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ActionError, ArgumentError, Batch, BatchflowError, WorkerCrashError, WorkerSetupError, closeEngines, portable } from '../../src/index.js';
import { WorkerBatch } from '../fixtures/worker-batches.js';
import { FailingBatch, FragileBatch, QuotaError, checkQuota } from '../fixtures/worker-failures.js';
import { StorageError } from '../fixtures/worker-error-classes.js';

afterAll(async () => {
  await closeEngines();
});

/** Not exported and without decorated methods of its own: workers look for it in WorkerBatch's module, where it is not. */
class UnexportedSubBatch extends WorkerBatch {}

function makeBatch(): FailingBatch {
  return new FailingBatch(5, { preloaded: { labels: [0, 1, 2, 3, 4] } });
}

async function causeOf(run: Promise<unknown>): Promise<unknown> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return (error as ActionError).cause;
}

describe.each(['for', 'threads', 'mpc'] as const)("target '%s'", (target) => {
  test('an exported error class comes back with its class, fields, getters and a cause chain of registered and built-in classes', async () => {
    const cause = await causeOf(makeBatch().actions.chained({ target, nWorkers: 2 }));
    expect(cause).toBeInstanceOf(QuotaError);
    const quota = cause as QuotaError;
    expect(quota.name).toBe('QuotaError');
    expect(quota.message).toBe('quota exceeded');
    expect(quota.code).toBe('E_QUOTA');
    expect(quota.details).toEqual({ limit: 10, used: 12 });
    expect(quota.summary).toBe('E_QUOTA: 12/10');
    expect(quota.stack).toContain('worker-failures.ts');
    expect(quota.cause).toBeInstanceOf(StorageError);
    const storage = quota.cause as StorageError;
    expect([storage.name, storage.message, storage.path]).toEqual(['StorageError', 'cannot write shard 7', '/data/shard-7']);
    expect(storage.cause).toBeInstanceOf(TypeError);
    expect((storage.cause as TypeError).message).toBe('disk handle is closed');
  }, 30_000);

  test('a portable function that throws an exported class', async () => {
    const batch = new Batch(3);
    await batch.addComponents('values', [1, -2, 3]);
    const cause = await causeOf(batch.applyParallel(checkQuota, { src: 'values', target }));
    expect(cause).toBeInstanceOf(QuotaError);
    expect((cause as QuotaError).details).toEqual({ limit: 0, used: -2 });
  }, 30_000);

  test('a library error keeps its class and fields', async () => {
    const cause = await causeOf(makeBatch().actions.library({ target }));
    expect(cause).toBeInstanceOf(ArgumentError);
    expect((cause as ArgumentError).argument).toBe('threshold');
    expect((cause as ArgumentError).message).toBe('threshold: must be positive');
  }, 30_000);

  test('a thrown plain value that can be cloned is the cause as it was thrown', async () => {
    const cause = await causeOf(makeBatch().actions.plainValue({ target }));
    expect(cause).toEqual({ code: 42, reason: 'not an Error' });
  }, 30_000);
});

describe.each(['threads', 'mpc'] as const)("target '%s'", (target) => {
  test('a class that is neither exported nor registered comes back as an Error with its name and cloneable fields', async () => {
    const cause = await causeOf(makeBatch().actions.local({ target }));
    expect(cause).toBeInstanceOf(Error);
    const error = cause as Error & Record<string, unknown>;
    expect(error.constructor).toBe(Error);
    expect(error.name).toBe('LocalError');
    expect(error.message).toBe('local failure');
    expect(error.code).toBe('E_LOCAL');
    expect(error.attempts).toEqual([1, 2, 3]);
    expect('handle' in error).toBe(false);
    expect(error.stack).toContain('worker-failures.ts');
  }, 30_000);
});

describe.each(['threads', 'mpc'] as const)("target '%s': a worker that cannot load the item function", (target) => {
  test('fails the call with an error naming the module and the cause (not a crash, no item runs)', async () => {
    const missing = portable((value: number) => value, new URL('../fixtures/worker-failures.ts', import.meta.url), 'notExported');
    const batch = new Batch(3);
    await batch.addComponents('values', [1, 2, 3]);
    const error = await batch.applyParallel(missing, { src: 'values', target, nWorkers: 2 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatchflowError);
    expect(error).not.toBeInstanceOf(WorkerCrashError);
    expect((error as Error).message).toContain(`a '${target}' worker could not load the item function from `);
    expect((error as Error).message).toContain("has no exported function 'notExported'");
    expect(((error as Error).cause as Error).message).toContain('worker-failures.ts');
  }, 30_000);
});

describe.each(['threads', 'mpc'] as const)("target '%s': a worker that cannot rebuild the batch", (target) => {
  test('an item function that uses a batch whose class the worker cannot find fails its items with a WorkerSetupError naming the class and module', async () => {
    const batch = new UnexportedSubBatch(2, { preloaded: { images: ndarray(new Float32Array(8), [2, 2, 2]), labels: [0, 1] } });
    const cause = await causeOf(batch.actions.offsetBySize({ target, nWorkers: 1 }));
    expect(cause).toBeInstanceOf(WorkerSetupError);
    const setup = cause as WorkerSetupError;
    expect(setup.className).toBe('UnexportedSubBatch');
    expect(setup.module).toContain('worker-batches.ts');
    expect(setup.action).toBe('offsetBySize');
    expect(setup.message).toContain("class 'UnexportedSubBatch'");
    // an item function that never touches its batch still runs
    await batch.actions.invert({ target, nWorkers: 1 });
    expect(batch.images.shape).toEqual([2, 2, 2]);
  }, 30_000);

  test('a batch constructor that throws on the worker fails the items that use the batch with a WorkerSetupError caused by its error', async () => {
    const batch = new FragileBatch(3, { preloaded: { labels: [0, 1, 2] } });
    const cause = await causeOf(batch.actions.offset({ target, nWorkers: 1 }));
    expect(cause).toBeInstanceOf(WorkerSetupError);
    const setup = cause as WorkerSetupError;
    expect(setup.className).toBe('FragileBatch');
    expect(setup.module).toContain('worker-failures.ts');
    expect(setup.message).toContain('its constructor threw (RangeError: a FragileBatch cannot be built on a worker)');
    expect(setup.cause).toBeInstanceOf(RangeError);
    await batch.actions.same({ target, nWorkers: 1 });
  }, 30_000);
});
