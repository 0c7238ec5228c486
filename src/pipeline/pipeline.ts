/**
 * `Pipeline`: a lazily recorded chain of actions over a dataset, run in batches. Pipelines are
 * immutable builders: every recording method returns a **new** pipeline and leaves the original
 * untouched (so a template can be reused). Variable *values* belong to one pipeline object and
 * persist across its runs; a derived pipeline starts from the declared defaults.
 *
 * Batch actions are recorded by name through a typed view of the dataset's batch class
 * (`ds.p.flip({ axis: 1 })`): a misspelled action or option is a compile error. Running is the
 * runner's job (`run.ts`, `execute.ts` and one handler per step kind in `handlers/`).
 * @module
 */
import type { ActionsOf } from '../batch/action-types.js';
import type { Batch } from '../batch/batch.js';
import type { BatchClass } from '../batch/batch-class.js';
import { LockRegistry, ownedLocks } from '../concurrency/lock-registry.js';
import { getAction } from '../decorators/registry.js';
import { Dataset } from '../dataset/dataset.js';
import type { DatasetIndex, IndexSource } from '../dataset/dataset-index.js';
import { ArgumentError } from '../errors.js';
import type { ItemFunction } from '../engines/item-task.js';
import { isPipeline, withActionMethods } from './action-proxy.js';
import type { EvaluableArguments, PipelineApplyParallelOptions } from './action-types.js';
import { PipelineError } from './errors.js';
import { Config, isNamedExpression, type NamedExpression } from './expressions.js';
import { checkJoinFollower, joinRecord, mergeRecord } from './join-records.js';
import type { JoinedActions, JoinedBatches, JoinSource, MergeOptions } from './join-types.js';
import { withModifier } from './modifiers.js';
import { recordOnce, type OncePipeline } from './once-pipeline.js';
import { PipelineRuns, type RunTime } from './pipeline-runs.js';
import { formatProfileTable, type ProfileInfo } from './profile/profile-info.js';
import { profileHtml } from './profile/profile-chart.js';
import { writeFileAtomic } from '../io/files.js';
import { checkBatchCount } from './handlers/skip-take.js';
import { describeRecord, type FilterPredicate, type MergeFunction, type PipelineRecord } from './records.js';
import type { RunOptionsInput } from './run-options.js';
import type { ResumeOptions } from './checkpoint/options.js';
import { concatStates, initialState, isPipelineState, type PipelineOptions, type PipelineState } from './state.js';
import { VariableStore } from './variables.js';

export type { OncePipeline } from './once-pipeline.js';
export type { PipelineOptions } from './state.js';
export type { RunTime } from './pipeline-runs.js';

/** A pipeline over batches of class `B`, with `B`'s actions as recording methods. */
export type Pipeline<B extends Batch = Batch> = PipelineCore<B> & PipelineActions<B>;

/** The recording methods a pipeline gets from its batch class. */
export type PipelineActions<B extends Batch> = {
  [K in keyof ActionsOf<B> as K extends keyof PipelineCore<B> ? never : K]: ActionsOf<B>[K] extends (...args: infer A extends readonly unknown[]) => unknown
    ? (...args: EvaluableArguments<A>) => PipelineCore<B> & PipelineActions<B>
    : never;
};

/** The pipeline right after `join(...)`: the actions of `B` that take the joined batches `J` first, without those parameters. */
export type JoinedPipeline<B extends Batch, J extends readonly Batch[]> = JoinedActions<B, J, Pipeline<B>, keyof PipelineCore<B>>;

/** The class behind {@link Pipeline}; use `dataset.p`, `dataset.pipeline(config)` or `new Pipeline(...)`. */
export class PipelineCore<B extends Batch = Batch> {
  /** @internal */
  readonly state: PipelineState;
  private readonly variables: VariableStore;
  /** @internal The named locks of this pipeline: its lock steps and its batches' `useLock` actions share them. */
  readonly [ownedLocks] = new LockRegistry();
  private readonly runs: PipelineRuns<B>;

