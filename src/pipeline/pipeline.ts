/**
 * `Pipeline`: a lazily recorded chain of actions over a dataset, run in batches. Pipelines are
 * immutable builders: every recording method returns a **new** pipeline and leaves the original
 * untouched (so a template can be reused). Variable *values* belong to one pipeline object and
 * persist across its runs; a derived pipeline starts from the declared defaults.
 *
 * Batch actions are recorded by name through a typed view of the dataset's batch class
 * (`ds.p.flip({ axis: 1 })`): a misspelled action or option is a compile error.
 * @module
 */
import type { Batch, BatchClass } from '../batch/batch.js';
import type { Mutex } from '../concurrency/mutex.js';
import { LockRegistry, ownedLocks } from '../concurrency/lock-registry.js';
import { getAction, getRegisteredClasses } from '../decorators/registry.js';
import { isActionHost } from '../decorators/host.js';
import { callEvaluated, type ActionWrapper } from '../decorators/direct-arguments.js';
import { Dataset } from '../dataset/dataset.js';
import type { DatasetIndex, IndexSource } from '../dataset/dataset-index.js';
import { ArgumentError } from '../errors.js';
import type { ItemFunction } from '../engines/item-task.js';
import { Rng } from '../random/rng.js';
import type { PipelineActions, PipelineApplyParallelOptions } from './action-types.js';
import { PipelineError } from './errors.js';
import { Config, evalExpr, isNamedExpression, type EvalContext, type IterationInfo, type PipelineLike } from './expressions.js';
import { orderedStage } from './ordered-stage.js';
import { createProgress } from './progress.js';
import { describeRecord, splitStages, type MergeFunction, type PipelineRecord } from './records.js';
import { resolveRunOptions, runTotal, type ResolvedRunOptions, type RunOptions, type RunOptionsInput } from './run-options.js';
import { saveDataTo } from './save-data.js';
import { batchSeed, runSeeds, type RunSeeds } from './seeds.js';
import { copyInitialValue, type VariableDeclaration } from './variables.js';

/** The immutable part of a pipeline. */
interface PipelineState {
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

/** A pipeline over batches of class `B`, with `B`'s actions as recording methods. */
export type Pipeline<B extends Batch = Batch> = PipelineCore<B> & PipelineActions<B>;

/** The steps a once-pipeline (`before` / `after`) can record. */
export interface OncePipeline {
  update(target: unknown, value: unknown): OncePipeline;
  call(fn: unknown, ...args: unknown[]): OncePipeline;
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline;
  print(...args: unknown[]): OncePipeline;
}

class OnceRecorder implements OncePipeline {
  constructor(readonly records: readonly PipelineRecord[]) {}
  update(target: unknown, value: unknown): OncePipeline {
    if (!isNamedExpression(target)) throw new ArgumentError('target', 'update needs a named expression to store the value in (for example V("total"))');
    return new OnceRecorder([...this.records, { kind: 'update', target, value }]);
  }
  call(fn: unknown, ...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'call', fn, args, saveTo: undefined }]);
  }
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'call', fn, args, saveTo }]);
  }
  print(...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'print', args }]);
  }
}

/** What one run needs while it goes. */
interface RunState {
  readonly dataset: Dataset;
  readonly options: ResolvedRunOptions;
  readonly seeds: RunSeeds;
  readonly total: number | null;
}

const pipelineMembers = new WeakSet<object>();

/**
 * True when some registered Batch class has an action called `name`. Only such names become recording
 * methods, so probes by other libraries (`then`, `toJSON`, `asymmetricMatch`, …) see `undefined`.
 */
function isKnownActionName(name: string): boolean {
  return getRegisteredClasses().some((cls) => getAction(cls, name) !== undefined);
}

