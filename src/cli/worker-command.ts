/**
 * `batchflow-ts worker`: starts a queue worker for the 'queue' engine and runs it until SIGTERM or
 * SIGINT, then stops taking jobs, lets the running ones finish and exits 0. See docs/engines.md.
 * @module
 */
import { QueueConnectionError } from '../engines/queue/errors.js';
import { startQueueWorker, type QueueWorkerOptions } from '../engines/queue/queue-worker.js';
import { parseRedisUrl } from '../engines/queue/settings.js';
import { BatchflowError } from '../errors.js';

/** The usage text of `batchflow-ts worker`. */
export const workerUsage = `Usage: batchflow-ts worker [--redis redis://HOST:PORT] [options]

Runs the jobs of target 'queue' (BullMQ on Redis) sent by batchflow-ts programs that reach the same
Redis server. Item functions are imported by module path, as on 'threads': install the same code at
the same path on every worker machine. Stops cleanly on SIGTERM / SIGINT (running jobs finish).

Options:
  --redis <url>             Redis server (default: $BATCHFLOW_REDIS_URL, else redis://127.0.0.1:6379)
  --concurrency <n>         jobs at a time, each on its own worker thread (default: CPU count)
  --prefetch <n>            jobs taken ahead and decoded while the threads compute (default 1; 0: none)
  --queue <name>            queue name (default: batchflow-ts)
  --prefix <p>              Redis key prefix (default: batchflow)
  --lock-duration <ms>      a job's lock: how soon the job of a dead worker runs elsewhere (default 30000)
  --stalled-interval <ms>   how often jobs of dead workers are looked for (default 30000)
  --max-stalled <n>         how many times a job may lose its worker (default 3)
  --connect-timeout <ms>    give up starting when Redis cannot be reached that long (default 5000)
  --id <name>               the worker's name in logs (default: host-pid-random)
  -h, --help                show this help`;

const valueOptions = {
  redis: 'url',
  concurrency: 'concurrency',
  prefetch: 'prefetch',
  queue: 'queueName',
  prefix: 'prefix',
  'lock-duration': 'lockDurationMs',
  'stalled-interval': 'stalledIntervalMs',
  'max-stalled': 'maxStalledCount',
  'connect-timeout': 'connectTimeoutMs',
  id: 'id',
} as const;
const numeric = new Set(['concurrency', 'prefetch', 'lockDurationMs', 'stalledIntervalMs', 'maxStalledCount', 'connectTimeoutMs']);

/** Parses the arguments after `worker`; throws an Error with a message for the user on bad input. */
export function parseWorkerArguments(args: readonly string[]): QueueWorkerOptions {
  const options: Record<string, string | number> = {};
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const match = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const name = match?.[1] as keyof typeof valueOptions | undefined;
    if (!match || name === undefined || !(name in valueOptions)) throw new Error(`unknown option ${arg}`);
    const value = match[2] ?? args[++index];
    if (value === undefined || value === '') throw new Error(`--${name} needs a value`);
    const key = valueOptions[name];
    if (numeric.has(key)) {
      const number = Number(value);
      if (!/^\d+$/.test(value) || !Number.isSafeInteger(number)) throw new Error(`--${name} needs a whole number, got ${JSON.stringify(value)}`);
      options[key] = number;
    } else options[key] = value;
  }
  if (options.url !== undefined) parseRedisUrl(options.url, '--redis');
  return options as QueueWorkerOptions;
}

/** Runs `batchflow-ts worker <args>`: resolves with the exit code once the worker stopped. */
export async function runWorkerCommand(args: readonly string[]): Promise<number> {
  let options: QueueWorkerOptions;
  try {
    options = parseWorkerArguments(args);
  } catch (error) {
    console.error(`batchflow-ts worker: ${(error as Error).message}\n\n${workerUsage}`);
    return 1;
  }
  let worker;
  try {
    worker = await startQueueWorker(options);
  } catch (error) {
    const known = error instanceof QueueConnectionError || error instanceof BatchflowError;
    console.error(`batchflow-ts worker: ${known ? (error as Error).message : String(error)}`);
    return 1;
  }
  const started = worker;
  const stopped = new Promise<void>((resolve) => {
    const stop = (signal: string): void => {
      console.log(`batchflow-ts worker ${started.id}: ${signal}, finishing the running jobs`);
      void started.close().then(resolve, (error: unknown) => {
        console.error(`batchflow-ts worker ${started.id}: error while stopping: ${String(error)}`);
        resolve();
      });
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  console.log(
    `batchflow-ts worker ${worker.id} ready on ${worker.queueName} at ${worker.url} (concurrency ${worker.concurrency}, prefetch ${worker.prefetch})`,
  );
  await stopped;
  console.log(`batchflow-ts worker ${worker.id} stopped`);
  return 0;
}
