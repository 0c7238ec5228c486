/**
 * `@inbatchParallel`: like `@applyParallel`, but the items come from `init` (required) and results
 * go to `post` (none by default: results are checked for errors and discarded).
 * @module
 */
import { assertOptionsObject } from './decorator-arguments.js';
import { decorateParallel } from './parallel-decorator.js';
import type { ParallelDecoratorOptions } from './parallel-options.js';
import type { MethodDecorator } from './method-decorator.js';

/** Options of `@inbatchParallel`: `init` is required. */
export interface InbatchParallelOptions extends ParallelDecoratorOptions {
  init: NonNullable<ParallelDecoratorOptions['init']>;
}

/**
 * Runs the per-item method over the items `init` produces (a batch member name such as
 * `'indices'` or `'runOnce'`, a function, or a container), then hands the results to `post`.
 */
export function inbatchParallel(options: InbatchParallelOptions, ...extra: never[]): MethodDecorator {
  assertOptionsObject('inbatchParallel', [options, ...extra]);
  if (options?.init === undefined || options.init === null) throw new TypeError("@inbatchParallel: the init option is required (for example init: 'indices')");
  return (prototype, key, descriptor) => decorateParallel('inbatchParallel', options, prototype, key, descriptor);
}
