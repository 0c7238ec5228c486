/**
 * Real processes for the 'queue' tests: queue workers started with the command line
 * (`batchflow-ts worker`, from sources through tsx), and scripts run as callers. Every process is
 * tracked so `stopAll()` (in `afterAll`) leaves nothing behind.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeEngines, configureQueue } from '../../../src/index.js';
import { startRedisServer, type RedisServer } from '../../helpers/redis-server.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '../../..');
const cli = path.join(repoRoot, 'src/cli.ts');
const running = new Set<ChildProcess>();

/** A queue worker process. */
export interface WorkerProcess {
  readonly pid: number;
  readonly process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Resolves with the exit code (or the signal's name) once it exited. */
  readonly exited: Promise<number | string>;
}

/** Spawns `node --import tsx <args>` in the repository (the process itself, no wrapper: signals reach it). */
export function spawnTsx(args: readonly string[], env: NodeJS.ProcessEnv = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  return child;
}

/** What a process prints, and its exit. */
export function watchProcess(child: ChildProcess): { output(): string; exited: Promise<number | string> } {
  let text = '';
  child.stdout!.on('data', (data: Buffer) => (text += data.toString()));
  child.stderr!.on('data', (data: Buffer) => (text += data.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { output: () => text, exited };
}

/** Starts `batchflow-ts worker --redis <url> <args>` and resolves once it printed its ready line. */
export async function startWorker(url: string, args: readonly string[] = []): Promise<WorkerProcess> {
  const child = spawnTsx([cli, 'worker', '--redis', url, ...args]);
  const { output, exited } = watchProcess(child);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the worker did not print its ready line within 60 s:\n${output()}`)), 60_000);
    const check = (): void => {
      if (!/batchflow-ts worker \S+ ready on /.test(output())) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`the worker exited (${code}) before it was ready:\n${output()}`));
    });
  });
  return { pid: child.pid!, process: child, output, exited };
}

/** Kills every process these helpers started that is still running, and waits for them. */
export async function stopAll(): Promise<void> {
  const children = [...running];
  await Promise.all(
    children.map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** A look into a queue's Redis: its keys and its unfinished jobs (through BullMQ's own counts). */
export interface QueueInspector {
  /** Keys matching `pattern` (Redis glob). */
  keys(pattern: string): Promise<string[]>;
  /** The server's INFO stats section (bytes in and out, commands). */
  stats(): Promise<string>;
  /** Jobs waiting, active, delayed or prioritized. */
  unfinishedJobs(): Promise<number>;
  /** Jobs taken by a worker (running, or taken ahead and waiting for a thread). */
  activeJobs(): Promise<number>;
  /** The server's connections (CLIENT LIST), one object of fields per connection. */
  clients(): Promise<Array<Record<string, string>>>;
  close(): Promise<void>;
}

/** Opens a {@link QueueInspector} on queue `queueName` (prefix `batchflow`, the default) at `url`. */
export async function inspectQueue(url: string, queueName: string): Promise<QueueInspector> {
  const { Redis } = await import('ioredis');
  const { Queue } = await import('bullmq');
  const client = new Redis(url);
  const queue = new Queue(queueName, { connection: client, prefix: 'batchflow' });
  return {
    keys: (pattern) => client.keys(pattern),
    stats: () => client.info('stats'),
    unfinishedJobs: async () => {
      const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    activeJobs: () => queue.getActiveCount(),
    clients: async () =>
      String(await client.client('LIST'))
        .trim()
        .split('\n')
        .map((line) => Object.fromEntries(line.split(' ').map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)]))),
    close: async () => {
      await queue.close();
      client.disconnect();
    },
  };
}

/** Polls `condition` every 50 ms until it holds, or throws after `timeoutMs` naming `what`. */
export async function waitFor(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 30_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The payload files in `directory` that belong to a chunk or reply in flight: not the files that
 * callers and workers keep, after reading them, to write their next payloads over (`bfq-kept-…`).
 */
export function payloadFilesIn(directory: string): string[] {
  return readdirSync(directory)
    .filter((name) => name.startsWith('bfq-') && !name.startsWith('bfq-kept-'))
    .sort();
}

/** A redis-server and CLI queue workers for a spec file; {@link QueueCluster.stop} ends them and the caller's connections. */
export interface QueueCluster {
  readonly redis: RedisServer;
  readonly workers: WorkerProcess[];
  stop(): Promise<void>;
}

/** Starts a redis-server and `count` CLI queue workers (one job slot each) and points target 'queue' at them. */
export async function startQueueCluster(count: number): Promise<QueueCluster> {
  const redis = await startRedisServer();
  const workers = await Promise.all(Array.from({ length: count }, () => startWorker(redis.url, ['--concurrency', '1'])));
  await configureQueue({ url: redis.url });
  return {
    redis,
    workers,
    stop: async () => {
      await closeEngines();
      await configureQueue({});
      await stopAll();
      await redis.stop();
    },
  };
}
