/**
 * Worker engines over a custom Transport: `new WorkerEngine(name, factory)` runs the same scheduler
 * as 'threads' and 'mpc' over any transport. A transport wrapping the threads transport gives results
 * identical to 'for'; a transport that loses a chunk or reports a dead worker gives a
 * WorkerCrashError naming the lost items, and the engine replaces the broken transport. Chunking
 * learns from earlier calls: cheap items go in one chunk per worker, slow ones keep the guided schedule.
 */
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ActionError,
  DatasetIndex,
  WorkerCrashError,
  WorkerEngine,
  closeEngines,
  createProcessesTransport,
  createThreadsTransport,
  registerEngine,
  type ChunkMessage,
  type ChunkResult,
  type NDArray,
  type Target,
  type Transport,
  type WorkerWatch,
} from '../../src/index.js';
import { WorkerBatch, addOffset } from '../fixtures/worker-batches.js';

jest.setTimeout(60_000); // pools start workers that load TypeScript

/** Counts what the scheduler asks of the transport it wraps. */
class CountingTransport implements Transport {
  sends: Array<[number, number]> = [];
  closed = 0;
  discarded = 0;

  constructor(private readonly inner: Transport) {}

  get capabilities(): Transport['capabilities'] {
    return this.inner.capabilities;
  }

  send(message: ChunkMessage, transferList: readonly ArrayBuffer[], signal: AbortSignal | undefined): Promise<ChunkResult> {
    this.sends.push([message.start, message.end]);
    return this.inner.send(message, transferList, signal);
  }

  watch(): WorkerWatch {
    return this.inner.watch();
  }

  discard(): void {
    this.discarded += 1;
    this.inner.discard();
  }

  async close(): Promise<void> {
    this.closed += 1;
    await this.inner.close();
  }
}

/** A transport whose workers are gone: every chunk is lost, or a death is reported while chunks wait. */
class LostTransport implements Transport {
  readonly capabilities = { sharesMemory: false, sharedMemoryFiles: false };
  discarded = 0;

  constructor(private readonly mode: 'reject' | 'die') {}

  send(message: ChunkMessage): Promise<ChunkResult> {
    if (this.mode === 'reject') return Promise.reject(new Error(`worker lost items ${message.start}-${message.end}`));
    return new Promise<ChunkResult>(() => {}); // the chunk never comes back
  }

  watch(): WorkerWatch {
    const died = this.mode === 'die' ? Promise.reject<never>(new Error('worker exited with code 9')) : new Promise<never>(() => {});
    died.catch(() => {});
    return { died, stop: () => {} };
  }

  discard(): void {
    this.discarded += 1;
  }

  async close(): Promise<void> {}
}

const size = 12;
function makeBatch(seed = 5): WorkerBatch {
  const images = ndarray(
    Float32Array.from({ length: size * 9 }, (_, i) => (i % 13) / 13),
    [size, 3, 3],
  );
  const labels = ndarray(
    Float64Array.from({ length: size }, (_, i) => i * 10),
    [size],
  );
  const batch = new WorkerBatch(new DatasetIndex(size), { preloaded: { images, labels } });
  batch.randomSeed = seed;
  return batch;
}

const data = (batch: WorkerBatch, name: 'images' | 'labels'): number[] => Array.from((batch.getComponent(name) as NDArray).data as ArrayLike<number>);

const made: CountingTransport[] = [];
registerEngine('counted-threads', () => new WorkerEngine('counted-threads', (n) => made[made.push(new CountingTransport(createThreadsTransport(n))) - 1]!));
registerEngine(
  'counted-processes',
  () => new WorkerEngine('counted-processes', (n) => made[made.push(new CountingTransport(createProcessesTransport(n))) - 1]!),
);
const lost: LostTransport[] = [];
registerEngine('lost-reject', () => new WorkerEngine('lost-reject', () => lost[lost.push(new LostTransport('reject')) - 1]!));
registerEngine('lost-die', () => new WorkerEngine('lost-die', () => lost[lost.push(new LostTransport('die')) - 1]!));

afterAll(async () => {
  await closeEngines();
});

