/**
 * The shape of a file format handler: what the format registry stores and `batch.load`/`batch.dump`
 * call. Types only, so the format modules and the registry can both depend on it.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { WholeTable } from './table.js';

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

/** A file format: loads into and dumps from a batch. */
export interface FormatHandler {
  load(batch: Batch, options: FormatLoadOptions): Promise<void>;
  dump(batch: Batch, options: FormatDumpOptions): Promise<void>;
  /**
   * Table formats only: reads every row of `options.src` (with `load`'s options) into components —
   * `dst`, else the `components` the file holds, else (null) every column.
   */
  readTable?(options: FormatLoadOptions, components: readonly string[] | null): Promise<WholeTable>;
}
