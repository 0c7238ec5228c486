/**
 * The worker side of the 'threads' and 'mpc' engines: finds the per-item function by reference,
 * rebuilds the chunk's ItemTask and runs `invokeItem` over it — the same code path as 'for', so the
 * results (including `p` masks and item generators) are identical on every engine.
 * @module
 */
import { markMovable, kTransferable, kValue } from 'tinypool';
import { copyInto, dtypeOf, isNdArray, type TypedArray } from '../../ndarray/ndarray-utils.js';
import { WorkerSetupError } from '../../errors.js';
import { findRegisteredClass } from '../../decorators/registry.js';
import { DatasetIndex, trustedIds, type IndexValue } from '../../dataset/dataset-index.js';
import { invokeItem, invokePlainItem, isPlainTask, type ItemFunction, type ItemTask, type PerItemSource } from '../item-task.js';
import type { FunctionReference } from '../function-reference.js';
import { decodeAll, decodeIdValues, decodeIds, decodeList, encodeList, isShmRef, type EncodedList } from './codec.js';
import { ChunkResults } from './chunk-results.js';
import type { WorkerFailure, WorkerResultMessage, WorkerSelf, WorkerTaskMessage } from './messages.js';
import { moveToSharedMemory, readFromSharedMemory } from './shared-memory.js';
import { serialiseThrown, type ErrorModule } from './error-codec.js';
import { resultCloneFailure } from './result-check.js';

/** Used by the worker entry when importing tsx fails (the entry is plain JavaScript). */
export { tsxLoadError } from '../optional-tsx.js';

/** Imports a module by absolute path (the entry script handles .ts through tsx). */
export type ModuleImporter = (file: string) => Promise<Record<string, unknown>>;

type AnyClass = { prototype: object; name: string } & (new (...args: never[]) => object);
const functions = new Map<string, ItemFunction>();

/** Classes looked up in vain, by module and name: a module is imported once per worker, so the answer does not change. */
const missingClasses = new Map<string, Error>();

async function findClass(importModule: ModuleImporter, module: string, className: string): Promise<AnyClass> {
  const key = `${module}\0${className}`;
  const missing = missingClasses.get(key);
  if (missing) throw missing;
  const exports = await importModule(module);
  const cls = (findRegisteredClass(module, className) ?? exports[className]) as AnyClass | undefined;
  if (typeof cls !== 'function') {
    const error = new Error(`class '${className}' was not found in ${module} (it must be defined at the top level of that module)`);
    missingClasses.set(key, error);
    throw error;
  }
  return cls;
}

/** The key of a reference in the cache of functions found. */
function functionKey(reference: FunctionReference): string {
  return reference.kind === 'method'
    ? `method\0${reference.module}\0${reference.className}\0${reference.method}`
    : `export\0${reference.module}\0${reference.exportName}`;
}

/** Imports the function `reference` names (at a worker's first chunk of it) and keeps it under `key`. */
async function importFunction(importModule: ModuleImporter, reference: FunctionReference, key: string): Promise<ItemFunction> {
  let fn: ItemFunction;
  if (reference.kind === 'method') {
    const cls = await findClass(importModule, reference.module, reference.className);
    fn = (cls.prototype as Record<string, unknown>)[reference.method] as ItemFunction;
    if (typeof fn !== 'function') throw new Error(`${reference.className}.${reference.method} is not a method (module ${reference.module})`);
  } else {
    const exports = await importModule(reference.module);
    fn = exports[reference.exportName] as ItemFunction;
    if (typeof fn !== 'function') throw new Error(`${reference.module} has no exported function '${reference.exportName}'`);
  }
  functions.set(key, fn);
  return fn;
}

/**
 * Stands in for a batch the worker could not rebuild: any use of it (reading or writing a member)
 * throws `error`, so an item function that needs its batch fails with the reason, and one that never
 * touches `this` still runs.
 */
