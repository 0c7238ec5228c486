/**
 * The runs of one pipeline object: `genBatch`, `nextBatch` (its ongoing iterator) and `createBatch`.
 * A run evaluates the dataset and the run options, initialises the variables, and hands the steps
 * to the runner (`run.ts`); the dataset it evaluated is the pipeline's dataset from then on.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { LockRegistry } from '../concurrency/lock-registry.js';
import { Dataset } from '../dataset/dataset.js';
import type { DatasetIndex, IndexSource } from '../dataset/dataset-index.js';
import { Rng } from '../random/rng.js';
import { PipelineError } from './errors.js';
import { MissingIdError } from '../errors.js';
import { executeBatch } from './execute.js';
import { checkJoins } from './handlers/join.js';
import { evalExpr, type IterationInfo } from './expressions.js';
import { splitStages } from './records.js';
import { runBatches } from './run.js';
import { recycleBatch } from './workers/batch-recycling.js';
import { resolveRunOptions, runTotal, type RunOptions, type RunOptionsInput } from './run-options.js';
import type { RunHost } from './run-state.js';
import { runSeeds } from './seeds.js';
import { setUpCheckpoint } from './checkpoint/prepare.js';
import { RunProfiler, wallClock } from './profile/profiler.js';
import { summarizeProfile, type ProfileInfo } from './profile/profile-info.js';
import type { PipelineState } from './state.js';
import type { VariableStore } from './variables.js';
import { PipelineView, type ViewOwner } from './view.js';

/** When a run started and how long it took (`pipeline.runTime`; BatchFlow's `run_time`). */
export interface RunTime {
  /** When the run started (before its dataset and options were evaluated). */
  readonly startedAt: Date;
  /** Milliseconds from the start until the last batch was used up and the after pipeline ran. */
  readonly elapsedMs: number;
}

/** Runs the steps of `state` for the pipeline `owner` (the object batches point at). */
export class PipelineRuns<B extends Batch> {
  #dataset: Dataset | null = null;
  #iterator: AsyncGenerator<B, void, undefined> | null = null;
  #profiler: RunProfiler | null = null;
  #runTime: RunTime | null = null;

  constructor(
    private readonly owner: ViewOwner,
    private readonly state: PipelineState,
    private readonly variables: VariableStore,
    private readonly locks: LockRegistry,
  ) {}

