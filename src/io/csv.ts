/**
 * `fmt: 'csv'` — tables as pandas reads and writes them (csv-records.ts turns text into records and
 * back). See docs/formats.md for the layout and the options.
 *
 * - load: the first column is the index (pandas `index_col=0`; option `indexCol`), rows are selected
 *   by batch id, columns are typed like pandas infers them (integers → int64 policy, floats →
 *   Float64Array, True/False → booleans, anything else → strings; empty fields → NaN / null), and
 *   `dtypes` forces a column's type (e.g. `{x0: 'float32'}`, or `{x: 'float32'}` for all of x0, x1, …).
 * - dump: an index column holding the batch ids, then one column per component (ndarray components
 *   split into `name0, name1, …`); NaN and null are written as empty fields, booleans as True/False.
 * @module
 */
import type { BatchLike } from '../batch/batch-like.js';
import type { Column } from '../ndarray/columns.js';
import { typedArrayConstructor, type TypedArray } from '../ndarray/ndarray-utils.js';
import { ArgumentError } from '../errors.js';
import { optionNames } from '../util/option-names.js';
import { csvRecords, csvText } from './csv-records.js';
import { FileFormatError, MissingColumnError } from './errors.js';
import { readFileBytes, resolvePath, writeFileAtomic } from './files.js';
import type { FormatHandler } from './format-handler.js';
import { checkOptions, int64Policy, type IndexKey, type Int64Policy, type TableSource, type TableValues } from './table.js';
import { assignComponents, prefixedColumns, readComponents, readWholeTable, splitComponentNames } from './table-load.js';
import { batchToColumns, dumpNames } from './table-dump.js';

const FORMAT = 'csv';

/** Column types accepted by the csv `dtypes` option. */
export type CsvColumnType = 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'uint8' | 'uint16' | 'uint32' | 'int64' | 'bool' | 'string';

/** Options of `batch.load({fmt: 'csv', ...})`. */
export interface CsvLoadOptions {
  /** The file. */
  src: string;
  /** Components to load (a column name, or the prefix of `name0, name1, …` columns); default: the batch's components. */
  dst?: string | readonly string[];
  /** The index column: a position (default 0, as pandas writes it), a header name, or null for none (ids are row numbers). */
  indexCol?: number | string | null;
  /**
   * Force column types, e.g. `{x0: 'float32', code: 'string'}`. A key may also be a component stored as
   * `name0, name1, …` columns: `{images: 'float32'}` types every `images<k>` column.
   */
  dtypes?: Readonly<Record<string, CsvColumnType>>;
  /** How integer columns load: 'float64' (default, exact up to 2^53), 'int32', or 'bigint' (BigInt64Array). */
  int64?: Int64Policy;
  /** Item shapes of components stored as `name0…` columns, e.g. `{images: [4, 5]}` (default: flat). */
  shapes?: Readonly<Record<string, readonly number[]>>;
  /** Field delimiter (default ','). */
  delimiter?: string;
}

/** Options of `batch.dump({fmt: 'csv', ...})`. */
export interface CsvDumpOptions {
  /** The file. */
  dst: string;
  /** Components to write (default: every component holding data). */
  components?: string | readonly string[];
  /** Header of the index column (default '' = an unnamed pandas index). */
  indexName?: string;
  /** Field delimiter (default ','). */
  delimiter?: string;
}

const loadOptionNames = optionNames<CsvLoadOptions>()(['src', 'dst', 'indexCol', 'dtypes', 'int64', 'shapes', 'delimiter']);
const dumpOptionNames = optionNames<CsvDumpOptions>()(['dst', 'components', 'indexName', 'delimiter']);

const missingMarkers = new Set([
  '',
  'NaN',
  'nan',
  'NAN',
  '-NaN',
  '-nan',
  'NA',
  'N/A',
  'n/a',
  '<NA>',
  'null',
  'NULL',
  'None',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '1.#IND',
  '1.#QNAN',
]);
/**
 * True when `field` is one of pandas' missing markers. A field starting with a digit skips the set unless
 * it starts with '1.#' (the markers '1.#IND' and '1.#QNAN'): most fields of a table are numbers.
 */
function isMissing(field: string): boolean {
  const first = field.charCodeAt(0);
  if (first >= 48 && first <= 57 && !(first === 49 && field.charCodeAt(1) === 46 && field.charCodeAt(2) === 35)) return false;
  return missingMarkers.has(field);
}
const integerPattern = /^[+-]?\d+$/;
const floatPattern = /^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?|inf|infinity)$/i;