function unavailableSelf(makeError: () => WorkerSetupError): object {
  let error: WorkerSetupError | undefined;
  // the error is made on first use only: most item functions of such a batch never touch `this`
  const fail = (): never => {
    throw (error ??= makeError());
  };
  return new Proxy(Object.create(null) as object, {
    // `then` is read when the stand-in is returned from an async function: it is not a thenable
    get: (_target, key) => (key === 'then' ? undefined : fail()),
    set: fail,
    has: fail,
    ownKeys: fail,
    getOwnPropertyDescriptor: fail,
    defineProperty: fail,
    deleteProperty: fail,
    getPrototypeOf: fail,
    setPrototypeOf: fail,
  });
}

/**
 * The batch the item function runs on, rebuilt from its class, ids and attributes. A class that cannot
 * be found or constructed gives a stand-in that throws a WorkerSetupError naming the class and its
 * module as soon as the item function uses its batch.
 */
async function buildSelf(importModule: ModuleImporter, action: string, self: WorkerSelf, ids: unknown[], fallbackModule: string): Promise<unknown> {
  const module = self.module ?? fallbackModule;
  let cls: AnyClass;
  try {
    cls = await findClass(importModule, module, self.className);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return unavailableSelf(() => new WorkerSetupError(action, self.className, module, reason, { cause: error }));
  }
  try {
    // the ids were checked by the caller's index: trusted, not checked and mapped again (a Map of ids per chunk costs more than cheap items)
    const index = new DatasetIndex(trustedIds(ids as IndexValue[]));
    return new (cls as unknown as new (index: unknown, options: unknown) => object)(index, { ...self.attributes });
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return unavailableSelf(() => new WorkerSetupError(action, self.className, module, `its constructor threw (${reason})`, { cause: error }));
  }
}

function perItem(list: EncodedList): PerItemSource {
  const reader = decodeList(list);
  return { valueAt: (k) => reader.at(k) };
}

/** The item function's module, where the classes of the errors it throws are looked up. */
async function errorModule(importModule: ModuleImporter, module: string): Promise<ErrorModule | null> {
  try {
    return { module, exports: await importModule(module) };
  } catch {
    return null;
  }
}

/**
 * Copies results that match the shared output (shape and dtype) into their rows, here in the worker
 * (in parallel), so the caller copies nothing; returns which ones were written (their entries become null).
 */
function writeToSharedOutput(message: WorkerTaskMessage, results: unknown[]): Uint8Array | null {
  const output = message.output;
  if (!output) return null;
  const rowSize = output.shape.reduce((a, b) => a * b, 1);
  const written = new Uint8Array(results.length);
  let any = false;
  for (let k = 0; k < results.length; k++) {
    const result = results[k];
    if (
      !isNdArray(result) ||
      dtypeOf(result) !== output.dtype ||
      result.shape.length !== output.shape.length ||
      result.shape.some((d, i) => d !== output.shape[i])
    )
      continue;
    copyInto(output.data, (message.start + k) * rowSize, result);
    written[k] = 1;
    results[k] = null;
    any = true;
  }
  return any ? written : null;
}

/** What an item threw, at its global position. */
interface Thrown {
  readonly position: number;
  readonly error: unknown;
}

/** Stores the result of item `k`; throws why it cannot travel back to the caller, if it cannot. */
function keepResult(results: ChunkResults, k: number, result: unknown): void {
  const cloneError = resultCloneFailure(result);
  if (cloneError !== null) throw cloneError;
  results.set(k, result);
}

/**
 * Runs the items of `task` from local position `from` on, storing results and what items threw, until
 * an item returns a promise: returns that item and its promise (the caller awaits it and goes on from
 * the next item), or null when every item ran. A plain synchronous loop, so cheap items run at full speed;
 * with `plainNumbers` (the items' numbers, for a task where `isPlainTask` holds) items are read from
 * their buffer and called directly.
 */
function runItems(
  task: ItemTask,
  from: number,
  results: ChunkResults,
  thrown: Thrown[],
  plainNumbers: TypedArray | null,
): { k: number; promise: Promise<unknown> } | null {
  let numbers = results.numberStorage;
  for (let k = from; k < results.count; k++) {
    const position = task.offset + k;
    try {
      const result = plainNumbers !== null ? invokePlainItem(task, position, plainNumbers[k]) : invokeItem(task, position);
      if (typeof result === 'number') {
        // numbers need no clone check
        if (numbers !== null) numbers[k] = result;
        else {
          results.set(k, result);
          numbers = results.numberStorage;
        }
        continue;
      }
      if (result instanceof Promise) return { k, promise: result as Promise<unknown> };
      keepResult(results, k, result);
    } catch (error) {
      thrown.push({ position, error });
      results.set(k, null);
    }
    numbers = results.numberStorage;
  }
  return null;
}

