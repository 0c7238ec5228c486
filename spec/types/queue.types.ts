/**
 * Compile-only type tests of the 'queue' engine's public surface: `'queue'` and `'q'` are targets,
 * `configureQueue` / `startQueueWorker` accept only their options. Not run by jest: `tsc -p . --noEmit`
 * checks every `@ts-expect-error` line. Nothing here runs at import.
 */
import {
  Batch,
  applyParallel,
  configureQueue,
  createQueueTransport,
  startQueueWorker,
  type NDArray,
  type Target,
  type TargetName,
  type Transport,
  type QueueWorker,
} from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

/** Never called: tsc only type-checks it. */
export async function typeChecks(): Promise<void> {
  class Images extends Batch {
    static override components = ['images'] as const;
    declare images: NDArray;

    @applyParallel({ src: 'images', target: 'queue' })
    same(image: NDArray): NDArray {
      return image;
    }
  }
  const batch = new Images(2);
  await batch.actions.same({ target: 'queue', nWorkers: 8, chunkSize: 4, timeout: 1000 });
  await batch.actions.same({ target: 'q' });
  // @ts-expect-error -- misspelled target
  await batch.actions.same({ target: 'queu' });
  assertType<Equal<Extract<Target, 'queue' | 'q'>, 'queue' | 'q'>>();
  assertType<Equal<Extract<TargetName, 'q'>, never>>();

  await configureQueue({ url: 'redis://127.0.0.1:6379', prefix: 'p', queueName: 'q', payloadTtlMs: 1000, connectTimeoutMs: 500 });
  await configureQueue({ connection: { password: 'secret', family: 4 }, lockDurationMs: 1000, stalledIntervalMs: 500, maxStalledCount: 2 });
  // @ts-expect-error -- not an option
  await configureQueue({ redis: 'redis://127.0.0.1:6379' });
  // @ts-expect-error -- a number of milliseconds
  await configureQueue({ payloadTtlMs: '1s' });

  const transport: Transport = createQueueTransport({ queueName: 'other' });
  void transport;
  const worker: QueueWorker = await startQueueWorker({ url: 'redis://127.0.0.1:6379', concurrency: 2, id: 'w1' });
  const id: string = worker.id;
  void id;
  await worker.close();
  // @ts-expect-error -- concurrency is a number
  await startQueueWorker({ concurrency: '2' });
}
