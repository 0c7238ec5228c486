/**
 * The calling thread's side of batches on workers. {@link planWorkers} checks, before any work, that
 * the pipeline can run there (reachable by module reference, a Dataset, at least one record before the
 * first stateful one); {@link workerStage} sends each batch of the first stage to the engine as one
 * item, up to `prefetch + 1` at a time, rebuilds what comes back, and runs the stateful tail on the
 * calling thread strictly in batch order.
 * @module
 */
import { pathToFileURL } from 'node:url';
import type { Batch } from '../../batch/batch.js';
import { findRegisteredClass } from '../../decorators/registry.js';
import { Dataset } from '../../dataset/dataset.js';
import { getEngine } from '../../engines/registry.js';
import { SlotLease, takeGivenBackSlots } from '../../engines/shared-slots.js';
import { loadPreloadedInto } from '../../batch/preload-storage.js';
import type { ItemTask } from '../../engines/item-task.js';
import { restoreThrown } from '../../engines/worker/error-codec.js';
import type { RowStorage } from '../../ndarray/gather-rows.js';
import type { NDArray } from '../../ndarray/ndarray-utils.js';
import { ActionError, ArgumentError, NotPortableError } from '../../errors.js';
import { SkipBatch, StopPipeline } from '../errors.js';
import { executeBatch } from '../execute.js';
import { orderedStage, type StageOptions } from '../ordered-stage.js';
import type { PipelineRecord } from '../records.js';
import type { RunHost, RunState } from '../run-state.js';
import type { PipelineState } from '../state.js';
import { allEmpty, batchMeta, fillBatch, packBatch, type BatchMeta, type Payload } from './batch-payload.js';
import { ColumnFilePool, isLargeColumn, readColumnsFromFile, writeColumnsIntoFile } from './column-files.js';
import { markRecyclable } from './batch-recycling.js';
import { portablePipelineReference, type PipelineReference } from './portable-pipeline.js';
import { produceBatch, produceBatchReference, type ProduceOutcome, type ProduceRequest } from './produce-batch.js';
import { shareRows } from './shared-rows.js';
import { splitForWorkers } from './state-rule.js';
import { wallClock, type ProfileEvent, type RunProfiler } from '../profile/profiler.js';

/** How one run produces its first stage on workers. */
export interface WorkerPlan {
  readonly target: string;
  readonly nWorkers: number | undefined;
  readonly reference: PipelineReference;
  /** Records that run on workers (a prefix of the first stage), and those that follow on the calling thread. */
  readonly recordCount: number;
  readonly onCaller: readonly PipelineRecord[];
}

/** Checks that the first stage of `host`'s pipeline can run on `target`'s workers; throws before any work otherwise. */
export async function planWorkers(host: RunHost, stageRecords: readonly PipelineRecord[], target: string, nWorkers: number | undefined): Promise<WorkerPlan> {
  getEngine(target); // an unknown target fails here, before anything runs
  const reference = await portablePipelineReference(host.owner, target);
  const state = (host.owner as { state?: PipelineState }).state;
  if (!(state?.dataset instanceof Dataset))
    throw new NotPortableError(
      'pipeline',
      target,
      'a pipeline whose dataset is a named expression cannot run on workers: give it a Dataset (dataset.p, pipeline.withDataset(dataset))',
    );
  const split = splitForWorkers(stageRecords);
  if (split.onWorkers.length === 0) {
    const first = split.reason ?? 'the pipeline has no steps';
    throw new ArgumentError(
      'target',
      `no step of this pipeline can run on '${target}' workers: the records before the first stateful one run there, and the first one is stateful: ${first}. Run it with target 'for', or move stateless steps (actions without V()/C()/I() arguments) before the stateful ones`,
    );
  }
  return { target, nWorkers, reference, recordCount: split.onWorkers.length, onCaller: split.onCaller };
}

/** The error a worker reported: the original thrown value, class restored, not the engine's ActionError around it. */
function unwrap(error: unknown): unknown {
  return error instanceof ActionError && error.cause !== undefined ? error.cause : error;
}

function importCallerModule(module: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(module).href) as Promise<Record<string, unknown>>;
}