/** Why a run that asked for batches yielded none: the index gave none, or every batch was discarded. */
function emptyRunMessage(produced: number, datasetSize: number, options: ResolvedRunOptions): string {
  if (produced === 0) return `the run yielded no batches: the dataset (${datasetSize} items) gave no batch of ${options.batchSize} items`;
  return `the run yielded no batches: all ${produced} batch${produced === 1 ? ' was' : 'es were'} discarded (discardBatch, SkipBatch, StopPipeline, errors dropped by ignoreExceptions, or a rebatch that made none)`;
}

/** Per-batch bookkeeping: the locks this batch holds. */
interface BatchScope {
  readonly held: Map<string, Array<() => void>>;
}

/** The per-batch view of a pipeline that expressions see (`PipelineLike`). */
class PipelineView implements PipelineLike {
  constructor(private readonly owner: PipelineCore<Batch>, readonly dataset: Dataset | null, readonly random: Rng, readonly iteration: IterationInfo) {}
  get config(): Config {
    return this.owner.config;
  }
  hasVariable(name: string): boolean {
    return this.owner.hasVariable(name);
  }
  getVariable(name: string): unknown {
    return this.owner.getVariable(name);
  }
  setVariable(name: string, value: unknown): void {
    this.owner.setVariable(name, value);
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype;
}

function toConfig(config: Config | Record<string, unknown> | null | undefined): Config {
  if (config instanceof Config) return new Config(config);
  return new Config(config ?? {});
}

/** The class behind {@link Pipeline}; use `dataset.p`, `dataset.pipeline(config)` or `new Pipeline(...)`. */
export class PipelineCore<B extends Batch = Batch> {
  /** @internal */
  readonly state: PipelineState;
  private readonly values = new Map<string, unknown>();
  /** @internal The named locks of this pipeline: its lock steps and its batches' `useLock` actions share them. */
  readonly [ownedLocks] = new LockRegistry();
  private runDataset: Dataset | null = null;
  private iterator: AsyncGenerator<B, void, undefined> | null = null;

  constructor(options: PipelineOptions | PipelineState = {}) {
    if ('records' in options && Array.isArray((options as PipelineState).records)) {
      this.state = options as PipelineState;
    } else {
      const given = options as PipelineOptions;
      this.state = {
        dataset: given.dataset ?? null,
        config: toConfig(given.config as Config | Record<string, unknown> | null | undefined),
        records: [],
        variables: new Map(),
        before: [],
        after: [],
        lazyRun: null,
        strict: given.strict ?? false,
      };
    }
    const proxy = new Proxy(this, {
      get(target, name, receiver) {
        if (typeof name !== 'string' || name in target || !isKnownActionName(name)) return Reflect.get(target, name, receiver) as unknown;
        return (...args: unknown[]) => target.recordAction(name, args);
      },
    });
    pipelineMembers.add(proxy);
    return proxy;
  }

  // ---- building --------------------------------------------------------------------------------

  /** @internal A pipeline of the same batch class with `changes` applied to the state. */
  derive(changes: Partial<PipelineState>): Pipeline<B> {
    // every pipeline owns its config: a run that sets C(...) must not change the pipelines it came from
    return new PipelineCore<B>({ ...this.state, config: new Config(this.state.config), ...changes }) as Pipeline<B>;
  }

  private append(record: PipelineRecord): Pipeline<B> {
    return this.derive({ records: [...this.state.records, record] });
  }

  /** @internal Records a batch action (called for any unknown member name). */
  recordAction(name: string, args: unknown[]): Pipeline<B> {
    const dataset = this.state.dataset;
    if (dataset instanceof Dataset && !getAction(dataset.batchClass as unknown as new () => unknown, name)) {
      const cls = dataset.batchClass as unknown as { name: string };
      throw new PipelineError(`'${name}' is not an action of ${cls.name} (the batch class of this pipeline's dataset); decorate it with @action, @applyParallel or @inbatchParallel`);
    }
    return this.append({ kind: 'action', name, args });
  }

  /** The dataset this pipeline runs on (the evaluated one during and after a run). */
  get dataset(): Dataset | null {
    if (this.runDataset) return this.runDataset;
    return this.state.dataset instanceof Dataset ? this.state.dataset : null;
  }

