/**
 * One run of a pipeline, as a chain of stream operators: the dataset's batches → the first stage's
 * steps (with prefetch) → rebatch → the next stage's steps → … Before / after pipelines run around
 * it, and a progress bar follows the batches that come out.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { executeBatch, runOnce } from './execute.js';
import { rebatchStream } from './handlers/rebatch.js';
import { stageInputLimit, takeStream } from './handlers/skip-take.js';
import { orderedStage } from './ordered-stage.js';
import { createProgress } from './progress.js';
import { splitStages } from './records.js';
import type { ResolvedRunOptions } from './run-options.js';
import type { RunHost, RunState } from './run-state.js';
import { autoStage, planAuto } from './workers/auto-stage.js';
import type { RunCheckpoint } from './checkpoint/run-checkpoint.js';
import { iterableRun } from '../dataset/iterable-run.js';
import { planWorkers, workerStage } from './workers/worker-stage.js';

/** Why a run that asked for batches yielded none: the index gave none, or every batch was discarded. */
function emptyRunMessage(produced: number, datasetSize: number, options: ResolvedRunOptions): string {
  if (produced === 0 && Number.isNaN(datasetSize)) return `the run yielded no batches: the dataset's source gave no items`;
  if (produced === 0) return `the run yielded no batches: the dataset (${datasetSize} items) gave no batch of ${options.batchSize} items`;
  return `the run yielded no batches: all ${produced} batch${produced === 1 ? ' was' : 'es were'} discarded (discardBatch, SkipBatch, StopPipeline, errors dropped by ignoreExceptions, or a rebatch that made none)`;
}

/**
 * The batches of `run`, after every step of `host` ran on them. `checkpoint`: the run writes
 * checkpoints, or resumes one (its consumed batches are skipped in the index, its before pipeline is not run again).
 */
export async function* runBatches<B extends Batch>(
  host: RunHost,
  given: RunState,
  checkpoint: RunCheckpoint | null = null,
): AsyncGenerator<B, void, undefined> {
  const { dataset, options, seeds } = given;
  // nEpochs: 0 or nIters: 0 asks for no batches: nothing runs (not even before/after), and nothing is reported;
  // a finished run's checkpoint resumes to nothing either
  if (options.nEpochs === 0 || options.nIters === 0 || checkpoint?.finished) return;
  // a dataset built from an iterable: what it cannot do is refused here, before any work; its number of batches is unknown
  const fromIterable = iterableRun<B>(dataset, options, seeds.order);
  const run: RunState = fromIterable ? { ...given, total: fromIterable.total } : given;
  const total = run.total;
  const { stages, rebatches } = splitStages(host.records);
  // batches on workers: everything that could refuse the run does so here, before any work
  const onCaller = options.target === 'for' || options.target === 'auto';
  const workers = onCaller ? null : await planWorkers(host, stages[0]!, options.target, options.nWorkers);
  // target 'auto': the first batch decides (a pipeline that cannot run on workers stays here, without an error)
  const auto = options.target === 'auto' ? await planAuto(host, stages[0]!, run) : null;
  const progress = await createProgress(options.bar, {
    total,
    datasetSize: fromIterable ? Infinity : dataset.length,
    batchSize: options.batchSize,
    nEpochs: options.nEpochs,
    dropLast: options.dropLast,
  });
  if (!checkpoint?.resumed) await runOnce(host, host.before, run);
  const indexBatches = fromIterable
    ? []
    : dataset.index.genBatch({
        batchSize: options.batchSize,
        shuffle: seeds.order ?? false,
        nIters: options.nIters,
        nEpochs: options.nEpochs,
        dropLast: options.dropLast,
      });
  let produced = 0;
  let skip = checkpoint?.firstNumber ?? 0;
  const source = (async function* () {
    if (fromIterable) {
      for await (const batch of fromIterable.batches()) {
        produced++;
        yield batch;
      }
      return;
    }
    for (const index of indexBatches) {
      if (skip > 0) {
        skip--; // consumed before the checkpoint: only the index moves on
        continue;
      }
      produced++;
      yield dataset.createBatch(index) as unknown as B;
    }
  })();
  let stream: AsyncIterable<B> = source;
  stages.forEach((records, stage) => {
    if (stage > 0) stream = rebatchStream(stream, rebatches[stage - 1]!, host, run);
    const limit = stageInputLimit(records, stage === 0 ? (checkpoint?.firstNumber ?? 0) : 0);
    if (limit !== null) stream = takeStream(stream, limit);
    const input = stream;
    const stageOptions = {
      prefetch: options.prefetch,
      ignoreExceptions: options.ignoreExceptions,
      onIgnoredError: (error: unknown, number: number) =>
        process.emitWarning(`batch ${number} of stage ${stage} dropped: ${error instanceof Error ? error.message : String(error)}`, 'BatchflowWarning'),
      ...(stage === 0 && checkpoint ? { turns: checkpoint.turns } : {}),
    };
    if (stage === 0 && auto) stream = autoStage(input, auto, host, run, stageOptions);
    else if (stage === 0 && workers) stream = workerStage(input, workers, host, run, stageOptions);
    else stream = orderedStage(input, (batch: B, number: number) => executeBatch(host, batch, records, run, stage, number), stageOptions);
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
  if (yielded === 0 && !checkpoint?.resumed) process.emitWarning(emptyRunMessage(produced, dataset.length, options), 'BatchflowWarning');
  await runOnce(host, host.after, run);
  await checkpoint?.finish(checkpoint.firstNumber + produced);
}
