/**
 * `fmt: 'feather'` — Feather v2 (the Arrow IPC file format) via `apache-arrow`, as pyarrow and
 * `pandas.DataFrame.to_feather` write it. Column types are kept both ways (float32/float64/int8–32/
 * uint8–32 typed arrays, int64 by the int64 policy, bool, utf8 strings). pandas' default files are
 * LZ4-frame compressed, and `compression='zstd'` is common: apache-arrow JS has no codecs of its own,
 * so this module registers pure-JS ones (`lz4js`, `fzstd`) with apache-arrow's `compressionRegistry`
 * on first use. Rows are found by the index the pandas metadata records: an index column, or a
 * `RangeIndex` (stored as start/stop/step, no column).
 *
 * Writing adds pandas metadata so `pandas.read_feather` restores the batch ids as the index, and a
 * `batchflow` metadata entry with the item shapes of components split into `name0…` columns.
 * @module
 */
import {
  Bool,
  RecordBatch,
  RecordBatchFileWriter,
  Schema,
  Table,
  Utf8,
  makeVector,
  tableFromIPC,
  vectorFromArray,
  type DataType,
  type Vector,
} from 'apache-arrow';
import type { BatchLike } from '../batch/batch-like.js';
import { isTypedArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError, BatchflowError } from '../errors.js';
import { optionNames } from '../util/option-names.js';
import { CorruptFileError, FileFormatError, MissingColumnError } from './errors.js';
import { DecodedSizeError, registerCodecs } from './feather-codecs.js';
import { validateArrowFile } from './feather-validate.js';
import { checkDeclaredSize } from './load-limits.js';
import { readFileBytes, resolvePath, writeFileAtomic } from './files.js';
import type { FormatHandler } from './format-handler.js';
import { checkOptions, indexKey, int64Policy, type IndexKey, type Int64Policy, type TableSource, type TableValues } from './table.js';
import { assignComponents, readComponents, readWholeTable } from './table-load.js';
import { batchToColumns, dumpNames, type DumpColumn } from './table-dump.js';

const FORMAT = 'feather';
const ARROW_MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const FEATHER_V1_MAGIC = [0x46, 0x45, 0x41, 0x31]; // "FEA1"
/** The index field name pandas/pyarrow use for an unnamed index. */
export const PANDAS_INDEX_FIELD = '__index_level_0__';

/** Options of `batch.load({fmt: 'feather', ...})`. */
export interface FeatherLoadOptions {
  src: string;
  dst?: string | readonly string[];
  /**
   * The index column (a field name), or null for none (ids are row numbers). Default: the index
   * recorded in the file's pandas metadata (files written by `dump` or by pyarrow from a frame with
   * an index), else none. For `df.reset_index().to_feather(...)` files pass the column name, e.g. 'id'.
   */
  indexCol?: string | null;
  int64?: Int64Policy;
  /** Item shapes of components stored as `name0…` columns (default: from the file's metadata, else flat). */
  shapes?: Readonly<Record<string, readonly number[]>>;
}

/** Options of `batch.dump({fmt: 'feather', ...})`. */
export interface FeatherDumpOptions {
  dst: string;
  components?: string | readonly string[];
  /** Name of the index (pandas index name); default none (field `__index_level_0__`). */
  indexName?: string | null;
  /**
   * Only 'uncompressed' (the default; fastest to load). LZ4 writing is not offered: apache-arrow 21
   * writes the compressed instead of the uncompressed length before each LZ4 buffer, which pyarrow
   * rejects ("Lz4 decompression buffer too small").
   */
  compression?: 'uncompressed';
}

const loadOptionNames = optionNames<FeatherLoadOptions>()(['src', 'dst', 'indexCol', 'int64', 'shapes']);
const dumpOptionNames = optionNames<FeatherDumpOptions>()(['dst', 'components', 'indexName', 'compression']);

