/**
 * What a pipeline is made of: the immutable state every recording method copies, and the options of
 * `new Pipeline(...)`.
 * @module
 */
import type { Config } from '../config/config.js';
import type { Dataset } from '../dataset/dataset.js';
import type { PipelineRecord } from './records.js';
import type { RunOptionsInput } from './run-options.js';
import type { VariableDeclaration } from './variables.js';

/** The immutable part of a pipeline. */
export interface PipelineState {
  readonly dataset: unknown;
  readonly config: Config;
  readonly records: readonly PipelineRecord[];
  readonly variables: ReadonlyMap<string, VariableDeclaration>;
  readonly before: readonly PipelineRecord[];
  readonly after: readonly PipelineRecord[];
  readonly lazyRun: RunOptionsInput | null;
  readonly strict: boolean;
}

/** Options of `new Pipeline(...)` / `dataset.pipeline(...)`. */
export interface PipelineOptions {
  /** The dataset (or a named expression giving one when a run starts). */
  dataset?: Dataset | null | unknown;
  /** The pipeline config (`C(name)` reads it). */
  config?: Config | Record<string, unknown> | null;
  /** Reading an undeclared variable throws instead of creating it as null. */
  strict?: boolean;
}