/** The number a field that matched `floatPattern` (or `integerPattern`) stands for. */
function parseFloatField(text: string): number {
  const value = Number(text);
  if (value === value) return value; // not NaN: every spelling but the lower-case and short infinities
  const lower = text.toLowerCase();
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity' || lower === '+infinity') return Infinity;
  if (lower === '-inf' || lower === '-infinity') return -Infinity;
  return Number(text);
}

function parseBool(text: string): boolean | null {
  const lower = text.toLowerCase();
  return lower === 'true' ? true : lower === 'false' ? false : null;
}

/** Types one column of strings like pandas' inference (or as `dtype` says). */
function typeColumn(values: readonly string[], dtype: CsvColumnType | undefined, file: string, column: string): TableValues {
  const n = values.length;
  const bad = (row: number, expected: string): never => {
    throw new FileFormatError(FORMAT, file, `column '${column}' row ${row}: ${JSON.stringify(values[row])} is not ${expected}`);
  };
  if (dtype === 'string') return values.map((v) => (v === '' ? null : v));
  if (dtype === 'bool') {
    return values.map((v, row) => {
      if (v === '') return null;
      const b = parseBool(v);
      return b === null ? bad(row, 'a boolean (True/False)') : b;
    });
  }
  if (dtype === 'int64') {
    const out = new BigInt64Array(n);
    for (let row = 0; row < n; row++) {
      if (!integerPattern.test(values[row]!)) bad(row, 'an integer');
      const value = BigInt(values[row]!);
      if (value < INT64_MIN || value > INT64_MAX) bad(row, 'an integer that fits int64');
      out[row] = value;
    }
    return out;
  }
  if (dtype !== undefined) {
    const Constructor = typedArrayConstructor(dtype);
    const out = new Constructor(n);
    const isInteger = dtype.startsWith('int') || dtype.startsWith('uint');
    for (let row = 0; row < n; row++) {
      const v = values[row]!;
      if (isInteger ? !integerPattern.test(v) : !(floatPattern.test(v) || isMissing(v))) bad(row, isInteger ? 'an integer' : 'a number');
      out[row] = isMissing(v) ? NaN : parseFloatField(v);
    }
    return out;
  }
  // inference, as pandas does: int64 if every field is an integer, float64 if every non-missing field is a number, bool, else strings
  let allInteger = true;
  let allNumber = true;
  let allBool = true;
  let anyMissing = false;
  let anyValue = false;
  // the numbers of a column of floats are converted as they are checked (one pass); a column of integers
  // gets its own type (integerColumn), so its numbers are made only when one is missing
  let numbers: Float64Array | null = null;
  for (let row = 0; row < n && (allNumber || allBool); row++) {
    const v = values[row]!;
    if (isMissing(v)) {
      anyMissing = true;
      if (numbers !== null) numbers[row] = NaN;
      continue;
    }
    anyValue = true;
    if (allNumber) {
      const integer = integerPattern.test(v);
      if (allInteger && (!integer || negativeZero.test(v))) allInteger = false; // '-0' keeps its sign as a float
      if (!integer && !floatPattern.test(v)) allNumber = allInteger = false;
      else if (!allInteger) (numbers ??= numbersOf(values, row))[row] = parseFloatField(v);
    }
    if (allBool && parseBool(v) === null) allBool = false;
  }
  if (!anyValue) return new Float64Array(n).fill(NaN);
  if (allInteger && !anyMissing) {
    const integers = integerColumn(values);
    if (integers) return integers;
    allNumber = false; // integers beyond 64 bits, or beyond int64 mixed with negatives: text, as pandas keeps them
  }
  if (allNumber) return numbers ?? numbersOf(values, n);
  if (allBool) return values.map((v) => (isMissing(v) ? null : parseBool(v)));
  return values.map((v) => (v === '' ? null : v));
}

/** A float64 column for `values`, its first `end` values converted (each a missing marker or a number), the rest 0. */
function numbersOf(values: readonly string[], end: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let row = 0; row < end; row++) {
    const v = values[row]!;
    out[row] = isMissing(v) ? NaN : parseFloatField(v);
  }
  return out;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;
/** '-0', '-00', …: an integer field that is a negative zero. */
const negativeZero = /^-0+$/;

