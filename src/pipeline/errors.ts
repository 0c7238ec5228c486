/**
 * Errors an action can throw to steer a pipeline run: `SkipBatch` drops the current batch,
 * `StopPipeline` ends the run quietly. Both behave the same with and without prefetch.
 * @module
 */
import { BatchflowError } from '../errors.js';

/** Throw inside an action (or a function called by the pipeline) to drop the current batch and go on. */
export class SkipBatch extends BatchflowError {
  override name = 'SkipBatch';
  constructor(message = 'batch skipped') {
    super(message);
  }
}

/** Throw inside an action to end the run after the batches already yielded. */
export class StopPipeline extends BatchflowError {
  override name = 'StopPipeline';
  constructor(message = 'pipeline stopped') {
    super(message);
  }
}

/** A pipeline was used in a way that cannot work (no dataset, no run arguments, an unknown action, …). */
export class PipelineError extends BatchflowError {
  override name = 'PipelineError';
}

/**
 * A step that runs on a batch worker (`run({ target: 'threads' | 'mpc', ... })`) used pipeline state
 * that lives in the calling thread: variables cannot be read or written there.
 */
export class WorkerStateError extends PipelineError {
  override name = 'WorkerStateError';
}
