/**
 * Running recorded steps: on one batch of a run ({@link executeBatch}: its seed, its context, its
 * locks) or once without a batch ({@link runOnce}: before / after pipelines). Each step runs with its
 * probability and repeat; the handler of its kind does the work.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { ArgumentError } from '../errors.js';
import { Rng, type RngSnapshot } from '../random/rng.js';
import { evalExpr, type EvalContext, type IterationInfo } from './expressions.js';
import { runStep } from './handlers/index.js';
import type { StepEnv } from './handlers/step.js';
import { describeRecord, type PipelineRecord } from './records.js';
import { wallClock } from './profile/profiler.js';
import { collectWorkerTime } from '../util/worker-time.js';
import type { BatchScope, RunHost, RunState } from './run-state.js';
import { batchSeed } from './seeds.js';

function needsExecution(record: PipelineRecord, context: EvalContext): boolean {
  if (record.kind === 'rebatch' || record.probability === undefined || record.probability === null) return true;
  const probability = evalExpr(record.probability, context);
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1))
    throw new ArgumentError('probability', `expected a number in [0, 1], got ${String(probability)}`);
  return context.pipeline!.random.random() < probability;
}

async function executeRecords(records: readonly PipelineRecord[], batch: Batch | null, context: EvalContext, env: StepEnv): Promise<Batch | null> {
  let current = batch;
  for (const record of records) {
    if (record.kind === 'rebatch' || !needsExecution(record, context)) continue;
    const repeat = record.repeat === undefined ? 1 : evalExpr(record.repeat, context);
    if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0)
      throw new ArgumentError('repeat', `expected a non-negative integer, got ${String(repeat)}`);
    for (let round = 0; round < repeat; round++) {
      // a profiled run times each step (a nested one through its own steps), in this loop: one async frame less per step
      const timing = env.profile && record.kind !== 'nested' ? startTiming(record, current, env.profile) : null;
      try {
        // a step with nothing to wait for (an update) gives its batch at once: no await, no microtask turn
        const result = runStep(record, current, context, env);
        current = result instanceof Promise ? await result : result;
      } finally {
        timing?.();
      }
      if (current === null && batch !== null) return null;
    }
  }
  return current;
}

/** Starts timing one step of a profiled run on `batch`; the returned function ends it and records the step. */
function startTiming(record: PipelineRecord, batch: Batch | null, profile: NonNullable<StepEnv['profile']>): () => void {
  const items = batch?.size ?? 0;
  let onWorkers = 0;
  const start = wallClock();
  const end = batch === null ? null : collectWorkerTime(batch, (functionMs) => (onWorkers += functionMs));
  return () => {
    end?.();
    profile.profiler.step(describeRecord(record), profile.batch, profile.stage, start, wallClock() - start, items, onWorkers);
  };
}

/** The environment of the steps of one batch (or of a before / after pipeline). */
class BatchStepEnv implements StepEnv {
  constructor(
    readonly host: RunHost,
    readonly scope: BatchScope,
    readonly profile: StepEnv['profile'],
  ) {}

  runRecords(records: readonly PipelineRecord[], batch: Batch | null, context: EvalContext): Promise<Batch | null> {
    return executeRecords(records, batch, context, this);
  }
}

function stepEnv(host: RunHost, scope: BatchScope, profile?: StepEnv['profile']): StepEnv {
  return new BatchStepEnv(host, scope, profile);
}

/**
 * Runs `records` on batch number `number` of stage `stage`; resolves to the resulting batch, or null when
 * discarded. `resume`: the batch continues records that ran elsewhere (a batch worker), so its generator
 * continues from that state instead of starting from the batch seed.
 */
export async function executeBatch<B extends Batch>(
  host: RunHost,
  batch: B,
  records: readonly PipelineRecord[],
  run: RunState,
  stage: number,
  number: number,
  resume?: RngSnapshot,
): Promise<B | null> {
  batch.randomSeed = batchSeed(run.seeds, stage, number);
  if (resume) batch.random.restore(resume);
  const iteration: IterationInfo = { current: number + 1, total: stage === 0 ? run.total : null };
  batch.pipeline = host.owner;
  const context: EvalContext = { batch, pipeline: host.view(run.dataset, batch.random, iteration) };
  const scope: BatchScope = { held: new Map() };
  try {
    const profile = run.profiler ? { profiler: run.profiler, batch: number, stage } : undefined;
    return (await executeRecords(records, batch, context, stepEnv(host, scope, profile))) as B | null;
  } finally {
    // locks the batch took and did not release are released when it ends: a failing batch must not deadlock the run
    for (const releases of scope.held.values()) for (const release of releases) release();
  }
}

/** Runs `records` once without a batch (a before / after pipeline), each step with its probability / repeat. */
export async function runOnce(host: RunHost, records: readonly PipelineRecord[], run: RunState): Promise<void> {
  if (records.length === 0) return;
  const random = new Rng(run.seeds.pipeline);
  const context: EvalContext = { batch: null, pipeline: host.view(run.dataset, random, { current: 0, total: run.total }) };
  const scope: BatchScope = { held: new Map() };
  try {
    await executeRecords(records, null, context, stepEnv(host, scope, run.profiler ? { profiler: run.profiler, batch: -1, stage: 0 } : undefined));
  } finally {
    // locks taken and not released are released when the once-pipeline ends
    for (const releases of scope.held.values()) for (const release of releases) release();
  }
}
