/**
 * `run({ target: 'auto' })`: the first batch is produced on the calling thread while the records the
 * state rule would send to workers are timed; from that time and the bytes of the batch, the cost rule
 * of target 'auto' keeps the following batches on the calling thread (exactly as on 'for') or
 * produces them on the 'threads' pool. A pipeline that cannot run on workers (not portable, stateful
 * from its first record) stays on the calling thread without an error. Each run's choice is shown by
 * `getAutoDecisions()` and logged under `BATCHFLOW_DEBUG=auto`. The choice is remembered: a later run
 * of the same pipeline, batch class, batch size and worker count skips the timing and sends every
 * batch, its first included, where the first run's decision says (`resetAutoDecisions()` forgets it).
 * @module
 */
import { availableParallelism } from 'node:os';
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Batch } from '../../batch/batch.js';
import { chooseBatchEngine } from '../../engines/auto/cost-model.js';
import { logDecision } from '../../engines/auto/debug-log.js';
import { recallDecision, rememberDecision, type AutoDecision } from '../../engines/auto/decisions.js';
import { itemBytes } from '../../engines/auto/item-shape.js';
import { cpuMs } from '../../engines/auto/probe.js';
import { ArgumentError } from '../../errors.js';
import { executeBatch } from '../execute.js';
import { orderedStage, type StageOptions } from '../ordered-stage.js';
import type { PipelineRecord } from '../records.js';
import type { RunHost, RunState } from '../run-state.js';
import { packBatch } from './batch-payload.js';
import { planWorkers, workerProducer, type WorkerPlan, type WorkerProducer } from './worker-stage.js';

/** How a run with target 'auto' may use workers. */
export interface AutoPlan {
  /** The plan on the 'threads' pool, should the first batch show that workers pay. */
  readonly workers: WorkerPlan;
  /** The records of the first stage (all of them run on the calling thread when workers do not pay). */
  readonly records: readonly PipelineRecord[];
  /** Batches produced at once on workers: workers, CPUs and batches in flight, the smallest. */
  readonly parallel: number;
  /** The decision's key and name of the pipeline. */
  readonly key: string;
  readonly action: string;
}

function decisionBase(key: string, action: string, batchClass: string | undefined, batchSize: number, nWorkers: number) {
  return { key, action, batchClass, items: 1, itemShape: `batch of ${batchSize} items`, nWorkers, uses: 1 } as const;
}

function remember(decision: AutoDecision): void {
  rememberDecision(decision);
  logDecision(decision);
}

/**
 * The plan of a run with target 'auto', or null when its pipeline cannot run on workers: then the
 * decision ('for', and why) is remembered at once and the run goes on as on 'for'.
 */
export async function planAuto(host: RunHost, records: readonly PipelineRecord[], run: RunState): Promise<AutoPlan | null> {
  const { options } = run;
  const nWorkers = options.nWorkers ?? availableParallelism();
  const batchClass = run.dataset.batchClass?.name;
  try {
    const workers = await planWorkers(host, records, 'threads', nWorkers);
    const { module, exportName, ordinal } = workers.reference;
    const action = `pipeline ${exportName ?? `#${ordinal}`} of ${basename(module)}`;
    const key = ['pipeline run', `${module}#${exportName ?? ordinal}`, batchClass ?? '-', `batchSize ${options.batchSize}`, `${nWorkers} workers`].join(' | ');
    const parallel = Math.min(nWorkers, availableParallelism(), options.prefetch + 1);
    return { workers, records, parallel, key, action };
  } catch (error) {
    if (!(error instanceof ArgumentError)) throw error;
    const key = ['pipeline run', 'not on workers', batchClass ?? '-', `batchSize ${options.batchSize}`, `${nWorkers} workers`].join(' | ');
    remember({
      ...decisionBase(key, 'pipeline', batchClass, options.batchSize, nWorkers),
      engine: 'for',
      chunkSize: undefined,
      reason: `the pipeline cannot run on workers: ${error.message}`,
      probe: null,
      estimate: null,
    });
    return null;
  }
}