  constructor(options: PipelineOptions | PipelineState = {}) {
    this.state = isPipelineState(options) ? options : initialState(options);
    this.variables = new VariableStore(this.state.variables, this.state.strict, (random) => ({ batch: null, pipeline: this.runs.view(random) }));
    const proxy = withActionMethods(this, (name, args) => this.recordAction(name, args));
    this.runs = new PipelineRuns<B>(proxy, this.state, this.variables, this[ownedLocks]);
    return proxy;
  }

  // ---- building --------------------------------------------------------------------------------

  /** @internal A pipeline of the same batch class with `changes` applied to the state. */
  derive(changes: Partial<PipelineState>): Pipeline<B> {
    // every pipeline owns its config: a run that sets C(...) must not change the pipelines it came from
    return new PipelineCore<B>({ ...this.state, config: new Config(this.state.config), ...changes }) as Pipeline<B>;
  }

  private append(record: PipelineRecord): Pipeline<B> {
    checkJoinFollower(this.state.records, record);
    return this.derive({ records: [...this.state.records, record] });
  }

  /** @internal Records a batch action (called for any unknown member name). */
  recordAction(name: string, args: unknown[]): Pipeline<B> {
    const dataset = this.state.dataset;
    if (dataset instanceof Dataset && !getAction(dataset.batchClass as unknown as new () => unknown, name)) {
      const cls = dataset.batchClass as unknown as { name: string };
      throw new PipelineError(
        `'${name}' is not an action of ${cls.name} (the batch class of this pipeline's dataset); decorate it with @action, @applyParallel or @inbatchParallel`,
      );
    }
    return this.append({ kind: 'action', name, args });
  }

  /** The dataset this pipeline runs on (the evaluated one during and after a run). */
  get dataset(): Dataset | null {
    return this.runs.dataset;
  }

  /** The pipeline config. */
  get config(): Config {
    return this.state.config;
  }

  /** A copy running on `dataset` (a Dataset, or a named expression evaluated when a run starts: `ds.CV(C('fold')).train`). */
  withDataset<D extends Batch>(dataset: Dataset<D> | NamedExpression<Dataset<D>>): Pipeline<D>;
  withDataset<D extends Batch = Batch>(dataset: unknown): Pipeline<D>;
  withDataset<D extends Batch>(dataset: unknown): Pipeline<D> {
    return new PipelineCore<D>({ ...this.state, dataset }) as Pipeline<D>;
  }

  /** A copy whose config is this config deep-merged with `config` (`config` wins). */
  withConfig(config: Config | Record<string, unknown>): Pipeline<B> {
    const merged = new Config(this.state.config);
    merged.update(config instanceof Config ? config : new Config(config));
    return this.derive({ config: merged });
  }

  /** A copy that also declares variable `name` with `defaultValue` (an expression is evaluated when a run starts). */
  initVariable(name: string, defaultValue: unknown = null): Pipeline<B> {
    if (typeof name !== 'string' || name === '') throw new ArgumentError('name', 'a variable needs a non-empty name');
    if (this.state.variables.has(name)) return this.derive({});
    const variables = new Map(this.state.variables);
    variables.set(name, { name, defaultValue });
    return this.derive({ variables });
  }

  /** Declares several variables: names (default null) or a record `{name: default}`. */
  initVariables(...declarations: Array<string | Record<string, unknown>>): Pipeline<B> {
    let pipeline = this.derive({});
    for (const declaration of declarations) {
      if (typeof declaration === 'string') pipeline = pipeline.initVariable(declaration);
      else for (const [name, value] of Object.entries(declaration)) pipeline = pipeline.initVariable(name, value);
    }
    return pipeline;
  }

  /** Declares a lock variable (`acquireLock` / `releaseLock` create it on demand too). */
  initLock(name = 'lock'): Pipeline<B> {
    return this.initVariable(name, null);
  }

  /** Stores `value` (evaluated per batch) in `target` (a named expression with its mode: `V('loss', 'a')`). */
  update(target: unknown, value: unknown): Pipeline<B> {
    if (!isNamedExpression(target))
      throw new ArgumentError('target', 'update needs a named expression to store the value in (for example V("loss") or B("images"))');
    return this.append({ kind: 'update', target, value });
  }

  /** Same as `update(target, value)` (BatchFlow's `save_to`). */
  saveTo(target: unknown, value: unknown): Pipeline<B> {
    return this.update(target, value);
  }

