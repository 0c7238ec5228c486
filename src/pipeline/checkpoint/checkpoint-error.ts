/**
 * The error of a checkpoint that cannot be written, read or resumed from.
 * @module
 */
import { BatchflowError } from '../../errors.js';

/** A checkpoint file that cannot be written, read or resumed from: names the file and what was wrong. */
export class CheckpointError extends BatchflowError {
  /** The checkpoint file. */
  override name = 'CheckpointError';
  readonly file: string;

  constructor(file: string, message: string, options?: { cause?: unknown }) {
    super(`checkpoint '${file}': ${message}`, options);
    this.file = file;
  }
}
