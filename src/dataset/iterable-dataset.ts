/**
 * `IterableDataset` (also `Dataset.fromIterable`): a dataset whose items come from a generator, an
 * iterable or an async iterable instead of an index — items (one record of component values each) or
 * batches of items (a Batch, or a record of component arrays). Batches of `batchSize` are assembled
 * as the items arrive; item ids are consecutive numbers in arrival order over the whole run.
 * @module
 */
import { optionalNonNegativeInteger } from '../util/counts.js';
import type { Batch } from '../batch/batch.js';
import type { DeclaredComponents } from '../batch/source.js';
import { ArgumentError } from '../errors.js';
import type { BatchConstructor } from './batch-constructor.js';
import { Dataset, type DatasetBatchOptions, type DatasetOptions } from './dataset.js';
import { DatasetIndex, type IndexSource } from './dataset-index.js';
import { isSlice, type IndexSlice } from '../util/slice.js';
import { NoIndex, noBatchByIds } from './no-index.js';
import { IterableSourceError, NoIndexError } from './iterable-errors.js';
import { assembleItems, ItemChecker, type ItemRecord } from './iterable-items.js';
import { checkBufferSize, ShuffleBuffer, type ShuffleBufferOptions } from './shuffle-buffer.js';

/** What the source yields: `'items'` (one item per value, the default) or `'batches'` (several items per value). */
export type SourceKind = 'items' | 'batches';

/**
 * One item of a source: a record (or Map) `{ component: value }` (an object type: interfaces are
 * fine). For a batch class whose components are declared `as const`, a record must use those names
 * (one sharing no name with them is a compile error).
 */
export type SourceItem<C = unknown> = [DeclaredComponents<C>] extends [never]
  ? object
  : { readonly [K in DeclaredComponents<C>]?: unknown } | ReadonlyMap<string, unknown>;

/** A value of a source of kind `K`: an item, or (for `'batches'`) a Batch or a record of component arrays of one length. */
export type SourceValue<C, K extends SourceKind> = K extends 'batches' ? Batch | SourceItem<C> : SourceItem<C>;

/**
 * The source of an {@link IterableDataset}: a function returning a fresh (async) iterable — called
 * again for every epoch — or an (async) iterable. An iterable that is its own iterator (a generator
 * object, a stream) is **one-shot**: it gives one epoch, once; arrays, Sets and other iterables that
 * make a new iterator each time are iterated again for every epoch.
 */
export type IterableSource<T> = Iterable<T> | AsyncIterable<T> | (() => Iterable<T> | AsyncIterable<T>);

/** Options of `new IterableDataset(source, options)` and `Dataset.fromIterable`; any other key becomes a dataset attribute. */
export interface IterableDatasetOptions<B extends Batch = Batch, C = BatchConstructor<B>, K extends SourceKind = SourceKind> {
  /** The class of the batches (default `Batch`: the first item's keys become the components). */
  batchClass?: C & BatchConstructor<B>;
  /** What the source yields: `'items'` (default) or `'batches'`. */
  kind?: K;
  /**
   * The shuffle buffer of a pipeline run with `shuffle` (a run with `shuffle: k` draws from a buffer
   * of this many items, seeded by the run's seed tree). Without it, a shuffled run is refused.
   */
  shuffleBuffer?: number;
  [attribute: string]: unknown;
}

/** Options of {@link IterableDataset.batches}. */
export interface IterableBatchOptions {
  /** Items per batch. */
  batchSize: number;
  /** Passes over the source (a function source is called again for each); null = until `nIters`, or endless. Default 1 when neither is given. */
  nEpochs?: number | null;
  /** Stop after this many batches (across epochs); null = no limit. */
  nIters?: number | null;
  /** Drop the short batch at the end of each epoch (default false: its items go on into the next epoch's first batch, as with an index). */
  dropLast?: boolean;
  /**
   * Shuffle the items of each epoch through a seeded buffer of `bufferSize` items (null: arrival
   * order). The source is then read `bufferSize` items ahead. Ids still number the items in batch order.
   */
  shuffle?: ShuffleBufferOptions | null;
}

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

function isIterable(value: unknown): value is Iterable<unknown> | AsyncIterable<unknown> {
  if (value === null || (typeof value !== 'object' && typeof value !== 'string')) return false;
  const object = value as { [Symbol.iterator]?: unknown; [Symbol.asyncIterator]?: unknown };
  return typeof object[Symbol.asyncIterator] === 'function' || typeof object[Symbol.iterator] === 'function';
}

function iteratorOf(value: Iterable<unknown> | AsyncIterable<unknown>): AnyIterator {
  const asyncMethod = (value as AsyncIterable<unknown>)[Symbol.asyncIterator];
  return typeof asyncMethod === 'function' ? asyncMethod.call(value) : (value as Iterable<unknown>)[Symbol.iterator]();
}

