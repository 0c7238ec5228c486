/**
 * The shape of a file format handler: what the format registry stores and `batch.load`/`batch.dump`
 * call. Types only, so the format modules and the registry can both depend on it.
 * @module
 */
import type { BatchLike } from '../batch/batch-like.js';
import type { WholeTable } from './table-load.js';

/** Options passed to a format's `load`. */
export interface FormatLoadOptions {
  readonly src?: unknown;
  readonly dst?: string | readonly string[];
  readonly [option: string]: unknown;
}

/** Options passed to a format's `dump`. */
export interface FormatDumpOptions {
  readonly dst?: unknown;
  readonly components?: string | readonly string[];
  readonly [option: string]: unknown;
}

/**
 * A file format: loads into and dumps from a batch. `Load` and `Dump` are the format's own option
 * types (the built-in formats list theirs in `FormatOptions`); the registry stores handlers with the
 * loose defaults, and each handler checks the options it is given at run time.
 */
export interface FormatHandler<Load extends object = FormatLoadOptions, Dump extends object = FormatDumpOptions> {
  load(batch: BatchLike, options: Load): Promise<void>;
  dump(batch: BatchLike, options: Dump): Promise<void>;
  /**
   * Table formats only: reads every row of `options.src` (with `load`'s options) into components —
   * `dst`, else the `components` the file holds, else (null) every column.
   */
  readTable?(options: Load, components: readonly string[] | null): Promise<WholeTable>;
}
