/**
 * The batch worker's side: {@link produceBatch} is the item function the worker engines run, one item
 * per batch. It imports the pipeline's module (the same pipeline, built by the worker's own import),
 * rebuilds the batch from the payload, runs the records before the first stateful one with the
 * run's `executeBatch`, and returns the batch's contents and its generator state. Pipeline variables
 * are out of reach there (a {@link WorkerStateError}).
 * @module
 */
import { fileURLToPath } from 'node:url';
import type { Batch } from '../../batch/batch.js';
import { Dataset } from '../../dataset/dataset.js';
import type { FunctionReference } from '../../engines/function-reference.js';
import { serialiseThrown, type ErrorModule, type SerialisedThrown } from '../../engines/worker/error-codec.js';
import type { RngSnapshot } from '../../random/rng.js';
import { isPipeline } from '../action-proxy.js';
import { WorkerStateError } from '../errors.js';
import { executeBatch } from '../execute.js';
import { describeRecord, splitStages } from '../records.js';
import { resolveRunOptions } from '../run-options.js';
import type { RunHost, RunState } from '../run-state.js';
import type { RunSeeds } from '../seeds.js';
import type { PipelineState } from '../state.js';
import { PipelineView } from '../view.js';
import { fillBatch, packBatch, type BatchMeta, type Payload } from './batch-payload.js';
import { inChildProcessWorker, moveColumnsToFile, readColumnsFromFile, writeColumnsIntoFile, type ColumnsInFile } from './column-files.js';
import { importUserModule } from './import-module.js';
import { gatherSharedRows, type SharedRows } from './shared-rows.js';
import { SlotLease, adoptSlots } from '../../engines/shared-slots.js';
import { lendMemory } from '../../engines/batch-memory.js';
import { markedPipeline, type PipelineReference } from './portable-pipeline.js';
import { RunProfiler, type ProfileEvent } from '../profile/profiler.js';

/** What the calling thread asks for one batch. */
export interface ProduceRequest {
  readonly pipeline: PipelineReference;
  /** How many records of the first stage run here (those before the first stateful one). */
  readonly recordCount: number;
  /** The batch number in the run (0-based) and the run's seeds and total, as `executeBatch` needs them. */
  readonly number: number;
  readonly seeds: RunSeeds;
  readonly total: number | null;
  readonly batch: BatchMeta;
  /** False when the batch had no data to send (the columns are all empty). */
  readonly hasData: boolean;
  /** Positions of the large columns, sent as the task's extra arguments (null in the payload). */
  readonly argColumns: readonly number[];
  /** Preloaded components in shared memory whose rows the worker gathers itself (null in the payload), or null. */
  readonly sharedRows: SharedRows | null;
  /**
   * A child process's shared-memory file of the run's pool, or null: the large columns the calling
   * thread wrote there (`inputColumns`, null in the payload), and where the results go.
   */
  readonly columnFile: string | null;
  readonly inputColumns: ColumnsInFile | null;
  /** Time the steps (a profiled run): their events come back with the batch. */
  readonly profile: boolean;
  /**
   * A `reuseMemory` run on a worker thread: the batch's large arrays leave in shared slots (copied
   * there when the steps made them in memory of their own), listed in the outcome's `handedOver`.
   */
  readonly reuseMemory: boolean;
  /** True when the worker shares the calling thread's memory (a worker thread): the batch's slots may go to it by reference. */
  readonly sharesMemory: boolean;
  /** Slots of consumed batches the calling thread gives back: this worker's pool takes them. */
  readonly returnedSlots: readonly SharedArrayBuffer[];
}

