/**
 * Workload Q: the 'queue' engine (BullMQ on a local redis-server) with real worker processes started
 * with the command line (`batchflow-ts worker --concurrency 1`: one job at a time, one core each).
 *
 * - `round-trip`: a call of one tiny item (one job): the caller writes the payload and adds the job,
 *   a worker takes it, runs it on its thread and pushes the reply, the caller pops it. Median of many.
 * - `payload`: one item of 8 MiB float32 (blur with 0 repeats: a copy), out and back: MB/s through Redis.
 * - `B`: workload B (200 × 256×256 float32, box blur ×5) over 'queue' on 1 and on 2 worker processes.
 * - `B's compute on a quarter of its bytes`: 50 images blurred ×20 through Redis, the same compute for 13 MB: context
 *   for the model in docs/scale-out.md (no goal: it shows how near the machine's ceiling a compute-heavy job gets).
 * - `P`: the batches of workload P's pipeline (`augment`) through 1 and 2 worker processes, prefetch 4.
 *
 * One worker serves queue `bench-q-one`, two others serve `bench-q-two`, so the variants are measured
 * in alternating blocks (as workload E does) without restarting processes. The server and the workers
 * are started here and stopped at the end; without `redis-server` the workload reports why it skipped.
 * @module
 */
import ndarray from 'ndarray';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { Batch, DatasetIndex, closeEngines, configureQueue, portable, type NDArray, type RunOptions } from '../../src/index.js';
import { hasRedisServer, startRedisServer, type RedisServer } from '../../examples/support/redis-server.js';
import { startWorkerProcess, type WorkerProcess } from '../../examples/support/queue-workers.js';
import { assertBench, round, roundStats, summarize, type BenchSettings, type Stats, type Workload, type WorkloadResult } from '../harness.js';
import { addOne } from './apply-scalar.js';
import { blur } from './blur.js';
import { randomImages } from './blur-batch.js';
import { augment, fillImages } from './pipeline-workers.js';
import { ParallelismProbe } from './support/machine-parallelism.js';

portable(blur, new URL('./blur.ts', import.meta.url));
portable(addOne, new URL('./apply-scalar.ts', import.meta.url));

const ROUND_TRIPS = 200;
const PAYLOAD_SHAPE = [1024, 2048] as const; // float32: 8 MiB
const BLUR_ITEMS = 200;
const BLUR_SIZE = 256;
const P_ITEMS = 2000;
const P_BATCH = 50;
const MB = 1e6;

class QueueBenchBatch extends Batch {
  static override components = ['images', 'x'] as const;
  declare images: NDArray;
  declare x: NDArray;
}

/** The two pools of worker processes: queue name and how many processes serve it. */
const pools = [
  { name: 'one', queueName: 'bench-q-one', processes: 1 },
  { name: 'two', queueName: 'bench-q-two', processes: 2 },
] as const;
type PoolName = (typeof pools)[number]['name'];

/** How payloads travel: through Redis, or (workers on this machine) through files in shared memory. */
type PayloadPath = 'redis' | 'files';
const SHARED_DIRECTORY = '/dev/shm/batchflow-bench-q';

async function useQueue(redis: RedisServer, pool: PoolName, path: PayloadPath = 'redis'): Promise<void> {
  await configureQueue({
    url: redis.url,
    queueName: pools.find((entry) => entry.name === pool)!.queueName,
    ...(path === 'files' ? { payloadDirectory: SHARED_DIRECTORY, payloadFileBytes: 256 * 1024 } : {}),
  });
}

/** The processes of a measurement: this one (the caller), the Redis server, and each pool's workers. */
interface Processes {
  readonly redis: number;
  readonly workers: ReadonlyMap<PoolName, readonly number[]>;
}

/** Fields of `/proc/<pid>/stat` after the command name, or null off Linux. */
function statFields(pid: number): string[] | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  } catch {
    return null;
  }
}

/** CPU milliseconds (user + system, all threads) process `pid` used so far, or NaN off Linux. */
function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? ((Number(fields[11]) + Number(fields[12])) * 1000) / 100 : Number.NaN; // clock ticks (USER_HZ = 100)
}

/** Minor page faults of process `pid` so far (first touches of fresh memory: 5–40 µs each on the project VM), or NaN off Linux. */
function minorFaults(pid: number): number {
  const fields = statFields(pid);
  return fields ? Number(fields[7]) : Number.NaN;
}

/** Mean CPU milliseconds per run of the caller, Redis and the pool's workers (robust against other load, unlike wall time). */
interface CpuPerRun {
  caller: number;
  redis: number;
  workers: number[];
  /** Minor page faults per timed run of the same processes (caller, Redis, workers). */
  faults: { caller: number; redis: number; workers: number[] };
}

