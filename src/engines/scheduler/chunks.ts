/**
 * Cutting a task into chunks and building the message of each chunk: the items and per-item values
 * packed into buffers, the slices of the mask, seeds and index values, and what `this` is on the worker.
 * @module
 */
import type { IndexValue } from '../../dataset/dataset-index.js';
import { getDefiningModule } from '../../decorators/registry.js';
import { ArgumentError } from '../../errors.js';
import type { FunctionReference } from '../function-reference.js';
import type { ItemTask, RngSeeding } from '../item-task.js';
import type { SharedOutput } from '../result-buffer.js';
import type { SlotLease } from '../shared-slots.js';
import type { DType } from '../../ndarray/ndarray-utils.js';
import { copyScalars, encodeColumn, encodeList, type EncodedList, type IdRange } from '../worker/codec.js';
import type { WorkerSelf, WorkerTaskMessage } from '../worker/messages.js';
import { isConsecutiveRun, scanIdList } from '../../ndarray/id-list-scan.js';

interface BatchLike {
  getAttrs(): Record<string, unknown>;
  readonly indices: readonly IndexValue[];
  readonly constructor: object;
}

function isBatchLike(value: unknown): value is BatchLike {
  return typeof value === 'object' && value !== null && typeof (value as BatchLike).getAttrs === 'function' && Array.isArray((value as BatchLike).indices);
}

/** True when `value` certainly survives structured cloning without trying (primitives other than symbols). */
function isClonedAsIs(value: unknown): boolean {
  return value === null || (typeof value !== 'object' && typeof value !== 'function' && typeof value !== 'symbol');
}

function cloneableAttributes(attributes: Record<string, unknown>): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (isClonedAsIs(value)) {
      kept[name] = value;
      continue;
    }
    try {
      structuredClone(value);
      kept[name] = value;
    } catch {
      // attributes that cannot be cloned (functions, class instances with handles) stay on the main thread
    }
  }
  return kept;
}

/** The ids of `thisArg` when it is a batch, else null. */
export function batchIdsOf(thisArg: unknown): readonly IndexValue[] | null {
  return isBatchLike(thisArg) ? thisArg.indices : null;
}

/** What `this` is on the worker: the batch's class, module and cloneable attributes (its ids travel per chunk); null for other `this`. */
export function describeSelf(thisArg: unknown): WorkerSelf | null {
  if (!isBatchLike(thisArg)) return null;
  const cls = thisArg.constructor as abstract new (...args: never[]) => unknown;
  return { module: getDefiningModule(cls), className: cls.name, attributes: cloneableAttributes(thisArg.getAttrs()) };
}

/** Throws an ArgumentError naming the first option or argument of `task` that cannot be sent to a worker of `target`. */
export function assertCloneable(task: ItemTask, target: string): void {
  for (const [name, value] of Object.entries(task.options)) {
    if (isClonedAsIs(value)) continue;
    try {
      structuredClone(value);
    } catch {
      throw new ArgumentError(
        name,
        `option '${name}' of '${task.action}' cannot be sent to a '${target}' worker (functions, closures and class instances with methods do not survive structured cloning); pass plain data, or use target 'for' / 'async'`,
      );
    }
  }
  task.args.forEach((value, index) => {
    if (isClonedAsIs(value)) return;
    try {
      structuredClone(value);
    } catch {
      throw new ArgumentError(`args[${index}]`, `argument ${index} of '${task.action}' cannot be sent to a '${target}' worker; pass plain data`);
    }
  });
}

function sliceSeeding(seeding: RngSeeding, start: number, end: number): RngSeeding {
  return seeding.kind === 'perItem' ? { kind: 'perItem', seeds: Array.prototype.slice.call(seeding.seeds, start, end) as number[] } : seeding;
}

/**
 * Where chunks start and end. With `chunkSize`, fixed chunks. Otherwise guided scheduling: each chunk
 * takes a share of what is left (large chunks first, to amortise the per-message cost; smaller ones at
 * the end, so the workers finish together), never fewer than `minimum` items (by default a small
 * share of the count; larger for items known to be cheap).
 */
export function chunkBounds(
  count: number,
  nWorkers: number,
  chunkSize?: number,
  minimum = Math.max(1, Math.ceil(count / (nWorkers * 32))),
): Array<[number, number]> {
  const bounds: Array<[number, number]> = [];
  for (let start = 0; start < count;) {
    const size = chunkSize ?? Math.max(minimum, Math.ceil((count - start) / (2 * nWorkers)));
    const end = Math.min(count, start + size);
    bounds.push([start, end]);
    start = end;
  }
  return bounds;
}

/** True when `ids[start, end)` are consecutive integers, none of them -0 (the whole list is scanned once and the answer kept). */
function isIdRange(ids: readonly IndexValue[], start: number, end: number): boolean {
  return scanIdList(ids).consecutive || isConsecutiveRun(ids, start, end);
}

/**
 * The ids [start, end) of a batch index: consecutive integers (a batch of a range of ids, the common
 * case) as their first id and count, other numbers packed in one loop (no call per id).
 */