  /** Calls `fn(...args)` for each batch (arguments evaluated per batch; `B()` is the batch). */
  call(fn: unknown, ...args: unknown[]): Pipeline<B> {
    return this.append({ kind: 'call', fn, args, saveTo: undefined });
  }

  /** Calls `fn(...args)` for each batch and stores the result in `saveTo` (see `saveDataTo`). */
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): Pipeline<B> {
    return this.append({ kind: 'call', fn, args, saveTo });
  }

  /** Prints the evaluated arguments (space-separated) for each batch. */
  print(...args: unknown[]): Pipeline<B> {
    return this.append({ kind: 'print', args });
  }

  /** Waits for lock `name` (an async mutex of this pipeline) before the next steps. */
  acquireLock(name = 'lock'): Pipeline<B> {
    return this.append({ kind: 'acquireLock', lock: name });
  }

  /** Releases lock `name` taken by `acquireLock` for this batch. */
  releaseLock(name = 'lock'): Pipeline<B> {
    return this.append({ kind: 'releaseLock', lock: name });
  }

  /** Ends this batch's processing: it is not yielded, and later steps do not run for it. */
  discardBatch(): Pipeline<B> {
    return this.append({ kind: 'discardBatch' });
  }

  /**
   * Keeps the items of each batch for which `predicate(item, position, batch)` returns true: the batch
   * goes on as a new batch of the same class with those items (same dataset, pipeline and generator).
   * A batch with no item left is dropped, as with `discardBatch`.
   */
  filter(predicate: FilterPredicate<B>): Pipeline<B> {
    if (typeof predicate !== 'function')
      throw new ArgumentError('predicate', `filter needs a function (item, position, batch) => boolean, got ${typeof predicate}`);
    return this.append({ kind: 'filter', predicate: predicate as FilterPredicate });
  }

  /**
   * Drops the first `count` batches of every run (of this stage, when the pipeline has rebatch steps):
   * batch k keeps its number, seed and values, so the batches after them are those of a run without skip.
   */
  skip(count: number): Pipeline<B> {
    return this.append({ kind: 'skip', count: checkBatchCount('count', count) });
  }

  /**
   * Ends every run after its first `count` batches (of this stage, when the pipeline has rebatch steps),
   * as `StopPipeline` would; recorded first in its stage, the batches after them are not even made.
   */
  take(count: number): Pipeline<B> {
    return this.append({ kind: 'take', count: checkBatchCount('count', count) });
  }

  /**
   * Re-cuts the stream of batches into batches of `batchSize` items (with `Batch.merge`, or `merge`);
   * the steps recorded after it run on the new batches.
   */
  rebatch(
    batchSize: number | unknown,
    options: { merge?: MergeFunction; components?: string | readonly string[] | null; batchClass?: BatchClass | null } = {},
  ): Pipeline<B> {
    return this.append({ kind: 'rebatch', batchSize, merge: options.merge, components: options.components, batchClass: options.batchClass });
  }

  /**
   * For each batch, every source (a Dataset; a Pipeline, which needs no earlier run and runs its steps;
   * or a named expression giving one) makes a batch with the same ids, and these batches go in front of
   * the arguments of the action recorded next, whose first parameters they fill:
   * `.join(labelsDataset).addLabels(2)` for `@action addLabels(labels: LabelsBatch, scale = 1)`.
   * @throws MissingIdError (when a batch runs) naming the source and the ids it does not have.
   */
  join<const S extends readonly JoinSource[]>(...sources: S): JoinedPipeline<B, JoinedBatches<S>> {
    return this.append(joinRecord(sources)) as unknown as JoinedPipeline<B, JoinedBatches<S>>;
  }

  /**
   * For each batch, every pipeline gives its next batch (`nextBatch()`, with its lazy run) and the batch
   * merged with them (`Batch.merge`, or `options.merge`) replaces it; a pipeline that runs out is a PipelineError.
   */
  merge(...pipelines: ReadonlyArray<PipelineCore<Batch>>): Pipeline<B>;
  merge(...args: [...pipelines: ReadonlyArray<PipelineCore<Batch>>, options: MergeOptions]): Pipeline<B>;
  merge(...args: ReadonlyArray<PipelineCore<Batch> | MergeOptions>): Pipeline<B> {
    return this.append(mergeRecord(args));
  }

  /** Applies `func` to each item (see `Batch.applyParallel`); options may hold named expressions. */
  applyParallel<I, O = {}, R = unknown>(
    func: ItemFunction<I, O, R>,
    ...[options]: {} extends NonNullable<O> ? [options?: PipelineApplyParallelOptions<O>] : [options: PipelineApplyParallelOptions<O>]
  ): Pipeline<B> {
    return this.append({ kind: 'action', name: 'applyParallel', args: options === undefined ? [func] : [func, options] });
  }

  /**
   * A copy that runs the steps of `build(once)` once before the first batch of every run (steps that need
   * no batch: update, call, print, locks, repeat / sometimes); variables `once` declares are declared on the copy.
   */
  before(build: (once: OncePipeline) => OncePipeline): Pipeline<B> {
    const { records, variables } = recordOnce(build);
    return this.derive({ before: [...this.state.before, ...records] }).initVariables(Object.fromEntries(variables));
  }

  /** A copy that runs the steps of `build(once)` once after the last batch of a run that was used up (see `before`). */
  after(build: (once: OncePipeline) => OncePipeline): Pipeline<B> {
    const { records, variables } = recordOnce(build);
    return this.derive({ after: [...this.state.after, ...records] }).initVariables(Object.fromEntries(variables));
  }

  /**
   * This pipeline's steps followed by `other`'s: configs deep-merged (`other` wins), variables joined
   * (this pipeline's declaration wins), dataset and lazy run from this pipeline if it has them.
   */
  concat<C extends Batch = B>(other: PipelineCore<C>): Pipeline<B> {
    if (!isPipeline(other)) throw new ArgumentError('other', 'concat needs a pipeline');
    return this.derive(concatStates(this.state, other.state));
  }

  private wrap(modifier: 'repeat' | 'probability', value: unknown): Pipeline<B> {
    return this.derive({ records: withModifier(this.state.records, modifier, value) });
  }

  /** A copy whose steps run `times` times per batch (`times` may be an expression). */
  repeat(times: number | unknown): Pipeline<B> {
    return this.wrap('repeat', times);
  }

  /** A copy whose steps run for a batch with probability `probability` (drawn from the batch's generator). */
  sometimes(probability: number | unknown): Pipeline<B> {
    return this.wrap('probability', probability);
  }

  // ---- variables -----------------------------------------------------------------------------

  /** True when variable `name` is declared or was set. */
  hasVariable(name: string): boolean {
    return this.variables.has(name);
  }

  /**
   * The value of variable `name` (a declared variable not yet initialised is initialised first).
   * `T` is the type you know the variable holds (not checked at run time): `getVariable<number>('seen')`.
   */
  getVariable<T = unknown>(name: string): NoInfer<T> {
    return this.variables.get(name) as T;
  }

  /** Short for `getVariable`: `pipeline.v<number>('seen')` (`T`, default unknown, is not checked at run time). */
  v<T = unknown>(name: string): NoInfer<T> {
    return this.getVariable<T>(name);
  }

  /** Sets variable `name` (raw assignment). */
  setVariable(name: string, value: unknown): void {
    this.variables.set(name, value);
  }

  /** Forgets the value of variable `name` (a declared variable goes back to its default on the next run). */
  deleteVariable(name: string): void {
    this.variables.delete(name);
  }

  /** Resets parts of the pipeline: 'iter' (the nextBatch position), 'vars' (variables back to their defaults), 'all'. */
  reset(...what: Array<'iter' | 'vars' | 'variables' | 'all'>): this {
    for (const part of what) {
      if (part === 'iter' || part === 'all') this.runs.stopIteration();
      if (part === 'vars' || part === 'variables' || part === 'all') {
        this.variables.clear();
        this.variables.initialise(true);
      }
    }
    return this;
  }

  // ---- running -------------------------------------------------------------------------------

  /**
   * Runs the pipeline over the dataset and resolves to this pipeline once every batch went through
   * (`await pipeline.run({ batchSize: 64, nEpochs: 2, shuffle: 42 })`). With `lazy: true` it returns a
   * new pipeline that remembers the options for a later `run()` / `genBatch()` without arguments.
   */
  run(options: RunOptionsInput & { lazy: true }): Pipeline<B>;
  run(options?: RunOptionsInput & { lazy?: false }): Promise<this>;
  run(options?: RunOptionsInput & { lazy?: boolean }): Promise<this> | Pipeline<B> {
    if (options?.lazy) {
      const { lazy: _lazy, ...rest } = options;
      return this.derive({ lazyRun: rest });
    }
    return (async () => {
      for await (const _batch of this.genBatch(options)) {
        // every batch ran its steps; nothing else to do with it
      }
      return this;
    })();
  }

  /**
   * Resumes the run of `checkpoint` (a file of `run({ checkpoint })`, or `{ path, ifMissing }`) with the run's
   * `options`: `run({ ...options, resume: checkpoint })`.
   * @throws CheckpointError for a missing (unless `ifMissing: 'start'`), corrupt or mismatching checkpoint.
   */
  resume(checkpoint: ResumeOptions, options: Omit<RunOptionsInput, 'resume'> = {}): Promise<this> {
    return this.run({ ...options, resume: checkpoint, lazy: false });
  }

  /** `{ startedAt, elapsedMs }` of the last run once used up (also genBatch / nextBatch); null before, during, or if left early. */
  get runTime(): RunTime | null {
    return this.runs.runTime;
  }

  /** The batches of a run, one by one, after every step ran on them (an async generator). */
  genBatch(options?: RunOptionsInput): AsyncGenerator<B, void, undefined> {
    return this.runs.genBatch(options);
  }

  /**
   * The next batch of an ongoing run (started on the first call with `options`, or the lazy run's;
   * endless by default), or null when the run is over. `reset('iter')` starts over.
   */
  nextBatch(options?: RunOptionsInput): Promise<B | null> {
    return this.runs.nextBatch(options);
  }

  /**
   * A batch with ids `ids` of the dataset, after every step (stage 0) ran on it. `seed`: the root seed of
   * the steps' randomness (the same seed gives the same batch; default: OS entropy).
   * @throws MissingIdError listing the ids the dataset does not have.
   */
  createBatch(ids: IndexSource | DatasetIndex, options: { seed?: number } = {}): Promise<B | null> {
    return this.runs.createBatch(ids, options.seed);
  }

  // ---- profiling -----------------------------------------------------------------------------

  /**
   * The profile of the last run made with `profile: true`: per step, calls, total / mean / longest
   * time, items/s and where it ran; the transport time of batches on workers; every timed event.
   * @throws PipelineError when no run of this pipeline was profiled.
   */
  profileInfo(): ProfileInfo {
    return this.runs.profileInfo();
  }

  /** Prints the profile of the last profiled run as a table (slowest step first) and returns the text. */
  showProfileInfo(): string {
    const table = formatProfileTable(this.runs.profileInfo());
    console.log(table);
    return table;
  }

  /**
   * Writes the profile of the last profiled run as a self-contained HTML page (a Gantt chart of steps
   * per batch on the calling thread and on each worker, and the table), atomically; resolves to the path.
   */
  async writeProfileChart(file: string, title?: string): Promise<string> {
    const html = profileHtml(this.runs.profileInfo(), title);
    await writeFileAtomic('html', file, html);
    return file;
  }

  // ---- reading the dataset -------------------------------------------------------------------

  /** Number of items of the dataset. */
  get length(): number {
    const dataset = this.dataset;
    if (!dataset) throw new PipelineError('the pipeline has no dataset yet');
    return dataset.length;
  }

  /** The dataset's index. */
  get index(): DatasetIndex {
    const dataset = this.dataset;
    if (!dataset) throw new PipelineError('the pipeline has no dataset yet');
    return dataset.index;
  }

  /** One line per step. */
  toString(): string {
    return this.state.records.map((record, i) => `#${i} ${describeRecord(record)}`).join('\n');
  }
}

/** The constructor of {@link Pipeline}: `new Pipeline<ImagesBatch>({ dataset, config })`. */
export const Pipeline = PipelineCore as unknown as new <B extends Batch = Batch>(options?: PipelineOptions) => Pipeline<B>;
