/**
 * What a pipeline is made of: the immutable state every recording method copies, how two states join
 * (`concat`), and the options of `new Pipeline(...)`.
 * @module
 */
import { Config } from '../config/config.js';
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

/**
 * `first`'s steps followed by `second`'s: configs deep-merged (`second` wins), variables joined
 * (`first`'s declaration wins), dataset and lazy run from `first` if it has them.
 */
export function concatStates(first: PipelineState, second: PipelineState): PipelineState {
  const config = new Config(first.config);
  config.update(new Config(second.config));
  const variables = new Map(second.variables);
  for (const [name, declaration] of first.variables) variables.set(name, declaration);
  return {
    records: [...first.records, ...second.records],
    config,
    variables,
    dataset: first.dataset ?? second.dataset,
    lazyRun: first.lazyRun ?? second.lazyRun,
    before: [...first.before, ...second.before],
    after: [...first.after, ...second.after],
    strict: first.strict,
  };
}

/** True when `options` is a whole state (a pipeline deriving another), not user options. */
export function isPipelineState(options: PipelineOptions | PipelineState): options is PipelineState {
  return 'records' in options && Array.isArray((options as PipelineState).records);
}

/** The state of a new pipeline: no steps, no variables; the pipeline gets its own copy of `config`. */
export function initialState(options: PipelineOptions): PipelineState {
  const config = options.config;
  return {
    dataset: options.dataset ?? null,
    config: config instanceof Config ? new Config(config) : new Config(config ?? {}),
    records: [],
    variables: new Map(),
    before: [],
    after: [],
    lazyRun: null,
    strict: options.strict ?? false,
  };
}
