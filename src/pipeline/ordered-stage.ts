/**
 * Running one stage of a pipeline over a stream of batches with bounded prefetch: up to `prefetch`
 * batches are processed ahead, results are yielded **in order**, and SkipBatch, StopPipeline and errors
 * act exactly as without prefetch (a batch's outcome is handled when its turn comes).
 * @module
 */
import { SkipBatch, StopPipeline } from './errors.js';

/** What processing one batch gave. */
type Outcome<T> = { kind: 'value'; value: T } | { kind: 'skip' } | { kind: 'stop' } | { kind: 'error'; error: unknown };

/** Options of {@link orderedStage}. */
export interface StageOptions {
  /** Batches processed ahead of the one being yielded (0 = one at a time). */
  readonly prefetch: number;
  /** Errors other than SkipBatch/StopPipeline drop the batch (reported to `onIgnoredError`) instead of ending the run. */
  readonly ignoreExceptions: boolean;
  readonly onIgnoredError?: (error: unknown, batchNumber: number) => void;
  /** Checkpoint hooks of the run (none: batch numbers start at 0 and nothing waits). */
  readonly turns?: StageTurns;
}

/**
 * How a checkpointing run paces a stage: batch numbers start at `firstNumber`; `beforeTurn(n)` is
 * awaited when every batch before `n` is finished and consumed, before `n`'s outcome is awaited;
 * batch `n` starts its steps once `ready(n)` resolves (null: at once).
 */
export interface StageTurns {
  readonly firstNumber: number;
  beforeTurn(batchNumber: number): Promise<void>;
  ready(batchNumber: number): Promise<void> | null;
}

/** Prefetch 0: each batch is processed and handed on before the next input is read (no outcome objects). */
async function* oneAtATime<I, O>(
  inputs: AsyncIterable<I>,
  process: (input: I, batchNumber: number) => Promise<O | null>,
  options: StageOptions,
): AsyncGenerator<O> {
  let batchNumber = options.turns?.firstNumber ?? 0;
  for await (const input of inputs) {
    const number = batchNumber++;
    let value: O | null;
    await options.turns?.beforeTurn(number);
    try {
      value = await process(input, number);
    } catch (error) {
      if (error instanceof SkipBatch) continue;
      if (error instanceof StopPipeline) return;
      if (!options.ignoreExceptions) throw error;
      options.onIgnoredError?.(error, number);
      continue;
    }
    if (value !== null) yield value;
  }
}

/**
 * Applies `process(input, batchNumber)` to each input (batch numbers from 0) and yields the results in
 * input order. A result of `null` (a discarded batch) is not yielded.
 */
export function orderedStage<I, O>(
  inputs: AsyncIterable<I>,
  process: (input: I, batchNumber: number) => Promise<O | null>,
  options: StageOptions,
): AsyncGenerator<O> {
  // prefetch 0: the stage is oneAtATime itself (a generator delegating to it costs a promise turn per batch)
  return options.prefetch === 0 ? oneAtATime(inputs, process, options) : prefetched(inputs, process, options);
}

/** Prefetch above 0: up to `prefetch` batches are processed ahead, their outcomes handled in input order. */
async function* prefetched<I, O>(
  inputs: AsyncIterable<I>,
  process: (input: I, batchNumber: number) => Promise<O | null>,
  options: StageOptions,
): AsyncGenerator<O> {
  const iterator = inputs[Symbol.asyncIterator]();
  const pending: Array<Promise<Outcome<O | null>>> = [];
  let batchNumber = options.turns?.firstNumber ?? 0;
  let exhausted = false;
  let stopped = false;
  const begin = (input: I, number: number): Promise<O | null> => {
    const ready = options.turns?.ready(number);
    return ready ? ready.then(() => process(input, number)) : process(input, number);
  };
  const start = (input: I, number: number): Promise<Outcome<O | null>> =>
    begin(input, number).then(
      (value): Outcome<O | null> => ({ kind: 'value', value }),
      (error: unknown): Outcome<O | null> =>
        error instanceof SkipBatch ? { kind: 'skip' } : error instanceof StopPipeline ? { kind: 'stop' } : { kind: 'error', error },
    );
  const numbers: number[] = [];
  try {
    for (;;) {
      while (!exhausted && !stopped && pending.length <= options.prefetch) {
        const next = await iterator.next();
        if (next.done) {
          exhausted = true;
          break;
        }
        numbers.push(batchNumber);
        pending.push(start(next.value, batchNumber++));
      }
      const turn = pending.shift();
      if (!turn) return;
      const number = numbers.shift()!;
      await options.turns?.beforeTurn(number);
      const outcome = await turn;
      if (outcome.kind === 'skip') continue;
      if (outcome.kind === 'stop') {
        stopped = true;
        return;
      }
      if (outcome.kind === 'error') {
        if (!options.ignoreExceptions) throw outcome.error;
        options.onIgnoredError?.(outcome.error, number);
        continue;
      }
      if (outcome.value !== null) yield outcome.value;
    }
  } finally {
    // batches still in flight finish in the background; their outcomes are dropped
    for (const turn of pending) void turn;
    await iterator.return?.();
  }
}
