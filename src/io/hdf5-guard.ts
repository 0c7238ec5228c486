/**
 * What keeps `fmt: 'hdf5'` safe on hostile files and names: declared dataset sizes checked before
 * anything is read (the load limit, and contiguous data a file is too small to hold), HDF5 types the
 * loader cannot represent refused by name, h5wasm's plain errors and WASM aborts turned into typed
 * errors naming the file (an aborted WASM instance is replaced), and names that HDF5 would silently
 * change (`a/b`, `.`, `..`, NUL) refused before anything is written.
 * @module
 */
import { ArgumentError, BatchflowError, ComponentError } from '../errors.js';
import { CorruptFileError, UnsupportedDataError } from './errors.js';
import { resetH5wasm, type H5Dataset } from './h5wasm-import.js';
import { checkGlobalHeaps } from './hdf5-heaps.js';
import { checkDeclaredSize } from './load-limits.js';

const FORMAT = 'hdf5';
const FLOAT_CLASS = 1;
/** Files up to this size have their global heaps checked when opened; larger ones before their first variable-length dataset is read. */
export const EAGER_HEAP_CHECK_BYTES = 64 * 1024 * 1024;

/** The bytes one load has read so far, checked against the load limit as each dataset is read. */
export class LoadBudget {
  private used = 0;
  private heapsChecked = false;

  constructor(
    readonly file: string,
    readonly fileSize: number,
  ) {
    if (fileSize <= EAGER_HEAP_CHECK_BYTES) this.checkHeaps();
  }

  /** Checks the file's global heap collections (where variable-length data live), once. */
  private checkHeaps(): void {
    if (this.heapsChecked) return;
    checkGlobalHeaps(this.file, this.fileSize);
    this.heapsChecked = true;
  }

  /**
   * Checks that reading `rows` rows (null: all) of `dataset` fits: a float16 dataset is refused (no
   * JS typed array holds it), the declared bytes must be within the load limit (together with what
   * this load read before), and contiguous (unchunked) data must fit in the file.
   */
  take(dataset: H5Dataset, name: string, rows: number | null = null): void {
    const metadata = dataset.metadata;
    const shape = (dataset.shape ?? []) as number[];
    if (metadata.type === FLOAT_CLASS && metadata.size === 2)
      throw new UnsupportedDataError(FORMAT, this.file, `dataset '${name}' is float16, which no JS typed array holds; store it as float32 in the writer`);
    if (metadata.vlen) this.checkHeaps();
    const elements = shape.reduce((a, b) => a * b, 1);
    const bytes = elements * Math.max(1, metadata.size);
    const read = rows === null || shape.length === 0 || shape[0] === 0 ? bytes : (bytes / shape[0]!) * rows;
    checkDeclaredSize(FORMAT, this.file, `dataset '${name}' (shape [${shape.join(', ')}], ${metadata.size}-byte values)`, this.used + read);
    if (metadata.chunks === null && !metadata.vlen && bytes > this.fileSize)
      throw new CorruptFileError(
        FORMAT,
        this.file,
        `is damaged: dataset '${name}' declares ${bytes} bytes of contiguous data (shape [${shape.join(', ')}]), more than the whole file (${this.fileSize} bytes) can hold`,
      );
    this.used += read;
  }
}

function messageOf(error: unknown): string {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' ? message : String(error);
}

/** True for a WebAssembly `RuntimeError` (an abort or a trap), from any realm. */
function isWasmTrap(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'RuntimeError';
}

/**
 * `error` (thrown while reading `file` with h5wasm) as a typed error: BatchflowErrors pass through;
 * a WASM abort replaces the h5wasm instance (later loads get a fresh one) and, like h5wasm's own
 * errors (e.g. "name not defined" for an object HDF5 cannot decode), becomes a CorruptFileError.
 */
export function readFailure(error: unknown, file: string): BatchflowError {
  if (error instanceof BatchflowError) return error;
  if (isWasmTrap(error)) {
    resetH5wasm();
    return new CorruptFileError(FORMAT, file, `is damaged: the HDF5 library aborted while reading it (${messageOf(error)})`, { cause: error });
  }
  return new CorruptFileError(FORMAT, file, `is damaged or not readable as HDF5: ${messageOf(error)}`, { cause: error });
}

/** Resets h5wasm after a WASM abort during a write (the error itself is reported by the caller). */
export function afterWriteFailure(error: unknown): void {
  if (isWasmTrap(error)) resetH5wasm();
}

/** Refuses a path HDF5 would cut at a NUL character (it would read or write another file). */
export function checkHdf5Path(file: string, argument: 'src' | 'dst'): void {
  if (file.includes('\0')) throw new ArgumentError(argument, `the path ${JSON.stringify(file)} contains a NUL character, which HDF5 would cut the name at`);
}

/**
 * Refuses names that HDF5 would store as something else: NUL (cut there) always; in `layout:
 * 'datasets'` (names are HDF5 links) also `/` (a path into groups), `.`, `..` and the empty name.
 */
export function checkDumpNames(names: readonly string[], file: string, links: boolean, what = 'component'): void {
  for (const name of names) {
    let problem: string | null = null;
    if (name.includes('\0')) problem = 'contains a NUL character, at which HDF5 would cut it';
    else if (links && name.includes('/')) problem = "contains '/', which HDF5 reads as a path into groups";
    else if (links && (name === '.' || name === '..' || name === '')) problem = 'is not a valid HDF5 dataset name';
    if (problem !== null) {
      const message = `${what} '${name.replace(/\0/g, '\\0')}' ${problem}; rename it before dumping to hdf5 (file: ${file})`;
      throw what === 'component' ? new ComponentError(name, `hdf5: ${message}`) : new ArgumentError(what, message);
    }
  }
}
