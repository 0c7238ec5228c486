/**
 * Options of `run`, `genBatch` and `nextBatch`, and their checks.
 * @module
 */
import { nonNegativeInteger as checkCount } from '../util/counts.js';
import { ArgumentError } from '../errors.js';
import { totalBatches } from '../dataset/iteration.js';
import { optionNames } from '../util/option-names.js';
import { resolveTarget, type Target } from '../engines/target.js';
import type { AnyNamedExpression } from './action-types.js';
import { checkBarOption, type ProgressBarOptions } from './progress.js';
import { checkCheckpointOption, checkResumeOption, type CheckpointOptions, type ResolvedResume, type ResumeOptions } from './checkpoint/options.js';

/** Options of a pipeline run. Any value may be a named expression (evaluated without a batch). */
export interface RunOptions {
  /** Items per batch. */
  batchSize?: number;
  /** false: dataset order; true: shuffled with a random seed; k ≥ 0: shuffled with seed k; k < 0: not shuffled, seed |k|. */
  shuffle?: boolean | number;
  /** Root seed of the run's randomness (overrides a numeric `shuffle` as the root; the order still follows `shuffle`). */
  seed?: number;
  /** Number of batches to run (across epochs); null = no limit. */
  nIters?: number | null;
  /** Number of passes over the dataset; null = endless. Default 1 when neither nIters nor nEpochs is given. */
  nEpochs?: number | null;
  /** Drop the last, incomplete batch of each epoch. */
  dropLast?: boolean;
  /** Batches processed ahead of the one being consumed (async, bounded; results stay in order). */
  prefetch?: number;
  /**
   * Where batches are produced: `'for'` (the default) in the calling thread; any other registered
   * engine (`'threads'`, `'mpc'`, an alias or a custom name) runs the first records of each batch on
   * its workers, `prefetch` batches ahead (see "Batches on workers" in docs/pipelines.md). The
   * pipeline must be marked with `portablePipeline(pipeline, import.meta.url)`. `'auto'` times the
   * first batch on the calling thread and produces the following ones on `'threads'` only when that
   * pays (a pipeline that cannot run on workers stays on the calling thread; see `getAutoDecisions()`).
   */
  target?: Target;
  /** Workers of a worker `target` or of `'auto'` (default: the engine's own, the number of cores). */
  nWorkers?: number;
  /**
   * Reuse the memory of consumed batches for the next ones (default false). A batch yielded by
   * `genBatch` or `nextBatch` may then be used only until the next batch is asked for: its arrays
   * may be overwritten by a later batch after that (copy what you keep, e.g. with `.slice()`).
   * Batches produced on workers that share memory with the calling thread (`'threads'`) then come
   * back in shared memory their workers reuse, instead of fresh memory per batch (page faults on the
   * workers, garbage collections on the calling thread); batches produced on `'mpc'` workers, and
   * those `'queue'` workers send back (through Redis, or files of a payload directory: `configureQueue`),
   * are read into memory the calling thread reuses. No effect on other targets.
   */
  reuseMemory?: boolean;
  /**
   * Show a progress bar (epoch, batches done, batches/s and items/s, elapsed time, ETA) on a terminal:
   * `true` draws it on stderr (never under CI); `{ stream }` draws it on another terminal stream.
   * Console output printed during the run appears above the bar.
   */
  bar?: boolean | ProgressBarOptions;
  /** Drop batches whose actions throw (the error is reported as a warning) instead of ending the run. */
  ignoreExceptions?: boolean;
  /** What to reset before the run: 'iter' (default), 'vars', 'all', or false. */
  reset?: 'iter' | 'vars' | 'variables' | 'all' | false;
  /**
   * Time every step of every batch (on the calling thread and on batch workers, with the transport
   * time of batches on workers): read it after the run with `pipeline.profileInfo()`,
   * `pipeline.showProfileInfo()` or `pipeline.writeProfileChart(file)`.
   */
  profile?: boolean;
  /**
   * Write the run's state (position, seeds, variables) to a JSON file every `every` batches and when
   * the run ends, atomically; resume from it with `resume` (see "Checkpoint and resume" in docs/pipelines.md).
   */
  checkpoint?: CheckpointOptions;
  /**
   * Continue the run saved in this checkpoint file: the remaining batches, their values and the final
   * variables are the same as in an uninterrupted run. A missing file is an error unless `ifMissing: 'start'`.
   */
  resume?: ResumeOptions;
}

/** Run options as given: any value may also be a named expression, evaluated without a batch when the run starts. */
export type RunOptionsInput = { [K in keyof RunOptions]?: RunOptions[K] | AnyNamedExpression };