/** What a worker gives back for one batch. */
export type ProduceOutcome =
  | {
      readonly kind: 'batch';
      readonly batch: BatchMeta;
      readonly random: RngSnapshot;
      /** Large columns a child process wrote to a shared-memory file (null in the payload), or null. */
      readonly columnsInFile: ColumnsInFile | null;
      /** The timed steps, in a profiled run (else empty). */
      readonly profile: readonly ProfileEvent[];
      /** The shared slots the batch's data left in (a `reuseMemory` run), to be given back once it is consumed. */
      readonly handedOver: readonly SharedArrayBuffer[];
    }
  | { readonly kind: 'discarded'; readonly profile: readonly ProfileEvent[] }
  | { readonly kind: 'error'; readonly error: SerialisedThrown };

/** Where worker engines find {@link produceBatch}: this module (compiled or TypeScript) and the export name. */
export const produceBatchReference: FunctionReference = { kind: 'export', module: fileURLToPath(import.meta.url), exportName: 'produceBatch' };

const variableMembers = new Set(['getVariable', 'setVariable', 'hasVariable', 'deleteVariable', 'v', 'reset', 'run', 'genBatch', 'nextBatch', 'createBatch']);

/** The pipeline as steps on a worker see it: every member but its variables (and runs), which refuse. */
function workerOwner(pipeline: object, steps: string): object {
  return new Proxy(pipeline, {
    get(target, name) {
      if (typeof name === 'string' && variableMembers.has(name)) {
        return (...args: unknown[]): never => {
          const what = args.length > 0 && typeof args[0] === 'string' ? `${name}('${args[0]}')` : `${name}()`;
          throw new WorkerStateError(
            `a step that runs on a batch worker (one of: ${steps}) called pipeline.${what}: pipeline variables and runs live in the calling thread. Read or change variables with V(...) / update(...) steps (they run on the calling thread), or run the pipeline with target 'for'`,
          );
        };
      }
      return Reflect.get(target, name, target) as unknown;
    },
  });
}

function workerHost(pipeline: object, state: PipelineState, steps: string): RunHost {
  const owner = workerOwner(pipeline, steps);
  return {
    owner,
    records: state.records,
    before: [],
    after: [],
    view: (dataset, random, iteration) => new PipelineView(owner as ConstructorParameters<typeof PipelineView>[0], dataset, random, iteration),
    lock: (name) => {
      throw new WorkerStateError(`lock '${name}' was used on a batch worker (one of: ${steps}); locks live in the calling thread`);
    },
  };
}

/** The modules whose exports may hold the class of an error thrown on the worker (first match wins). */
async function errorHomes(request: ProduceRequest): Promise<ErrorModule[]> {
  const modules = [request.batch.module, request.pipeline.module].filter((module): module is string => module !== undefined);
  const homes: ErrorModule[] = [];
  for (const module of new Set(modules)) homes.push({ module, exports: await importUserModule(module) });
  return homes;
}

async function serialise(error: unknown, request: ProduceRequest): Promise<SerialisedThrown> {
  const homes = await errorHomes(request).catch(() => []);
  for (const home of homes) {
    const data = serialiseThrown(error, home);
    if (data.kind !== 'error' || data.origin !== null) return data;
  }
  return serialiseThrown(error, null);
}

/**
 * Runs `work` marked as producing a batch: inside a worker, item actions with a worker target
 * ('threads', 'mpc') then run in this worker as on 'for' (bit-identical), instead of being refused as
 * a nested pool (the refusal stays for a module that runs a script when a worker imports it).
 */
async function producing<T>(work: () => Promise<T>): Promise<T> {
  const flags = globalThis as Record<symbol, unknown>;
  const key = Symbol.for('batchflow-ts:producing-batch');
  const outer = flags[key];
  flags[key] = true;
  try {
    return await work();
  } finally {
    flags[key] = outer;
  }
}