/**
 * Times `run` in alternating blocks per pool (two passes, warm-ups first in each block), with the CPU time
 * and minor page faults of each process per timed run. The check `run` returns (comparing its output with
 * 'for') runs after the timing: it is the bench's, not the call's, and would add the same time to both pools.
 */
async function alternating(
  settings: BenchSettings,
  redis: RedisServer,
  processes: Processes,
  run: (pool: PoolName) => Promise<() => void>,
  path: PayloadPath = 'redis',
): Promise<{ stats: Map<PoolName, Stats & { cpuMsPerRun: CpuPerRun }>; machineParallelism: number }> {
  const times = new Map<PoolName, number[]>(pools.map((pool) => [pool.name, []]));
  // the machine's own two-thread ceiling, probed before each block: it bounds the ratio of the two pools
  const probe = new ParallelismProbe();
  const ceilings: number[] = [];
  const cpu = new Map<PoolName, number[]>(pools.map((pool) => [pool.name, [0, 0, ...processes.workers.get(pool.name)!.map(() => 0)]]));
  const faults = new Map<PoolName, number[]>(pools.map((pool) => [pool.name, [0, 0, ...processes.workers.get(pool.name)!.map(() => 0)]]));
  const perPass = Math.ceil(settings.runs / 2);
  for (let pass = 0; pass < 2; pass++)
    for (const { name } of pools) {
      await useQueue(redis, name, path);
      ceilings.push(await probe.measure(), await probe.measure());
      const pids = [process.pid, processes.redis, ...processes.workers.get(name)!];
      for (let k = 0; k < Math.max(1, settings.warmups) + perPass; k++) {
        const before = pids.map(cpuMs);
        const faultsBefore = pids.map(minorFaults);
        const start = performance.now();
        const check = await run(name);
        const elapsed = performance.now() - start;
        const used = pids.map((pid, i) => cpuMs(pid) - before[i]!);
        const faulted = pids.map((pid, i) => minorFaults(pid) - faultsBefore[i]!);
        check();
        if (k < Math.max(1, settings.warmups)) continue;
        times.get(name)!.push(elapsed);
        const sums = cpu.get(name)!;
        used.forEach((ms, i) => (sums[i]! += ms));
        const faultSums = faults.get(name)!;
        faulted.forEach((count, i) => (faultSums[i]! += count));
      }
    }
  await probe.close();
  const stats = new Map(
    [...times].map(([name, list]) => {
      const [caller, redisMs, ...workers] = cpu.get(name)!.map((total) => round(total / list.length));
      const [callerFaults, redisFaults, ...workerFaults] = faults.get(name)!.map((total) => Math.round(total / list.length));
      const faultsPerRun = { caller: callerFaults!, redis: redisFaults!, workers: workerFaults };
      return [name, { ...summarize(list), cpuMsPerRun: { caller: caller!, redis: redisMs!, workers, faults: faultsPerRun } }] as const;
    }),
  );
  return { stats, machineParallelism: summarize(ceilings).median };
}

async function roundTrip(settings: BenchSettings, redis: RedisServer): Promise<WorkloadResult> {
  await useQueue(redis, 'two');
  const index = new DatasetIndex(1);
  const one = ndarray(new Float64Array([41]), [1]);
  const times: number[] = [];
  for (let k = 0; k < Math.max(20, settings.warmups) + ROUND_TRIPS; k++) {
    const batch = new QueueBenchBatch(index, { preloaded: { x: one } });
    const start = performance.now();
    await batch.applyParallel(addOne, { src: 'x', target: 'queue', nWorkers: 1 });
    const elapsed = performance.now() - start;
    assertBench(batch.x.get(0) === 42, `Q: round trip gave ${batch.x.get(0)}`);
    if (k >= Math.max(20, settings.warmups)) times.push(elapsed);
  }
  const stats = summarize(times);
  return {
    workload: 'Q',
    name: `round trip of one job (a call of 1 scalar item, 2 idle workers), median of ${ROUND_TRIPS}`,
    engine: 'queue',
    unit: 'ms/job',
    ...roundStats(stats),
    jobsPerSecond: round(1000 / stats.median),
  };
}