/** The message of anything thrown (apache-arrow and the codecs throw plain errors, or non-errors). */
function errorMessage(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

function startsWith(bytes: Uint8Array, magic: readonly number[], offset = 0): boolean {
  return magic.every((byte, i) => bytes[offset + i] === byte);
}

function bigIntArray(values: unknown): values is BigInt64Array | BigUint64Array {
  return values instanceof BigInt64Array || values instanceof BigUint64Array;
}

/** One Arrow column as table values: typed arrays stay typed (NaN for null floats), bool/strings as JS arrays. */
function vectorValues(vector: Vector, file: string, name: string): TableValues {
  const type = vector.type as DataType;
  const typeId = String(type);
  if (/^(Float|Int|Uint)/.test(typeId) && !/^Float16/.test(typeId)) {
    const values = vector.toArray() as TypedArray | BigInt64Array | BigUint64Array;
    if (vector.nullCount === 0) return values;
    if (bigIntArray(values)) {
      throw new FileFormatError(
        FORMAT,
        file,
        `column '${name}' is a 64-bit integer column with ${vector.nullCount} null(s); JS typed arrays cannot hold nulls — fill them in the writer`,
      );
    }
    const out = (/^Float/.test(typeId) ? values.slice() : Float64Array.from(values)) as TypedArray;
    for (let i = 0; i < vector.length; i++) if (!vector.isValid(i)) out[i] = NaN;
    return out;
  }
  const out = new Array<unknown>(vector.length);
  for (let i = 0; i < vector.length; i++) {
    const value = vector.get(i) as unknown;
    out[i] = value === undefined ? null : value;
  }
  return out;
}

interface PandasMetadata {
  index_columns?: unknown[];
}

/** A pandas `RangeIndex` as pyarrow records it in the schema metadata (no column holds it). */
interface PandasRangeIndex {
  kind: 'range';
  start: number;
  stop: number;
  step: number;
  name?: string | null;
}

function isRangeIndex(entry: unknown): entry is PandasRangeIndex {
  const range = entry as Partial<PandasRangeIndex> | null;
  return (
    typeof range === 'object' &&
    range !== null &&
    range.kind === 'range' &&
    [range.start, range.stop, range.step].every((v) => typeof v === 'number' && Number.isSafeInteger(v)) &&
    range.step !== 0
  );
}

/** The ids of a RangeIndex, checked against the row count. */
function rangeIds(range: PandasRangeIndex, rowCount: number, file: string): number[] {
  const { start, stop, step } = range;
  const length = Math.max(0, Math.ceil((stop - start) / step));
  if (length !== rowCount) {
    throw new FileFormatError(FORMAT, file, `its pandas metadata records a RangeIndex(${start}, ${stop}, ${step}) of ${length} ids for ${rowCount} rows`);
  }
  return Array.from({ length }, (_, k) => start + k * step);
}

/** What the index of a file is: a column, a range of ids, or none (ids are row numbers). */
type FileIndex = { column: string } | { ids: number[] } | null;

/**
 * The index recorded in the pandas metadata: one index column, a RangeIndex (its ids computed), or
 * none. Several index levels (a MultiIndex) cannot be matched to batch ids: that is an error asking
 * for `indexCol`, never a guess.
 */
function pandasIndex(pandas: PandasMetadata, fields: readonly string[], rowCount: number, file: string): FileIndex {
  const entries = Array.isArray(pandas.index_columns) ? pandas.index_columns : [];
  if (entries.length === 0) return null;
  const describe = (entry: unknown): string =>
    typeof entry === 'string' ? entry : isRangeIndex(entry) ? `RangeIndex(${entry.start}, ${entry.stop}, ${entry.step})` : JSON.stringify(entry);
  if (entries.length > 1) {
    const columns = entries.filter((entry): entry is string => typeof entry === 'string');
    throw new FileFormatError(
      FORMAT,
      file,
      `has a pandas index of ${entries.length} levels (${entries.map(describe).join(', ')}), which batch ids cannot be matched to; pass indexCol (${columns.length > 0 ? columns.map((c) => `'${c}'`).join(' or ') : 'a column name'}) or indexCol: null for row numbers`,
    );
  }
  const entry = entries[0];
  if (typeof entry === 'string') {
    if (!fields.includes(entry))
      throw new FileFormatError(
        FORMAT,
        file,
        `its pandas metadata names the index column '${entry}', which the file does not have (columns: ${fields.join(', ')})`,
      );
    return { column: entry };
  }
  if (isRangeIndex(entry)) return { ids: rangeIds(entry, rowCount, file) };
  throw new FileFormatError(
    FORMAT,
    file,
    `has a pandas index entry ${describe(entry)} that cannot be read; pass indexCol (a column name) or indexCol: null for row numbers`,
  );
}

/** Reads a Feather v2 / Arrow IPC file into a {@link TableSource}. */
export async function readFeatherTable(file: string, options: Partial<FeatherLoadOptions> = {}): Promise<TableSource> {
  const bytes = await readFileBytes(FORMAT, file);
  if (startsWith(bytes, FEATHER_V1_MAGIC))
    throw new FileFormatError(
      FORMAT,
      file,
      'is a Feather v1 file; only Feather v2 (Arrow IPC) is supported — rewrite it with pyarrow.feather.write_feather(..., version=2)',
    );
  if (!startsWith(bytes, ARROW_MAGIC) || !startsWith(bytes, ARROW_MAGIC, bytes.length - 6)) {
    throw new FileFormatError(FORMAT, file, 'is not a Feather v2 / Arrow IPC file (no ARROW1 magic at its start and end)');
  }
  validateArrowFile(bytes, file);
  registerCodecs();
  let table: Table;
  try {
    table = tableFromIPC(bytes);
  } catch (error) {
    if (error instanceof DecodedSizeError) {
      if (error.overLimit) checkDeclaredSize(FORMAT, file, 'a compressed buffer', error.bytes);
      throw new CorruptFileError(FORMAT, file, `is damaged: ${error.message}`, { cause: error });
    }
    const message = errorMessage(error);
    throw new FileFormatError(
      FORMAT,
      file,
      /codec|compress/i.test(message)
        ? `uses a compression apache-arrow cannot read here (${message}); LZ4, zstd and uncompressed files are supported`
        : `cannot be read as Arrow IPC: ${message}`,
      { cause: error },
    );
  }
  const fields = table.schema.fields.map((field) => field.name);
  const metadata = table.schema.metadata;
  let pandas: PandasMetadata;
  let batchflow: { shapes?: Record<string, number[]> } = {};
  try {
    pandas = JSON.parse(metadata.get('pandas') ?? '{}') as PandasMetadata;
  } catch {
    pandas = {};
  }
  try {
    batchflow = JSON.parse(metadata.get('batchflow') ?? '{}') as typeof batchflow;
  } catch {
    batchflow = {};
  }
  let fileIndex: FileIndex;
  if (options.indexCol === undefined) {
    fileIndex = pandasIndex(pandas, fields, table.numRows, file);
  } else if (options.indexCol === null) {
    fileIndex = null;
  } else if (typeof options.indexCol === 'string') {
    if (!fields.includes(options.indexCol)) throw new MissingColumnError(FORMAT, file, options.indexCol, fields, 'index column');
    fileIndex = { column: options.indexCol };
  } else {
    throw new ArgumentError('indexCol', `expected a column name or null, got ${JSON.stringify(options.indexCol)}`);
  }
  const indexName = fileIndex !== null && 'column' in fileIndex ? fileIndex.column : null;
  const read = (name: string): TableValues => {
    const vector = table.getChild(name);
    if (!vector) throw new MissingColumnError(FORMAT, file, name, fields);
    try {
      return vectorValues(vector, file, name);
    } catch (error) {
      if (error instanceof BatchflowError) throw error;
      throw new CorruptFileError(FORMAT, file, `column '${name}' cannot be read: ${errorMessage(error)}`, { cause: error });
    }
  };
  let index: IndexKey[] | null = null;
  if (fileIndex !== null && 'ids' in fileIndex) index = fileIndex.ids;
  else if (indexName !== null) index = Array.from(read(indexName) as ArrayLike<unknown>, indexKey);
  return {
    format: FORMAT,
    file,
    rowCount: table.numRows,
    names: fields.filter((name) => name !== indexName),
    index,
    positional: 'range',
    shapes: { ...(batchflow.shapes ?? {}), ...((options.shapes ?? {}) as Record<string, number[]>) },
    read,
  };
}

function arrowVector(column: DumpColumn): Vector {
  const values = column.values;
  if (column.kind === 'string') return vectorFromArray(values as Array<string | null>, new Utf8());
  if (column.kind === 'bool') return vectorFromArray(values as Array<boolean | null>, new Bool());
  if (values instanceof Uint8ClampedArray) return makeVector(new Uint8Array(values.buffer, values.byteOffset, values.length));
  if (isTypedArray(values)) return makeVector(values as Exclude<TypedArray, Uint8ClampedArray> | BigInt64Array);
  throw new TypeError(`column '${column.name}': cannot write ${String(values)}`);
}

const pandasTypes: Record<string, [string, string]> = {
  Float32: ['float32', 'float32'],
  Float64: ['float64', 'float64'],
  Int8: ['int8', 'int8'],
  Int16: ['int16', 'int16'],
  Int32: ['int32', 'int32'],
  Int64: ['int64', 'int64'],
  Uint8: ['uint8', 'uint8'],
  Uint16: ['uint16', 'uint16'],
  Uint32: ['uint32', 'uint32'],
  Uint64: ['uint64', 'uint64'],
  Bool: ['bool', 'bool'],
  Utf8: ['unicode', 'object'],
};

function pandasColumn(name: string | null, field: string, type: DataType): Record<string, unknown> {
  const [pandasType, numpyType] = pandasTypes[String(type)] ?? ['object', 'object'];
  return { name, field_name: field, pandas_type: pandasType, numpy_type: numpyType, metadata: null };
}

function indexVector(ids: readonly IndexKey[]): Vector {
  if (ids.every((id) => typeof id === 'number' && Number.isSafeInteger(id))) return makeVector(BigInt64Array.from(ids as number[], (id) => BigInt(id)));
  if (ids.every((id) => typeof id === 'number')) return makeVector(Float64Array.from(ids as number[]));
  return vectorFromArray(ids.map(String), new Utf8());
}

/** The batch as Arrow IPC file bytes (see module docs for the metadata). */
export function batchToFeather(batch: BatchLike, options: { components?: unknown; indexName?: unknown; compression?: unknown }, file: string): Uint8Array {
  const indexName = options.indexName ?? null;
  if (indexName !== null && typeof indexName !== 'string') throw new ArgumentError('indexName', `expected a string or null, got ${typeof indexName}`);
  const compression = options.compression ?? 'uncompressed';
  if (compression !== 'uncompressed') {
    throw new ArgumentError(
      'compression',
      `only 'uncompressed' can be written (apache-arrow 21 writes LZ4 buffers that pyarrow rejects), got ${JSON.stringify(compression)}`,
    );
  }
  const dumped = batchToColumns(batch, dumpNames(batch, options.components, FORMAT, file), FORMAT, file);
  const indexField = indexName ?? PANDAS_INDEX_FIELD;
  if (dumped.columns.some((column) => column.name === indexField))
    throw new ArgumentError('indexName', `'${indexField}' is also a column name; choose another indexName`);
  const vectors: Record<string, Vector> = {};
  for (const column of dumped.columns) vectors[column.name] = arrowVector(column);
  vectors[indexField] = indexVector(dumped.ids);
  const plain = new Table(vectors);
  const pandasMetadata = {
    index_columns: [indexField],
    column_indexes: [{ name: null, field_name: null, pandas_type: 'unicode', numpy_type: 'object', metadata: { encoding: 'UTF-8' } }],
    columns: plain.schema.fields.map((field) => pandasColumn(field.name === indexField ? indexName : field.name, field.name, field.type as DataType)),
    creator: { library: 'batchflow-ts', version: '0.1.0' },
    pandas_version: '2.0.0',
  };
  const schema = new Schema(
    plain.schema.fields,
    new Map([
      ['pandas', JSON.stringify(pandasMetadata)],
      ['batchflow', JSON.stringify({ shapes: dumped.shapes, components: dumped.components })],
    ]),
  );
  const table = new Table(
    schema,
    plain.batches.map((recordBatch) => new RecordBatch(schema, recordBatch.data)),
  );
  return RecordBatchFileWriter.writeAll(table).toUint8Array(true);
}

/** The `fmt: 'feather'` handler. */
export const featherFormat: FormatHandler<FeatherLoadOptions, FeatherDumpOptions> = {
  async load(batch: BatchLike, options: FeatherLoadOptions): Promise<void> {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    const table = await readFeatherTable(file, options);
    await assignComponents(batch, readComponents(table, batch, options.dst, policy));
  },

  async readTable(options: FeatherLoadOptions, components: readonly string[] | null) {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    return readWholeTable(await readFeatherTable(file, options), options.dst, components, policy);
  },

  async dump(batch: BatchLike, options: FeatherDumpOptions): Promise<void> {
    checkOptions(FORMAT, options, dumpOptionNames);
    const file = resolvePath(FORMAT, options.dst, 'dst');
    await writeFileAtomic(FORMAT, file, batchToFeather(batch, options, file));
  },
};
