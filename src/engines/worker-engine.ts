/**
 * The 'threads' and 'mpc' engines: items run on a tinypool pool of worker threads or child
 * processes. Pools are created lazily per worker count, reused across calls and batches, never keep
 * the process alive (idle workers are unref'd), and are closed by `closeEngines()`. Workers get the
 * caller's `process.env` as it was when their pool was created.
 * @module
 */
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import type { Worker as NodeWorker } from 'node:worker_threads';
import { Tinypool } from 'tinypool';
import { getDefiningModule } from '../decorators/registry.js';
import type { IndexValue } from '../dataset/dataset-index.js';
import { ArgumentError, BatchflowError, NotPortableError, TimeoutError, WorkerCrashError } from '../errors.js';
import type { Engine, EngineRunOptions } from './engine.js';
import { ForEngine } from './for-engine.js';
import { itemFailure, type ItemTask, type RngSeeding } from './item-task.js';
import { ResultBuffer } from './result-buffer.js';
import { decodeAll, encodeList, isShmRef, type EncodedList } from './worker/codec.js';
import { restoreThrown, type SerialisedThrown } from './worker/error-codec.js';
import type { FunctionReference } from './function-reference.js';
import type { WorkerFailure, WorkerResultMessage, WorkerSelf, WorkerTaskMessage } from './worker/messages.js';
import { moveToSharedMemory, readFromSharedMemory, readSharedMemoryInto, removeSharedMemory } from './worker/shared-memory.js';

const workerEntry = new URL('./worker/worker-entry.mjs', import.meta.url);

/** Which tinypool runtime an engine uses. */
export type WorkerRuntime = 'worker_threads' | 'child_process';

interface BatchLike {
  getAttrs(): Record<string, unknown>;
  readonly indices: readonly IndexValue[];
  readonly constructor: object;
}

function isBatchLike(value: unknown): value is BatchLike {
  return typeof value === 'object' && value !== null && typeof (value as BatchLike).getAttrs === 'function' && Array.isArray((value as BatchLike).indices);
}

function cloneableAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    try {
      structuredClone(value);
      kept[name] = value;
    } catch {
      // attributes that cannot be cloned (functions, class instances with handles) stay on the main thread
    }
  }
  return kept;
}

function describeSelf(thisArg: unknown): WorkerSelf | null {
  if (!isBatchLike(thisArg)) return null;
  const cls = thisArg.constructor as abstract new (...args: never[]) => unknown;
  return { module: getDefiningModule(cls), className: cls.name, ids: [], attributes: cloneableAttributes(thisArg.getAttrs()) };
}

function assertCloneable(task: ItemTask, target: string): void {
  for (const [name, value] of Object.entries(task.options)) {
    try {
      structuredClone(value);
    } catch {
      throw new ArgumentError(
        name,
        `option '${name}' of '${task.action}' cannot be sent to a '${target}' worker (functions, closures and class instances with methods do not survive structured cloning); pass plain data, or use target 'for' / 'async'`,
      );
    }
  }
  task.args.forEach((value, index) => {
    try {
      structuredClone(value);
    } catch {
      throw new ArgumentError(`args[${index}]`, `argument ${index} of '${task.action}' cannot be sent to a '${target}' worker; pass plain data`);
    }
  });
}

function sliceSeeding(seeding: RngSeeding, start: number, end: number): RngSeeding {
  return seeding.kind === 'perItem' ? { kind: 'perItem', seeds: Array.prototype.slice.call(seeding.seeds, start, end) as number[] } : seeding;
}

/** Errors from child processes arrive as plain `{name, message, stack}` records: make them Errors again. */
function asError(error: unknown): unknown {
  if (error instanceof Error || typeof error !== 'object' || error === null || !('message' in error)) return error;
  const record = error as { name?: string; message: string; stack?: string };
  const restored = new Error(record.message);
  restored.name = record.name ?? 'Error';
  restored.stack = `${record.stack ?? `${restored.name}: ${record.message}`}\n    (in a worker)`;
  return restored;
}

/** The caller's copy of a module named by a worker (already loaded: it defined the item function). */
function importCallerModule(module: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(module).href) as Promise<Record<string, unknown>>;
}

/** The error to throw when no worker could start the chunk: library errors as they are, others wrapped. */
function setupError(action: string, target: string, reference: FunctionReference, cause: unknown): unknown {
  if (cause instanceof BatchflowError) return cause;
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new BatchflowError(`action '${action}': a '${target}' worker could not load the item function from ${reference.module}: ${reason}`, { cause });
}

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

/**
 * Where chunks start and end. With `chunkSize`, fixed chunks. Otherwise guided scheduling: each chunk
 * takes a share of what is left (large chunks first, to amortise the per-message cost; smaller ones at
 * the end, so the workers finish together), never fewer than a small minimum.
 */
