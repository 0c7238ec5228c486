/**
 * What the two tinypool transports share: the pool options (the worker entry script, Node flags,
 * the caller's environment, heap limits) and turning a failed `pool.run` into an Error.
 * @module
 */
import { Tinypool } from 'tinypool';
import { withWorkerAllocatorSettings } from './allocator-environment.js';
import { threadFlags } from './thread-flags.js';
import { workerSettings } from './worker-settings.js';

const workerEntry = new URL('../worker/worker-entry.mjs', import.meta.url);

/** Which tinypool runtime a pool uses. */
export type WorkerRuntime = 'worker_threads' | 'child_process';

/**
 * The parent's Node flags minus loader hooks (`--import`/`--require`/`--loader`, e.g. tsx's): workers
 * load TypeScript through the tsx API themselves, and inherited hooks make worker threads hang on exit.
 */
function workerExecArgv(): string[] {
  const kept: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (/^--(import|require|loader|experimental-loader)$/.test(flag) || flag === '-r') {
      i++;
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=/.test(flag)) continue;
    kept.push(flag);
  }
  return kept;
}

/**
 * The caller's environment now, for a new pool: every worker (child processes included, which would
 * otherwise start with an almost empty environment) sees it as it was when the pool was created.
 */
function callerEnvironment(): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) if (value !== undefined) environment[name] = value;
  return environment;
}

/** A pool of `nWorkers` workers of `runtime` running the worker entry; idle workers never keep the process alive. */
export function createPool(runtime: WorkerRuntime, nWorkers: number): Tinypool {
  const settings = workerSettings();
  const parentFlags = workerExecArgv();
  // worker threads refuse per-process flags (`--expose-gc`, `--stack-size`, …): keep the others, and
  // the parent's --max-old-space-size as the threads' heap limit unless configureWorkers set one
  const threads = runtime === 'worker_threads' ? threadFlags(parentFlags) : null;
  const resourceLimits = threads
    ? { ...(threads.maxOldGenerationSizeMb === undefined ? {} : { maxOldGenerationSizeMb: threads.maxOldGenerationSizeMb }), ...settings.resourceLimits }
    : undefined;
  const pool = new Tinypool({
    filename: workerEntry.href,
    runtime,
    minThreads: nWorkers,
    maxThreads: nWorkers,
    isolateWorkers: false,
    execArgv: threads ? threads.execArgv : parentFlags,
    // worker processes also get allocator settings that keep batch-sized buffers mapped (threads share the caller's allocator)
    env: runtime === 'child_process' ? withWorkerAllocatorSettings(callerEnvironment()) : callerEnvironment(),
    ...(resourceLimits && Object.keys(resourceLimits).length > 0 ? { resourceLimits } : {}),
    ...(runtime === 'child_process' ? { serialization: 'advanced' as const } : {}),
  });
  // an error of an idle worker (e.g. a timer throwing after its task) must not crash the process
  pool.on('error', () => {});
  return pool;
}

/** Errors from child processes arrive as plain `{name, message, stack}` records: make them Errors again. */
export function asError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null || !('message' in error)) return error;
  const record = error as { name?: string; message: string; stack?: string };
  const restored = new Error(record.message);
  restored.name = record.name ?? 'Error';
  restored.stack = `${record.stack ?? `${restored.name}: ${record.message}`}\n    (in a worker)`;
  return restored;
}
