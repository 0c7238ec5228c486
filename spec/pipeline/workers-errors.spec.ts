/**
 * Batches on workers fail as batches in the calling thread do: errors keep their class, SkipBatch drops
 * one batch, StopPipeline ends the run, ignoreExceptions drops failing batches, a worker crash is a
 * WorkerCrashError. What cannot run on workers is refused before any work.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import {
  ArgumentError,
  NotPortableError,
  UnknownTargetError,
  WorkerCrashError,
  WorkerStateError,
  closeEngines,
  type Batch,
  type RunOptions,
} from '../../src/index.js';
import {
  BadBatchError,
  crashing,
  dataset,
  failing,
  misnamed,
  skipping,
  statefulFirst,
  stopping,
  unmarked,
  writing,
} from '../fixtures/pipeline-workers/pipelines.js';

afterAll(async () => {
  await closeEngines();
});

type AnyPipeline = { genBatch(options: RunOptions): AsyncGenerator<Batch> };

/** The first id of each yielded batch, and the error that ended the run (if any). */
async function collect(pipeline: AnyPipeline, options: RunOptions): Promise<{ firstIds: unknown[]; error: unknown }> {
  const firstIds: unknown[] = [];
  try {
    for await (const batch of pipeline.genBatch({ batchSize: 8, ...options })) firstIds.push(batch.indices[0]);
    return { firstIds, error: undefined };
  } catch (error) {
    return { firstIds, error };
  }
}

const workerTargets = [
  { target: 'threads', nWorkers: 2, prefetch: 3 },
  { target: 'mpc', nWorkers: 2, prefetch: 0 },
] as const;

describe.each(workerTargets)('batches on $target workers (prefetch $prefetch)', (settings) => {
  test('an error of a worker step ends the run with the original error, class restored, after the batches before it', async () => {
    const onFor = await collect(failing, {});
    const onWorkers = await collect(failing, settings);
    expect(onWorkers.firstIds).toEqual(onFor.firstIds);
    expect(onFor.firstIds).toEqual([0]);
    expect(onWorkers.error).toBeInstanceOf(BadBatchError);
    expect((onWorkers.error as Error).message).toBe('batch with id 13 is bad');
  }, 60_000);

  test('ignoreExceptions drops the failing batch and warns, as on for', async () => {
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const onFor = await collect(failing, { ignoreExceptions: true });
      const onWorkers = await collect(failing, { ...settings, ignoreExceptions: true });
      expect(onWorkers).toEqual(onFor);
      expect(onWorkers.firstIds).toEqual([0, 16, 24, 32]);
      expect(warn.mock.calls.filter(([message]) => String(message).includes('batch with id 13 is bad'))).toHaveLength(2);
    } finally {
      warn.mockRestore();
    }
  }, 60_000);

  test('SkipBatch on a worker drops that batch only', async () => {
    const onWorkers = await collect(skipping, settings);
    expect(onWorkers).toEqual(await collect(skipping, {}));
    expect(onWorkers.firstIds).toEqual([0, 16, 24, 32]);
  }, 60_000);

  test('StopPipeline on a worker ends the run quietly; later batches never run their calling-thread steps', async () => {
    const onFor = await collect(stopping, { reset: 'all' });
    const countOnFor = stopping.v<number>('count');
    const onWorkers = await collect(stopping, { ...settings, reset: 'all' });
    expect(onWorkers).toEqual(onFor);
    expect(onWorkers).toEqual({ firstIds: [0, 8], error: undefined });
    expect(stopping.v<number>('count')).toBe(countOnFor);
    expect(countOnFor).toBe(2);
  }, 60_000);

  test('a worker that exits is a WorkerCrashError; with ignoreExceptions its batch is dropped and the run goes on', async () => {
    const crashed = await collect(crashing, { ...settings, prefetch: 0 });
    expect(crashed.firstIds).toEqual([0]);
    expect(crashed.error).toBeInstanceOf(WorkerCrashError);
    const warn = jest.spyOn(process, 'emitWarning').mockImplementation(() => {});
    try {
      const dropped = await collect(crashing, { ...settings, prefetch: 0, ignoreExceptions: true });
      expect(dropped).toEqual({ firstIds: [0, 16, 24, 32], error: undefined });
    } finally {
      warn.mockRestore();
    }
  }, 60_000);

  test('an action body that writes a pipeline variable on a worker fails with a WorkerStateError naming the step', async () => {
    const { error } = await collect(writing, settings);
    expect(error).toBeInstanceOf(WorkerStateError);
    expect((error as Error).message).toContain("setVariable('count')");
    expect((error as Error).message).toContain('countInVariable');
    expect(writing.v<number>('count')).toBe(0);
  }, 60_000);
});

describe('refusals before any work', () => {
  test('a pipeline not marked with portablePipeline, or not reachable by module reference, is a NotPortableError', async () => {
    const before = jest.fn();
    const local = dataset.p.scale({ factor: 2 }).before((once) => once.call(before));
    for (const pipeline of [unmarked, local]) {
      const { firstIds, error } = await collect(pipeline, { target: 'threads' });
      expect(error).toBeInstanceOf(NotPortableError);
      expect((error as Error).message).toContain('portablePipeline(');
      expect(firstIds).toEqual([]);
    }
    expect(before).not.toHaveBeenCalled();
    const { error } = await collect(misnamed, { target: 'mpc' });
    expect(error).toBeInstanceOf(NotPortableError);
    expect((error as Error).message).toContain("'noSuchExport'");
  });

  test('a pipeline whose first step is stateful is an ArgumentError explaining the state rule', async () => {
    const { error } = await collect(statefulFirst, { target: 'threads' });
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).message).toMatch(/target.*stateful.*update/s);
    expect(statefulFirst.v<number>('n')).toBe(0);
  });

  test('an unknown target is an UnknownTargetError when the run starts', async () => {
    const { error } = await collect(unmarked, { target: 'nope' as never });
    expect(error).toBeInstanceOf(UnknownTargetError);
  });
});