/**
 * A column of integer fields as pandas types it: int64, or uint64 when a value is beyond int64 and
 * none is negative (BigUint64Array: 18446744073709551615 stays itself, never wraps to -1); null when
 * the values fit neither (the column is then text).
 */
function integerColumn(values: readonly string[]): BigInt64Array | BigUint64Array | null {
  const parsed = values.map((v) => BigInt(v));
  let min = 0n;
  let max = 0n;
  for (const value of parsed) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  if (min >= INT64_MIN && max <= INT64_MAX) return BigInt64Array.from(parsed);
  if (min >= 0n && max <= UINT64_MAX) return BigUint64Array.from(parsed);
  return null;
}

function indexValues(values: readonly string[]): IndexKey[] {
  if (values.every((v) => integerPattern.test(v) || floatPattern.test(v))) return values.map(parseFloatField);
  return [...values];
}

/** pandas' de-duplication of repeated header names: a, a.1, a.2, … */
function uniqueHeader(header: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return header.map((name) => {
    const count = seen.get(name) ?? 0;
    seen.set(name, count + 1);
    return count === 0 ? name : `${name}.${count}`;
  });
}

const validTypes = ['float32', 'float64', 'int8', 'int16', 'int32', 'uint8', 'uint16', 'uint32', 'int64', 'bool', 'string'];

/**
 * The type of each column from the `dtypes` option. A key is a column, or a component stored as
 * `name0, name1, …` columns (the type applies to each of them; a key naming one of those columns
 * itself wins). A key that is neither is a MissingColumnError listing the components and columns.
 */
function columnTypes(option: unknown, header: readonly string[], file: string): Record<string, CsvColumnType> {
  if (option === undefined || option === null) return Object.create(null) as Record<string, CsvColumnType>;
  if (typeof option !== 'object' || Array.isArray(option)) throw new ArgumentError('dtypes', 'expected a record {column or component: type}');
  const entries = Object.entries(option as Record<string, unknown>);
  for (const [name, type] of entries) {
    if (typeof type !== 'string' || !validTypes.includes(type))
      throw new ArgumentError('dtypes', `'${name}': unknown type ${JSON.stringify(type)}; expected one of ${validTypes.join(', ')}`);
  }
  const out = Object.create(null) as Record<string, CsvColumnType>; // no prototype: a column may be named __proto__
  for (const [name, type] of entries) {
    if (header.includes(name)) continue;
    const columns = prefixedColumns(header, name);
    if (!columns) throw new MissingColumnError(FORMAT, file, name, [...splitComponentNames(header), ...header], 'column or component (in dtypes)');
    for (const column of columns) out[column] = type as CsvColumnType;
  }
  for (const [name, type] of entries) if (header.includes(name)) out[name] = type as CsvColumnType;
  return out;
}