/** The batch on the calling thread for what the worker returned: the same object when class and ids match. */
function targetBatch(original: Batch, meta: BatchMeta, run: RunState): Batch {
  const cls = original.constructor as typeof Batch;
  const sameIds = meta.ids.length === original.size && meta.ids.every((id, k) => id === original.indices[k]);
  if (meta.className === cls.name && sameIds) return original;
  const found = (meta.module ? findRegisteredClass(meta.module, meta.className) : undefined) ?? (meta.className === cls.name ? cls : undefined);
  if (typeof found !== 'function')
    throw new ArgumentError(
      'pipeline',
      `a step on a batch worker returned a batch of class '${meta.className}', which the calling thread cannot find (define it at the top level of a module)`,
    );
  return new (found as unknown as new (ids: unknown[], options: object) => Batch)([...meta.ids], { dataset: run.dataset });
}

/** A profiled run: the worker's step events, and the rest of the batch's round trip as its transport time. */
function recordTransport(profiler: RunProfiler, events: readonly ProfileEvent[], sent: number, number: number, items: number): void {
  const roundTrip = wallClock() - sent;
  const onWorker = events.reduce((sum, event) => sum + event.ms, 0);
  profiler.merge(events, { batch: number, stage: 0, lane: 'transport', start: sent, ms: Math.max(0, roundTrip - onWorker), items });
}

/** Sends `batch` to a worker and gives back the batch it produced with its generator state, or null when discarded. */
async function produceOnWorker(
  plan: WorkerPlan,
  batch: Batch,
  number: number,
  run: RunState,
  files: ColumnFilePool,
): Promise<{ batch: Batch; outcome: ProduceOutcome & { kind: 'batch' } } | null> {
  const engine = getEngine(plan.target);
  const runOptions = plan.nWorkers === undefined ? {} : { nWorkers: plan.nWorkers };
  const lease = new SlotLease();
  const sharesMemory = engine.sharesMemory?.(runOptions) === true;
  const storage: RowStorage = (like, length) => lease.arrayLike(like, length);
  // preloaded components in shared memory, to workers that share it: the worker gathers their rows itself
  const shared = sharesMemory ? shareRows(batch, run.dataset, storage) : null;
  // other preloaded rows are gathered straight into reused slots (no fresh memory to fault in): workers
  // that share memory read them in place, child processes get them through a shared-memory file
  if (!shared) batch[loadPreloadedInto](storage);
  const packed = shared ? { meta: batchMeta(batch), columns: shared.columns } : packBatch(batch);
  const hasData = shared !== null || !allEmpty(packed.columns);
  // workers that read this machine's /dev/shm (child processes): a file of the run's pool carries the
  // large columns both ways
  const file = engine.sharesMemoryFiles?.(runOptions) === true ? files.acquire() : null;
  const inputColumns = file !== null && hasData ? writeColumnsIntoFile(packed.columns, file) : null;
  // large columns go as extra arguments, which the engine moves its own way (a shared-memory file on
  // 'mpc'); to workers that share memory, through reused shared slots the worker reads in place
  const argColumns = hasData ? packed.columns.flatMap((column, k) => (isLargeColumn(column) ? [k] : [])) : [];
  if (argColumns.length > 0 && sharesMemory)
    for (const position of argColumns) {
      const column = packed.columns[position] as NDArray;
      if (!lease.holds(column)) packed.columns[position] = lease.copy(column) ?? column;
    }
  const request: ProduceRequest = {
    pipeline: plan.reference,
    recordCount: plan.recordCount,
    number,
    seeds: run.seeds,
    total: run.total,
    batch: packed.meta,
    hasData,
    argColumns,
    sharedRows: shared?.rows ?? null,
    columnFile: file,
    inputColumns,
    profile: run.profiler !== undefined,
    sharesMemory,
    reuseMemory: run.options.reuseMemory && sharesMemory,
    // slots of consumed batches go back to the workers' pools (only workers sharing this memory can use them)
    returnedSlots: sharesMemory ? takeGivenBackSlots() : [],
  };
  const inline = packed.columns.map((column, k) => (argColumns.includes(k) ? null : column));
  const payload: Payload<ProduceRequest> = hasData ? [request, ...inline] : [request];
  const task: ItemTask = {
    action: `batch ${number} of the pipeline of ${plan.reference.module}`,
    func: produceBatch,
    thisArg: undefined,
    reference: produceBatchReference,
    offset: 0,
    items: { length: 1, at: () => payload },
    options: {},
    perItemOptions: [],
    args: argColumns.map(() => null),
    perItemArgs: argColumns.map((position, k) => [k, { valueAt: () => packed.columns[position] }] as const),
    applyMask: null,
    rngSeeding: { kind: 'none' },
    indexValues: [],
  };
  // with reuseMemory, what the calling thread reads itself (the file of a child process, the reply file
  // of a queue worker) goes into reused slots of this thread, which the batch keeps until it is consumed
  const resultMemory = run.options.reuseMemory && !sharesMemory ? new SlotLease() : null;
  const intoResultMemory = resultMemory && ((bytes: number) => resultMemory.array('uint8', bytes) as Uint8Array | null);
  let results: unknown[];
  const sent = wallClock();
  try {
    results = await engine.run(task, intoResultMemory ? { ...runOptions, replyMemory: intoResultMemory } : runOptions);
  } catch (error) {
    // the slots are left to the garbage collector and the file to the pool's end: a worker stopped
    // mid-batch may still touch them
    throw unwrap(error);
  }
  const [outcome, ...columns] = results[0] as Payload<ProduceOutcome>;
  try {
    // first of all: the columns a child process wrote to a file are read (a file of its own removed)
    if (outcome.kind === 'batch' && outcome.columnsInFile)
      readColumnsFromFile(columns, outcome.columnsInFile, outcome.columnsInFile.file === file, intoResultMemory);
    lease.detach(columns);
    const resultSlots = resultMemory?.surrender() ?? [];
    if (run.profiler && outcome.kind !== 'error') recordTransport(run.profiler, outcome.profile, sent, number, batch.size);
    if (outcome.kind === 'error') throw await restoreThrown(outcome.error, importCallerModule);
    if (outcome.kind === 'discarded') return null;
    const produced = targetBatch(batch, outcome.batch, run);
    await fillBatch(produced, outcome.batch, columns);
    markRecyclable(produced, outcome.handedOver);
    markRecyclable(produced, resultSlots, 'this thread');
    return { batch: produced, outcome };
  } finally {
    // the batch's columns are the worker's now (or it is dropped): its slots and file serve the next batches
    lease.release();
    if (file !== null) files.release(file);
  }
}

