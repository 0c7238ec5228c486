/**
 * What an engine runs: one per-item function over a list of items, with everything each call needs
 * (shared options, per-item option values, the apply mask of `p`, the RNG seeds). `invokeItem`
 * turns a task and a position into one call; every engine, in-process or in a worker, uses it, so
 * the same task gives the same results everywhere.
 * @module
 */
import { ActionError } from '../errors.js';
import { Rng } from '../random/rng.js';
import type { FunctionReference } from './function-reference.js';
import type { DType, NDArray, TypedArray } from '../ndarray/ndarray-utils.js';
import { newOutput, type ItemOutputs } from './item-outputs.js';
import { mayUseThis } from './this-use.js';

/** A list of items an engine can read by position. */
export interface ItemSource {
  readonly length: number;
  at(position: number): unknown;
  /**
   * The ndarray whose rows (along its first axis) the items are, when they are: `at(i)` is then its
   * item `i` (a number for a 1-D array, a row view otherwise). Worker engines read such items as
   * slices of its storage, without one call or view per item.
   */
  readonly column?: NDArray | undefined;
}

/** The per-item function signature: `(item, options, context, ...args)`. */
// `any` defaults: an item function of any item and options type is an ItemFunction (parameters are contravariant)
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ItemFunction<I = any, O = any, R = unknown, A extends readonly unknown[] = readonly unknown[]> = (
  item: I,
  options: O,
  context: ItemContext,
  ...args: A
) => R | Promise<R>;

/** How items get their generator: none, one seed mixed with each position, or one seed per item. */
export type RngSeeding =
  { readonly kind: 'none' } | { readonly kind: 'mixed'; readonly seed: number } | { readonly kind: 'perItem'; readonly seeds: ArrayLike<number> };

/** Everything an engine needs to run one parallel action. */
export interface ItemTask {
  /** Action name, for errors. */
  readonly action: string;
  /** The per-item function, and the `this` it is called with on in-process engines. */
  readonly func: ItemFunction;
  readonly thisArg: unknown;
  /** Where worker engines find `func` (undefined: it cannot travel to a worker). */
  readonly reference?: FunctionReference | undefined;
  /**
   * Position of the first item this task holds. Positions are global (item `p` of the action); the
   * task's lists (items, per-item values, mask, per-item seeds, index values) start at `offset`.
   * 0 on the main thread; the chunk start inside a worker.
   */
  readonly offset: number;
  /** The items. */
  readonly items: ItemSource;
  /** Options shared by every item (user options only, reserved ones removed). */
  readonly options: Readonly<Record<string, unknown>>;
  /** Options given per item with P(...): `[name, source]` pairs. */
  readonly perItemOptions: ReadonlyArray<readonly [string, PerItemSource]>;
  /** Extra positional arguments; `perItemArgs` are `[argument index, source]` pairs. */
  readonly args: readonly unknown[];
  readonly perItemArgs: ReadonlyArray<readonly [number, PerItemSource]>;
  /** 1 = run the function on this item, 0 = pass the item through unchanged; null = run all. */
  readonly applyMask: Uint8Array | null;
  readonly rngSeeding: RngSeeding;
  /**
   * True when the results are expected to look like the items (a transform stored back into its own
   * component): worker engines then prepare one output buffer up front. Only a hint; other results still work.
   */
  readonly outputLikeItems?: boolean;
  /** The batch index value of each position: the batch ids when there is one item per batch item, else empty. */
  readonly indexValues: ArrayLike<unknown>;
}

/** Per-item values read by position. */
export interface PerItemSource {
  valueAt(position: number): unknown;
}

/** The third argument of every per-item function. */
export class ItemContext {
  /** @internal */
  constructor(
    private readonly task: ItemTask,
    readonly position: number,
    private readonly outputs: ItemOutputs | null = null,
  ) {}

  /**
   * A zero-filled array of `shape` and `dtype` to compute this item's result into. On an engine that
   * runs the items in the calling thread (`'for'`, `'async'`), it is this item's row of one array made
   * for the results of all items: returned as the item's result, it becomes the item's row of the
   * assembled component without being copied. Ask once per item and return the array itself (not a
   * view of part of it); another request, or a different shape or dtype, gets an array of its own.
   * @param shape - the item result's shape (non-negative integers)
   * @param dtype - its element type (default `'float64'`)
   */
  output(shape: readonly number[], dtype: DType = 'float64'): NDArray<TypedArray> {
    return this.outputs === null ? newOutput(shape, dtype) : this.outputs.allocate(this.position, shape, dtype);
  }

