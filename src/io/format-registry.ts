/**
 * The format registry behind `batch.load({fmt})` and `batch.dump({fmt})`. Each file format
 * registers one handler; an unknown `fmt` is a typed error listing the registered ones.
 * @module
 */
import { UnknownFormatError } from '../errors.js';
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

const handlers = new Map<string, () => Promise<FormatHandler>>();

/** Registers a format; `loader` is called lazily on first use so formats cost nothing until used. */
export function registerFormat(name: string, loader: () => Promise<FormatHandler>): void {
  handlers.set(name, loader);
}

/** Names of the registered formats. */
export function registeredFormats(): string[] {
  return [...handlers.keys()];
}

/** The handler of `fmt`; throws UnknownFormatError for names that are not registered. */
export async function getFormat(fmt: unknown): Promise<FormatHandler> {
  const loader = typeof fmt === 'string' ? handlers.get(fmt) : undefined;
  if (!loader) throw new UnknownFormatError(fmt, registeredFormats());
  return loader();
}
