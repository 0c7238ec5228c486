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
 * @module
 */
import path from 'node:path';
import ndarray from 'ndarray';
import Blosc, { type BloscShuffle } from 'numcodecs/blosc';
import type { BatchLike } from '../batch/batch-like.js';
import { assembleColumn } from '../batch/assemble.js';
import { columnItem, type Column } from '../ndarray/columns.js';
import { dtypeOf, isNdArray, isTypedArray, stackNdArrays, typedArrayConstructor, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { portable } from '../engines/function-reference.js';
import { ArgumentError } from '../errors.js';
import { optionNames } from '../util/option-names.js';
import {
  ContainerError,
  decodeContainer,
  dtypeName,
  encodeContainer,
  jsDtype,
  type ColumnKind,
  type ContainerEntry,
  type DecodedEntry,
} from './blosc-container.js';
import { decodeBatchflowItem, encodeBatchflowItem, isPicklePayload } from './blosc-batchflow.js';
import {
  CorruptFileError,
  IoError,
  MissingColumnError,
  MissingFileError,
  UnsafePickleError,
  UnsupportedDataError,
  fromIoErrorRecord,
  isIoErrorRecord,
  toIoErrorRecord,
  type IoErrorRecord,
} from './errors.js';
import { readFileBytesSync, writeFileAtomicSync } from './files.js';
import type { FormatHandler } from './format-handler.js';
import { UnsupportedPickleDataError } from './numpy-pickle.js';
import { PickleError, PickleGlobalError } from './pickle-values.js';
import { assignComponents, checkOptions, dumpNames, int64Policy, type Int64Policy } from './table.js';

const FORMAT = 'blosc';
/** Largest payload a Blosc v1 frame can hold. */
const BLOSC_MAX_BUFFERSIZE = 2 ** 31 - 1 - 16;

/** Where item files are: a folder, a FilesIndex-like object, or a function id → path. */
export type BloscLocation = string | { getFullpath(id: string | number): string } | ((id: string | number) => string);

/** What an item file's Blosc frame holds: our own container or Python BatchFlow's pickle. */
export type BloscLayout = 'container' | 'batchflow';

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
  target?: 'for' | 'f' | 'async' | 'a' | 'threads' | 't' | 'mpc' | 'm';
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

// ---- file names -----------------------------------------------------------------------------------

interface FilesIndexLike {
  getFullpath(id: string | number): string;
  readonly dirs?: boolean;
}

function isFilesIndexLike(value: unknown): value is FilesIndexLike {
  return typeof value === 'object' && value !== null && typeof (value as FilesIndexLike).getFullpath === 'function';
}

function fullPathOf(index: FilesIndexLike, id: string | number, argument: string): string {
  try {
    const full = index.getFullpath(id);
    if (typeof full !== 'string' || full === '') throw new TypeError(`getFullpath(${JSON.stringify(id)}) returned ${String(full)}`);
    return full;
  } catch (error) {
    throw new MissingFileError(FORMAT, String(id), `item ${JSON.stringify(id)} is not in the FilesIndex given as ${argument} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** The file of item `id` (see module docs). */
export function itemPath(batch: BatchLike, id: string | number, location: unknown, argument: 'src' | 'dst'): string {
  const index = batch.index as unknown;
  if (typeof location === 'function') {
    const found = (location as (id: string | number) => unknown)(id);
    if (typeof found !== 'string' || found === '')
      throw new ArgumentError(argument, `the function returned ${String(found)} for item ${JSON.stringify(id)}; expected a file path`);
    return path.resolve(found);
  }
  if (isFilesIndexLike(location)) return path.resolve(fullPathOf(location, id, argument));
  if (typeof location === 'string' && location !== '') {
    if (isFilesIndexLike(index)) {
      const full = fullPathOf(index, id, 'the batch index');
      return index.dirs ? path.resolve(full, location) : path.resolve(location, path.basename(full));
    }
    const name = String(id);
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
      throw new ArgumentError('index', `id ${JSON.stringify(id)} cannot be a file name; use a FilesIndex or pass ${argument} as a function id => path`);
    return path.resolve(location, `${name}.blosc`);
  }
  if (location === undefined || location === null) {
    if (isFilesIndexLike(index)) return path.resolve(fullPathOf(index, id, 'the batch index'));
    throw new ArgumentError(
      argument,
      `file locations must be specified: pass ${argument} as a folder (files <folder>/<id>.blosc), a FilesIndex or a function id => path, or use a batch whose index is a FilesIndex`,
    );
  }
  throw new ArgumentError(argument, `expected a folder path, a FilesIndex or a function id => path, got ${typeof location}`);
}

// ---- Blosc frames ---------------------------------------------------------------------------------

/** Compression settings of a dump. */
export interface BloscSettings {
  readonly cname: string;
  readonly clevel: number;
  readonly shuffle: BloscShuffle;
  readonly fsync: boolean;
  readonly layout: BloscLayout;
}

/** Checks a Blosc v1 frame's 16-byte header against the file size (catches truncation before decoding). */
function checkBloscHeader(bytes: Uint8Array, file: string): number {
  if (bytes.byteLength < 16)
    throw new CorruptFileError(FORMAT, file, `is ${bytes.byteLength} bytes long, shorter than a Blosc header (16 bytes): truncated or not a blosc file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[0]!;
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (version < 1 || version > 5) throw new CorruptFileError(FORMAT, file, `is not a Blosc frame (format version byte ${version})`);
  if (cbytes !== bytes.byteLength) {
    throw new CorruptFileError(
      FORMAT,
      file,
      cbytes > bytes.byteLength
        ? `is truncated: its Blosc header says ${cbytes} bytes, the file has ${bytes.byteLength}`
        : `has ${bytes.byteLength - cbytes} bytes after the Blosc frame (header says ${cbytes} bytes): not a single blosc frame`,
    );
  }
  if (nbytes < 8 || nbytes > BLOSC_MAX_BUFFERSIZE) throw new CorruptFileError(FORMAT, file, `has an invalid uncompressed size ${nbytes} in its Blosc header`);
  return nbytes;
}

const codecs = new Map<string, ReturnType<typeof Blosc.fromConfig>>();

function codec(cname: string, clevel: number, shuffle: BloscShuffle): ReturnType<typeof Blosc.fromConfig> {
  const key = `${cname}/${clevel}/${shuffle}`;
  let found = codecs.get(key);
  if (!found) {
    found = Blosc.fromConfig({ cname, clevel, shuffle, blocksize: 0 });
    codecs.set(key, found);
  }
  return found;
}

/** Decodes a pickle payload (Python BatchFlow's layout), turning reader errors into typed IoErrors. */
function decodePickled(payload: Uint8Array, file: string, int64: Int64Policy): Map<string, DecodedEntry> {
  try {
    return decodeBatchflowItem(payload, file, int64);
  } catch (error) {
    if (error instanceof PickleGlobalError) throw new UnsafePickleError(FORMAT, file, error.global, { cause: error });
    if (error instanceof UnsupportedPickleDataError)
      throw new UnsupportedDataError(FORMAT, file, `its pickle cannot be read: ${error.message}`, { cause: error });
    if (error instanceof PickleError) throw new CorruptFileError(FORMAT, file, `holds a pickle that cannot be read: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Reads and decodes one item file (every check applied). The layout is detected from the payload: a
 * pickle (Python BatchFlow's files) or our container; `int64` applies to the 64-bit integers of pickles.
 */
export async function readBloscFile(file: string, int64: Int64Policy = 'float64'): Promise<Map<string, DecodedEntry>> {
  const bytes = readFileBytesSync(FORMAT, file);
  const nbytes = checkBloscHeader(bytes, file);
  let payload: Uint8Array;
  try {
    payload = await codec('lz4', 5, 1).decode(bytes);
  } catch (error) {
    throw new CorruptFileError(FORMAT, file, `cannot be decompressed: ${(error as Error).message}`, { cause: error });
  }
  if (payload.byteLength !== nbytes)
    throw new CorruptFileError(FORMAT, file, `decompressed to ${payload.byteLength} bytes, its header says ${nbytes}: corrupted`);
  if (isPicklePayload(payload)) return decodePickled(payload, file, int64);
  try {
    return decodeContainer(payload);
  } catch (error) {
    if (error instanceof ContainerError) throw new CorruptFileError(FORMAT, file, `is not a valid batchflow item: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Encodes, compresses and atomically writes one item file. */
export async function writeBloscFile(file: string, entries: ReadonlyArray<ContainerEntry & { dtype?: string }>, settings: BloscSettings): Promise<void> {
  let payload: Uint8Array;
  try {
    payload = settings.layout === 'batchflow' ? encodeBatchflowItem(entries) : encodeContainer(entries);
  } catch (error) {
    if (error instanceof ContainerError || error instanceof PickleError) throw new UnsupportedDataError(FORMAT, file, error.message, { cause: error });
    throw error;
  }
  if (payload.byteLength > BLOSC_MAX_BUFFERSIZE)
    throw new UnsupportedDataError(FORMAT, file, `the item is ${payload.byteLength} bytes, more than a Blosc frame can hold (2 GiB)`);
  const compressed = await codec(settings.cname, settings.clevel, settings.shuffle).encode(payload);
  writeFileAtomicSync(FORMAT, file, compressed, { fsync: settings.fsync });
}

// ---- per-item functions (portable: they also run on worker engines) ---------------------------------

/** A load item: the file, the components to read (null: all; `strict`: each must be there) and the int64 policy. */
export type LoadItem = [file: string, names: string[] | null, strict: boolean, int64?: Int64Policy];
/** A loaded item: names, values, column kinds and dtypes (or an error record). */
export type LoadedItem = [names: string[], values: unknown[], columns: ColumnKind[], dtypes: string[]] | IoErrorRecord;

/** Per-item load function (runs in-process or in a worker). */
export async function loadBloscItem(item: LoadItem): Promise<LoadedItem> {
  const [file, names, strict, int64] = item;
  try {
    const entries = await readBloscFile(file, int64);
    const wanted = names ?? [...entries.keys()];
    const found = wanted.filter((name) => entries.has(name));
    if (strict && found.length < wanted.length) {
      const missing = wanted.find((name) => !entries.has(name))!;
      throw new MissingColumnError(FORMAT, file, missing, [...entries.keys()], 'component');
    }
    return [
      found,
      found.map((name) => entries.get(name)!.value),
      found.map((name) => entries.get(name)!.column),
      found.map((name) => entries.get(name)!.dtype),
    ];
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(loadBloscItem, import.meta.url);

/** A dump item: the file, names, values, column kinds and element dtypes of scalar items. */
export type DumpItem = [file: string, names: string[], values: unknown[], columns: ColumnKind[], dtypes: Array<string | null>];

/** Per-item dump function (runs in-process or in a worker). */
export async function dumpBloscItem(item: DumpItem, options: BloscSettings): Promise<IoErrorRecord | 0> {
  const [file, names, values, columns, dtypes] = item;
  try {
    const entries = names.map((name, i) => ({ name, value: values[i], column: columns[i]!, ...(dtypes[i] ? { dtype: dtypes[i]! } : {}) }));
    await writeBloscFile(file, entries, options);
    return 0;
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(dumpBloscItem, import.meta.url);

async function runItems(
  batch: BatchLike,
  func: (item: never, options: never) => unknown,
  items: unknown[],
  options: BloscLoadOptions | BloscDumpOptions,
  settings: object = {},
): Promise<unknown[]> {
  let results: unknown[] = [];
  const post = (collected: unknown[]): void => {
    results = collected;
  };
  await batch.applyParallel(
    func as never,
    {
      init: items,
      post,
      target: (options.target as never) ?? 'for',
      nWorkers: options.nWorkers as number | undefined,
      chunkSize: options.chunkSize as number | undefined,
      ...settings,
    } as never,
  );
  return results;
}

// ---- assembling loaded items into components ------------------------------------------------------

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** One component from its per-item values: the same kind of column it was dumped from when possible. */
function assembleLoaded(values: unknown[], columns: ColumnKind[], dtypes: string[]): Column {
  const column = columns[0];
  const dtype = dtypes[0]!;
  const uniform = columns.every((c) => c === column) && dtypes.every((d) => d === dtype);
  if (uniform && column === 'typedarray' && values.every((v) => typeof v === 'number' || typeof v === 'bigint')) {
    if (dtype === 'I64') return BigInt64Array.from(values as bigint[]) as unknown as Column;
    if (dtype === 'U64') return BigUint64Array.from(values as bigint[]) as unknown as Column;
    const js = jsDtype(dtype);
    if (js && js !== 'int64' && js !== 'uint64')
      return (typedArrayConstructor(js) as unknown as { from(v: ArrayLike<number>): TypedArray }).from(values as number[]);
  }
  if (uniform && column === 'ndarray') {
    const js = jsDtype(dtype);
    if (values.every((v) => typeof v === 'number') && js && js !== 'int64' && js !== 'uint64') {
      const Constructor = typedArrayConstructor(js);
      const out = new Constructor(values.length);
      values.forEach((v, i) => (out[i] = v as number));
      return ndarray(out, [values.length]);
    }
    if (values.every(isNdArray)) {
      const first = values[0] as NDArray;
      if (values.every((v) => sameShape((v as NDArray).shape, first.shape))) return stackNdArrays(values as NDArray[], dtypeOf(first));
    }
  }
  if (column === 'array' || !uniform) return values;
  return assembleColumn(values);
}

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
    const files = batch.indices.map((id) => itemPath(batch, id, options.src, 'src'));
    const results = (await runItems(
      batch,
      loadBloscItem,
      files.map((file): LoadItem => [file, names, strict, int64]),
      options,
    )) as LoadedItem[];
    const failed = results.find(isIoErrorRecord);
    if (failed) throw fromIoErrorRecord(failed);
    const loaded = results as Array<Exclude<LoadedItem, IoErrorRecord>>;
    const found = new Set<string>();
    for (const [itemNames] of loaded) for (const name of itemNames) found.add(name);
    if (found.size === 0) throw new MissingColumnError(FORMAT, files[0]!, names?.[0] ?? '(any)', [], 'component');
    const staged = new Map<string, Column>();
    for (const name of (names ?? [...found]).filter((n) => found.has(n))) {
      const values: unknown[] = [];
      const columns: ColumnKind[] = [];
      const dtypes: string[] = [];
      loaded.forEach(([itemNames, itemValues, itemColumns, itemDtypes], position) => {
        const k = itemNames.indexOf(name);
        if (k < 0) throw new MissingColumnError(FORMAT, files[position]!, name, itemNames, 'component');
        values.push(itemValues[k]);
        columns.push(itemColumns[k]!);
        dtypes.push(itemDtypes[k]!);
      });
      staged.set(name, assembleLoaded(values, columns, dtypes));
    }
    await assignComponents(batch, staged);
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
