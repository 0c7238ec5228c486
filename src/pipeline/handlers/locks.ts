/**
 * The `acquireLock` / `releaseLock` steps: a batch waits for one of the pipeline's named locks and
 * releases it later (locks it still holds are released when the batch ends).
 * @module
 */
import { PipelineError } from '../errors.js';
import type { StepHandler } from './step.js';

/** Runs an `acquireLock` record. */
export const runAcquireLock: StepHandler<'acquireLock'> = async (record, batch, _context, env) => {
  const release = await env.host.lock(record.lock).acquire();
  const held = env.scope.held.get(record.lock) ?? [];
  held.push(release);
  env.scope.held.set(record.lock, held);
  return batch;
};

/** Runs a `releaseLock` record. */
export const runReleaseLock: StepHandler<'releaseLock'> = async (record, batch, _context, env) => {
  const release = env.scope.held.get(record.lock)?.shift();
  if (!release) throw new PipelineError(`releaseLock('${record.lock}'): this batch does not hold the lock`);
  release();
  return batch;
};