async function payload(settings: BenchSettings, redis: RedisServer): Promise<WorkloadResult> {
  await useQueue(redis, 'one');
  const [height, width] = PAYLOAD_SHAPE;
  const images = ndarray(
    new Float32Array(height * width).map((_, i) => i % 251),
    [1, height, width],
  );
  const index = new DatasetIndex(1);
  const times: number[] = [];
  for (let k = 0; k < settings.warmups + settings.runs; k++) {
    const batch = new QueueBenchBatch(index, { preloaded: { images } });
    const start = performance.now();
    await batch.applyParallel(blur, { src: 'images', target: 'queue', nWorkers: 1, repeats: 0 });
    const elapsed = performance.now() - start;
    assertBench(batch.images.get(0, height - 1, width - 1) === (height * width - 1) % 251, 'Q: the 8 MiB payload came back changed');
    if (k >= settings.warmups) times.push(elapsed);
  }
  const stats = summarize(times);
  const bytes = 2 * height * width * 4; // out and back
  // context for the cost model: what a fresh buffer of the payload's size costs on this machine (page faults)
  const fresh: number[] = [];
  for (let k = 0; k < settings.runs; k++) {
    const start = performance.now();
    new Uint8Array(height * width * 4).fill(k + 1);
    fresh.push(performance.now() - start);
  }
  return {
    workload: 'Q',
    name: `one item of ${(height * width * 4) / 2 ** 20} MiB float32 out to a worker and back (a copy there)`,
    engine: 'queue',
    unit: 'ms/call',
    ...roundStats(stats),
    megabytes: round(bytes / MB),
    mbPerSecond: round(bytes / MB / (stats.median / 1000)),
    freshBufferMs: round(summarize(fresh).median, 3),
  };
}

/** A blur call measured on the two pools: how many images, their side, the blur repeats, and the goal (if any). */
interface BlurShape {
  readonly items: number;
  readonly size: number;
  readonly repeats: number;
  /** The 2-vs-1 goal; without it the line is context (the ratio is printed, nothing is judged). */
  readonly goal?: number;
  /** What the line adds to its name. */
  readonly label: string;
}

/** Workload B as the issue names it: 200 × 256×256 float32, blur ×5 (52 MB out and back per call of ~0.5 s). */
const BLUR_B: BlurShape = { items: BLUR_ITEMS, size: BLUR_SIZE, repeats: 5, goal: 1.6, label: 'workload B' };
/**
 * The same compute on a quarter of the bytes (50 × 256×256, blur ×20: 13 MB per call of ~0.5 s): where the jobs'
 * compute is large next to their bytes, the two pools' ratio comes near the machine's own two-thread ceiling.
 */
const BLUR_COMPUTE_HEAVY: BlurShape = { items: 50, size: BLUR_SIZE, repeats: 20, label: "B's compute on a quarter of its bytes" };

async function blurWorkload(
  settings: BenchSettings,
  redis: RedisServer,
  processes: Processes,
  path: PayloadPath,
  shape: BlurShape = BLUR_B,
): Promise<WorkloadResult[]> {
  const { items, size, repeats } = shape;
  const source = randomImages(items, size);
  const index = new DatasetIndex(items);
  const expected = new QueueBenchBatch(index, { preloaded: { images: source } });
  const forStart = performance.now();
  await expected.applyParallel(blur, { src: 'images', target: 'for', repeats });
  const forMs = performance.now() - forStart;
  const reference = (expected.images.data as Float32Array).subarray(expected.images.offset, expected.images.offset + expected.images.size);
  const measured = await alternating(
    settings,
    redis,
    processes,
    async (pool) => {
      const batch = new QueueBenchBatch(index, { preloaded: { images: source } });
      await batch.applyParallel(blur, { src: 'images', target: 'queue', nWorkers: pool === 'one' ? 1 : 2, repeats });
      return () => {
        const data = (batch.images.data as Float32Array).subarray(batch.images.offset, batch.images.offset + batch.images.size);
        assertBench(data.length === reference.length && data.every((value, i) => value === reference[i]), `Q: blur on ${pool} worker(s) differs from 'for'`);
      };
    },
    path,
  );
  return speedups(measured, {
    name: `${shape.label} over 'queue' (payloads ${path === 'files' ? 'through files in /dev/shm' : 'through Redis'}): box blur 3×3 ×${repeats}, ${items} × ${size}×${size} float32 items (${round((2 * items * size * size * 4) / MB)} MB out and back)`,
    unit: 'ms/batch',
    ...(shape.goal === undefined ? {} : { goal: shape.goal }),
    forMs,
  });
}

