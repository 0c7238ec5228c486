/**
 * `@applyParallel`: write a method for ONE item; calls run it over every item of the batch on the
 * chosen engine. The per-item original stays on the class as `_name_`.
 * @module
 */
import { assertOptionsObject, isBareDecoratorCall } from './decorator-arguments.js';
import { decorateParallel } from './parallel-decorator.js';
import type { ParallelDecoratorOptions } from './parallel-options.js';
import type { MethodDecorator } from './method-decorator.js';

/**
 * Turns a per-item method `(item, options, context) => result` into an action that runs it over the
 * batch (see `Batch.applyParallel` for every option). Defaults merge as
 * `Batch.applyDefaults` < subclass `applyDefaults` < these decorator options < call options.
 *
 * @example
 * ```ts
 * @applyParallel({ src: 'images', target: 'for' })
 * flip(image: NDArray, options: { axis: 0 | 1 }): NDArray { ... }
 * // call: await batch.actions.flip({ axis: 1, p: 0.5 })
 * ```
 */
export function applyParallel(prototype: object, key: string | symbol, descriptor: PropertyDescriptor): void;
export function applyParallel(options?: ParallelDecoratorOptions): MethodDecorator;
export function applyParallel(...args: unknown[]): void | MethodDecorator {
  if (isBareDecoratorCall(args)) return decorateParallel('applyParallel', {}, args[0], args[1], args[2]);
  assertOptionsObject('applyParallel', args);
  const options = (args[0] ?? {}) as ParallelDecoratorOptions;
  return (prototype, key, descriptor) => decorateParallel('applyParallel', options, prototype, key, descriptor);
}
