/**
 * The runtime of parallel actions (`applyParallel`, decorated `@applyParallel` / `@inbatchParallel`
 * methods): option checks, list-`src` recursion, item resolution (`init`), the `p` mask and RNG
 * seeds (drawn once per call from the batch generator), the engine call and `post`.
 * @module
 */
import { ArgumentError, ComponentError } from '../errors.js';
import { getEngine } from '../engines/registry.js';
import type { ItemFunction, ItemSource, ItemTask, PerItemSource, RngSeeding } from '../engines/item-task.js';
import type { FunctionReference } from '../engines/function-reference.js';
import { engineHandsNumberColumnsBack, readNumbersAsColumn, takeNumberColumn } from '../engines/result-buffer.js';
import { resolveTarget } from '../engines/target.js';
import { isPerItem, type PerItem } from '../expr/per-item.js';
import { ComponentTuple, reservedParallelOptions, type DestinationSpec, type ParallelOptionName } from '../decorators/parallel-options.js';
import { isActionHost } from '../decorators/host.js';
import { Rng } from '../random/rng.js';
import { columnItem, columnLength, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { isNdArray, type NDArray } from '../ndarray/ndarray-utils.js';
import { RowViews } from '../ndarray/views.js';
import type { BatchLike } from './batch-like.js';

/** One parallel call, after the defaults were merged. */
export interface ParallelCall {
  /** Action name for errors (the method name, or the function's name). */
  readonly action: string;
  readonly kind: 'applyParallel' | 'inbatchParallel';
  readonly func: ItemFunction;
  /** Where worker engines find `func`; undefined when it cannot travel. */
  readonly reference?: FunctionReference | undefined;
  /** Merged options: reserved and user options together. */
  readonly options: Readonly<Record<string, unknown>>;
}

/** Every reserved option (one per name of `ParallelOptions`), checked and defaulted. */
interface ReservedOptions extends Record<ParallelOptionName, unknown> {
  src: unknown;
  dst: unknown;
  dstDefault: 'src' | 'components';
  init: unknown;
  post: unknown;
  target: unknown;
  p: number | PerItem<number> | null | undefined;
  requiresRng: boolean;
  rngSeeds: unknown;
  nWorkers: number | undefined;
  chunkSize: number | undefined;
  timeout: number | undefined;
  args: readonly unknown[];
}

function positiveInteger(name: string, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new ArgumentError(name, `expected a positive integer, got ${String(value)}`);
  return value;
}

function splitOptions(options: Readonly<Record<string, unknown>>): { reserved: ReservedOptions; user: Record<string, unknown> } {
  const user: Record<string, unknown> = {};
  for (const key of Object.keys(options)) if (!reservedParallelOptions.has(key)) user[key] = options[key];
  const { p, requiresRng, timeout, args, dstDefault } = options;
  if (p !== undefined && p !== null && !isPerItem(p) && !(typeof p === 'number' && p >= 0 && p <= 1)) {
    throw new ArgumentError('p', `expected a probability in [0, 1], P(per-item values) or null, got ${String(p)}`);
  }
  if (requiresRng !== undefined && typeof requiresRng !== 'boolean') throw new ArgumentError('requiresRng', `expected a boolean, got ${typeof requiresRng}`);
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0)))
    throw new ArgumentError('timeout', `expected a positive number of milliseconds, got ${String(timeout)}`);
  if (args !== undefined && !Array.isArray(args)) throw new ArgumentError('args', `expected an array of extra positional arguments, got ${typeof args}`);
  if (dstDefault !== undefined && dstDefault !== 'src' && dstDefault !== 'components')
    throw new ArgumentError('dstDefault', `expected 'src' or 'components', got ${String(dstDefault)}`);
  return {
    user,
    reserved: {
      src: options.src,
      dst: options.dst,
      dstDefault: (dstDefault as 'src' | 'components' | undefined) ?? 'src',
      init: options.init,
      post: options.post,
      target: options.target ?? 'for',
      p: p as ReservedOptions['p'],
      requiresRng: requiresRng === true,
      rngSeeds: options.rngSeeds,
      nWorkers: positiveInteger('nWorkers', options.nWorkers),
      chunkSize: positiveInteger('chunkSize', options.chunkSize),
      timeout: timeout as number | undefined,
      args: (args as readonly unknown[] | undefined) ?? [],
    },
  };
}

/** Seeds drawn once per call (before list recursion), so every component of a list `src` shares them. */
interface CallSeeds {
  readonly maskSeed: number | null;
  readonly rngSeed: number | null;
}