async function pipelineWorkload(settings: BenchSettings, redis: RedisServer, processes: Processes, path: PayloadPath): Promise<WorkloadResult[]> {
  fillImages();
  const epoch = async (options: RunOptions): Promise<number> => {
    let checksum = 0;
    let batches = 0;
    for await (const batch of augment.genBatch({ batchSize: P_BATCH, ...options })) {
      const data = batch.images.data as Float32Array;
      for (let i = batch.images.offset; i < batch.images.offset + batch.images.size; i += 97) checksum += data[i]! * (batches + 1);
      batches++;
    }
    assertBench(batches === P_ITEMS / P_BATCH, `Q: ${batches} batches of P instead of ${P_ITEMS / P_BATCH}`);
    return checksum;
  };
  const forStart = performance.now();
  const expected = await epoch({});
  const forMs = performance.now() - forStart;
  const measured = await alternating(
    settings,
    redis,
    processes,
    async (pool) => {
      // each batch is read while it is current: its memory may serve the next batches (reply files read into reused memory)
      const checksum = await epoch({ target: 'queue', nWorkers: pool === 'one' ? 1 : 2, prefetch: 4, reuseMemory: true });
      return () => assertBench(checksum === expected, `Q: the batches of P on ${pool} worker(s) differ from 'for'`);
    },
    path,
  );
  return speedups(measured, {
    name: `workload P's pipeline over 'queue' (payloads ${path === 'files' ? 'through files in /dev/shm' : 'through Redis'}; ${P_ITEMS} × 128×128 float32, batch ${P_BATCH}, blur ×3), prefetch 4, reuseMemory`,
    unit: 'ms/epoch',
    goal: 1.5,
    items: P_ITEMS,
    forMs,
  });
}

/** The results of the two pools; `forMs` (one untimed-conditions run on 'for', the compute alone) is context. */
function speedups(
  { stats, machineParallelism }: { stats: Map<PoolName, Stats & { cpuMsPerRun: CpuPerRun }>; machineParallelism: number },
  what: { name: string; unit: string; goal?: number; forMs: number; items?: number },
): WorkloadResult[] {
  const one = stats.get('one')!;
  const two = stats.get('two')!;
  const speedup = one.median / two.median;
  return pools.map(({ name, processes }) => {
    const own = name === 'one' ? one : two;
    return {
      workload: 'Q',
      name: `${what.name}, ${processes} worker process${processes === 1 ? '' : 'es'} (concurrency 1 each)`,
      engine: `queue×${processes}`,
      unit: what.unit,
      ...roundStats(own),
      ...(what.items === undefined ? {} : { itemsPerSecond: round((what.items / own.median) * 1000) }),
      forOnceMs: round(what.forMs),
      cpuMsPerRun: own.cpuMsPerRun,
      ...(name === 'two'
        ? {
            speedupVsOneWorker: round(speedup, 3),
            // context: what two threads of a plain loop got at the same time (2 on two free cores)
            machineTwoThreadSpeedup: round(machineParallelism, 3),
            ...(what.goal === undefined ? {} : { target: { text: `≥ ${what.goal}× of 1 worker`, met: speedup >= what.goal } }),
          }
        : {}),
    };
  });
}

function skipped(reason: string): WorkloadResult[] {
  return [
    {
      workload: 'Q',
      name: "the 'queue' engine against a local redis-server",
      engine: 'queue',
      unit: 'ms',
      median: 0,
      min: 0,
      max: 0,
      runs: 0,
      skipped: reason,
      target: `skipped: ${reason}`,
    },
  ];
}

async function runAll(settings: BenchSettings): Promise<WorkloadResult[]> {
  if (!hasRedisServer()) return skipped('redis-server is not installed (Debian/Ubuntu: sudo apt-get install -y redis-server)');
  const redis = await startRedisServer();
  const workers: WorkerProcess[] = [];
  const processes = { redis: redis.process.pid!, workers: new Map<PoolName, number[]>(pools.map((pool) => [pool.name, []])) };
  try {
    for (const pool of pools)
      for (let k = 0; k < pool.processes; k++) {
        const worker = await startWorkerProcess(redis.url, ['--concurrency', '1', '--queue', pool.queueName, '--id', `${pool.queueName}-${k + 1}`]);
        workers.push(worker);
        processes.workers.get(pool.name)!.push(worker.pid);
      }
    return [
      await roundTrip(settings, redis),
      await payload(settings, redis),
      ...(await blurWorkload(settings, redis, processes, 'redis')),
      ...(await blurWorkload(settings, redis, processes, 'files')),
      ...(await blurWorkload(settings, redis, processes, 'redis', BLUR_COMPUTE_HEAVY)),
      ...(await pipelineWorkload(settings, redis, processes, 'redis')),
      ...(await pipelineWorkload(settings, redis, processes, 'files')),
    ];
  } finally {
    await closeEngines();
    await configureQueue({});
    await Promise.all(workers.map((worker) => worker.stop()));
    await redis.stop();
  }
}

export const workloadQueue: Workload = {
  id: 'Q',
  title: "the 'queue' engine on a local redis-server: job round trip, payload MB/s, B and P on 1 vs 2 worker processes",
  defaultRuns: 7,
  run: runAll,
};