/** Runs one chunk and returns its results, marked so tinypool moves the buffers instead of copying them. */
export async function runChunk(message: WorkerTaskMessage, importModule: ModuleImporter): Promise<unknown> {
  const inputs: EncodedList[] = [message.items, ...message.perItemOptions.map(([, list]) => list), ...message.perItemArgs.map(([, list]) => list)];
  readFromSharedMemory(inputs);
  let func: ItemFunction;
  let thisArg: unknown;
  try {
    // found before (every chunk after a worker's first): no await
    const key = functionKey(message.fn);
    func = functions.get(key) ?? (await importFunction(importModule, message.fn, key));
    // the batch is rebuilt only for a function that reads `this` (the caller sends none otherwise)
    thisArg =
      message.self === null
        ? undefined
        : await buildSelf(importModule, message.action, message.self, message.ids === null ? [] : decodeIds(message.ids), message.fn.module);
  } catch (error) {
    // no item can run: say why (a typed error such as a missing tsx crosses with its class), not a crash
    const setupFailure = serialiseThrown(error, null);
    return {
      results: encodeList(0, () => null, [], false),
      failures: [],
      sharedMemoryFile: null,
      written: null,
      setupFailure,
      busyMs: 0,
    } satisfies WorkerResultMessage;
  }
  const items = decodeList(message.items);
  const task: ItemTask = {
    action: message.action,
    func,
    thisArg,
    offset: message.start,
    items,
    options: message.options,
    perItemOptions: message.perItemOptions.map(([name, list]) => [name, perItem(list)] as const),
    args: message.args,
    perItemArgs: message.perItemArgs.map(([index, list]) => [index, perItem(list)] as const),
    applyMask: message.applyMask,
    rngSeeding: message.rngSeeding,
    // the chunk's ids, read from one typed array when they are numbers (not a boxed value per id)
    indexValues: message.indexValues === null ? (message.ids === null ? [] : decodeIdValues(message.ids)) : decodeAll(message.indexValues),
  };
  const count = message.end - message.start;
  const results = new ChunkResults(count, message.numbersOutput);
  const thrown: Thrown[] = [];
  const started = performance.now();
  // items run in a plain loop; only an item that returns a promise leaves it, to be awaited (in item order)
  const plainNumbers = message.items.kind === 'numbers' && !isShmRef(message.items.data) && isPlainTask(task) ? message.items.data : null;
  for (
    let pending = runItems(task, 0, results, thrown, plainNumbers);
    pending !== null;
    pending = runItems(task, pending.k + 1, results, thrown, plainNumbers)
  ) {
    try {
      keepResult(results, pending.k, await pending.promise);
    } catch (error) {
      thrown.push({ position: task.offset + pending.k, error });
      results.set(pending.k, null);
    }
  }
  const busyMs = performance.now() - started;
  const failures: WorkerFailure[] = [];
  for (const { position, error } of thrown) failures.push({ position, error: serialiseThrown(error, await errorModule(importModule, message.fn.module)) });
  const written = results.allNumbers ? null : writeToSharedOutput(message, results.list());
  const transfer: ArrayBuffer[] = [];
  // results are fresh in this worker, so on threads their buffers move back as they are (no packing copy)
  const encoded = results.encode(transfer, !message.sharedMemory, message.resultStorage);
  const sharedMemoryFile = message.sharedMemory ? moveToSharedMemory([encoded]) : null;
  const response: WorkerResultMessage = { results: encoded, failures, sharedMemoryFile, written, setupFailure: null, busyMs };
  if (message.sharedMemory) return response; // child processes: the IPC channel cannot move buffers
  const movable = { [kTransferable]: transfer, [kValue]: response };
  markMovable(movable);
  return movable;
}