function drawSeeds(batch: BatchLike, reserved: ReservedOptions): CallSeeds {
  const needsMask = reserved.p !== undefined && reserved.p !== null && (isPerItem(reserved.p) || (reserved.p > 0 && reserved.p < 1));
  const maskSeed = needsMask ? batch.random.nextSeed() : null;
  const needsRng = reserved.requiresRng && (reserved.rngSeeds === undefined || reserved.rngSeeds === null);
  const rngSeed = needsRng ? batch.random.nextSeed() : null;
  return { maskSeed, rngSeed };
}

function applyMask(p: ReservedOptions['p'], seed: number | null, count: number): Uint8Array | null {
  if (p === undefined || p === null) return null;
  if (typeof p === 'number') {
    if (p >= 1) return null;
    if (p <= 0) return new Uint8Array(count);
  }
  if (isPerItem(p) && p.length < count) throw new ArgumentError('p', `P(...) has ${p.length} values but the action has ${count} items`);
  const rng = new Rng(seed ?? 0);
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const draw = rng.random();
    const probability = typeof p === 'number' ? p : Number(p.valueAt(i));
    if (!(probability >= 0 && probability <= 1)) throw new ArgumentError('p', `item ${i}: expected a probability in [0, 1], got ${String(probability)}`);
    mask[i] = probability >= 1 || draw < probability ? 1 : 0;
  }
  return mask;
}

function rngSeeding(reserved: ReservedOptions, seeds: CallSeeds, count: number): RngSeeding {
  const given = reserved.rngSeeds;
  if (given === undefined || given === null) return seeds.rngSeed === null ? { kind: 'none' } : { kind: 'mixed', seed: seeds.rngSeed };
  if (typeof given === 'number') return { kind: 'mixed', seed: given };
  const values = isPerItem(given) ? Array.from({ length: given.length }, (_, i) => given.valueAt(i)) : given;
  if (!Array.isArray(values) || values.length < count || values.some((v) => typeof v !== 'number')) {
    throw new ArgumentError('rngSeeds', `expected a seed or one numeric seed per item (${count}), got ${describeKind(given)}`);
  }
  return { kind: 'perItem', seeds: values as number[] };
}

/** The numbers of a 1-D ndarray as items. */
class ScalarItems implements ItemSource {
  readonly length: number;
  constructor(readonly column: NDArray) {
    this.length = column.shape[0]!;
  }
  at(position: number): unknown {
    return this.column.get(position);
  }
}

/** The rows of an ndarray of 2 or more dimensions as items (views, no copy). */
class RowItems implements ItemSource {
  readonly length: number;
  readonly #rows: RowViews;
  constructor(readonly column: NDArray) {
    this.length = column.shape[0]!;
    this.#rows = new RowViews(column);
  }
  at(position: number): unknown {
    return this.#rows.at(position);
  }
}

/** The entries of a list (an array or a typed array) as items. */
class ListItems implements ItemSource {
  readonly length: number;
  constructor(readonly list: ArrayLike<unknown>) {
    this.length = list.length;
  }
  at(position: number): unknown {
    return this.list[position];
  }
}

/** A container of items as an ItemSource; throws an ArgumentError naming `argument` otherwise. */
export function toItemSource(container: unknown, argument: string): ItemSource {
  if (isNdArray(container)) return container.shape.length === 1 ? new ScalarItems(container) : new RowItems(container);
  if (isColumn(container)) return new ListItems(container as ArrayLike<unknown>);
  if (typeof container === 'object' && container !== null && Symbol.iterator in container) return new ListItems(Array.from(container as Iterable<unknown>));
  throw new ArgumentError(argument, `must give a container of items (array, typed array, ndarray or iterable), got ${describeKind(container)}`);
}

function componentColumn(batch: BatchLike, name: string, argument: string): Column {
  const components = batch.components ?? [];
  if (!components.includes(name)) {
    throw new ComponentError(name, `${argument}: '${name}' is not a component of ${batch.constructor.name} (components: ${components.join(', ') || 'none'})`);
  }
  const value = batch.getComponent(name);
  if (value === null) throw new ComponentError(name, `${argument}: component '${name}' holds no data`);
  return value;
}

function tupleItems(batch: BatchLike, tuple: ComponentTuple): ItemSource {
  const columns = tuple.names.map((name) => componentColumn(batch, name, 'src'));
  const length = columnLength(columns[0]!);
  columns.forEach((column, k) => {
    if (columnLength(column) !== length)
      throw new ComponentError(
        tuple.names[k]!,
        `src: components of a tuple must have the same length; '${tuple.names[0]}' has ${length} items, '${tuple.names[k]}' has ${columnLength(column)}`,
      );
  });
  return { length, at: (i) => columns.map((column) => columnItem(column, i)) };
}

