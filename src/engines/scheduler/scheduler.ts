/**
 * The transport-independent part of a worker engine: cuts a task into chunks, sends them through a
 * {@link Transport}, places the results in item order (straight into one result buffer when they are
 * numeric and alike), and turns what went wrong into the library's errors: the failed item with the
 * lowest position (`ActionError`, its cause restored with its class), a chunk that could not start
 * (its setup error), a lost worker (`WorkerCrashError` naming the lost items) and the time limit
 * (`TimeoutError`).
 * @module
 */
import { BatchflowError, TimeoutError, WorkerCrashError } from '../../errors.js';
import type { EngineRunOptions } from '../engine.js';
import type { FunctionReference } from '../function-reference.js';
import { itemFailure, type ItemTask } from '../item-task.js';
import { ResultBuffer, attachNumberColumn, numberColumnResults, readsNumbersAsColumn } from '../result-buffer.js';
import { decodeAll, isShmRef } from '../worker/codec.js';
import { restoreThrown, type SerialisedThrown } from '../worker/error-codec.js';
import type { WorkerFailure, WorkerResultMessage, WorkerTaskMessage } from '../worker/messages.js';
import { moveToSharedMemory, readFromSharedMemory, readSharedMemoryInto, removeSharedMemory } from '../worker/shared-memory.js';
import type { Transport } from '../transport/transport.js';
import { batchIdsOf, chunkBounds, chunkMessage, describeSelf, shareScalars, type CallContext } from './chunks.js';
import { mayUseThis } from '../this-use.js';
import { importCallerModule } from './caller-module.js';
import { nestingFailure } from '../worker/result-check.js';
import { isNdArray } from '../../ndarray/ndarray-utils.js';
import { learnedMinimumChunk, recordItemCost } from './item-costs.js';
import { SlotLease } from '../shared-slots.js';
import { reportWorkerTime } from '../../util/worker-time.js';

/** The error to throw when no worker could start the chunk: library errors as they are, others wrapped. */
function setupError(action: string, target: string, reference: FunctionReference, cause: unknown): unknown {
  if (cause instanceof BatchflowError) return cause;
  const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return new BatchflowError(`action '${action}': a '${target}' worker could not load the item function from ${reference.module}: ${reason}`, { cause });
}

/** What the chunks of one call collect. */
interface Outcome {
  /** The number of items. */
  readonly count: number;
  /**
   * The results in item order, made when a chunk answers with something other than numbers or at the
   * end (see {@link resultList}); the entries of chunks that answered with numbers are filled in last.
   */
  results: unknown[] | null;
  readonly resultBuffer: ResultBuffer;
  readonly failures: WorkerFailure[];
  setupFailure: SerialisedThrown | null;
  crash: WorkerCrashError | null;
  /** An item of a chunk that could not be sent: it cannot be cloned. */
  unsendable?: { position: number; cause: unknown };
  /**
   * Milliseconds per item on the workers: the smallest of the chunks' averages, so a chunk whose
   * worker was paused by the machine (a busy machine) does not make cheap items look slow.
   */
  itemMs: number;
  /** Milliseconds the workers spent in the item function, summed over chunks. */
  busyMs: number;
  /** The number results placed so far, in one typed array (item k at index k), made on the first chunk of numbers. */
  numbers: Float64Array | null;
  /** How many items' results are in {@link numbers}: all of them when every chunk answered with numbers. */
  numbersPlaced: number;
  /** The chunks whose results are in {@link numbers} only, as [start, length]: their entries of the list are not filled in yet. */
  readonly numberChunks: Array<readonly [number, number]>;
}

/** The list of results, made on first use. */
function resultList(outcome: Outcome): unknown[] {
  return (outcome.results ??= new Array<unknown>(outcome.count).fill(null)); // generic elements: NaN payloads survive (see decodeAll)
}

/** Fills the list entries of the chunks that answered with numbers (kept in `outcome.numbers` until now). */
function boxNumbers(outcome: Outcome): void {
  const { numbers } = outcome;
  if (numbers === null) return;
  const results = resultList(outcome);
  for (const [start, length] of outcome.numberChunks) for (let k = start; k < start + length; k++) results[k] = numbers[k];
  outcome.numberChunks.length = 0;
}