function encodeIds(indices: readonly IndexValue[], start: number, end: number, transfer: ArrayBuffer[]): EncodedList | IdRange {
  const count = Math.max(0, end - start);
  if (count > 0 && isIdRange(indices, start, end)) return { kind: 'range', length: count, first: indices[start] as number };
  const data = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const id = indices[start + k];
    if (typeof id !== 'number') return encodeList(count, (position) => indices[start + position], transfer);
    data[k] = id;
  }
  transfer.push(data.buffer);
  return { kind: 'numbers', length: count, data };
}

/**
 * Threads, scalar items (a 1-D numeric column): the call's items as numbers and room for number
 * results, each in one reused shared slot. Chunks send views of them (nothing is allocated or
 * moved per chunk) and workers write number results straight into `results`.
 */
export interface SharedScalars {
  readonly items: Float64Array;
  readonly results: Float64Array;
}

/** Scalars take shared slots from this size on (smaller calls pack each chunk, as cheap at that size). */
const minScalarSlotBytes = 1024;

/** The {@link SharedScalars} of `task` in slots of `lease`, or null when its items are not the numbers of a 1-D numeric column. */
export function shareScalars(task: ItemTask, lease: SlotLease): SharedScalars | null {
  const column = task.items.column;
  const count = task.items.length;
  if (column === undefined || column.shape.length !== 1) return null;
  const items = lease.array('float64', count, minScalarSlotBytes) as Float64Array | null;
  if (items === null || !copyScalars(column, 0, count, items)) return null;
  const results = lease.array('float64', count, minScalarSlotBytes) as Float64Array;
  return { items, results };
}

/** What every chunk of one call shares. */
export interface CallContext {
  readonly task: ItemTask;
  readonly reference: FunctionReference;
  /** The batch rebuilt as `this` on the worker; null when there is none or the item function never reads `this`. */
  readonly self: WorkerSelf | null;
  /** The ids of the batch `this` is (each chunk sends its own), or null when `this` is not a batch. */
  readonly batchIds: readonly IndexValue[] | null;
  /** Large buffers travel through shared-memory files (the 'mpc' transport), both ways: the worker answers the same way. */
  readonly sharedMemory: boolean;
  /**
   * Items may travel as views of the caller's arrays (no packing copy): the transport copies the
   * message's bytes on the way (into a shared-memory file, a socket) and moves none of its buffers.
   */
  readonly viewsAllowed: boolean;
  readonly output: SharedOutput | null;
  /** Reused shared slots that packed items go into (workers that share memory read them in place), or null. */
  readonly lease: SlotLease | null;
  /** Threads, scalar items: the call's numbers in shared slots (see {@link SharedScalars}), or null. */
  readonly scalars: SharedScalars | null;
}

/**
 * The message of chunk [start, end) (local to the task); buffers that may be moved are added to
 * `transfer`. The worker sees global positions (`task.offset` added), so a slice of a task gives its
 * items the generators, ids and error positions they have in the whole task.
 */
export function chunkMessage(call: CallContext, start: number, end: number, transfer: ArrayBuffer[]): WorkerTaskMessage {
  const { task, self, sharedMemory, viewsAllowed, batchIds: indices } = call;
  const offset = task.offset;
  const pack = call.lease ? (dtype: DType, length: number) => call.lease!.array(dtype, length) : undefined;
  const encode = (at: (position: number) => unknown): EncodedList => encodeList(end - start, (k) => at(start + k), transfer, false, viewsAllowed, pack);
  const values = task.indexValues;
  const column = task.items.column;
  const scalars = call.scalars;
  const idCount = indices ? Math.max(0, Math.min(offset + end, indices.length) - offset - start) : 0;
  return {
    action: task.action,
    fn: call.reference,
    self,
    // the ids of this chunk's items only (the whole index per message would cost more than small items), packed: a
    // list of numbers is one transferred buffer instead of a structured clone element by element
    ids: indices && encodeIds(indices, offset + start, offset + start + idCount, transfer),
    start: offset + start,
    end: offset + end,
    items: scalars
      ? { kind: 'numbers', length: end - start, data: scalars.items.subarray(start, end) }
      : ((column && encodeColumn(column, start, end, transfer, viewsAllowed, pack)) ?? encode((position) => task.items.at(position))),
    options: task.options,
    perItemOptions: task.perItemOptions.map(([name, source]) => [name, encode((position) => source.valueAt(position))] as const),
    args: task.args,
    perItemArgs: task.perItemArgs.map(([index, source]) => [index, encode((position) => source.valueAt(position))] as const),
    applyMask: task.applyMask ? task.applyMask.slice(start, end) : null,
    rngSeeding: sliceSeeding(task.rngSeeding, start, end),
    // the index values are usually the batch ids, already in `self`
    indexValues: values === indices ? null : encodeList(Math.max(0, Math.min(end, values.length) - start), (k) => values[start + k], transfer),
    sharedMemory,
    // workers write shared results at their global position: only a task that starts at 0 can share its result buffer
    output: offset === 0 ? call.output : null,
    numbersOutput: scalars ? scalars.results.subarray(start, end) : null,
  };
}
