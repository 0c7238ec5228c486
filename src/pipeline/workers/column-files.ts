/**
 * Large batch columns between the calling thread and a batch worker. To a worker they travel as extra
 * per-item arguments of the batch task, so the worker engine moves them its own way (a transferred
 * buffer on 'threads', a shared-memory file on 'mpc'). Back from a worker that is a child process,
 * whose channel would serialise and copy every byte, they are written to one shared-memory file and
 * only its name and offsets travel; the calling thread reads them and removes the file.
 * @module
 */
import { isMainThread } from 'node:worker_threads';
import { decodeAll, encodeList, isShmRef, type EncodedList } from '../../engines/worker/codec.js';
import { moveToSharedMemory, readFromSharedMemory, removeSharedMemory, shmThresholdBytes } from '../../engines/worker/shared-memory.js';
import { dtypeOf, isNdArray, isTypedArray } from '../../ndarray/ndarray-utils.js';

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

/**
 * Writes the large columns of `columns` to one shared-memory file and puts null in their place;
 * null when there is none (nothing written).
 */
export function moveColumnsToFile(columns: unknown[]): ColumnsInFile | null {
  const lists: Array<readonly [number, EncodedList]> = [];
  columns.forEach((column, k) => {
    // a view is fine: the file gets a copy of exactly its bytes
    if (isLargeColumn(column)) lists.push([k, encodeList(1, () => column, [], false, true)]);
  });
  if (lists.length === 0) return null;
  const file = moveToSharedMemory(lists.map(([, list]) => list));
  if (file === null) return null;
  const moved = lists.filter(([, list]) => list.kind !== 'values' && isShmRef(list.data));
  for (const [k] of moved) columns[k] = null;
  return { file, lists: moved };
}

/** Puts the columns of `moved` back into `columns` and removes the file (also when reading fails). */
export function readColumnsFromFile(columns: unknown[], moved: ColumnsInFile): void {
  try {
    readFromSharedMemory(moved.lists.map(([, list]) => list));
    for (const [k, list] of moved.lists) columns[k] = decodeAll(list)[0];
  } finally {
    removeSharedMemory(moved.file);
  }
}
