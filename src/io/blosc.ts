/**
 * `fmt: 'blosc'` — one file per item: a Blosc (v1 format) frame, made with `numcodecs`, around the
 * self-describing container of blosc-container.ts (default), or — for files written by Python
 * BatchFlow, detected from the payload, and with `layout: 'batchflow'` on dump — a pickled dict of
 * numpy values (blosc-batchflow.ts, read by a safe reader that executes nothing). Layouts and a Python
 * reader: docs/formats.md.
 *
 * File names (`src` for load, `dst` for dump), as in BatchFlow:
 * - the batch index is a FilesIndex (anything with `getFullpath(id)`): `src` a folder → with
 *   `index.dirs`, `<item path>/<src>`, otherwise `<src>/<basename of item path>`; `src` a FilesIndex →
 *   its path for the id; no `src` → the item's own path;
 * - any other index: `src` a folder → `<src>/<id>.blosc`;
 * - `src` a function `(id) => path` works with any index.
 *
 * Items are read/written by a per-item function on the batch's engines: `target` ('for' default,
 * 'async', 'threads', 'mpc') and `nWorkers` are accepted options. Truncated or corrupted files are a
 * CorruptFileError naming the file; a load changes nothing in the batch unless every file was read.
 * Modules: item file names in blosc-paths.ts, one file's frame in blosc-file.ts, the per-item
 * functions and the assembly of loaded values in blosc-items.ts.
 * @module
 */