async function produce(request: ProduceRequest, columns: unknown[], lease: SlotLease): Promise<Payload<ProduceOutcome>> {
  const exports = await importUserModule(request.pipeline.module);
  const pipeline = markedPipeline(request.pipeline, exports);
  if (!isPipeline(pipeline))
    throw new TypeError(
      `the pipeline (${request.pipeline.exportName === undefined ? `marked pipeline #${request.pipeline.ordinal}` : `export '${request.pipeline.exportName}'`}) was not found when a worker imported ${request.pipeline.module}: create and mark it at the top level of that module`,
    );
  const state = (pipeline as { state: PipelineState }).state;
  if (!(state.dataset instanceof Dataset))
    throw new TypeError(`the pipeline of ${request.pipeline.module} has no dataset on this worker (give it a Dataset, not an expression)`);
  const records = splitStages(state.records).stages[0]!.slice(0, request.recordCount);
  const dataset = state.dataset;
  const batch = dataset.createBatch([...request.batch.ids]) as Batch;
  lendMemory(batch, lease);
  // the file is read whole before the steps run (into the batch's reused slots: no fresh pages per
  // batch; what is still in a slot when the batch ends is copied out); the results are written over it afterwards
  if (request.inputColumns) readColumnsFromFile(columns, request.inputColumns, true, (bytes) => lease.array('uint8', bytes) as Uint8Array | null);
  if (request.sharedRows) gatherSharedRows(request.sharedRows, columns, lease);
  if (request.hasData) await fillBatch(batch, request.batch, columns);
  else if (Object.keys(request.batch.attributes).length > 0) batch.createAttrs(request.batch.attributes);
  const profiler = request.profile ? new RunProfiler() : undefined;
  const run: RunState = {
    dataset,
    options: resolveRunOptions({ batchSize: Math.max(1, batch.size) }, 1),
    seeds: request.seeds,
    total: request.total,
    ...(profiler ? { profiler } : {}),
  };
  const host = workerHost(pipeline as object, state, records.map(describeRecord).join(', '));
  const result = await producing(() => executeBatch(host, batch, records, run, 0, request.number));
  const profile = profiler?.events ?? [];
  if (result === null) return [{ kind: 'discarded', profile }];
  const packed = packBatch(result);
  const inChild = inChildProcessWorker();
  // what still views a slot of this batch leaves as a copy (the slots serve the next batch); to a
  // calling thread that shares this memory, a value filling most of a slot leaves with the slot
  // (a child process first writes the large columns to its shared-memory file, straight from the slots)
  const columnsInFile = !inChild
    ? null
    : request.columnFile !== null
      ? writeColumnsIntoFile(packed.columns, request.columnFile)
      : moveColumnsToFile(packed.columns);
  if (inChild || !request.sharesMemory) {
    lease.detach(packed.columns);
    lease.detach([packed.meta.attributes]);
  } else {
    lease.handOver(packed.columns, { copyOwned: request.reuseMemory });
    lease.handOver([packed.meta.attributes]);
  }
  const handedOver = request.reuseMemory && request.sharesMemory && !inChild ? lease.handedOverSlots() : [];
  // the generator the records drew from (the view's: the batch's own, even when an action returned another batch)
  return [{ kind: 'batch', batch: packed.meta, random: batch.random.snapshot(), columnsInFile, profile, handedOver }, ...packed.columns];
}

/**
 * Produces one batch on a worker (the item function of a batch task): `payload` is
 * `[ProduceRequest, ...columns]`, the large columns (`request.argColumns`) coming as the task's extra
 * arguments `argColumns`. Errors of the steps come back as data (their class found in the batch
 * class's or the pipeline's module), so the caller re-throws them as they were.
 */
export async function produceBatch(
  payload: Payload<ProduceRequest>,
  _options?: unknown,
  _context?: unknown,
  ...argColumns: unknown[]
): Promise<Payload<ProduceOutcome>> {
  const [request, ...columns] = payload;
  if (request.returnedSlots.length > 0) adoptSlots(request.returnedSlots);
  request.argColumns.forEach((position, k) => (columns[position] = argColumns[k]));
  const lease = new SlotLease();
  try {
    return await produce(request, request.hasData ? columns : [], lease);
  } catch (error) {
    return [{ kind: 'error', error: await serialise(error, request) }];
  } finally {
    lease.release();
  }
}
