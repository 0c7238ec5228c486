/**
 * A dataset over a table file (csv, feather, hdf5) parsed **once**: the file's rows become the
 * dataset's `preloaded` data and its index column the dataset's ids, so every batch is cropped from
 * memory by id instead of re-reading the file (`Dataset.fromTable` calls this).
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { ArgumentError } from '../errors.js';
import { optionNames } from '../util/option-names.js';
import { getFormat, registeredFormats } from '../io/format-registry.js';
import type { FormatOptions } from '../io/format-options.js';
import type { BatchConstructor } from './batch-constructor.js';

/** The table formats a dataset can be read from. */
export type TableFormat = 'csv' | 'feather' | 'hdf5';

/** What every `Dataset.fromTable` call takes besides the format's load options. */
export interface TableDatasetBase<B extends Batch = Batch> {
  /** The class of the batches (default `Batch`); its components are the columns loaded unless `dst` is given. */
  batchClass?: BatchConstructor<B>;
  /** Batches deep-copy their rows (default false: they may share memory with the table). */
  copy?: boolean;
  /** Dataset attributes (`attributes.name` becomes `dataset.name`). */
  attributes?: Record<string, unknown>;
}

/**
 * Options of `Dataset.fromTable`: the format, the dataset's options and that format's load options
 * (all but `src`; see docs/formats.md). A misspelled option is a compile error, and an ArgumentError at
 * run time.
 */
export type TableDatasetOptions<B extends Batch = Batch> = TableDatasetBase<B> &
  { [F in TableFormat]: { fmt: F } & Omit<FormatOptions[F]['load'], 'src'> }[TableFormat];

const datasetOptionNames: ReadonlySet<string> = new Set(['fmt', ...optionNames<TableDatasetBase>()(['batchClass', 'copy', 'attributes'])]);

/** What {@link readTableDataset} hands the dataset class: the dataset options (and attributes) of the table. */
export interface TableDatasetSettings<B extends Batch = Batch> {
  batchClass: BatchConstructor<B> | undefined;
  preloaded: Record<string, unknown>;
  copy: boolean;
  [attribute: string]: unknown;
}

/**
 * Reads table `src` once and builds a dataset of class `cls` over it (see `Dataset.fromTable`).
 * @throws ArgumentError for a format that cannot be read as a whole table or an unknown load option;
 * the format's errors (MissingFileError, FileFormatError, MissingColumnError, …) for a bad file.
 */
export async function readTableDataset<B extends Batch, D>(
  cls: new (index: readonly (string | number)[] | number, options: TableDatasetSettings<B>) => D,
  src: string,
  options: TableDatasetOptions<B>,
): Promise<D> {
  if (typeof src !== 'string' || src === '')
    throw new ArgumentError('src', `expected the path of a table file, got ${typeof src === 'string' ? 'an empty string' : typeof src}`);
  if (typeof options !== 'object' || options === null) throw new ArgumentError('options', "expected an object with fmt ('csv', 'feather' or 'hdf5')");
  const { fmt, batchClass, copy = false, attributes = {} } = options;
  const handler = await getFormat(fmt);
  if (!handler.readTable) {
    const tables = registeredFormats().filter((name) => name === 'csv' || name === 'feather' || name === 'hdf5');
    throw new ArgumentError('fmt', `'${String(fmt)}' is not a table format: a dataset can be read from ${tables.join(', ')} files`);
  }
  if (typeof attributes !== 'object' || attributes === null) throw new ArgumentError('attributes', 'expected a record of dataset attributes');
  const loadOptions = Object.fromEntries(Object.entries(options).filter(([name]) => !datasetOptionNames.has(name)));
  const components = (batchClass as unknown as { components?: readonly string[] | null } | undefined)?.components ?? null;
  const table = await handler.readTable({ ...loadOptions, src }, components);
  if (table.rowCount === 0) throw new ArgumentError('src', `${src} has no rows, and a dataset cannot be empty`);
  const preloaded = Object.fromEntries(table.components);
  const index = table.ids === null ? table.rowCount : table.ids;
  return new cls(index, { ...(attributes as Record<string, unknown>), batchClass, preloaded, copy });
}
