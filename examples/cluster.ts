/**
 * Example, `npm run example:cluster`: a pipeline across worker processes on target 'queue' (BullMQ on
 * Redis), all on this machine.
 *
 * - Starts a throwaway `redis-server` on a free loopback port (persistence off) and two queue workers
 *   with the command line (`batchflow-ts worker --redis URL --concurrency 1`): on a real cluster each
 *   worker machine runs that command against a shared Redis server (docs/scale-out.md).
 * - Runs an image augmentation pipeline (`AugmentBatch` of augment-images.ts: flip, rotate, blur,
 *   noise) over 128 generated images, once on 'for' and on 'queue': each batch is produced on a
 *   worker, which records its process id in the batch; the pipeline variables stay on this process.
 * - Prints which worker produced which batch and the throughput, and checks that 'queue' gives the
 *   same batches as 'for', bit for bit.
 * - Stops the workers and the server at the end, on an error and on Ctrl-C (no orphan processes).
 *
 * Workers import THIS module to find the pipeline and the Batch class, so the program only runs when
 * the file is the entry point (see `runMain`).
 * @module
 */
import { Dataset, B, F, V, action, closeEngines, configureQueue, portablePipeline, zeros, type NDArray, type RunOptions } from '../src/index.js';
import { AugmentBatch } from './augment-images.js';
import { makeShapes } from './data.js';
import { runMain } from './run-main.js';
import { startRedisServer, type RedisServer } from './support/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from './support/queue-workers.js';

const COUNT = 128;
const SIZE = 64;
const BATCH_SIZE = 16;
const WORKERS = 2;

/** The augmentation batch, plus a step that records which process produced the batch. */
export class ClusterBatch extends AugmentBatch {
  /** Stores this process's id in the batch attribute `producedBy`. */
  @action
  async recordProducer(): Promise<this> {
    this.createAttrs({ producedBy: process.pid });
    return this;
  }
}

const shapes = makeShapes(COUNT, SIZE);
const dataset = new Dataset(COUNT, {
  batchClass: ClusterBatch,
  preloaded: { images: shapes.images, labels: shapes.labels, flipped: zeros([COUNT], 'uint8') },
});

const sumOf = (values: NDArray): number => Array.from({ length: values.size }, (_, i) => values.get(i) as number).reduce((a, b) => a + b, 0);

/**
 * Stateless steps (they run on the queue workers, one batch per job) and a stateful tail (the
 * `update`, on this process, in batch order). Exported and marked so workers find it by reference.
 */
export const augmentation = portablePipeline(
  dataset.p
    .initVariable('flipped', 0)
    .flip({ p: 0.5 })
    .rotate({ maxAngle: 15 })
    .smooth({ radius: 2, repeats: 3 })
    .noise({ std: 3 })
    .recordProducer()
    .update(V('flipped'), V<number>('flipped').add(F(sumOf, B('flipped')))),
  import.meta.url,
  'augmentation',
);

interface Produced {
  readonly ids: string[];
  /** The images' float32 bits. */
  readonly bits: Uint32Array;
  readonly producedBy: number;
}

/** Runs the pipeline over one shuffled epoch and keeps each batch's ids, pixels and producer. */
async function run(options: RunOptions): Promise<{ batches: Produced[]; ms: number; flipped: number }> {
  const batches: Produced[] = [];
  const start = performance.now();
  for await (const batch of augmentation.genBatch({ batchSize: BATCH_SIZE, shuffle: 42, reset: 'all', ...options })) {
    const images = batch.images;
    const pixels = Float32Array.from({ length: images.size }, (_, k) => images.get(Math.floor(k / (SIZE * SIZE)), Math.floor(k / SIZE) % SIZE, k % SIZE));
    batches.push({ ids: batch.indices.map(String), bits: new Uint32Array(pixels.buffer), producedBy: batch.getAttrs().producedBy as number });
  }
  return { batches, ms: performance.now() - start, flipped: augmentation.v<number>('flipped') };
}

function identical(a: readonly Produced[], b: readonly Produced[]): boolean {
  return (
    a.length === b.length &&
    a.every((batch, k) => batch.ids.join() === b[k]!.ids.join() && Buffer.compare(Buffer.from(batch.bits.buffer), Buffer.from(b[k]!.bits.buffer)) === 0)
  );
}

const rate = (ms: number): string => `${((COUNT / ms) * 1000).toFixed(0)} images/s`;

async function main(): Promise<void> {
  let redis: RedisServer | null = null;
  const workers: WorkerProcess[] = [];
  let stopping: Promise<void> | null = null;
  const stopAll = (): Promise<void> =>
    (stopping ??= (async () => {
      await closeEngines(); // the caller's connections first, while the server is still there
      await Promise.all(workers.map((worker) => worker.stop()));
      await redis?.stop();
      console.log(`stopped: ${workers.length} workers and redis-server`);
    })());
  // Ctrl-C / kill: stop everything, then exit; a sudden exit still kills what is left (no orphans)
  const onSignal = (signal: NodeJS.Signals): void => {
    console.log(`cluster: ${signal}, stopping the workers and redis-server`);
    void stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('exit', () => {
    for (const child of [...workers.map((worker) => worker.process), redis?.process])
      if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  try {
    console.log(`cluster: ${COUNT} generated ${SIZE}×${SIZE} float32 images, batches of ${BATCH_SIZE}, ${WORKERS} queue worker processes`);
    redis = await startRedisServer();
    console.log(`redis-server: ${redis.url} (pid ${redis.process.pid}, persistence off)`);
    for (let k = 1; k <= WORKERS; k++) workers.push(await startWorkerProcess(redis.url, ['--concurrency', '1', '--id', `worker-${k}`]));
    const names = new Map(workers.map((worker, k) => [worker.pid, `worker-${k + 1}`]));
    console.log(`workers: ${workers.map((worker, k) => `worker-${k + 1} (pid ${worker.pid})`).join(', ')}`);
    await configureQueue({ url: redis.url });

    const onFor = await run({});
    const onQueue = { target: 'queue', nWorkers: WORKERS, prefetch: 2 * WORKERS } as const;
    const cold = await run(onQueue); // the workers' threads start and import this module on their first job
    const warm = await run(onQueue);
    for (const [k, batch] of warm.batches.entries()) {
      const producer = names.get(batch.producedBy) ?? `process ${batch.producedBy}`;
      console.log(`batch ${k} (${batch.ids.length} images, ${batch.ids[0]} …): produced by ${producer} (pid ${batch.producedBy})`);
    }
    const counts = [...names.values()].map((name) => `${name} ${warm.batches.filter((batch) => names.get(batch.producedBy) === name).length}`);
    console.log(`batches per worker: ${counts.join(', ')}`);
    console.log(
      `throughput: 'for' ${onFor.ms.toFixed(0)} ms (${rate(onFor.ms)}), 'queue' ${warm.ms.toFixed(0)} ms warm (${rate(warm.ms)}; ${cold.ms.toFixed(0)} ms on the first run, incl. worker start-up)`,
    );
    const same = [cold, warm].every((result) => identical(result.batches, onFor.batches) && result.flipped === onFor.flipped);
    console.log(
      `check: 'queue' and 'for' ${same ? 'give identical batches' : 'DIFFER'} (${onFor.batches.length} batches, pixels bit for bit, flipped ${onFor.flipped} items)`,
    );
    if (!same) process.exitCode = 1;
  } finally {
    await stopAll();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
}

await runMain(import.meta.url, main);