  /** The item's value in the batch index; undefined when the action has not exactly one item per batch item (a custom `init`). */
  get index(): unknown {
    const local = this.position - this.task.offset;
    return local < this.task.indexValues.length ? this.task.indexValues[local] : undefined;
  }

  /** The action's name. */
  get action(): string {
    return this.task.action;
  }

  /** Extra positional arguments of the call (also passed after the context). */
  get args(): readonly unknown[] {
    return this.task.args;
  }

  /**
   * This item's own generator, derived from the batch seed and the item position (never from the
   * engine or worker). Only available when the action runs with `requiresRng` or `rngSeeds`.
   */
  get rng(): Rng {
    const value = itemRng(this.task, this.position);
    Object.defineProperty(this, 'rng', { value, enumerable: true });
    return value;
  }
}

/** Builds the generator of item `position`; throws when the task has no seeds. */
export function itemRng(task: ItemTask, position: number): Rng {
  const seeding = task.rngSeeding;
  if (seeding.kind === 'mixed') return new Rng(seeding.seed, position);
  if (seeding.kind === 'perItem') return new Rng(seeding.seeds[position - task.offset]!);
  throw new TypeError(`action '${task.action}': context.rng is only available with requiresRng: true or rngSeeds`);
}

function itemOptions(task: ItemTask, position: number): Readonly<Record<string, unknown>> {
  if (task.perItemOptions.length === 0) return task.options;
  const options: Record<string, unknown> = { ...task.options };
  for (const [name, source] of task.perItemOptions) options[name] = source.valueAt(position - task.offset);
  return options;
}

function itemArgs(task: ItemTask, position: number): readonly unknown[] {
  if (task.perItemArgs.length === 0) return task.args;
  const args = [...task.args];
  for (const [index, source] of task.perItemArgs) args[index] = source.valueAt(position - task.offset);
  return args;
}

/** Runs the task's function on item `position` (or passes the item through when masked out). */
export function invokeItem(task: ItemTask, position: number, outputs: ItemOutputs | null = null): unknown {
  const local = position - task.offset;
  const item = task.items.at(local);
  if (task.applyMask !== null && task.applyMask[local] === 0) return item;
  const context = new ItemContext(task, position, outputs);
  const options = itemOptions(task, position);
  const func = task.func;
  // a plain call where there is no `this` to pass: the optimising compiler inlines it (see invokePlainItem)
  if (task.args.length === 0) return task.thisArg === undefined ? func(item, options, context) : func.call(task.thisArg, item, options, context);
  return func.call(task.thisArg, item, options, context, ...itemArgs(task, position));
}

/**
 * `task` to run in this thread: the same task without its `this` when the item function cannot see it
 * (see `mayUseThis`), so that {@link invokeItem} calls the function directly; else `task` itself.
 */
export function withoutUnseenThis(task: ItemTask): ItemTask {
  return task.thisArg === undefined || mayUseThis(task.func) ? task : { ...task, thisArg: undefined };
}

/**
 * True when {@link invokeItem} calls every item of `task` as `func(item, options, context)`: no `p`
 * mask, per-item options or extra arguments. An engine that reads the items itself (a worker reading
 * numbers from their buffer) may then call {@link invokePlainItem} with each.
 */
export function isPlainTask(task: ItemTask): boolean {
  return task.applyMask === null && task.perItemOptions.length === 0 && task.args.length === 0 && task.perItemArgs.length === 0;
}

/**
 * For a task where {@link isPlainTask} holds: what `invokeItem(task, position)` does, with the item at
 * `position` given (an engine that reads the items itself, a worker reading numbers from their buffer).
 * A task without `this` calls its function directly: the optimising compiler inlines a plain call (and
 * then makes no context object for a function that ignores it), not a bound or `call` one.
 */
export function invokePlainItem(task: ItemTask, position: number, item: unknown): unknown {
  const func = task.func;
  const context = new ItemContext(task, position);
  return task.thisArg === undefined ? func(item, task.options, context) : func.call(task.thisArg, item, task.options, context);
}

/** The ActionError for a failure of item `position`. */
export function itemFailure(task: Pick<ItemTask, 'action' | 'indexValues' | 'offset'>, position: number, cause: unknown, failedCount = 1): ActionError {
  const local = position - task.offset;
  const indexValue = local < task.indexValues.length ? task.indexValues[local] : undefined;
  return new ActionError(task.action, position, indexValue, cause, failedCount);
}
