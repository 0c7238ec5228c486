/**
 * Option types of parallel actions (`@applyParallel`, `@inbatchParallel`, `batch.applyParallel`).
 * Reserved option names are listed in {@link reservedParallelOptions}; every other option is the
 * item function's own and is forwarded to it.
 * @module
 */
import type { Target } from '../engines/target.js';
import type { PerItem } from '../expr/per-item.js';
import type { NDArray } from '../ndarray/ndarray-utils.js';
import { optionNames } from '../util/option-names.js';

/** Several components passed together: each item is `[valueOfFirst, valueOfSecond, …]`. */
export class ComponentTuple {
  /** The component names, in the order their values appear in each item. */
  readonly names: readonly string[];
  constructor(names: readonly string[]) {
    if (names.length === 0 || names.some((name) => typeof name !== 'string')) throw new TypeError('tuple: expected one or more component names');
    this.names = Object.freeze([...names]);
  }
}

/**
 * Marks several components to be passed **together** (BatchFlow's tuple `src`): with
 * `src: tuple('images', 'masks')` the item function receives `[image, mask]` per item. A plain array
 * `src: ['images', 'masks']` instead runs the function once per component (list semantics).
 */
export function tuple(...names: string[]): ComponentTuple {
  return new ComponentTuple(names);
}

/** A single source: a component name, a tuple of names, or raw per-item data. */
export type SourceSpec = string | ComponentTuple | NDArray | ArrayLike<unknown> | Iterable<unknown>;
/** Where results go: a component name, several names (results are split per name), or a tuple. */
export type DestinationSpec = string | readonly string[] | ComponentTuple | null;

/** What `init` may be: 'data' (the src items), a batch member name, a function, or a container. */
export type InitSpec =
  'data' | (string & {}) | ((this: unknown, options: Record<string, unknown>) => unknown) | NDArray | ArrayLike<unknown> | Iterable<unknown> | null;

/** What `post` may be: '_assemble' (default), a batch method name, a function, or null for none. */
export type PostSpec = string | ((this: unknown, results: unknown[], options: Record<string, unknown>) => unknown) | null;

/** Options every parallel action accepts (reserved names: they are not forwarded to item functions). */
export interface ParallelOptions {
  /** Component(s) or data to take items from. An array runs the action once per component. */
  src?: SourceSpec | readonly (string | ComponentTuple)[] | null;
  /** Component(s) to store results in; defaults to `src`. */
  dst?: DestinationSpec;
  /** With `dst` unset: `'src'` (default) or `'components'` (all components, in order). */
  dstDefault?: 'src' | 'components';
  /** How items are produced (see {@link InitSpec}); by default the `src` items. */
  init?: InitSpec;
  /** What happens to the results (see {@link PostSpec}); `_assemble` stores them in `dst`. */
  post?: PostSpec;
  /** Engine: 'for' | 'threads' | 'mpc' | 'async' (or 'f' | 't' | 'm' | 'a'). */
  target?: Target;
  /** Probability of applying the function to each item (skipped items pass through unchanged), or P(per-item 0/1 or probabilities). */
  p?: number | PerItem<number> | null;
  /** Hand each item its own generator as `context.rng`, seeded from the batch seed and the item position. */
  requiresRng?: boolean;
  /** Explicit seeds: one number (mixed with each item's position) or one seed per item. */
  rngSeeds?: number | readonly number[] | PerItem<number> | null;
  /** Number of workers for 'threads' and 'mpc' (default: number of CPUs); at most this many concurrent items on 'async'. */
  nWorkers?: number;
  /** Items per message for worker engines (default: chosen from the number of items and workers). */
  chunkSize?: number;
  /** Abort the action with a TimeoutError after this many milliseconds. */
  timeout?: number;
  /** Extra positional arguments, passed after `(item, options, context)`. */
  args?: readonly unknown[];
}

/** The names of {@link ParallelOptions}, checked against the interface at compile time. */
export const parallelOptionNames = optionNames<ParallelOptions>()([
  'src',
  'dst',
  'dstDefault',
  'init',
  'post',
  'target',
  'p',
  'requiresRng',
  'rngSeeds',
  'nWorkers',
  'chunkSize',
  'timeout',
  'args',
]);

/** One reserved option name of parallel actions. */
export type ParallelOptionName = (typeof parallelOptionNames)[number];

/** The reserved option names of parallel actions. */
export const reservedParallelOptions: ReadonlySet<string> = new Set(parallelOptionNames);

/** Decorator options of `@applyParallel` / `@inbatchParallel`: defaults for every call, plus `summary`. */
export interface ParallelDecoratorOptions extends ParallelOptions {
  /** One-line description for the generated action reference. */
  summary?: string;
  /** Extra defaults forwarded to the item function's options. */
  [option: string]: unknown;
}