export function chunkBounds(count: number, nWorkers: number, chunkSize?: number): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  const minimum = Math.max(1, Math.ceil(count / (nWorkers * 32)));
  for (let start = 0; start < count;) {
    const size = chunkSize ?? Math.max(minimum, Math.ceil((count - start) / (2 * nWorkers)));
    const end = Math.min(count, start + size);
    bounds.push([start, end]);
    start = end;
  }
  return bounds;
}

/** Settings of the worker pools (see {@link configureWorkers}). */
export interface WorkerSettings {
  /** V8 heap limits of each worker thread (worker_threads only): an item exceeding them crashes its worker with a typed error. */
  readonly resourceLimits?: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; codeRangeSizeMb?: number; stackSizeMb?: number };
}

let workerSettings: WorkerSettings = {};
const enginesToReset = new Set<WorkerEngine>();

/**
 * Changes the settings of worker pools. Existing pools are closed; new ones start with the new
 * settings on the next call. `configureWorkers({})` restores the defaults.
 */
export async function configureWorkers(settings: WorkerSettings): Promise<void> {
  workerSettings = { ...settings };
  await Promise.all([...enginesToReset].map((engine) => engine.close()));
}

/** An engine that runs items on a pool of workers. */
export class WorkerEngine implements Engine {
  private readonly pools = new Map<number, Tinypool>();

  constructor(
    readonly name: 'threads' | 'mpc',
    private readonly runtime: WorkerRuntime,
  ) {
    enginesToReset.add(this);
  }

  /** The pool for `nWorkers` workers (created on first use, then reused). */
  private pool(nWorkers: number): Tinypool {
    let pool = this.pools.get(nWorkers);
    if (!pool) {
      pool = new Tinypool({
        filename: workerEntry.href,
        runtime: this.runtime,
        minThreads: nWorkers,
        maxThreads: nWorkers,
        isolateWorkers: false,
        execArgv: workerExecArgv(),
        env: callerEnvironment(),
        ...(workerSettings.resourceLimits && this.runtime === 'worker_threads' ? { resourceLimits: workerSettings.resourceLimits } : {}),
        ...(this.runtime === 'child_process' ? { serialization: 'advanced' as const } : {}),
      });
      // an error of an idle worker (e.g. a timer throwing after its task) must not crash the process
      pool.on('error', () => {});
      this.pools.set(nWorkers, pool);
    }
    return pool;
  }

