/**
 * Typed errors of the file formats. Every one names the file (`file`, an absolute path) so a failed
 * load or dump can be traced without a debugger. All extend {@link IoError} (itself a
 * `BatchflowError`), except {@link MissingRowError}, which is also a `MissingIdError`.
 * @module
 */
import { BatchflowError, MissingIdError } from '../errors.js';

/** Base class of the file-format errors; `file` is the file at fault. */
export class IoError extends BatchflowError {
  override name = 'IoError';
  /** The file at fault (absolute path). */
  readonly file: string;
  /** The format that was reading or writing it ('blosc', 'csv', 'hdf5', 'feather'). */
  readonly format: string;
  /** What went wrong, without the format and the file the message adds around it. */
  readonly detail: string;
  constructor(format: string, file: string, message: string, options?: { cause?: unknown }) {
    super(`${format}: ${message} (file: ${file})`, options);
    this.file = file;
    this.format = format;
    this.detail = message;
  }
}

/** The file (or the folder it should be in) does not exist or cannot be read. */
export class MissingFileError extends IoError {
  override name = 'MissingFileError';
}

/** The file exists but is not in the expected format (e.g. a CSV file given as hdf5), or is damaged. */
export class FileFormatError extends IoError {
  override name = 'FileFormatError';
}

/** A truncated or corrupted file: sizes, header or checksum do not match. */
export class CorruptFileError extends FileFormatError {
  override name = 'CorruptFileError';
}

/** A requested column, component, dataset or key is not in the file. */
export class MissingColumnError extends IoError {
  override name = 'MissingColumnError';
  /** The name that was asked for. */
  readonly column: string;
  /** The names the file does hold. */
  readonly available: readonly string[];
  constructor(format: string, file: string, column: string, available: readonly string[], what = 'column') {
    const shown = available
      .slice(0, 20)
      .map((name) => `'${name}'`)
      .join(', ');
    super(format, file, `${what} '${column}' is not in the file (it has: ${shown || 'none'}${available.length > 20 ? ', …' : ''})`);
    this.column = column;
    this.available = available;
  }
}

/** Batch ids that are not in the table's index. Also a `MissingIdError` (its `ids` lists them). */
export class MissingRowError extends MissingIdError {
  override name = 'MissingRowError';
  /** The table file (absolute path). */
  readonly file: string;
  readonly format: string;
  constructor(format: string, file: string, ids: readonly unknown[], detail = '') {
    super(ids, `the index of ${format} file ${file}${detail ? ` (${detail})` : ''}`);
    this.file = file;
    this.format = format;
  }
}

/**
 * A file that would run code if Python loaded it: its pickle names a global outside the few that data
 * files are made of (`global`, e.g. 'posix.system'). Nothing was executed.
 */
export class UnsafePickleError extends FileFormatError {
  override name = 'UnsafePickleError';
  /** The refused global, `module.name`. */
  readonly global: string;
  constructor(format: string, file: string, global: string, options?: { cause?: unknown }) {
    super(
      format,
      file,
      `refused to load: its pickle refers to the Python global '${global}', which is not allowed in data files (nothing was executed)`,
      options,
    );
    this.global = global;
  }
}

/** Data that the format cannot store or read (e.g. objects in a table column, int64 beyond 2^53). */
export class UnsupportedDataError extends IoError {
  override name = 'UnsupportedDataError';
}

/** A plain record of an IoError, for sending across worker boundaries. */
export interface IoErrorRecord {
  readonly ioError: true;
  readonly name: string;
  readonly format: string;
  readonly file: string;
  readonly message: string;
  readonly column?: string;
  readonly available?: readonly string[];
  readonly global?: string;
  readonly what?: string;
  readonly declaredBytes?: number;
  readonly limitBytes?: number;
}

/** True for an {@link IoErrorRecord}. */
export function isIoErrorRecord(value: unknown): value is IoErrorRecord {
  return typeof value === 'object' && value !== null && (value as { ioError?: unknown }).ioError === true;
}

/** The record of `error` (an IoError), to return from a worker. */
export function toIoErrorRecord(error: IoError): IoErrorRecord {
  const record: IoErrorRecord = { ioError: true, name: error.name, format: error.format, file: error.file, message: error.message };
  if (error instanceof MissingColumnError) return { ...record, column: error.column, available: [...error.available] };
  if (error instanceof UnsafePickleError) return { ...record, global: error.global };
  if (error instanceof LoadLimitError) return { ...record, what: error.what, declaredBytes: error.declaredBytes, limitBytes: error.limitBytes };
  return record;
}

/** Rebuilds the typed error from its record. */
export function fromIoErrorRecord(record: IoErrorRecord): IoError {
  const prefix = `${record.format}: `;
  const suffix = ` (file: ${record.file})`;
  let detail = record.message;
  if (detail.startsWith(prefix)) detail = detail.slice(prefix.length);
  if (detail.endsWith(suffix)) detail = detail.slice(0, -suffix.length);
  switch (record.name) {
    case 'MissingColumnError':
      return new MissingColumnError(record.format, record.file, record.column ?? '', record.available ?? [], detail.split(' ')[0]);
    case 'MissingFileError':
      return new MissingFileError(record.format, record.file, detail);
    case 'UnsafePickleError':
      return new UnsafePickleError(record.format, record.file, record.global ?? '');
    case 'CorruptFileError':
      return new CorruptFileError(record.format, record.file, detail);
    case 'FileFormatError':
      return new FileFormatError(record.format, record.file, detail);
    case 'UnsupportedDataError':
      return new UnsupportedDataError(record.format, record.file, detail);
    case 'LoadLimitError':
      return new LoadLimitError(record.format, record.file, record.what ?? detail, record.declaredBytes ?? NaN, record.limitBytes ?? NaN);
    default:
      return new IoError(record.format, record.file, detail);
  }
}

/**
 * A file declares more data than one load may allocate (see `configureLoadLimits`). Raised from the
 * sizes a file declares, before anything is allocated.
 */
export class LoadLimitError extends IoError {
  override name = 'LoadLimitError';
  /** Bytes the file declares for the part being read. */
  readonly declaredBytes: number;
  /** The limit in force, in bytes. */
  readonly limitBytes: number;
  /** What declared the size, e.g. "dataset 'images'". */
  readonly what: string;
  constructor(format: string, file: string, what: string, declaredBytes: number, limitBytes: number) {
    super(
      format,
      file,
      `${what} declares ${declaredBytes} bytes, more than the load limit of ${limitBytes} bytes; raise it with configureLoadLimits({ maxBytes }) if the file is trusted`,
    );
    this.declaredBytes = declaredBytes;
    this.limitBytes = limitBytes;
    this.what = what;
  }
}