/** Puts the results of the chunk starting at `start` in place (from a shared-memory file straight into the result buffer when it fits). */
function placeChunk(outcome: Outcome, response: WorkerResultMessage, start: number): void {
  if (response.setupFailure) {
    outcome.setupFailure ??= response.setupFailure;
    return;
  }
  try {
    const list = response.results;
    // numbers a child process wrote to its file are read first, then placed like any numbers
    if (list.kind === 'numbers' && isShmRef(list.data)) readFromSharedMemory([list]);
    const target = list.kind === 'ndarrays' && isShmRef(list.data) ? outcome.resultBuffer.rowBytes(start, list.length, list.dtype, list.shape) : null;
    if (list.kind === 'numbers' && !isShmRef(list.data) && response.written === null) {
      // scalar results (cheap items): into one typed array, which the default assembly takes as it is (one copy of
      // the bits, no list to read); the list gets them at the end, and only if something else reads it
      (outcome.numbers ??= new Float64Array(outcome.count)).set(list.data, start);
      outcome.numbersPlaced += list.length;
      outcome.numberChunks.push([start, list.length]);
    } else if (target && list.kind === 'ndarrays' && isShmRef(list.data)) {
      // results of a child process go from its shared-memory file straight into place
      readSharedMemoryInto(list.data, target);
      outcome.resultBuffer.adopt(new Uint8Array(list.length).fill(1), start, resultList(outcome));
    } else {
      readFromSharedMemory([list]);
      outcome.resultBuffer.place(decodeAll(list), start, resultList(outcome), response.written);
    }
  } finally {
    removeSharedMemory(response.sharedMemoryFile);
  }
  outcome.failures.push(...response.failures);
  const chunkLength = response.results.length;
  if (chunkLength > 0) outcome.itemMs = Math.min(outcome.itemMs, response.busyMs / chunkLength);
  outcome.busyMs += response.busyMs;
}

/**
 * After a chunk could not be sent: the first of its items that cannot be structured-cloned (a
 * function, or nesting too deep for the serialiser), with the clone error; null when every item
 * can be cloned (the chunk was lost for another reason). Runs only on that failure path.
 */
function unsendableItem(task: ItemTask, start: number, end: number): { position: number; cause: unknown } | null {
  for (let position = start; position < end; position++) {
    try {
      structuredClone(task.items.at(position - task.offset));
    } catch (cause) {
      return { position, cause };
    }
  }
  return null;
}

/**
 * The first item nested too deep to be posted to a worker (its serialisation could overflow a stack,
 * and the chunk would never answer); null when there is none. Numeric and ndarray items are not walked.
 */
function firstTooDeepItem(task: ItemTask): { position: number; cause: unknown } | null {
  // numbers or rows of an ndarray component (the common case of big batches): nothing to walk, no view to make per item
  if (task.items.length === 0 || task.items.column !== undefined || isNdArray(task.items.at(0))) return null;
  for (let local = 0; local < task.items.length; local++) {
    const item = task.items.at(local);
    if (typeof item !== 'object' || item === null || isNdArray(item)) continue;
    const cause = nestingFailure(item, 'item');
    if (cause) return { position: task.offset + local, cause };
  }
  return null;
}

/** A chunk's message, built and not sent yet. */
interface PreparedChunk {
  readonly start: number;
  readonly end: number;
  readonly message: WorkerTaskMessage;
  readonly transfer: ArrayBuffer[];
  /** The shared-memory file holding its items (the 'mpc' transport), removed once the chunk is done. */
  readonly inputFile: string | null;
}

/** Where a call runs: the transport, the engine's name (for errors), its worker count, and what to do when the transport breaks. */
export interface Placement {
  readonly transport: Transport;
  readonly target: string;
  readonly nWorkers: number;
  /** Called when a worker died during the call: the engine forgets the transport and discards it. */
  readonly onBroken: () => void;
}