  async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    if ((globalThis as Record<symbol, unknown>)[Symbol.for('batchflow-ts:in-worker')] === true) {
      // a batch worker (pipeline.run({ target })) producing a batch runs item actions in its own thread:
      // the same results as on this engine (every engine is bit-identical), without a pool per worker
      if ((globalThis as Record<symbol, unknown>)[Symbol.for('batchflow-ts:producing-batch')] === true) return new ForEngine().run(task, options);
      throw new BatchflowError(
        `action '${task.action}': target '${this.name}' cannot be used inside a batchflow-ts worker. Workers import the module that defines the function; if that module also runs a script, guard the script (e.g. \`if (import.meta.url === pathToFileURL(process.argv[1]!).href) await main();\`) so it does not run again in every worker`,
      );
    }
    const reference = task.reference;
    if (!reference) {
      const name = task.func.name || '(anonymous function)';
      throw new NotPortableError(
        name,
        this.name,
        'functions travel to workers by reference, so it must be a method decorated with @applyParallel/@inbatchParallel, or a function exported from a module and wrapped with portable(fn, import.meta.url); closures and inline lambdas cannot travel',
      );
    }
    assertCloneable(task, this.name);
    const count = task.items.length;
    if (count === 0) return [];
    const nWorkers = options.nWorkers ?? availableParallelism();
    const bounds = chunkBounds(count, nWorkers, options.chunkSize);
    const pool = this.pool(nWorkers);
    const self = describeSelf(task.thisArg);
    const sharedMemory = this.runtime === 'child_process';
    const controller = options.timeout === undefined ? null : new AbortController();
    const timer = controller ? setTimeout(() => controller.abort(), options.timeout).unref() : undefined;
    const results = new Array<unknown>(count);
    const resultBuffer = new ResultBuffer(count);
    // threads share memory: results shaped like the items (the common case) are written by the workers into one buffer
    // (processes cannot share it, but the caller still reads their results straight into it)
    const preallocated = task.outputLikeItems ? resultBuffer.preallocate(task.items.at(0)) : null;
    const output = this.runtime === 'worker_threads' ? preallocated : null;
    const failures: WorkerFailure[] = [];
    let setupFailure: SerialisedThrown | null = null;
    const chunks: Promise<void>[] = [];
    let crash: WorkerCrashError | null = null;
    for (const [start, end] of bounds) {
      const transfer: ArrayBuffer[] = [];
      const encode = (at: (position: number) => unknown): EncodedList => encodeList(end - start, (k) => at(start + k), transfer, false, sharedMemory);
      const message: WorkerTaskMessage = {
        action: task.action,
        fn: reference,
        // `this` in the worker holds the ids of this chunk's items only (the whole index per message would cost more than small items)
        self: self && {
          ...self,
          ids: Array.prototype.slice.call(task.thisArg === undefined ? [] : (task.thisArg as BatchLike).indices, start, end) as IndexValue[],
        },
        start,
        end,
        items: encode((position) => task.items.at(position)),
        options: task.options,
        perItemOptions: task.perItemOptions.map(([name, source]) => [name, encode((position) => source.valueAt(position))] as const),
        args: task.args,
        perItemArgs: task.perItemArgs.map(([index, source]) => [index, encode((position) => source.valueAt(position))] as const),
        applyMask: task.applyMask ? task.applyMask.slice(start, end) : null,
        rngSeeding: sliceSeeding(task.rngSeeding, start, end),
        indexValues: Array.prototype.slice.call(task.indexValues, start, end),
        sharedMemory,
        output,
      };
      const inputFile = sharedMemory
        ? moveToSharedMemory([message.items, ...message.perItemOptions.map(([, list]) => list), ...message.perItemArgs.map(([, list]) => list)])
        : null;
      const run = pool.run(message, {
        transferList: sharedMemory ? [] : transfer,
        ...(controller ? { signal: controller.signal } : {}),
      }) as Promise<WorkerResultMessage>;
      chunks.push(
        run
          .then(
            (response) => {
              if (response.setupFailure) {
                setupFailure ??= response.setupFailure;
                return;
              }
              try {
                const list = response.results;
                const target = list.kind === 'ndarrays' && isShmRef(list.data) ? resultBuffer.rowBytes(start, list.length, list.dtype, list.shape) : null;
                if (target && list.kind === 'ndarrays' && isShmRef(list.data)) {
                  // results of a child process go from its shared-memory file straight into place
                  readSharedMemoryInto(list.data, target);
                  resultBuffer.adopt(new Uint8Array(list.length).fill(1), start, results);
                } else {
                  readFromSharedMemory([list]);
                  resultBuffer.place(decodeAll(list), start, results, response.written);
                }
              } finally {
                removeSharedMemory(response.sharedMemoryFile);
              }
              failures.push(...response.failures);
            },
            (error: unknown) => {
              crash ??= new WorkerCrashError(task.action, this.name, [start, end], asError(error));
            },
          )
          .finally(() => removeSharedMemory(inputFile)),
      );
    }
    const watch = this.watchThreadExits(pool, nWorkers);
    try {
      await Promise.race([Promise.all(chunks), watch.exited]);
    } catch (exit) {
      // a thread vanished: tinypool would keep posting to it, so drop the pool. When the thread died of
      // an error, tinypool reports that error to its chunk in the same turn: prefer it (it names the cause).
      clearTimeout(timer);
      this.discardPool(nWorkers);
      await new Promise((resolve) => setImmediate(resolve));
      throw crash ?? new WorkerCrashError(task.action, this.name, [0, count], exit);
    } finally {
      watch.stop();
    }
    clearTimeout(timer);
    if (controller?.signal.aborted) throw new TimeoutError(task.action, options.timeout!);
    if (crash) throw crash;
    if (setupFailure) throw setupError(task.action, this.name, reference, await restoreThrown(setupFailure, importCallerModule));
    if (failures.length > 0) {
      const first = failures.reduce((a, b) => (b.position < a.position ? b : a));
      throw itemFailure(task, first.position, await restoreThrown(first.error, importCallerModule), failures.length);
    }
    return results;
  }

  /** Rejects `exited` when one of the pool's worker threads exits while a run is in flight. */
  private watchThreadExits(pool: Tinypool, nWorkers: number): { exited: Promise<never>; stop(): void } {
    const threads =
      this.runtime === 'worker_threads'
        ? pool.threads.map((worker) => (worker as unknown as { thread?: NodeWorker }).thread).filter((thread): thread is NodeWorker => thread !== undefined)
        : [];
    let onExit: (code: number) => void = () => {};
    const exited = new Promise<never>((_, reject) => {
      onExit = (code) => reject(new Error(`worker thread exited with code ${code} (pool of ${nWorkers})`));
    });
    exited.catch(() => {});
    for (const thread of threads) thread.on('exit', onExit);
    return { exited, stop: () => threads.forEach((thread) => thread.off('exit', onExit)) };
  }

  /** Forgets a broken pool and terminates its workers in the background (its destroy() may never settle). */
  private discardPool(nWorkers: number): void {
    const pool = this.pools.get(nWorkers);
    this.pools.delete(nWorkers);
    for (const worker of pool?.threads ?? []) void (worker as unknown as { terminate(): Promise<unknown> }).terminate().catch(() => {});
  }

  async close(): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    await Promise.all(pools.map((pool) => pool.destroy()));
  }
}