/** The options an `init` function or method is called with. */
function initOptions(reserved: ReservedOptions, src: unknown, dst: unknown, user: Record<string, unknown>): Record<string, unknown> {
  return { ...user, src, dst, p: reserved.p, target: reserved.target };
}

/** True when the items come from `src` itself (no `init`, or `init: 'data'`). */
function itemsFromSrc(init: unknown): boolean {
  return init === undefined || init === null || init === 'data';
}

/** The items of `src` (a component name, a tuple of components, or data) when {@link itemsFromSrc} holds. */
function srcItems(batch: BatchLike, src: unknown): ItemSource {
  if (typeof src === 'string') return toItemSource(componentColumn(batch, src, 'src'), 'src');
  if (src instanceof ComponentTuple) return tupleItems(batch, src);
  if (src === undefined || src === null)
    throw new ArgumentError('src', 'is required when init is not given (name a component, tuple(...) of components, or pass data)');
  return toItemSource(src, 'src');
}

/** The items `init` gives (a member name, a function or a container) when {@link itemsFromSrc} does not hold. */
async function initItems(batch: BatchLike, reserved: ReservedOptions, src: unknown, dst: unknown, user: Record<string, unknown>): Promise<ItemSource> {
  const init = reserved.init;
  if (typeof init === 'string') {
    if (!(init in batch)) throw new ArgumentError('init', `'${init}' is not a member of ${batch.constructor.name}`);
    const member = (batch as unknown as Record<string, unknown>)[init];
    const container = typeof member === 'function' ? await (member as (o: unknown) => unknown).call(batch, initOptions(reserved, src, dst, user)) : member;
    return toItemSource(container, 'init');
  }
  if (typeof init === 'function') return toItemSource(await (init as (o: unknown) => unknown).call(batch, initOptions(reserved, src, dst, user)), 'init');
  return toItemSource(init, 'init');
}

function perItemSources(entries: Iterable<[string | number, unknown]>, count: number): Array<[string | number, PerItemSource]> {
  const found: Array<[string | number, PerItemSource]> = [];
  for (const [key, value] of entries) {
    if (!isPerItem(value)) continue;
    if (value.length < count) throw new ArgumentError(String(key), `P(...) has ${value.length} values but the action has ${count} items`);
    found.push([key, value]);
  }
  return found;
}

function resolveDestination(batch: BatchLike, reserved: ReservedOptions, src: unknown, dst: unknown): DestinationSpec {
  if (dst !== undefined && dst !== null) {
    if (typeof dst === 'string' || dst instanceof ComponentTuple || (Array.isArray(dst) && dst.every((d) => typeof d === 'string')))
      return dst as DestinationSpec;
    throw new ArgumentError('dst', `expected a component name, an array of names or tuple(...), got ${describeKind(dst)}`);
  }
  if (reserved.dstDefault === 'components') return batch.components ? [...batch.components] : null;
  if (typeof src === 'string' || src instanceof ComponentTuple) return src;
  throw new ArgumentError('dst', 'is required when src is not a component name');
}

/** True when the `_assemble` of `batch` is the only one in its prototype chain (`Batch`'s own: no subclass or instance replaced it). */
function assemblesByDefault(batch: BatchLike): boolean {
  let definitions = 0;
  for (let level: object | null = batch; level !== null; level = Object.getPrototypeOf(level) as object | null)
    if (Object.prototype.hasOwnProperty.call(level, '_assemble')) definitions++;
  return definitions === 1;
}

/** What `post` does with the results: nothing, the default assembly, or a method / function to call. */
function postStep(call: ParallelCall, reserved: ReservedOptions): unknown {
  const post = reserved.post;
  if (post === null || post === false || (post === undefined && call.kind === 'inbatchParallel')) return null;
  return post === undefined ? '_assemble' : post;
}

/** True when the default assembly stores the results into exactly one component (a name as `dst`, or `src`'s own name by default). */
function assemblesIntoOneComponent(reserved: ReservedOptions, src: unknown, dst: unknown): boolean {
  if (dst !== undefined && dst !== null) return typeof dst === 'string';
  return reserved.dstDefault === 'src' && typeof src === 'string';
}

/** Runs the default assembly of `results` into the destination (synchronous: no microtask turn per call). */
function assemble(batch: BatchLike, reserved: ReservedOptions, results: unknown[], src: unknown, dst: unknown, byDefault: boolean): BatchLike {
  // numbers an engine attached to the results are used by the default assembly only: other code may change the list first
  if (!byDefault) takeNumberColumn(results);
  batch._assemble(results, { dst: resolveDestination(batch, reserved, src, dst) });
  return batch;
}