/** Runs `task` (its function found on workers by `reference`) and returns the results in item order. */
export async function runChunks(task: ItemTask, reference: FunctionReference, options: EngineRunOptions, placement: Placement): Promise<unknown[]> {
  const { transport, target, nWorkers } = placement;
  const count = task.items.length;
  const { sharesMemory, sharedMemoryFiles } = transport.capabilities;
  const outcome: Outcome = {
    count,
    results: null,
    resultBuffer: new ResultBuffer(count),
    failures: [],
    setupFailure: null,
    crash: null,
    itemMs: Number.POSITIVE_INFINITY,
    busyMs: 0,
    numbers: null,
    numbersPlaced: 0,
    numberChunks: [],
  };
  // shared memory: results shaped like the items (the common case) are written by the workers into one buffer
  // (other transports cannot share it, but the caller still reads their results straight into it)
  const preallocated = task.outputLikeItems ? outcome.resultBuffer.preallocate(task.items.at(0)) : null;
  // a function that never reads `this` does not get the batch rebuilt on the worker for every chunk
  const self = mayUseThis(task.func) ? describeSelf(task.thisArg) : null;
  const lease = sharesMemory ? new SlotLease() : null;
  const call: CallContext = {
    task,
    reference,
    self,
    batchIds: batchIdsOf(task.thisArg),
    sharedMemory: sharedMemoryFiles,
    viewsAllowed: sharedMemoryFiles || transport.capabilities.serializesMessages === true,
    output: sharesMemory ? preallocated : null,
    lease,
    scalars: lease ? shareScalars(task, lease) : null,
  };
  // a transport that reads replies itself reads them into reused slots (no page faults, no garbage collection of
  // fresh memory), which the call gives back once their results are in place (copied into the result buffer)
  const replyLease = options.replyMemory === undefined && transport.capabilities.serializesMessages === true ? new SlotLease() : null;
  const replyMemory = replyLease ? (bytes: number) => replyLease.array('uint8', bytes) as Uint8Array | null : options.replyMemory;
  const controller = options.timeout === undefined ? null : new AbortController();
  const timer = controller ? setTimeout(() => controller.abort(), options.timeout).unref() : undefined;
  const tooDeep = firstTooDeepItem(task);
  if (tooDeep) throw itemFailure(task, tooDeep.position, tooDeep.cause);
  // every message is built before the first is sent: the workers then start their chunks close together
  // (building one takes tens of microseconds, about what a worker needs for thousands of cheap items)
  const prepared: PreparedChunk[] = [];
  try {
    for (const [start, end] of chunkBounds(count, nWorkers, options.chunkSize, learnedMinimumChunk(task.func, count, nWorkers))) {
      const transfer: ArrayBuffer[] = [];
      const message = chunkMessage(call, start, end, transfer);
      const inputFile = sharedMemoryFiles
        ? moveToSharedMemory([message.items, ...message.perItemOptions.map(([, list]) => list), ...message.perItemArgs.map(([, list]) => list)])
        : null;
      prepared.push({ start, end, message, transfer, inputFile });
    }
  } catch (error) {
    for (const { inputFile } of prepared) removeSharedMemory(inputFile);
    clearTimeout(timer);
    call.lease?.release();
    throw error;
  }
  // scalar items (usually number results): their column is made now, not on the way from the first answer to
  // the caller's result. Not after the sends either: on a machine with a core per worker, the caller's work
  // after its last send delays the last worker's start
  if (call.scalars !== null) outcome.numbers ??= new Float64Array(count);
  const chunks: Promise<void>[] = [];
  for (const { start, end, message, transfer, inputFile } of prepared) {
    chunks.push(
      transport
        .send(message, transfer, controller?.signal, replyMemory)
        .then(
          (response) => placeChunk(outcome, response, start),
          (error: unknown) => {
            // a chunk that could not even be posted (an item that cannot be cloned) fails that item, not a worker
            const unsendable = unsendableItem(task, start, end);
            if (unsendable) outcome.unsendable ??= unsendable;
            else outcome.crash ??= new WorkerCrashError(task.action, target, [start, end], error);
          },
        )
        .finally(() => removeSharedMemory(inputFile)),
    );
  }
  const watch = transport.watch();
  try {
    await Promise.race([Promise.all(chunks), watch.died]);
  } catch (exit) {
    // a worker vanished: the transport is broken. When it died of an error, the chunk it ran usually
    // reports that error in the same turn: prefer it (it names the cause).
    clearTimeout(timer);
    placement.onBroken();
    await new Promise((resolve) => setImmediate(resolve));
    throw outcome.crash ?? new WorkerCrashError(task.action, target, [0, count], exit);
  } finally {
    watch.stop();
  }
  clearTimeout(timer);
  if (controller?.signal.aborted) throw new TimeoutError(task.action, options.timeout!);
  const allNumbers = outcome.numbers !== null && outcome.numbersPlaced === count;
  // the assembly into one component reads all-number results from their typed array: no list is made
  const numbersOnly = allNumbers && readsNumbersAsColumn(task);
  if (!numbersOnly) boxNumbers(outcome);
  if (!outcome.crash && call.lease) {
    // every chunk answered, so no worker reads the input slots any more (a stopped one might: then they are dropped)
    if (!allNumbers) call.lease.detach(resultList(outcome));
    call.lease.release();
  }
  if (replyLease && !outcome.crash && !outcome.setupFailure && outcome.failures.length === 0) {
    // every reply was read and placed: results that still view a reply slot (not placed into the result buffer) get
    // copies. After a failure the slots are left to the garbage collector: what an item threw may still view them
    if (!allNumbers) replyLease.detach(resultList(outcome));
    replyLease.release();
  }
  if (outcome.unsendable) throw itemFailure(task, outcome.unsendable.position, outcome.unsendable.cause);
  if (outcome.crash) throw outcome.crash;
  if (outcome.setupFailure) throw setupError(task.action, target, reference, await restoreThrown(outcome.setupFailure, importCallerModule));
  if (outcome.failures.length > 0) {
    const first = outcome.failures.reduce((a, b) => (b.position < a.position ? b : a));
    throw itemFailure(task, first.position, await restoreThrown(first.error, importCallerModule), outcome.failures.length);
  }
  recordItemCost(task.func, outcome.itemMs);
  reportWorkerTime(task.thisArg, outcome.busyMs);
  if (numbersOnly) return numberColumnResults(outcome.numbers!);
  const results = resultList(outcome);
  if (allNumbers) attachNumberColumn(results, outcome.numbers!);
  return results;
}
