/**
 * Worker engines: the scheduler (`scheduler/`) over a {@link Transport}. The 'threads' and 'mpc'
 * engines are worker engines over tinypool worker threads and child processes. Transports are created
 * lazily per worker count, reused across calls and batches, never keep the process alive (idle
 * workers are unref'd), and are closed by `closeEngines()`. Workers get the caller's `process.env` as
 * it was when their pool was created.
 * @module
 */
import { availableParallelism } from 'node:os';
import { BatchflowError, NotPortableError } from '../errors.js';
import type { Engine, EngineRunOptions } from './engine.js';
import { ForEngine } from './for-engine.js';
import type { ItemTask } from './item-task.js';
import { assertCloneable } from './scheduler/chunks.js';
import { runChunks } from './scheduler/scheduler.js';
import { handsNumberColumnsBack } from './result-buffer.js';
import type { Transport, TransportFactory } from './transport/transport.js';
import { setWorkerSettings, type WorkerSettings } from './transport/worker-settings.js';

const engines = new Set<WorkerEngine>();

let defaultWorkers: number | undefined;

/** Set on the global object of batchflow-ts workers, and while one of them produces a batch. */
const inWorker = Symbol.for('batchflow-ts:in-worker');
const producingBatch = Symbol.for('batchflow-ts:producing-batch');

/** The worker count when a call names none: the machine's parallelism, read once (the system call costs more than a cheap call's chunks). */
function defaultWorkerCount(): number {
  return (defaultWorkers ??= availableParallelism());
}

/**
 * Changes the settings of worker pools. Existing pools are closed; new ones start with the new
 * settings on the next call. `configureWorkers({})` restores the defaults.
 */
export async function configureWorkers(settings: WorkerSettings): Promise<void> {
  setWorkerSettings(settings);
  await Promise.all([...engines].map((engine) => engine.close()));
}

/**
 * An engine that runs items on workers reached through a {@link Transport}: chunking, ordering, item
 * failures, time limits and result placement are the same whatever the transport. Item functions
 * travel by reference (decorated methods, or functions marked with `portable`).
 */
export class WorkerEngine implements Engine {
  private readonly transports = new Map<number, Transport>();

  /**
   * @param name - the name the engine is registered under (used in errors).
   * @param createTransport - creates the transport for a worker count, on first use of that count.
   */
  constructor(
    readonly name: string,
    private readonly createTransport: TransportFactory,
  ) {
    engines.add(this);
    handsNumberColumnsBack(this);
  }

  /** The transport for `nWorkers` workers (created on first use, then reused). */
  private transport(nWorkers: number): Transport {
    let transport = this.transports.get(nWorkers);
    if (!transport) {
      transport = this.createTransport(nWorkers);
      this.transports.set(nWorkers, transport);
    }
    return transport;
  }

  async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    if ((globalThis as Record<symbol, unknown>)[inWorker] === true) {
      // a batch worker (pipeline.run({ target })) producing a batch runs item actions in its own thread:
      // the same results as on this engine (every engine is bit-identical), without a pool per worker
      if ((globalThis as Record<symbol, unknown>)[producingBatch] === true) return new ForEngine().run(task, options);
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
    if (task.items.length === 0) return [];
    const nWorkers = options.nWorkers ?? defaultWorkerCount();
    const transport = this.transport(nWorkers);
    return runChunks(task, reference, options, {
      transport,
      target: this.name,
      nWorkers,
      onBroken: () => {
        if (this.transports.get(nWorkers) === transport) this.transports.delete(nWorkers);
        transport.discard();
      },
    });
  }

  sharesMemory(options: EngineRunOptions): boolean {
    return this.transport(options.nWorkers ?? defaultWorkerCount()).capabilities.sharesMemory;
  }

  sharesMemoryFiles(options: EngineRunOptions): boolean {
    return this.transport(options.nWorkers ?? defaultWorkerCount()).capabilities.sharedMemoryFiles;
  }

  async close(): Promise<void> {
    const transports = [...this.transports.values()];
    this.transports.clear();
    await Promise.all(transports.map((transport) => transport.close()));
  }
}