/**
 * Produces the batches of a run's first stage on workers, one call per batch; `halt()` drops the
 * outcomes of batches still in flight, `settled()` waits until none is, then removes the run's
 * shared-memory files.
 */
export interface WorkerProducer<B extends Batch> {
  readonly process: (batch: B, number: number) => Promise<B | null>;
  readonly halt: () => void;
  readonly settled: () => Promise<void>;
}

/**
 * The per-batch work of the first stage on workers: each batch is produced on a worker, then the
 * records after the first stateful one run on the calling thread one batch after another, in batch
 * order (a batch after one that stopped or failed the run does not run them).
 */
export function workerProducer<B extends Batch>(plan: WorkerPlan, host: RunHost, run: RunState, options: StageOptions): WorkerProducer<B> {
  let turn: Promise<void> = Promise.resolve();
  let halted = false;
  const inFlight = new Set<Promise<unknown>>();
  const files = new ColumnFilePool();
  const process = async (batch: B, number: number): Promise<B | null> => {
    const produced = produceOnWorker(plan, batch, number, run, files).then(
      (value) => ({ value }),
      (error: unknown) => ({ error }),
    );
    inFlight.add(produced);
    void produced.then(() => inFlight.delete(produced));
    const previous = turn;
    let done!: () => void;
    turn = new Promise<void>((resolve) => (done = resolve));
    try {
      const outcome = await produced;
      await previous;
      // a batch after one that stopped or failed the run: its outcome is dropped, its tail must not run
      if (halted) return null;
      if ('error' in outcome) throw outcome.error;
      if (outcome.value === null) return null;
      return (await executeBatch(host, outcome.value.batch, plan.onCaller, run, 0, number, outcome.value.outcome.random)) as B | null;
    } catch (error) {
      if (error instanceof StopPipeline || (!(error instanceof SkipBatch) && !options.ignoreExceptions)) halted = true;
      throw error;
    } finally {
      done();
    }
  };
  return {
    process,
    halt: () => (halted = true),
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
      files.close();
    },
  };
}

/**
 * The first stage on workers: batches are produced concurrently (up to `prefetch + 1`), the records
 * after the first stateful one run on the calling thread one batch after another in batch order, and
 * results are yielded in order with SkipBatch / StopPipeline / errors handled as without workers.
 */
export async function* workerStage<B extends Batch>(
  inputs: AsyncIterable<B>,
  plan: WorkerPlan,
  host: RunHost,
  run: RunState,
  options: StageOptions,
): AsyncGenerator<B> {
  const producer = workerProducer<B>(plan, host, run, options);
  try {
    yield* orderedStage(inputs, producer.process, options);
  } finally {
    producer.halt();
    // a run that ends early (an error, StopPipeline, the consumer stopping) still waits for the batches in flight
    await producer.settled();
  }
}