import type { BatchLike } from '../batch/batch-like.js';
import { columnItem, type Column } from '../ndarray/columns.js';
import { dtypeOf, isNdArray, isTypedArray, typedArrayConstructor, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import type { Target } from '../engines/target.js';
import { optionNames } from '../util/option-names.js';
import { dtypeName, type ColumnKind } from './blosc-container.js';
import type { BloscLayout, BloscSettings } from './blosc-file.js';
import { dumpBloscItem, loadBloscItem, stageLoaded, type DumpItem, type LoadedItem, type LoadedValues, type LoadItem } from './blosc-items.js';
import { itemPath, type BloscLocation } from './blosc-paths.js';
import { UnsupportedDataError, fromIoErrorRecord, isIoErrorRecord, type IoErrorRecord } from './errors.js';
import type { FormatHandler } from './format-handler.js';
import { getLoadLimits } from './load-limits.js';
import { runItems } from './run-items.js';
import { checkOptions, int64Policy, type Int64Policy } from './table.js';
import { assignComponents } from './table-load.js';
import { dumpNames } from './table-dump.js';

const FORMAT = 'blosc';

/** Options of `batch.load({fmt: 'blosc', ...})`. */
export interface BloscLoadOptions {
  src?: BloscLocation;
  /** Components to load (default: the batch's components found in the files, or every key for a batch without components). */
  dst?: string | readonly string[];
  /**
   * 64-bit integers in files written by Python BatchFlow (numpy int64/uint64): 'float64' (default,
   * exact up to 2^53, an error beyond), 'int32' or 'bigint'. Files of our own layout restore exactly what was dumped.
   */
  int64?: Int64Policy;
  /** The engine the per-item file functions run on (any registered engine name). */
  target?: Target;
  nWorkers?: number;
  chunkSize?: number;
}

/** Options of `batch.dump({fmt: 'blosc', ...})`. */
export interface BloscDumpOptions {
  dst?: BloscLocation;
  components?: string | readonly string[];
  /**
   * What the Blosc frame holds: 'container' (default: our self-describing container, no code on load)
   * or 'batchflow' (a pickled dict `{component: value}` of numpy arrays/scalars, as Python BatchFlow
   * writes, for Python programs that load with `dill.loads(blosc.decompress(data))`).
   */
  layout?: BloscLayout;
  /** Blosc compressor: 'lz4' (default), 'blosclz', 'lz4hc', 'zlib', 'zstd'. */
  cname?: string;
  /** Compression level 0–9 (default 5). */
  clevel?: number;
  /** 0 none, 1 byte shuffle (default), 2 bit shuffle. */
  shuffle?: 0 | 1 | 2;
  /** Flush each file to disk before the rename (power-loss safety; slower). Default false: a killed process still never leaves a partial file. */
  fsync?: boolean;
  target?: BloscLoadOptions['target'];
  nWorkers?: number;
  chunkSize?: number;
}

const loadOptionNames = optionNames<BloscLoadOptions>()(['src', 'dst', 'int64', 'target', 'nWorkers', 'chunkSize']);
const dumpOptionNames = optionNames<BloscDumpOptions>()([
  'dst',
  'components',
  'layout',
  'cname',
  'clevel',
  'shuffle',
  'fsync',
  'target',
  'nWorkers',
  'chunkSize',
]);

// ---- the handler ----------------------------------------------------------------------------------

function settingsOf(options: BloscDumpOptions): BloscSettings {
  const cname = options.cname ?? 'lz4';
  const clevel = options.clevel ?? 5;
  const shuffle = options.shuffle ?? 1;
  if (typeof cname !== 'string' || !['blosclz', 'lz4', 'lz4hc', 'zlib', 'zstd', 'snappy'].includes(cname))
    throw new ArgumentError('cname', `expected 'lz4', 'blosclz', 'lz4hc', 'zlib' or 'zstd', got ${JSON.stringify(cname)}`);
  if (typeof clevel !== 'number' || !Number.isInteger(clevel) || clevel < 0 || clevel > 9)
    throw new ArgumentError('clevel', `expected an integer 0–9, got ${JSON.stringify(clevel)}`);
  if (shuffle !== 0 && shuffle !== 1 && shuffle !== 2) throw new ArgumentError('shuffle', `expected 0, 1 or 2, got ${JSON.stringify(shuffle)}`);
  const fsync = options.fsync ?? false;
  if (typeof fsync !== 'boolean') throw new ArgumentError('fsync', `expected a boolean, got ${typeof fsync}`);
  const layout = options.layout ?? 'container';
  if (layout !== 'container' && layout !== 'batchflow')
    throw new ArgumentError(
      'layout',
      `expected 'container' (our own item container) or 'batchflow' (a pickle as Python BatchFlow writes), got ${JSON.stringify(layout)}`,
    );
  return { cname, clevel, shuffle, fsync, layout };
}

function columnKind(column: Column): ColumnKind {
  return isNdArray(column) ? 'ndarray' : isTypedArray(column) ? 'typedarray' : 'array';
}

function scalarDtype(column: Column): string | null {
  if (isNdArray(column)) {
    const dtype = dtypeOf(column);
    return column.shape.length === 1 && dtype ? dtypeName(new (typedArrayConstructor(dtype))(0)) : null;
  }
  if (isTypedArray(column)) return dtypeName(column as TypedArray);
  return null;
}

/** The `fmt: 'blosc'` handler. */
export const bloscFormat: FormatHandler<BloscLoadOptions, BloscDumpOptions> = {
  async load(batch: BatchLike, options: BloscLoadOptions): Promise<void> {
    checkOptions(FORMAT, options, loadOptionNames);
    const dst = options.dst;
    let names: string[] | null;
    let strict: boolean;
    if (dst === undefined || dst === null) {
      names = batch.components && batch.components.length > 0 ? [...batch.components] : null;
      strict = false;
    } else {
      names = typeof dst === 'string' ? [dst] : [...dst];
      if (names.length === 0 || names.some((name) => typeof name !== 'string' || name === ''))
        throw new ArgumentError('dst', 'expected a component name or an array of names');
      strict = true;
    }
    const int64 = int64Policy(options.int64);
    const maxBytes = getLoadLimits().maxBytes;
    const files = batch.indices.map((id) => itemPath(batch, id, options.src, 'src'));
    const results = (await runItems(
      batch,
      loadBloscItem,
      files.map((file): LoadItem => [file, names, strict, int64, maxBytes]),
      options,
    )) as LoadedItem[];
    const failed = results.find(isIoErrorRecord);
    if (failed) throw fromIoErrorRecord(failed);
    const loaded = results as LoadedValues[];
    const staged = stageLoaded(loaded, files, names);
    await assignComponents(batch, staged, { format: FORMAT, file: files[0]! });
  },

  async dump(batch: BatchLike, options: BloscDumpOptions): Promise<void> {
    checkOptions(FORMAT, options, dumpOptionNames);
    const settings = settingsOf(options);
    const files = batch.indices.map((id) => itemPath(batch, id, options.dst, 'dst'));
    const names = dumpNames(batch, options.components, FORMAT, files[0]!);
    const columns = names.map((name) => {
      const column = batch.getComponent(name);
      if (column === null) throw new UnsupportedDataError(FORMAT, files[0]!, `component '${name}' holds no data to dump`);
      return column;
    });
    const kinds = columns.map(columnKind);
    const dtypes = columns.map(scalarDtype);
    const items = files.map((file, position): DumpItem => [file, names, columns.map((column) => columnItem(column, position)), kinds, dtypes]);
    const results = (await runItems(batch, dumpBloscItem, items, options, settings)) as Array<IoErrorRecord | 0>;
    const failed = results.find(isIoErrorRecord);
    if (failed) throw fromIoErrorRecord(failed);
  },
};