/** Run options after defaults and checks. */
export interface ResolvedRunOptions {
  readonly batchSize: number;
  readonly shuffle: boolean | number;
  readonly seed: number | undefined;
  readonly nIters: number | null;
  readonly nEpochs: number | null;
  readonly dropLast: boolean;
  readonly prefetch: number;
  /** The canonical engine name that produces batches ('for': the calling thread). */
  readonly target: string;
  readonly nWorkers: number | undefined;
  readonly reuseMemory: boolean;
  readonly bar: boolean | ProgressBarOptions;
  readonly ignoreExceptions: boolean;
  readonly reset: 'iter' | 'vars' | 'variables' | 'all' | false;
  readonly profile: boolean;
  readonly checkpoint: CheckpointOptions | null;
  readonly resume: ResolvedResume | null;
}

/** The names of the run options, checked against {@link RunOptions} at compile time. */
const runOptionNames = optionNames<RunOptions>()([
  'batchSize',
  'shuffle',
  'seed',
  'nIters',
  'nEpochs',
  'dropLast',
  'prefetch',
  'target',
  'nWorkers',
  'reuseMemory',
  'bar',
  'ignoreExceptions',
  'reset',
  'profile',
  'checkpoint',
  'resume',
]);

function nonNegativeInteger(name: string, value: unknown, allowNull: boolean): number | null {
  if (value === null && allowNull) return null;
  return checkCount(name, value, allowNull ? 'a non-negative integer or null' : undefined);
}

/** Applies defaults (`defaultEpochs` when neither nIters nor nEpochs is given) and checks types. */
export function resolveRunOptions(options: RunOptions, defaultEpochs: number | null): ResolvedRunOptions {
  const known = new Set<string>([...runOptionNames, 'lazy']); // lazy: run()'s own option (run({ lazy: false }) passes it on)
  for (const key of Object.keys(options)) if (!known.has(key)) throw new ArgumentError(key, `unknown run option; expected one of ${[...known].join(', ')}`);
  const batchSize = options.batchSize;
  if (batchSize === undefined) throw new ArgumentError('batchSize', 'is required: pass the number of items per batch, e.g. run({ batchSize: 32 })');
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError('batchSize', `expected a positive integer, got ${String(batchSize)}`);
  const shuffle = options.shuffle ?? false;
  if (typeof shuffle !== 'boolean' && !(typeof shuffle === 'number' && Number.isInteger(shuffle)))
    throw new ArgumentError('shuffle', `expected a boolean or an integer seed, got ${String(shuffle)}`);
  const neither = !('nIters' in options) && !('nEpochs' in options);
  const nEpochs = neither ? defaultEpochs : options.nEpochs === undefined ? null : nonNegativeInteger('nEpochs', options.nEpochs, true);
  const nIters = options.nIters === undefined ? null : nonNegativeInteger('nIters', options.nIters, true);
  const prefetch = nonNegativeInteger('prefetch', options.prefetch ?? 0, false)!;
  const target = resolveTarget(options.target ?? 'for');
  const nWorkers = options.nWorkers === undefined ? undefined : nonNegativeInteger('nWorkers', options.nWorkers, false)!;
  if (nWorkers === 0) throw new ArgumentError('nWorkers', 'expected a positive integer, got 0');
  const reuseMemory = options.reuseMemory ?? false;
  if (typeof reuseMemory !== 'boolean') throw new ArgumentError('reuseMemory', `expected true or false, got ${String(reuseMemory)}`);
  const profile = options.profile ?? false;
  if (typeof profile !== 'boolean') throw new ArgumentError('profile', `expected true or false, got ${String(profile)}`);
  const reset = options.reset ?? 'iter';
  if (reset !== false && !['iter', 'vars', 'variables', 'all'].includes(reset))
    throw new ArgumentError('reset', `expected 'iter', 'vars', 'all' or false, got ${String(reset)}`);
  return {
    batchSize,
    shuffle,
    seed: options.seed,
    nIters,
    nEpochs,
    dropLast: options.dropLast ?? false,
    prefetch,
    target,
    nWorkers,
    reuseMemory,
    bar: checkBarOption(options.bar),
    ignoreExceptions: options.ignoreExceptions ?? false,
    reset,
    profile,
    checkpoint: checkCheckpointOption(options.checkpoint),
    resume: checkResumeOption(options.resume),
  };
}

/** Number of batches a run will produce before any rebatch (as the index counts them), or null when endless. */
export function runTotal(datasetSize: number, options: ResolvedRunOptions): number | null {
  return totalBatches(datasetSize, options);
}
