/**
 * The contract between named expressions and whatever runs them (the Pipeline). An expression is
 * evaluated against an {@link EvalContext}; everything it needs from a pipeline goes through the
 * small {@link PipelineLike} interface, so expressions never import the Pipeline class.
 * @module
 */
import type { BatchLike, BatchType } from '../batch/batch-like.js';
import type { DatasetOf } from '../batch/dataset-link.js';
import type { Config } from '../config/config.js';
import type { Rng } from '../random/rng.js';

/** Where the current run is, for `I('current' | 'max' | 'ratio')`. */
export interface IterationInfo {
  /** 1-based number of the batch being processed (the first batch of a run is 1; 0 before it). */
  readonly current: number;
  /** Total number of iterations of the run (nIters, or batches × nEpochs), or null when unknown. */
  readonly total: number | null;
}

/**
 * What expressions need from a pipeline. The Pipeline implements it; during a run it hands each
 * batch a view whose `random` and `iteration` belong to that batch (async batches interleave).
 */
export interface PipelineLike {
  /** The dataset of the current run, already evaluated (never an expression), or null. (`D`, `B`'s fallback.) */
  readonly dataset: DatasetOf<BatchLike> | null;
  /** The pipeline's config. `C(name)` reads it with `config.at(name)`; `C(name).set(v)` calls `config.set(name, v)`. */
  readonly config: Config;
  /** The per-batch generator. `R(...)` without its own seed draws from it. */
  readonly random: Rng;
  /** Iteration state for `I(...)`. */
  readonly iteration: IterationInfo;
  /** True when the variable exists. */
  hasVariable(name: string): boolean;
  /** The variable's value (missing: the pipeline decides — create it as null, or throw in strict mode). */
  getVariable(name: string): unknown;
  /** Raw assignment (modes `a`/`e`/`u` are applied by the expression before calling this). */
  setVariable(name: string, value: unknown): void;
}

/**
 * What a pipeline given as a preset (`V('x', { pipeline: trainPipeline })`) must offer: its variables,
 * config and dataset. A `Pipeline` object qualifies; `R`/`I` need a running pipeline's per-batch view.
 */
export type PipelinePreset = Pick<PipelineLike, 'hasVariable' | 'getVariable' | 'setVariable' | 'config' | 'dataset'>;

/** What an expression is evaluated against. All fields are optional; an expression that needs a missing one throws an ExpressionError. */
export interface EvalContext {
  /** The batch being processed (`B`, `L`, `P`/`PP` sizes). */
  batch?: BatchType | null;
  /** The pipeline (or per-batch pipeline view). When absent, `batch.pipeline` is used if it is PipelineLike. */
  pipeline?: PipelineLike | null;
  /** Number of samples requested from `R` (set by `P(...)` to the batch size); prepended to `R`'s own size. */
  size?: number;
}

/** True when `value` has the members of {@link PipelineLike} that expressions call. */
export function isPipelineLike(value: unknown): value is PipelineLike {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Partial<Record<keyof PipelineLike, unknown>>;
  return typeof candidate.getVariable === 'function' && typeof candidate.setVariable === 'function' && typeof candidate.hasVariable === 'function';
}