/**
 * A dataset built from a generator, an iterable or an async iterable. Its length is unknown
 * (`length` is NaN) and it has no ids until items arrive, so what needs an index — positions, subsets,
 * splits, cross-validation, the synchronous `genBatch`/`nextBatch`, checkpoints — is a
 * {@link NoIndexError}, `createBatch(ids)` gives a batch without data, and a shuffled run needs a
 * `shuffleBuffer`. Pipelines run on it as on any dataset (`ds.p.action().run({ batchSize })`, batches
 * on workers too), pulling items only as batches are needed.
 *
 * ```ts
 * function* readings() { for (let k = 0; k < 100; k++) yield { values: new Float32Array(8).fill(k), labels: k % 2 }; }
 * const ds = new IterableDataset(() => readings(), { batchClass: SensorBatch });
 * await ds.p.normalise().run({ batchSize: 16, nEpochs: 2 });
 * ```
 */
export class IterableDataset<B extends Batch = Batch, C extends BatchConstructor<B> = BatchConstructor<B>> extends Dataset<B, C> {
  /** What the source yields: items, or batches of items. */
  readonly kind: SourceKind;
  /** The buffer size of shuffled pipeline runs (null: such runs are refused). */
  readonly shuffleBuffer: number | null;
  readonly #source: IterableSource<unknown>;
  #consumed = false;

  /**
   * @param source - a function returning a fresh (async) iterable for every epoch, or an (async) iterable.
   * @param options - batchClass, kind, and attributes.
   * @throws ArgumentError for a source that is neither a function nor an iterable, or an unknown kind.
   */
  constructor(source: IterableSource<SourceValue<C, SourceKind>>, options: IterableDatasetOptions<B, C> = {}) {
    const { kind = 'items', shuffleBuffer, ...rest } = options;
    if (typeof source !== 'function' && !isIterable(source))
      throw new ArgumentError(
        'source',
        `expected a function returning an iterable, an iterable or an async iterable, got ${source === null ? 'null' : typeof source}`,
      );
    if (kind !== 'items' && kind !== 'batches') throw new ArgumentError('kind', `expected 'items' or 'batches', got ${JSON.stringify(kind)}`);
    super(new NoIndex(), rest as DatasetOptions<B, C>);
    this.kind = kind;
    this.shuffleBuffer = shuffleBuffer === undefined || shuffleBuffer === null ? null : checkBufferSize('shuffleBuffer', shuffleBuffer);
    this.#source = source;
  }

  /** True when every epoch gets a fresh iterable: a function source, or an iterable that is not its own iterator (an array, a Set). */
  get reiterable(): boolean {
    return typeof this.#source === 'function' || typeof (this.#source as { next?: unknown }).next !== 'function';
  }

  /** True once a one-shot source (not {@link reiterable}) has been iterated: it cannot give another run. */
  get consumed(): boolean {
    return this.#consumed && !this.reiterable;
  }

  /** Unknown until the source is read: NaN. */
  override get length(): number {
    return NaN;
  }

  /** Unknown until the source is read: NaN. */
  override get size(): number {
    return NaN;
  }

