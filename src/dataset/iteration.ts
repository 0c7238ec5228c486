/**
 * Batch iteration over positions: the state of an iteration and BatchFlow's `nextBatch` algorithm,
 * with one generator per iteration so every epoch gets a fresh permutation.
 * @module
 */
import { ArgumentError, BatchflowError } from '../errors.js';
import type { Rng } from '../random/rng.js';
import { identityOrder, makeRng, type ShuffleOption } from './shuffle.js';

/** Thrown by `nextBatch` when the iteration is over (the equivalent of Python's StopIteration). */
export class StopIterationError extends BatchflowError {
  override name = 'StopIterationError';
  constructor(message = "the iteration is over: call reset('iter') to start again") {
    super(message);
  }
}

/**
 * The state of one iteration over an index (what the reference calls `iter_params`). `nextBatch`
 * updates it; pass the same object again to continue an iteration.
 */
export interface IterState {
  /** True once the last batch has been returned. */
  stopIter: boolean;
  /** Where the next batch starts in the current epoch's order. */
  startIndex: number;
  /** The current epoch's order (positions); null before the first batch and between epochs. */
  order: Int32Array | null;
  /** Batches returned so far. */
  nIters: number;
  /** Epochs completed so far. */
  nEpochs: number;
  /** The iteration's generator (null: no shuffle; undefined: not chosen yet, i.e. before the first batch). */
  rng: Rng | null | undefined;
  /** Number of batches the iteration will give (set by `genBatch`; null when endless). */
  total: number | null;
}

/** A new iteration state (the defaults). */
export function defaultIterState(): IterState {
  return { stopIter: false, startIndex: 0, order: null, nIters: 0, nEpochs: 0, rng: undefined, total: null };
}

/** Options of `nextBatch` / `genBatch`. */
export interface BatchIterOptions {
  /** Items per batch (1 ≤ batchSize ≤ the index length). */
  batchSize: number;
  /** Order of the items (default false). The generator is made once per iteration; each epoch draws a new permutation from it. */
  shuffle?: ShuffleOption;
  /** Stop after exactly this many batches (batches wrap across epochs). Not together with `nEpochs`. */
  nIters?: number | null;
  /** Stop after this many passes over the data. null with `nIters` null = endless. */
  nEpochs?: number | null;
  /** Drop the short batch at the end of each epoch (default false: a batch crossing an epoch end wraps into the next epoch). */
  dropLast?: boolean;
  /** The iteration state to use and update (default: the index's own state for `nextBatch`, a fresh one for `genBatch`). */
  iterParams?: IterState;
}

/** Checks the options once; returns them normalised. */
export function checkIterOptions(options: BatchIterOptions, n: number): Required<Omit<BatchIterOptions, 'iterParams'>> {
  if (options === null || typeof options !== 'object') throw new TypeError('expected an options object {batchSize, shuffle, nIters, nEpochs, dropLast}');
  const { batchSize, shuffle = false, nIters = null, nEpochs = null, dropLast = false } = options;
  if (typeof batchSize !== 'number' || !Number.isInteger(batchSize) || batchSize < 1)
    throw new ArgumentError('batchSize', `expected a positive integer, got ${String(batchSize)}`);
  if (batchSize > n) throw new ArgumentError('batchSize', `batch size cannot be larger than the dataset size (${batchSize} > ${n})`);
  if (nIters !== null && nEpochs !== null) throw new ArgumentError('nIters', 'give nIters or nEpochs, not both');
  if (nIters !== null && (!Number.isInteger(nIters) || nIters < 0))
    throw new ArgumentError('nIters', `expected a non-negative integer or null, got ${String(nIters)}`);
  if (nEpochs !== null && (!Number.isInteger(nEpochs) || nEpochs < 0))
    throw new ArgumentError('nEpochs', `expected a non-negative integer or null, got ${String(nEpochs)}`);
  if (typeof dropLast !== 'boolean') throw new TypeError(`dropLast: expected a boolean, got ${typeof dropLast}`);
  return { batchSize, shuffle, nIters, nEpochs, dropLast };
}

/** The number of batches an iteration gives (null when endless), as `genBatch` computes it. */
export function totalBatches(n: number, options: { batchSize: number; nIters: number | null; nEpochs: number | null; dropLast: boolean }): number | null {
  if (options.nIters !== null) return options.nIters;
  if (options.nEpochs === null) return null;
  if (options.dropLast) return Math.floor(n / options.batchSize) * options.nEpochs;
  return Math.ceil((n * options.nEpochs) / options.batchSize);
}

function drawOrder(state: IterState, n: number): Int32Array {
  return state.rng ? state.rng.permutation(n) : identityOrder(n);
}

/**
 * The positions of the next batch. Updates `state`; throws StopIterationError
 * when the iteration is over. The next epoch's order is drawn only when it is needed, so the last
 * batch of an iteration never pays for an unused permutation. The result may be a view of the epoch
 * order: read it before the next call.
 */
export function nextPositions(state: IterState, n: number, options: Required<Omit<BatchIterOptions, 'iterParams'>>): Int32Array {
  const { batchSize, nIters, nEpochs, dropLast } = options;
  if (state.stopIter) throw new StopIterationError();
  // With nIters the reference throws after advancing the state; checking first gives the same batches
  // and leaves the state ready to continue (for example with a larger nIters).
  if (nIters !== null && state.nIters >= nIters) throw new StopIterationError();
  if (state.rng === undefined) state.rng = makeRng(options.shuffle);
  if (state.order === null) state.order = drawOrder(state, n);
  let order = state.order;
  const size = order.length;
  let rest: Int32Array | null = null;
  let need: number;
  if (state.startIndex + batchSize >= size) {
    rest = order.subarray(state.startIndex);
    need = state.startIndex + batchSize - size;
    if (need > 0 && dropLast) {
      rest = null;
      need = batchSize;
    }
    state.startIndex = 0;
    state.nEpochs += 1;
    state.order = null;
  } else {
    need = batchSize;
  }
  if ((nIters !== null && state.nIters >= nIters) || (nEpochs !== null && state.nEpochs >= nEpochs)) {
    if (nIters !== null || rest === null || (dropLast && rest.length < batchSize)) throw new StopIterationError();
    state.stopIter = true;
    state.nIters += 1;
    return rest.slice();
  }
  if (need > 0 && state.order === null) state.order = drawOrder(state, n);
  order = state.order ?? order;
  const fresh = order.subarray(state.startIndex, state.startIndex + need);
  state.nIters += 1;
  state.startIndex += need;
  if (rest === null) return fresh;
  const items = new Int32Array(rest.length + fresh.length);
  items.set(rest, 0);
  items.set(fresh, rest.length);
  return items;
}
