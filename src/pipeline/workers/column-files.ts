/**
 * Large batch columns between the calling thread and a batch worker. To a worker they travel as extra
 * per-item arguments of the batch task, so the worker engine moves them its own way (a transferred
 * buffer on 'threads'). Back from a worker that is a child process, whose channel would serialise and
 * copy every byte, they are written to a shared-memory file and only its name and offsets travel.
 * On the built-in 'mpc' engine a run keeps a few such files ({@link ColumnFilePool}, one per batch
 * in flight) and reuses them both ways: the calling thread writes a batch's large columns into one,
 * the child process reads them, then writes the batch's results into the same file, which the calling
 * thread reads; the file's memory pages serve batch after batch (a new file would take fresh pages
 * from the system for every batch, and removing it costs a call of its own).
 * @module
 */
import { closeSync, existsSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isMainThread } from 'node:worker_threads';
import { decodeAll, encodeList, isShmRef, type EncodedList } from '../../engines/worker/codec.js';
import { moveToSharedMemory, readFromSharedMemory, removeSharedMemory, shmThresholdBytes, type ByteStorage } from '../../engines/worker/shared-memory.js';
import { dtypeOf, isNdArray, isTypedArray, typedArrayDType, type TypedArray } from '../../ndarray/ndarray-utils.js';

/** True for a column worth moving as a buffer of its own: a numeric ndarray of at least the shared-memory threshold. */
export function isLargeColumn(column: unknown): boolean {
  return isNdArray(column) && dtypeOf(column) !== undefined && isTypedArray(column.data) && column.size * column.data.BYTES_PER_ELEMENT >= shmThresholdBytes;
}

/** True in a batchflow-ts worker that is a child process ('mpc'), not a worker thread. */
export function inChildProcessWorker(): boolean {
  return (globalThis as Record<symbol, unknown>)[Symbol.for('batchflow-ts:in-worker')] === true && isMainThread;
}

/** Columns written to one shared-memory file: the file and, per column position, its packed list. */
export interface ColumnsInFile {
  readonly file: string;
  readonly lists: ReadonlyArray<readonly [number, EncodedList]>;
}

/** The large columns of `columns`, each packed as a list of one (a view where possible: the file gets a copy of exactly its bytes). */
function largeLists(columns: readonly unknown[]): Array<readonly [number, EncodedList]> {
  const lists: Array<readonly [number, EncodedList]> = [];
  columns.forEach((column, k) => {
    if (isLargeColumn(column)) lists.push([k, encodeList(1, () => column, [], false, true)]);
  });
  return lists;
}

/**
 * Writes the large columns of `columns` to one new shared-memory file and puts null in their place;
 * null when there is none (nothing written).
 */
export function moveColumnsToFile(columns: unknown[]): ColumnsInFile | null {
  const lists = largeLists(columns);
  if (lists.length === 0) return null;
  const file = moveToSharedMemory(lists.map(([, list]) => list));
  if (file === null) return null;
  const moved = lists.filter(([, list]) => list.kind !== 'values' && isShmRef(list.data));
  for (const [k] of moved) columns[k] = null;
  return { file, lists: moved };
}

/**
 * Writes the large columns of `columns` into the existing shared-memory file `file`, from its start
 * (never truncating it: the pages it holds are written over), and puts null in their place; null when
 * there is none (nothing written).
 */
export function writeColumnsIntoFile(columns: unknown[], file: string): ColumnsInFile | null {
  const lists = largeLists(columns).filter(([, list]) => list.kind !== 'values');
  if (lists.length === 0) return null;
  const descriptor = openSync(file, 'r+');
  try {
    let byteOffset = 0;
    for (const [k, list] of lists) {
      const data = (list as { data: TypedArray }).data;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      for (let done = 0; done < bytes.byteLength;) done += writeSync(descriptor, bytes, done, bytes.byteLength - done, byteOffset + done);
      (list as { data: unknown }).data = { shmFile: file, byteOffset, byteLength: data.byteLength, dtype: typedArrayDType(data)! };
      byteOffset += data.byteLength;
      columns[k] = null;
    }
  } finally {
    closeSync(descriptor);
  }
  return { file, lists };
}

/**
 * Puts the columns of `moved` back into `columns` and removes the file (also when reading fails),
 * unless `keep` (a file of a {@link ColumnFilePool}, which serves the next batch). Columns are read
 * into room from `storage` when it gives some (a batch's reused slots on a worker), else into new buffers.
 */
export function readColumnsFromFile(columns: unknown[], moved: ColumnsInFile, keep = false, storage: ByteStorage | null = null): void {
  try {
    readFromSharedMemory(
      moved.lists.map(([, list]) => list),
      storage,
    );
    for (const [k, list] of moved.lists) columns[k] = decodeAll(list)[0];
  } finally {
    if (!keep) removeSharedMemory(moved.file);
  }
}

const fileDirectory = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
let fileCounter = 0;

/** Every pool file not removed yet: a run left unfinished (a `nextBatch` sequence) still removes its files when the process exits. */
const openFiles = new Set<string>();

function removeOpenFiles(): void {
  for (const file of openFiles) rmSync(file, { force: true });
}

/**
 * The shared-memory files one run reuses for its batches' large columns, both ways: a batch takes a
 * free one (or a new, empty one) and gives it back once its results are read. A file whose batch
 * failed is not given back (a worker stopped mid-batch may still write it). {@link close} removes
 * every file of the pool (when the run ends).
 */
export class ColumnFilePool {
  readonly #free: string[] = [];
  readonly #all = new Set<string>();

  /** A file for one batch. */
  acquire(): string {
    const reused = this.#free.pop();
    if (reused !== undefined) return reused;
    // the library's prefix and this process's id, as for the engines' own files
    const file = join(fileDirectory, `batchflow-${process.pid}-columns-${++fileCounter}-${Math.random().toString(36).slice(2, 8)}.bin`);
    closeSync(openSync(file, 'w', 0o600));
    this.#all.add(file);
    if (openFiles.size === 0) process.once('exit', removeOpenFiles);
    openFiles.add(file);
    return file;
  }

  /** Gives `file` back for the next batch. */
  release(file: string): void {
    if (this.#all.has(file)) this.#free.push(file);
  }

  /** Removes every file of the pool. */
  close(): void {
    for (const file of this.#all) {
      rmSync(file, { force: true });
      openFiles.delete(file);
    }
    if (openFiles.size === 0) process.off('exit', removeOpenFiles);
    this.#all.clear();
    this.#free.length = 0;
  }
}
