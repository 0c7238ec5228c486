/**
 * What the runner needs from a pipeline (its host) and what one run carries while it goes. The
 * builder hands the runner a {@link RunHost}, so the runner never imports the Pipeline class.
 * @module
 */
import type { Mutex } from '../concurrency/mutex.js';
import type { Dataset } from '../dataset/dataset.js';
import type { Rng } from '../random/rng.js';
import type { IterationInfo, PipelineLike } from './expressions.js';
import type { PipelineRecord } from './records.js';
import type { ResolvedRunOptions } from './run-options.js';
import type { RunSeeds } from './seeds.js';
import type { RunProfiler } from './profile/profiler.js';

/** The pipeline a run belongs to, as the runner sees it. */
export interface RunHost {
  /** The pipeline object batches point at (`batch.pipeline`). */
  readonly owner: object;
  /** The steps of every batch, and of the before / after pipelines. */
  readonly records: readonly PipelineRecord[];
  readonly before: readonly PipelineRecord[];
  readonly after: readonly PipelineRecord[];
  /** The pipeline seen by expressions with `random` and `iteration` of one batch. */
  view(dataset: Dataset | null, random: Rng, iteration: IterationInfo): PipelineLike;
  /** The pipeline's named lock `name`. */
  lock(name: string): Mutex;
}

/** What one run needs while it goes. */
export interface RunState {
  readonly dataset: Dataset;
  readonly options: ResolvedRunOptions;
  readonly seeds: RunSeeds;
  readonly total: number | null;
  /** Set when the run is profiled (`run({ profile: true })`): every step is timed into it. */
  readonly profiler?: RunProfiler;
}

/** Per-batch bookkeeping: the locks this batch holds. */
export interface BatchScope {
  readonly held: Map<string, Array<() => void>>;
}