/** Calls a `post` other than the default assembly (a method name or a function) with the results. */
async function callPost(
  batch: BatchLike,
  postName: unknown,
  results: unknown[],
  src: unknown,
  dst: unknown,
  user: Record<string, unknown>,
): Promise<BatchLike> {
  takeNumberColumn(results);
  const postOptions = { ...user, src, dst };
  let returned: unknown;
  if (typeof postName === 'string') {
    const method = (batch as unknown as Record<string, unknown>)[postName];
    if (typeof method !== 'function') throw new ArgumentError('post', `'${postName}' is not a method of ${batch.constructor.name}`);
    returned = await (method as (r: unknown[], o: unknown) => unknown).call(batch, results, postOptions);
  } else if (typeof postName === 'function') {
    returned = await (postName as (r: unknown[], o: unknown) => unknown).call(batch, results, postOptions);
  } else {
    throw new ArgumentError('post', `expected '_assemble', a method name, a function or null, got ${describeKind(postName)}`);
  }
  return isActionHost(returned) ? (returned as unknown as BatchLike) : batch;
}

async function runSingle(
  batch: BatchLike,
  call: ParallelCall,
  reserved: ReservedOptions,
  user: Record<string, unknown>,
  seeds: CallSeeds,
  src: unknown,
  dst: unknown,
): Promise<BatchLike> {
  const engine = getEngine(reserved.target);
  // items from src are read without an await (one microtask turn less per call)
  const items = itemsFromSrc(reserved.init) ? srcItems(batch, src) : await initItems(batch, reserved, src, dst, user);
  const count = items.length;
  const task: ItemTask = {
    action: call.action,
    func: call.func,
    thisArg: batch,
    reference: call.reference,
    offset: 0,
    items,
    // one options object serves every item on in-process engines: frozen, so an item cannot change what the next one sees
    options: Object.freeze(user),
    perItemOptions: perItemSources(Object.entries(user), count) as Array<[string, PerItemSource]>,
    args: reserved.args,
    perItemArgs: perItemSources(
      reserved.args.map((value, i) => [i, value] as [number, unknown]),
      count,
    ) as Array<[number, PerItemSource]>,
    applyMask: applyMask(reserved.p, seeds.maskSeed, count),
    outputLikeItems: typeof src === 'string' && (dst === undefined || dst === null || dst === src),
    rngSeeding: rngSeeding(reserved, seeds, count),
    // item i is batch item i exactly when there is one item per batch item; otherwise items have no index value
    indexValues: count === batch.size ? batch.indices : [],
  };
  const postName = postStep(call, reserved);
  const byDefault = postName === '_assemble' && assemblesByDefault(batch);
  // number results then go into the component from one typed array: an engine need not box them into the list
  if (byDefault && engineHandsNumberColumnsBack(engine) && assemblesIntoOneComponent(reserved, src, dst)) readNumbersAsColumn(task);
  const results = await engine.run(task, { nWorkers: reserved.nWorkers, chunkSize: reserved.chunkSize, timeout: reserved.timeout });
  if (postName === null) return batch;
  if (postName === '_assemble') return assemble(batch, reserved, results, src, dst, byDefault);
  return callPost(batch, postName, results, src, dst, user);
}

/** Runs a parallel call on `batch` and returns the batch (or what `post` returned, if a batch). */
export async function runParallel(batch: BatchLike, call: ParallelCall): Promise<BatchLike> {
  const { reserved, user } = splitOptions(call.options);
  resolveTarget(reserved.target);
  const seeds = drawSeeds(batch, reserved);
  const { src, dst } = reserved;
  if (Array.isArray(src)) {
    src.forEach((entry, i) => {
      if (typeof entry !== 'string' && !(entry instanceof ComponentTuple)) {
        throw new ArgumentError(
          'src',
          `an array src lists components to process one after another; entry ${i} is ${describeKind(entry)} (pass raw data as a typed array or ndarray, or through init)`,
        );
      }
    });
    if (dst !== undefined && dst !== null && (!Array.isArray(dst) || dst.length !== src.length)) {
      throw new ArgumentError(
        'dst',
        `src and dst must have equal length (src has ${src.length} entries, dst is ${describeKind(dst)}${Array.isArray(dst) ? ` of length ${dst.length}` : ''})`,
      );
    }
    const destinations = (dst ?? src) as unknown[];
    let result = batch;
    for (let i = 0; i < src.length; i++) result = await runSingle(batch, call, reserved, user, seeds, src[i], destinations[i]);
    return result;
  }
  return runSingle(batch, call, reserved, user, seeds, src, dst);
}