  /**
   * Checks before a run that the source can give `nEpochs` epochs.
   * @throws ArgumentError for a one-shot source asked for more than one epoch, or one already consumed.
   */
  checkEpochs(nEpochs: number | null): void {
    if (this.reiterable) return;
    if (this.#consumed)
      throw new ArgumentError(
        'source',
        'this one-shot iterable was already consumed by an earlier run: give a function that returns a fresh iterable (() => gen())',
      );
    if (nEpochs !== null && nEpochs > 1)
      throw new ArgumentError(
        'nEpochs',
        `a one-shot iterable (a generator object or a stream) gives one epoch, got nEpochs ${nEpochs}: give a function that returns a fresh iterable (() => gen()) to make several`,
      );
  }

  #open(): AnyIterator {
    if (!this.reiterable) {
      this.#consumed = true;
      return iteratorOf(this.#source as Iterable<unknown>);
    }
    const made: unknown = typeof this.#source === 'function' ? (this.#source as () => unknown)() : this.#source;
    if (!isIterable(made))
      throw new ArgumentError('source', `the source function must return an iterable or an async iterable, got ${made === null ? 'null' : typeof made}`);
    return iteratorOf(made);
  }

  /**
   * The batches of one run, assembled as the items arrive: the source is pulled only when the next
   * batch is asked for (exactly the items it needs), and its iterator's `return()` is called when the
   * consumer stops early. Item ids are 0, 1, 2, … in arrival order over the whole run (in batch
   * order with `shuffle`); errors number items in arrival order.
   * @throws IterableSourceError when the source throws; SourceItemError for a malformed value; ArgumentError for bad options.
   */
  async *batches(options: IterableBatchOptions): AsyncGenerator<B, void, undefined> {
    const { batchSize, dropLast = false } = options;
    if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
      throw new ArgumentError('batchSize', `expected a positive integer, got ${String(batchSize)}`);
    if (typeof dropLast !== 'boolean') throw new ArgumentError('dropLast', `expected a boolean, got ${typeof dropLast}`);
    const neither = !('nIters' in options) && !('nEpochs' in options);
    const nEpochs = neither ? 1 : optionalNonNegativeInteger('nEpochs', options.nEpochs);
    const nIters = optionalNonNegativeInteger('nIters', options.nIters);
    this.checkEpochs(nEpochs);
    const components = (this.batchClass as unknown as { components: readonly string[] | null }).components;
    const checker = new ItemChecker(components, this.batchClass.name);
    const buffer = options.shuffle ? new ShuffleBuffer<ItemRecord>(options.shuffle) : null;
    let pending: ItemRecord[] = [];
    let nextId = 0; // ids: items in batch order
    let arrived = 0; // item numbers of errors: items in arrival order
    let made = 0;
    let sourceBatches = 0;
    const batchClass = this.batchClass;
    function* add(item: ItemRecord | undefined): Generator<B, void, undefined> {
      if (item === undefined) return;
      pending.push(item);
      nextId++;
      if (pending.length < batchSize) return;
      const items = pending;
      pending = [];
      made++;
      yield assembleItems<B>(batchClass, items, checker.names, nextId - items.length);
    }
    const done = (): boolean => nIters !== null && made >= nIters;
    for (let epoch = 0; nEpochs === null || epoch < nEpochs; epoch++) {
      if (nIters !== null && made >= nIters) return;
      let iterator: AnyIterator;
      try {
        iterator = this.#open();
      } catch (error) {
        throw error instanceof ArgumentError ? error : new IterableSourceError(made, arrived, error);
      }
      let finished = false;
      let gave = false;
      try {
        while (!done()) {
          let next: IteratorResult<unknown>;
          try {
            next = await iterator.next();
          } catch (error) {
            finished = true; // an iterator that threw is done: no return()
            throw new IterableSourceError(made, arrived, error);
          }
          if (next.done) {
            finished = true;
            break;
          }
          gave = true;
          const values = this.kind === 'items' ? [checker.item(next.value, arrived)] : checker.itemsOfBatch(next.value, arrived, sourceBatches++);
          for (const item of values) {
            arrived++;
            yield* add(buffer ? buffer.push(item) : item);
            if (done()) return;
          }
        }
      } finally {
        if (!finished) await iterator.return?.();
      }
      if (buffer)
        for (const item of buffer.drain()) {
          yield* add(item);
          if (done()) return;
        }
      if (dropLast) pending = [];
      if (!gave || !this.reiterable) break; // an empty epoch ends an endless run; a one-shot source has one epoch
    }
    if (pending.length > 0 && !done()) yield assembleItems<B>(batchClass, pending, checker.names, nextId - pending.length);
  }

  /**
   * A batch of class `batchClass` with ids `ids` and **no data**: the items are known only to the
   * source (batch workers create batches this way and fill them with the data sent along). Other
   * options become batch attributes.
   * @throws NoIndexError with `pos: true` or a slice: positions need an index.
   */
  override createBatch(ids: IndexSource | IndexSlice, options: DatasetBatchOptions = {}): B {
    const { pos = false, ...attributes } = options;
    if (pos || isSlice(ids)) throw new NoIndexError('createBatch', noBatchByIds);
    const index = ids instanceof DatasetIndex ? ids : new DatasetIndex(ids as IndexSource);
    return new this.batchClass(index, { ...attributes, dataset: this as unknown as Dataset });
  }

  /** @throws NoIndexError: a copy would share the one source. */
  override copy(): never {
    throw new NoIndexError('copy', 'the copy would need the ids of the items; make another IterableDataset over the same source function');
  }

  /** @throws NoIndexError: cross-validation needs the items' ids. */
  override cvSplit(): never {
    throw new NoIndexError('cvSplit', "cross-validation folds need the items' ids; build the folds in the source and make a dataset of each");
  }
}

declare module './dataset.js' {
  // a class and a namespace of the same name merge: this adds the static Dataset.fromIterable
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Dataset {
    /**
     * A dataset whose items come from `source` (see {@link IterableDataset}): `kind: 'items'` (default)
     * for one item per value, `'batches'` for a Batch or a record of component arrays per value.
     * Values are checked against the batch class's declared components at compile time.
     */
    function fromIterable<B extends Batch = Batch, C extends BatchConstructor<B> = BatchConstructor<B>, K extends SourceKind = 'items'>(
      source: IterableSource<SourceValue<C, K>>,
      options?: IterableDatasetOptions<B, C, K>,
    ): IterableDataset<B, C>;
  }
}

Object.defineProperty(Dataset, 'fromIterable', {
  value: function fromIterable(source: IterableSource<unknown>, options?: IterableDatasetOptions): IterableDataset {
    return new IterableDataset(source as IterableSource<SourceItem>, options);
  },
  writable: true,
  configurable: true,
});