/** Time of `work`: the smaller of wall-clock and process CPU time, as the probe of target 'auto' measures (ms). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const wall = performance.now();
  const cpu = cpuMs();
  const value = await work();
  return { value, ms: Math.min(performance.now() - wall, cpuMs() - cpu) };
}

/**
 * The first stage under target 'auto': batch 0 on the calling thread (its worker-side records timed,
 * then the rest), then every later batch on the engine the timing chose, in order, with SkipBatch /
 * StopPipeline / errors handled as on 'for'.
 */
export async function* autoStage<B extends Batch>(
  inputs: AsyncIterable<B>,
  plan: AutoPlan,
  host: RunHost,
  run: RunState,
  options: StageOptions,
): AsyncGenerator<B> {
  let choose!: (producer: WorkerProducer<B> | null) => void;
  const chosen = new Promise<WorkerProducer<B> | null>((resolve) => (choose = resolve));
  let producer: WorkerProducer<B> | null = null;
  const { workers } = plan;
  // a run of the same kind (pipeline, batch class, batch size, workers) decided before: no probe, every
  // batch (the first included) goes where that decision says
  const recalled = recallDecision(plan.key);
  if (recalled) {
    producer = recalled.engine === 'threads' ? workerProducer<B>(workers, host, run, options) : null;
  }
  // otherwise the run's first batch decides: batch 0, or the first batch after a checkpoint when the run resumes
  const firstNumber = recalled ? Number.NaN : (options.turns?.firstNumber ?? 0);
  const first = async (batch: B, number: number): Promise<B | null> => {
    let decided = false;
    try {
      const bytesIn = itemBytes(packBatch(batch).columns);
      const head = await timed(() => executeBatch(host, batch, plan.records.slice(0, workers.recordCount), run, 0, number));
      const bytesOut = head.value === null ? 0 : itemBytes(packBatch(head.value).columns);
      const choice = chooseBatchEngine({ perBatchMs: head.ms, batchBytes: bytesIn + bytesOut, parallel: plan.parallel });
      remember({
        ...decisionBase(plan.key, plan.action, batch.constructor.name, batch.size, workers.nWorkers ?? availableParallelism()),
        engine: choice.engine,
        chunkSize: undefined,
        reason: choice.engine === 'for' ? 'batches too cheap to ship' : 'batches estimated faster on workers',
        probe: { items: 1, ms: head.ms, perItemMs: head.ms },
        estimate: { forMs: choice.forMs, workersMs: choice.workersMs },
      });
      decided = true;
      if (choice.engine === 'threads') producer = workerProducer<B>(workers, host, run, options);
      if (head.value === null) return null;
      // the rest of the records continue the batch's generator where the timed ones left it
      return (await executeBatch(host, head.value, workers.onCaller, run, 0, number, batch.random.snapshot())) as B | null;
    } finally {
      if (!decided)
        remember({
          ...decisionBase(plan.key, plan.action, batch.constructor.name, batch.size, workers.nWorkers ?? availableParallelism()),
          engine: 'for',
          chunkSize: undefined,
          reason: 'the first batch ended in its worker-side steps (an error, SkipBatch or StopPipeline), so nothing was timed',
          probe: null,
          estimate: null,
        });
      // later batches start once this one is done: their calling-thread records run after its own
      choose(producer);
    }
  };
  if (recalled) choose(producer);
  const process = async (batch: B, number: number): Promise<B | null> => {
    if (number === firstNumber) return first(batch, number);
    const onWorkers = await chosen;
    return onWorkers ? onWorkers.process(batch, number) : executeBatch(host, batch, plan.records, run, 0, number);
  };
  try {
    yield* orderedStage(inputs, process, options);
  } finally {
    const onWorkers = producer as WorkerProducer<B> | null; // set by the first batch (the compiler cannot see it)
    onWorkers?.halt();
    await onWorkers?.settled();
  }
}
