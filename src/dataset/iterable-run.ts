/**
 * How a pipeline run takes its batches from an {@link IterableDataset}: everything the source cannot
 * do (checkpoints, a second epoch of a one-shot source, a shuffle without a shuffle buffer) is refused here, before any work, and the run's batches come from `dataset.batches(...)`.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { ArgumentError } from '../errors.js';
import type { Dataset } from './dataset.js';
import { IterableDataset } from './iterable-dataset.js';
import { NoIndexError } from './iterable-errors.js';

/** The run options the source needs (a subset of the pipeline's resolved run options). */
export interface IterableRunOptions {
  readonly batchSize: number;
  readonly nEpochs: number | null;
  readonly nIters: number | null;
  readonly dropLast: boolean;
  readonly checkpoint: unknown;
  readonly resume: unknown;
}

/** The batches of a run over an iterable source and what the run knows of their number. */
export interface IterableRun<B extends Batch> {
  /** Batches the run will make: `nIters` when given, else unknown (null). */
  readonly total: number | null;
  /** Starts pulling the source (lazily: nothing is read before the first batch is asked for). */
  batches(): AsyncGenerator<B, void, undefined>;
}

/**
 * The plan of a run over `dataset` when it is an {@link IterableDataset} (null otherwise).
 * `orderSeed`: the seed of the run's order when it shuffles (null: it does not).
 * @throws ArgumentError / NoIndexError before any work for what such a source cannot do.
 */
export function iterableRun<B extends Batch>(dataset: Dataset, options: IterableRunOptions, orderSeed: number | null): IterableRun<B> | null {
  if (!(dataset instanceof IterableDataset)) return null;
  if (orderSeed !== null && dataset.shuffleBuffer === null)
    throw new ArgumentError(
      'shuffle',
      'a dataset built from an iterable is shuffled through a buffer of items: give it one (new IterableDataset(source, { shuffleBuffer: 1000 })), shuffle in the source, or pass shuffle: false (a negative integer still seeds the run)',
    );
  if (options.checkpoint)
    throw new NoIndexError('checkpoint', 'a checkpoint records a position in the index, and resuming would have to read the source again from its start');
  if (options.resume)
    throw new NoIndexError('resume', 'a checkpoint records a position in the index, and resuming would have to read the source again from its start');
  dataset.checkEpochs(options.nEpochs);
  const { batchSize, nEpochs, nIters, dropLast } = options;
  const shuffle = orderSeed === null ? null : { bufferSize: dataset.shuffleBuffer!, seed: orderSeed };
  return {
    total: nIters,
    batches: () => (dataset as IterableDataset<B>).batches({ batchSize, nEpochs, nIters, dropLast, shuffle }),
  };
}
