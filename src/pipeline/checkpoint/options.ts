/**
 * The run options `checkpoint` and `resume`, and their checks.
 * @module
 */
import { ArgumentError } from '../../errors.js';

/** `run({ checkpoint })`: write the run's state to `path` every `every` batches (and when it ends). */
export interface CheckpointOptions {
  /** The JSON checkpoint file (written atomically: temp file + rename). */
  readonly path: string;
  /** Batches between two checkpoints (a positive integer). */
  readonly every: number;
}

/** `run({ resume })`: a checkpoint file, or `{ path, ifMissing }` (`'error'`, the default, or `'start'`: run from the beginning). */
export type ResumeOptions = string | { readonly path: string; readonly ifMissing?: 'error' | 'start' };

/** `resume` after its checks. */
export interface ResolvedResume {
  readonly path: string;
  readonly ifMissing: 'error' | 'start';
}

function checkPath(argument: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw new ArgumentError(argument, `expected a file path (a non-empty string), got ${String(value)}`);
  return value;
}

/** Checks the `checkpoint` run option. */
export function checkCheckpointOption(value: unknown): CheckpointOptions | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'object') throw new ArgumentError('checkpoint', `expected { path, every }, got ${String(value)}`);
  const { path, every, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ArgumentError('checkpoint', `unknown option '${unknown[0]}'; expected path and every`);
  if (typeof every !== 'number' || !Number.isInteger(every) || every < 1)
    throw new ArgumentError('checkpoint.every', `expected a positive integer (batches between checkpoints), got ${String(every)}`);
  return { path: checkPath('checkpoint.path', path), every };
}

/** Checks the `resume` run option. */
export function checkResumeOption(value: unknown): ResolvedResume | null {
  if (value === undefined || value === null) return null;
  if (typeof value === 'string') return { path: checkPath('resume', value), ifMissing: 'error' };
  if (typeof value !== 'object') throw new ArgumentError('resume', `expected a checkpoint path or { path, ifMissing }, got ${String(value)}`);
  const { path, ifMissing, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new ArgumentError('resume', `unknown option '${unknown[0]}'; expected path and ifMissing`);
  if (ifMissing !== undefined && ifMissing !== 'error' && ifMissing !== 'start')
    throw new ArgumentError('resume.ifMissing', `expected 'error' or 'start', got ${String(ifMissing)}`);
  return { path: checkPath('resume.path', path), ifMissing: ifMissing ?? 'error' };
}