  /** The dataset of the last run, or the pipeline's own dataset when it is not an expression. */
  get dataset(): Dataset | null {
    if (this.#dataset) return this.#dataset;
    return this.state.dataset instanceof Dataset ? this.state.dataset : null;
  }

  /** The pipeline seen by expressions outside a batch. */
  view(random = new Rng(0), iteration: IterationInfo = { current: 0, total: null }): PipelineView {
    return new PipelineView(this.owner, this.dataset, random, iteration);
  }

  /** Drops the ongoing `nextBatch` sequence. */
  stopIteration(): void {
    void this.#iterator?.return();
    this.#iterator = null;
  }

  /** The batches of a run with `options` (merged over the lazy run's), or the defaults of `genBatch`. */
  genBatch(options: RunOptionsInput | undefined): AsyncGenerator<B, void, undefined> {
    const merged = this.#mergedRunOptions(options);
    // a new run starts over: an ongoing nextBatch sequence is dropped
    if (merged.reset === undefined || merged.reset === 'iter' || merged.reset === 'all') this.stopIteration();
    return this.#generate(merged, 1);
  }

  /** The next batch of the ongoing run (started with `options` on the first call; endless by default), or null. */
  async nextBatch(options: RunOptionsInput | undefined): Promise<B | null> {
    if (!this.#iterator) this.#iterator = this.#generate(this.#mergedRunOptions(options), null);
    const next = await this.#iterator.next();
    return next.done ? null : next.value;
  }

  /** A batch with ids `ids` after the steps of stage 0 ran on it. */
  async createBatch(ids: IndexSource | DatasetIndex, seed?: number): Promise<B | null> {
    checkJoins(this.state.records);
    const dataset = this.#evaluateDataset();
    const wanted = dataset.index.createBatch(ids, { pos: false, asArray: true });
    const missing = wanted.filter((id) => !dataset.index.has(id));
    if (missing.length > 0) throw new MissingIdError(missing, "the pipeline's dataset");
    this.variables.initialise(false);
    const batch = dataset.createBatch(ids as IndexSource) as unknown as B;
    const run = { dataset, seeds: runSeeds(false, seed), options: resolveRunOptions({ batchSize: 1 }, 1), total: null };
    return executeBatch(this.#host(), batch, splitStages(this.state.records).stages[0]!, run, 0, 0);
  }

  #mergedRunOptions(options: RunOptionsInput | undefined): RunOptionsInput {
    const lazy = this.state.lazyRun;
    if (options === undefined && !lazy) {
      throw new PipelineError(
        'a run without arguments needs a lazy run: pass the options (run({ batchSize: 32 })), or record them first with run({ batchSize: 32, ..., lazy: true })',
      );
    }
    return { ...(lazy ?? {}), ...(options ?? {}) };
  }

  #evaluateDataset(): Dataset {
    const dataset = evalExpr(this.state.dataset, { batch: null, pipeline: this.view() });
    if (!(dataset instanceof Dataset))
      throw new PipelineError('the pipeline has no dataset: use dataset.p, dataset.pipeline(), or pipeline.withDataset(dataset)');
    this.#dataset = dataset;
    return dataset;
  }

  #host(): RunHost {
    return {
      owner: this.owner,
      records: this.state.records,
      before: this.state.before,
      after: this.state.after,
      view: (dataset, random, iteration) => new PipelineView(this.owner, dataset, random, iteration),
      lock: (name) => this.locks.get(name),
    };
  }

  async *#generate(given: RunOptionsInput, defaultEpochs: number | null): AsyncGenerator<B, void, undefined> {
    this.#runTime = null;
    // the start as the system clock says (the process's monotonic clock can drift from it by seconds on a
    // long-lived process of a virtual machine), the duration by the monotonic clock
    const startedAt = new Date();
    const start = performance.now();
    checkJoins(this.state.records);
    const dataset = this.#evaluateDataset();
    const evaluated = evalExpr(given, { batch: null, pipeline: this.view() }) as RunOptions;
    const options = resolveRunOptions(evaluated, defaultEpochs);
    if (options.reset === 'vars' || options.reset === 'variables' || options.reset === 'all') this.variables.clear();
    const { seeds, checkpoint } = await setUpCheckpoint({
      options,
      records: this.state.records,
      datasetLength: dataset.length,
      declared: [...this.state.variables.keys()],
      variables: this.variables,
      fresh: () => {
        const fresh = runSeeds(options.shuffle, options.seed);
        this.variables.initialise(false, new Rng(fresh.pipeline));
        return fresh;
      },
    });
    const profiler = options.profile ? new RunProfiler() : undefined;
    if (profiler) this.#profiler = profiler;
    try {
      const run = { dataset, options, seeds, total: runTotal(dataset.length, options), ...(profiler ? { profiler } : {}) };
      if (!options.reuseMemory) yield* runBatches<B>(this.#host(), run, checkpoint);
      else
        for await (const batch of runBatches<B>(this.#host(), run, checkpoint)) {
          yield batch;
          // the consumer asks for the next batch: this one's memory may serve the next batches
          recycleBatch(batch);
        }
      this.#runTime = { startedAt, elapsedMs: performance.now() - start };
    } finally {
      profiler?.end();
    }
  }

  /** When the last run started and how long it took, once it was used up (null before, while it goes on, or when it was left early). */
  get runTime(): RunTime | null {
    return this.#runTime;
  }

  /** The summary of the last run made with `profile: true` (up to now while it goes on). */
  profileInfo(): ProfileInfo {
    if (!this.#profiler)
      throw new PipelineError('no profiled run yet: run the pipeline with profile: true (run({ batchSize: 32, profile: true })), then ask for its profile');
    return summarizeProfile(this.#profiler, wallClock());
  }
}