describe('a worker engine over a custom transport', () => {
  test.each(['counted-threads', 'counted-processes'])('%s: the same values as "for", one send per chunk, the transport reused', async (target) => {
    const reference = makeBatch();
    await reference.actions.invert({ scale: 2, target: 'for' });
    await reference.actions.jitter({ target: 'for', p: 0.5 });
    const batch = makeBatch();
    await batch.actions.invert({ scale: 2, target: target as Target, nWorkers: 2, chunkSize: 5 });
    await batch.actions.jitter({ target: target as Target, nWorkers: 2, chunkSize: 5, p: 0.5 });
    expect(data(batch, 'images')).toEqual(data(reference, 'images'));
    expect(data(batch, 'labels')).toEqual(data(reference, 'labels'));
    const transport = made[made.length - 1]!;
    expect(transport.sends).toEqual([
      [0, 5],
      [5, 10],
      [10, 12],
      [0, 5],
      [5, 10],
      [10, 12],
    ]);
  });

  test('item failures keep their position and class through the transport', async () => {
    const error = await makeBatch()
      .actions.failOn({ bad: 70, target: 'counted-threads' as Target, nWorkers: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ActionError);
    expect((error as ActionError).position).toBe(7);
    expect((error as ActionError).cause).toBeInstanceOf(RangeError);
  });

  test('closeEngines closes every transport the engine made', async () => {
    await makeBatch().actions.invert({ target: 'counted-threads' as Target, nWorkers: 1 });
    const open = made.filter((transport) => transport.closed === 0);
    expect(open.length).toBeGreaterThan(0);
    await closeEngines();
    expect(open.every((transport) => transport.closed === 1)).toBe(true);
  });

  test('a chunk the transport loses → WorkerCrashError naming its items and the cause', async () => {
    const error = await makeBatch()
      .actions.invert({ target: 'lost-reject' as Target, nWorkers: 2, chunkSize: 4 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkerCrashError);
    expect((error as WorkerCrashError).message).toContain('lost-reject');
    expect((error as WorkerCrashError).message).toMatch(/items? 0/);
    expect(((error as Error).cause as Error).message).toBe('worker lost items 0-4');
  });

  test('a worker death reported by the watch → WorkerCrashError; the broken transport is discarded and replaced', async () => {
    const first = await makeBatch()
      .actions.invert({ target: 'lost-die' as Target, nWorkers: 2 })
      .catch((e: unknown) => e);
    expect(first).toBeInstanceOf(WorkerCrashError);
    expect(((first as Error).cause as Error).message).toBe('worker exited with code 9');
    const broken = lost[lost.length - 1]!;
    expect(broken.discarded).toBe(1);
    await makeBatch()
      .actions.invert({ target: 'lost-die' as Target, nWorkers: 2 })
      .catch(() => undefined);
    expect(lost[lost.length - 1]).not.toBe(broken);
  });
});

describe('chunk sizes learned from earlier calls (seen through the transport)', () => {
  function labelsBatch(count: number): WorkerBatch {
    const labels = ndarray(
      Float64Array.from({ length: count }, (_, i) => i),
      [count],
    );
    return new WorkerBatch(new DatasetIndex(Array.from({ length: count }, (_, i) => `id${i}`)), { preloaded: { labels } });
  }

  test('cheap items: guided chunks on the first call, then one chunk per worker, with the same values', async () => {
    const sends: number[] = [];
    for (let call = 0; call < 3; call++) {
      const batch = labelsBatch(1000);
      await batch.applyParallel(addOffset, { src: 'labels', target: 'counted-threads' as Target, nWorkers: 2, offset: 0.5 });
      expect(data(batch, 'labels')).toEqual(Array.from({ length: 1000 }, (_, i) => i + 0.5));
      const transport = made[made.length - 1]!;
      sends.push(transport.sends.length);
      transport.sends = [];
    }
    expect(sends[0]).toBeGreaterThan(2);
    expect(sends.slice(1)).toEqual([2, 2]);
  });

  test('slow items keep small chunks so the workers finish together; ids and index values reach the workers', async () => {
    const sends: number[] = [];
    for (let call = 0; call < 2; call++) {
      const batch = labelsBatch(40);
      await batch.actions.spinDouble({ target: 'counted-threads' as Target, nWorkers: 2 });
      expect(data(batch, 'labels')).toEqual(Array.from({ length: 40 }, (_, i) => 2 * i));
      const transport = made[made.length - 1]!;
      sends.push(transport.sends.length);
      transport.sends = [];
    }
    expect(sends[1]).toBeGreaterThan(4);
    for (const target of ['for', 'counted-threads', 'counted-processes']) {
      const batch = labelsBatch(7);
      await batch.actions.whereAmI({ target: target as Target, nWorkers: 2, chunkSize: 3 });
      expect(batch.getComponent('labels')).toEqual(Array.from({ length: 7 }, (_, i) => `id${i}:in:${i}`));
    }
  });
});