/** Reads a CSV file into a lazily typed {@link TableSource}. */
export async function readCsvTable(file: string, options: Partial<CsvLoadOptions> = {}): Promise<TableSource> {
  const bytes = await readFileBytes(FORMAT, file);
  const probe = bytes.subarray(0, 4096);
  if (probe.includes(0)) throw new FileFormatError(FORMAT, file, 'is a binary file, not CSV text');
  const text = new TextDecoder('utf-8').decode(bytes);
  const delimiter = options.delimiter ?? ',';
  if (typeof delimiter !== 'string' || delimiter === '') throw new ArgumentError('delimiter', `expected a non-empty string, got ${JSON.stringify(delimiter)}`);
  let records: string[][];
  try {
    records = csvRecords(text, delimiter);
  } catch (error) {
    throw new FileFormatError(FORMAT, file, `is not valid CSV: ${(error as Error).message}`, { cause: error });
  }
  if (records.length === 0) throw new FileFormatError(FORMAT, file, 'is empty (no header line)');
  const header = uniqueHeader(records[0]!);
  const rows = records.length - 1;
  const indexCol = options.indexCol === undefined ? 0 : options.indexCol;
  let indexPosition: number | null;
  if (indexCol === null || (indexCol as unknown) === false) indexPosition = null;
  else if (typeof indexCol === 'number' && Number.isInteger(indexCol) && indexCol >= 0) {
    if (indexCol >= header.length) throw new MissingColumnError(FORMAT, file, `#${indexCol}`, header, 'index column');
    indexPosition = indexCol;
  } else if (typeof indexCol === 'string') {
    indexPosition = header.indexOf(indexCol);
    if (indexPosition < 0) throw new MissingColumnError(FORMAT, file, indexCol, header, 'index column');
  } else {
    throw new ArgumentError('indexCol', `expected a column position, a column name or null, got ${JSON.stringify(indexCol)}`);
  }
  const dtypes = columnTypes(
    options.dtypes,
    header.filter((_, position) => position !== indexPosition),
    file,
  );
  for (let r = 1; r < records.length; r++) {
    if (records[r]!.length !== header.length)
      throw new FileFormatError(FORMAT, file, `line ${r + 1} has ${records[r]!.length} fields, the header has ${header.length}`);
  }
  const rawColumn = (position: number): string[] => {
    const out = new Array<string>(rows);
    for (let r = 0; r < rows; r++) out[r] = records[r + 1]![position]!;
    return out;
  };
  const names = header.filter((_, position) => position !== indexPosition);
  const positions = new Map(header.map((name, position) => [name, position] as const)); // names are unique (uniqueHeader)
  const cache = new Map<string, TableValues>();
  return {
    format: FORMAT,
    file,
    rowCount: rows,
    names,
    index: indexPosition === null ? null : indexValues(rawColumn(indexPosition)),
    positional: 'range',
    shapes: (options.shapes ?? {}) as Record<string, number[]>,
    read(name) {
      let values = cache.get(name);
      if (!values) {
        const position = positions.get(name);
        if (position === undefined || position === indexPosition) throw new MissingColumnError(FORMAT, file, name, names, 'column');
        values = typeColumn(rawColumn(position), dtypes[name], file, name);
        cache.set(name, values);
      }
      return values;
    },
  };
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return '';
  if (Object.is(value, -0)) return '-0.0'; // String(-0) is '0'; pandas writes and reads '-0.0'
  if (value === Infinity) return 'inf';
  if (value === -Infinity) return '-inf';
  return String(value);
}

/** The `fmt: 'csv'` handler. */
export const csvFormat: FormatHandler<CsvLoadOptions, CsvDumpOptions> = {
  async load(batch: BatchLike, options: CsvLoadOptions): Promise<void> {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    const table = await readCsvTable(file, options);
    const staged: Map<string, Column> = readComponents(table, batch, options.dst, policy);
    await assignComponents(batch, staged, { format: FORMAT, file });
  },

  async readTable(options: CsvLoadOptions, components: readonly string[] | null) {
    checkOptions(FORMAT, options, loadOptionNames);
    const file = resolvePath(FORMAT, options.src, 'src');
    const policy = int64Policy(options.int64);
    return readWholeTable(await readCsvTable(file, options), options.dst, components, policy);
  },

  async dump(batch: BatchLike, options: CsvDumpOptions): Promise<void> {
    checkOptions(FORMAT, options, dumpOptionNames);
    const file = resolvePath(FORMAT, options.dst, 'dst');
    const indexName = options.indexName ?? '';
    if (typeof indexName !== 'string') throw new ArgumentError('indexName', `expected a string, got ${typeof indexName}`);
    const delimiter = options.delimiter ?? ',';
    if (typeof delimiter !== 'string' || delimiter === '')
      throw new ArgumentError('delimiter', `expected a non-empty string, got ${JSON.stringify(delimiter)}`);
    const table = batchToColumns(batch, dumpNames(batch, options.components, FORMAT, file), FORMAT, file);
    const formatters = table.columns.map((column) => {
      const values = column.values as ArrayLike<unknown>;
      if (column.kind === 'number') return (row: number) => formatNumber((values as TypedArray)[row]!);
      if (column.kind === 'bigint') return (row: number) => String(values[row]);
      if (column.kind === 'bool') return (row: number) => (values[row] === null ? '' : values[row] ? 'True' : 'False');
      return (row: number) => (values[row] === null ? '' : String(values[row]));
    });
    const records: string[][] = [[indexName, ...table.columns.map((column) => column.name)]];
    for (let row = 0; row < table.ids.length; row++) {
      const record = new Array<string>(formatters.length + 1);
      record[0] = String(table.ids[row]);
      for (let j = 0; j < formatters.length; j++) record[j + 1] = formatters[j]!(row);
      records.push(record);
    }
    await writeFileAtomic(FORMAT, file, csvText(records, delimiter));
  },
};