  /** The pipeline config. */
  get config(): Config {
    return this.state.config;
  }

  /** A copy running on `dataset` (a Dataset, or a named expression evaluated when a run starts). */
  withDataset<D extends Batch>(dataset: Dataset<D> | unknown): Pipeline<D> {
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
    if (!isNamedExpression(target)) throw new ArgumentError('target', 'update needs a named expression to store the value in (for example V("loss") or B("images"))');
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
   * Re-cuts the stream of batches into batches of `batchSize` items (with `Batch.merge`, or `merge`);
   * the steps recorded after it run on the new batches.
   */
  rebatch(batchSize: number | unknown, options: { merge?: MergeFunction; components?: string | readonly string[] | null; batchClass?: BatchClass | null } = {}): Pipeline<B> {
    return this.append({ kind: 'rebatch', batchSize, merge: options.merge, components: options.components, batchClass: options.batchClass });
  }

  /** Applies `func` to each item (see `Batch.applyParallel`); options may hold named expressions. */
  applyParallel<I, O = {}, R = unknown>(func: ItemFunction<I, O, R>, ...[options]: {} extends NonNullable<O> ? [options?: PipelineApplyParallelOptions<O>] : [options: PipelineApplyParallelOptions<O>]): Pipeline<B> {
    return this.append({ kind: 'action', name: 'applyParallel', args: options === undefined ? [func] : [func, options] });
  }

  /** A copy that runs the steps of `build(once)` once before the first batch of every run. */
  before(build: (once: OncePipeline) => OncePipeline): Pipeline<B> {
    return this.derive({ before: [...this.state.before, ...(build(new OnceRecorder([])) as OnceRecorder).records] });
  }

  /** A copy that runs the steps of `build(once)` once after the last batch of a run that was used up. */
  after(build: (once: OncePipeline) => OncePipeline): Pipeline<B> {
    return this.derive({ after: [...this.state.after, ...(build(new OnceRecorder([])) as OnceRecorder).records] });
  }

  /**
   * This pipeline's steps followed by `other`'s: configs deep-merged (`other` wins), variables joined
   * (this pipeline's declaration wins), dataset and lazy run from this pipeline if it has them.
   */
  concat<C extends Batch = B>(other: PipelineCore<C>): Pipeline<B> {
    if (!pipelineMembers.has(other as object)) throw new ArgumentError('other', 'concat needs a pipeline');
    const config = new Config(other.state.config);
    const merged = new Config(this.state.config);
    merged.update(config);
    const variables = new Map(other.state.variables);
    for (const [name, declaration] of this.state.variables) variables.set(name, declaration);
    return this.derive({
      records: [...this.state.records, ...other.state.records],
      config: merged,
      variables,
      dataset: this.state.dataset ?? other.state.dataset,
      lazyRun: this.state.lazyRun ?? other.state.lazyRun,
      before: [...this.state.before, ...other.state.before],
      after: [...this.state.after, ...other.state.after],
    });
  }

  private wrap(modifier: 'repeat' | 'probability', value: unknown): Pipeline<B> {
    const records = this.state.records;
    if (records.length === 0) throw new ArgumentError(modifier, 'the pipeline has no steps to apply it to');
    if (records.some((record) => record.kind === 'rebatch')) throw new ArgumentError(modifier, 'cannot repeat or sample a pipeline that contains rebatch');
    const single = records.length === 1 ? records[0]! : null;
    if (single && single.kind !== 'rebatch') {
      const previous = single[modifier];
      let combined: unknown = value;
      if (previous !== undefined) {
        if (typeof previous === 'number' && typeof value === 'number') combined = previous * value;
        else return this.derive({ records: [{ kind: 'nested', records, [modifier]: value }] });
      }
      if (modifier === 'probability' && single.repeat !== undefined) return this.derive({ records: [{ kind: 'nested', records, probability: value }] });
      return this.derive({ records: [{ ...single, [modifier]: combined } as PipelineRecord] });
    }
    return this.derive({ records: [{ kind: 'nested', records, [modifier]: value }] });
  }

  /** A copy whose steps run `times` times per batch (`times` may be an expression). */
  repeat(times: number | unknown): Pipeline<B> {
    if (typeof times === 'number' && (!Number.isInteger(times) || times < 0)) throw new ArgumentError('times', `expected a non-negative integer, got ${times}`);
    return this.wrap('repeat', times);
  }

  /** A copy whose steps run for a batch with probability `probability` (drawn from the batch's generator). */
  sometimes(probability: number | unknown): Pipeline<B> {
    if (typeof probability === 'number' && !(probability >= 0 && probability <= 1)) throw new ArgumentError('probability', `expected a number in [0, 1], got ${probability}`);
    return this.wrap('probability', probability);
  }

  // ---- variables -----------------------------------------------------------------------------

  /** True when variable `name` is declared or was set. */
  hasVariable(name: string): boolean {
    return this.values.has(name) || this.state.variables.has(name);
  }

  /**
   * The value of variable `name` (a declared variable not yet initialised is initialised first).
   * `T` is the type you know the variable holds (not checked at run time): `getVariable<number>('seen')`.
   */
  getVariable<T = unknown>(name: string): NoInfer<T> {
    if (this.values.has(name)) return this.values.get(name) as T;
    const declaration = this.state.variables.get(name);
    if (declaration) {
      this.initialiseVariable(declaration);
      return this.values.get(name) as T;
    }
    if (this.state.strict) throw new PipelineError(`variable '${name}' is not declared (strict pipeline); declare it with initVariable('${name}', …)`);
    process.emitWarning(`Pipeline variable '${name}' was read before it was declared; it is created as null`, 'BatchflowWarning');
    this.values.set(name, null);
    return null as T;
  }

  /** Short for `getVariable`: `pipeline.v<number>('seen')` (`T`, default unknown, is not checked at run time). */
  v<T = unknown>(name: string): NoInfer<T> {
    return this.getVariable<T>(name);
  }

  /** Sets variable `name` (raw assignment). */
  setVariable(name: string, value: unknown): void {
    if (this.state.strict && !this.state.variables.has(name) && !this.values.has(name)) {
      throw new PipelineError(`variable '${name}' is not declared (strict pipeline)`);
    }
    this.values.set(name, value);
  }

  /** Forgets the value of variable `name` (a declared variable goes back to its default on the next run). */
  deleteVariable(name: string): void {
    if (!this.values.delete(name) && !this.state.variables.has(name)) process.emitWarning(`Pipeline variable '${name}' does not exist`, 'BatchflowWarning');
  }

  private initialiseVariable(declaration: VariableDeclaration, random?: Rng): void {
    const context: EvalContext = { batch: null, pipeline: this.viewWithoutBatch(random) };
    this.values.set(declaration.name, copyInitialValue(evalExpr(declaration.defaultValue, context)));
  }

  /** Gives declared variables without a value their defaults (random defaults draw from `random`, e.g. the run's pipeline seed). */
  private initialiseVariables(force: boolean, random?: Rng): void {
    for (const declaration of this.state.variables.values()) {
      if (force || !this.values.has(declaration.name)) this.initialiseVariable(declaration, random);
    }
  }

  private viewWithoutBatch(random = new Rng(0), iteration: IterationInfo = { current: 0, total: null }): PipelineView {
    return new PipelineView(this as unknown as PipelineCore<Batch>, this.dataset, random, iteration);
  }

  /** Resets parts of the pipeline: 'iter' (the nextBatch position), 'vars' (variables back to their defaults), 'all'. */
  reset(...what: Array<'iter' | 'vars' | 'variables' | 'all'>): this {
    for (const part of what) {
      if (part === 'iter' || part === 'all') {
        void this.iterator?.return();
        this.iterator = null;
      }
      if (part === 'vars' || part === 'variables' || part === 'all') {
        this.values.clear();
        this.initialiseVariables(true);
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

  private mergedRunOptions(options: RunOptionsInput | undefined): RunOptionsInput {
    const lazy = this.state.lazyRun;
    if (options === undefined && !lazy) {
      throw new PipelineError('a run without arguments needs a lazy run: pass the options (run({ batchSize: 32 })), or record them first with run({ batchSize: 32, ..., lazy: true })');
    }
    return { ...(lazy ?? {}), ...(options ?? {}) };
  }

  /** The batches of a run, one by one, after every step ran on them (an async generator). */
  genBatch(options?: RunOptionsInput): AsyncGenerator<B, void, undefined> {
    const merged = this.mergedRunOptions(options);
    if (merged.reset === undefined || merged.reset === 'iter' || merged.reset === 'all') {
      // a new run starts over: an ongoing nextBatch sequence is dropped
      void this.iterator?.return();
      this.iterator = null;
    }
    return this.generate(merged, 1);
  }

  /**
   * The next batch of an ongoing run (started on the first call with `options`, or the lazy run's;
   * endless by default), or null when the run is over. `reset('iter')` starts over.
   */
  async nextBatch(options?: RunOptionsInput): Promise<B | null> {
    if (!this.iterator) this.iterator = this.generate(this.mergedRunOptions(options), null);
    const next = await this.iterator.next();
    return next.done ? null : next.value;
  }

  /** A batch with ids `ids` of the dataset, after every step (stage 0) ran on it. */
  async createBatch(ids: IndexSource | DatasetIndex): Promise<B | null> {
    const dataset = this.evaluateDataset();
    this.initialiseVariables(false);
    const batch = dataset.createBatch(ids as IndexSource) as unknown as B;
    const seeds = runSeeds(false);
    return this.executeBatch(batch, splitStages(this.state.records).stages[0]!, { dataset, seeds, options: resolveRunOptions({ batchSize: 1 }, 1), total: null }, 0, 0);
  }

  private evaluateDataset(): Dataset {
    const dataset = evalExpr(this.state.dataset, { batch: null, pipeline: this.viewWithoutBatch() });
    if (!(dataset instanceof Dataset)) throw new PipelineError('the pipeline has no dataset: use dataset.p, dataset.pipeline(), or pipeline.withDataset(dataset)');
    this.runDataset = dataset;
    return dataset;
  }

  private async runOnce(records: readonly PipelineRecord[], run: RunState): Promise<void> {
    if (records.length === 0) return;
    const random = new Rng(run.seeds.pipeline);
    const context: EvalContext = { batch: null, pipeline: new PipelineView(this as unknown as PipelineCore<Batch>, run.dataset, random, { current: 0, total: run.total }) };
    const scope: BatchScope = { held: new Map() };
    for (const record of records) await this.executeRecord(record, null, context, scope);
  }

  private async *generate(given: RunOptionsInput, defaultEpochs: number | null): AsyncGenerator<B, void, undefined> {
    const dataset = this.evaluateDataset();
    const evaluated = evalExpr(given, { batch: null, pipeline: this.viewWithoutBatch() }) as RunOptions;
    const options = resolveRunOptions(evaluated, defaultEpochs);
    if (options.reset === 'vars' || options.reset === 'variables' || options.reset === 'all') {
      this.values.clear();
    }
    const seeds = runSeeds(options.shuffle, options.seed);
    this.initialiseVariables(false, new Rng(seeds.pipeline));
    const total = runTotal(dataset.length, options);
    // nEpochs: 0 or nIters: 0 asks for no batches: nothing runs (not even before/after), and nothing is reported
    if (options.nEpochs === 0 || options.nIters === 0) return;
    const run: RunState = { dataset, options, seeds, total };
    const progress = await createProgress(options.bar, { total, datasetSize: dataset.length, batchSize: options.batchSize, nEpochs: options.nEpochs, dropLast: options.dropLast });
    await this.runOnce(this.state.before, run);
    const { stages, rebatches } = splitStages(this.state.records);
    const indexBatches = dataset.index.genBatch({ batchSize: options.batchSize, shuffle: seeds.order ?? false, nIters: options.nIters, nEpochs: options.nEpochs, dropLast: options.dropLast });
    let produced = 0;
    const source = (async function* () {
      for (const index of indexBatches) {
        produced++;
        yield dataset.createBatch(index) as unknown as B;
      }
    })();
    let stream: AsyncIterable<B> = source;
    stages.forEach((records, stage) => {
      if (stage > 0) stream = this.rebatchStream(stream, rebatches[stage - 1]!, run);
      const input = stream;
      stream = orderedStage(input, (batch: B, number: number) => this.executeBatch(batch, records, run, stage, number), {
        prefetch: options.prefetch,
        ignoreExceptions: options.ignoreExceptions,
        onIgnoredError: (error, number) => process.emitWarning(`batch ${number} of stage ${stage} dropped: ${error instanceof Error ? error.message : String(error)}`, 'BatchflowWarning'),
      });
    });
    let yielded = 0;
    try {
      for await (const batch of stream) {
        progress.increment(batch.size);
        yielded++;
        yield batch;
      }
    } finally {
      progress.stop();
    }
    if (yielded === 0) process.emitWarning(emptyRunMessage(produced, dataset.length, options), 'BatchflowWarning');
    await this.runOnce(this.state.after, run);
  }

  private async *rebatchStream(input: AsyncIterable<B>, record: Extract<PipelineRecord, { kind: 'rebatch' }>, run: RunState): AsyncGenerator<B> {
    const size = evalExpr(record.batchSize, { batch: null, pipeline: new PipelineView(this as unknown as PipelineCore<Batch>, run.dataset, new Rng(run.seeds.pipeline), { current: 0, total: run.total }) });
    if (typeof size !== 'number' || !Number.isInteger(size) || size < 1) throw new ArgumentError('batchSize', `rebatch needs a positive integer, got ${String(size)}`);
    let pending: Batch[] = [];
    let count = 0;
    const merge = (batches: readonly Batch[]): [Batch | null, Batch | null] => {
      const cls = (record.batchClass ?? batches[0]!.constructor) as unknown as { merge: (b: readonly Batch[], o: object) => [Batch | null, Batch | null] };
      const mergeOptions = { batchSize: size, components: typeof record.components === 'string' ? [record.components] : record.components ?? null, batchClass: record.batchClass ?? null };
      return record.merge ? record.merge(batches, mergeOptions) : cls.merge(batches, mergeOptions);
    };
    for await (const batch of input) {
      pending.push(batch);
      count += batch.size;
      while (count >= size) {
        const [merged, rest] = merge(pending);
        pending = rest ? [rest] : [];
        count = rest ? rest.size : 0;
        if (merged) yield merged as unknown as B;
      }
    }
    if (count > 0) {
      const [merged] = merge(pending);
      if (merged) yield merged as unknown as B;
    }
  }

  /** @internal Runs `records` on one batch; resolves to the resulting batch, or null when discarded. */
  async executeBatch(batch: B, records: readonly PipelineRecord[], run: RunState, stage: number, number: number): Promise<B | null> {
    batch.randomSeed = batchSeed(run.seeds, stage, number);
    const iteration: IterationInfo = { current: number + 1, total: stage === 0 ? run.total : null };
    batch.pipeline = this;
    const context: EvalContext = { batch, pipeline: new PipelineView(this as unknown as PipelineCore<Batch>, run.dataset, batch.random, iteration) };
    const scope: BatchScope = { held: new Map() };
    try {
      return (await this.executeRecords(records, batch, context, scope)) as B | null;
    } finally {
      // locks the batch took and did not release are released when it ends: a failing batch must not deadlock the run
      for (const releases of scope.held.values()) for (const release of releases) release();
    }
  }

  private needsExecution(record: PipelineRecord, context: EvalContext): boolean {
    if (record.kind === 'rebatch' || record.probability === undefined || record.probability === null) return true;
    const probability = evalExpr(record.probability, context);
    if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) throw new ArgumentError('probability', `expected a number in [0, 1], got ${String(probability)}`);
    return context.pipeline!.random.random() < probability;
  }

  private async executeRecords(records: readonly PipelineRecord[], batch: Batch | null, context: EvalContext, scope: BatchScope): Promise<Batch | null> {
    let current = batch;
    for (const record of records) {
      if (record.kind === 'rebatch' || !this.needsExecution(record, context)) continue;
      const repeat = record.repeat === undefined ? 1 : evalExpr(record.repeat, context);
      if (typeof repeat !== 'number' || !Number.isInteger(repeat) || repeat < 0) throw new ArgumentError('repeat', `expected a non-negative integer, got ${String(repeat)}`);
      for (let round = 0; round < repeat; round++) {
        current = await this.executeRecord(record, current, context, scope);
        if (current === null && batch !== null) return null;
      }
    }
    return current;
  }

  private lock(name: string): Mutex {
    return this[ownedLocks].get(name);
  }

  private async executeRecord(record: PipelineRecord, batch: Batch | null, context: EvalContext, scope: BatchScope): Promise<Batch | null> {
    const contextFor = (current: Batch | null): EvalContext => (current === context.batch ? context : { ...context, batch: current });
    switch (record.kind) {
      case 'action': {
        if (batch === null) throw new PipelineError(`action '${record.name}' needs a batch (it cannot run in a before/after pipeline)`);
        const cls = batch.constructor as unknown as new () => unknown;
        const action = getAction(cls, record.name);
        if (!action) throw new PipelineError(`'${record.name}' is not an action of ${batch.constructor.name}`);
        const method = (batch as unknown as Record<string, unknown>)[record.name];
        if (typeof method !== 'function') throw new PipelineError(`${batch.constructor.name}.${record.name} is not a method`);
        // noEval names options of the action's options object(s), so each argument is evaluated on its own
        const args = record.args.map((arg) => evalExpr(arg, contextFor(batch), { noEval: action.noEval }));
        // the arguments are evaluated already: call the action's entry point that does not evaluate them again
        const invoke = (method as ActionWrapper)[callEvaluated] ?? method;
        const result = await (invoke as (...a: unknown[]) => unknown).apply(batch, args);
        if (isActionHost(result)) {
          const next = result as unknown as Batch;
          if (next !== batch) {
            next.pipeline = this;
            context.batch = next;
          }
          return next;
        }
        return batch;
      }
      case 'update': {
        const value = evalExpr(record.value, contextFor(batch));
        saveDataTo(value, record.target, contextFor(batch));
        return batch;
      }
      case 'call': {
        const fn = evalExpr(record.fn, contextFor(batch), { noEval: [] });
        if (typeof fn !== 'function') throw new ArgumentError('fn', `call needs a function, got ${fn === null ? 'null' : typeof fn}`);
        const args = evalExpr(record.args, contextFor(batch)) as unknown[];
        const output = await (fn as (...a: unknown[]) => unknown)(...args);
        if (record.saveTo !== undefined) saveDataTo(output, record.saveTo, contextFor(batch));
        return batch;
      }
      case 'print': {
        const args = evalExpr(record.args, contextFor(batch)) as unknown[];
        console.log(args.map((arg) => (typeof arg === 'string' ? arg : isPlainObject(arg) ? JSON.stringify(arg) : String(arg))).join(' '));
        return batch;
      }
      case 'acquireLock': {
        const release = await this.lock(record.lock).acquire();
        const held = scope.held.get(record.lock) ?? [];
        held.push(release);
        scope.held.set(record.lock, held);
        return batch;
      }
      case 'releaseLock': {
        const release = scope.held.get(record.lock)?.shift();
        if (!release) throw new PipelineError(`releaseLock('${record.lock}'): this batch does not hold the lock`);
        release();
        return batch;
      }
      case 'discardBatch':
        return null;
      case 'nested':
        return this.executeRecords(record.records, batch, contextFor(batch), scope);
      case 'rebatch':
        return batch;
    }
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
