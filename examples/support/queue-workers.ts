/**
 * Local queue worker processes for the cluster example and the bench: `batchflow-ts worker --redis URL`
 * started from the repository's sources (through tsx, as `npx tsx src/cli.ts worker` would), each
 * waited for until it prints its ready line, and stopped with SIGTERM (SIGKILL when it does not exit in
 * time). On a real cluster each machine runs `npx batchflow-ts worker --redis redis://HOST:PORT` itself.
 * @module
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, 'src/cli.ts');

/** A running queue worker process. */
export interface WorkerProcess {
  readonly pid: number;
  readonly process: ChildProcess;
  /** What it printed so far (stdout and stderr). */
  output(): string;
  /** Stops it (SIGTERM: running jobs finish; SIGKILL after `graceMs`) and resolves once it exited. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts `batchflow-ts worker --redis <url> <args>` and resolves once it is ready to take jobs. */
export async function startWorkerProcess(url: string, args: readonly string[] = [], readyTimeoutMs = 60_000): Promise<WorkerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'worker', '--redis', url, ...args], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout.on('data', (data: Buffer) => (text += data.toString()));
  child.stderr.on('data', (data: Buffer) => (text += data.toString()));
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const stop = async (graceMs = 10_000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  };
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the worker did not get ready within ${readyTimeoutMs} ms:\n${text}`)), readyTimeoutMs);
      child.stdout.on('data', () => {
        if (!/batchflow-ts worker \S+ ready on /.test(text)) return;
        clearTimeout(timer);
        resolve();
      });
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`the worker exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${text}`));
      });
    });
  } catch (error) {
    await stop(0);
    throw error;
  }
  return { pid: child.pid!, process: child, output: () => text, stop };
}
