/**
 * `@action`: marks a Batch method as an action a pipeline may call. The wrapper awaits the body,
 * returns the batch when the body returns nothing, and serialises calls under `useLock`.
 * @module
 */
import type { ActionRecord } from './action-record.js';
import { definingModuleFromStack } from './defining-module.js';
import { assertMethod, assertOptionsObject, isBareDecoratorCall } from './decorator-arguments.js';
import { callEvaluated, evaluateDirectArguments } from './direct-arguments.js';
import { lockForAction, type ActionHost } from './host.js';
import { registerAction } from './registry.js';
import type { MethodDecorator } from './method-decorator.js';
import type { BatchType } from '../batch/batch-like.js';

/** Options of `@action({...})`. */
export interface ActionOptions {
  /**
   * Serialise calls of this action: `true` uses a lock named after the method, a string names a lock
   * shared by several actions. The lock belongs to the batch's pipeline, or to the batch without one.
   */
  useLock?: boolean | string;
  /** Options a pipeline must pass unevaluated (as named expressions). */
  noEval?: string | readonly string[];
  /** One-line description for the generated action reference. */
  summary?: string;
}

/**
 * Builds the async action wrapper around `body`. Named expressions among the arguments of a direct
 * call are evaluated against the batch first (`noEval` options excepted); the wrapper's
 * `[callEvaluated]` member skips that step for callers that evaluated them already (pipelines).
 * Exported for the parallel decorators.
 */
export function wrapAsAction(
  name: string,
  body: (this: unknown, ...args: unknown[]) => unknown,
  useLock: boolean | string,
  noEval: readonly string[] = [],
): (this: ActionHost, ...args: unknown[]) => Promise<unknown> {
  const lockName = useLock === true ? `#_lock_${name}` : typeof useLock === 'string' ? useLock : null;
  const run = async function (this: ActionHost, args: unknown[]): Promise<unknown> {
    const result = await body.apply(this, args);
    return result === undefined ? this : result;
  };
  const evaluated =
    lockName === null
      ? function (this: ActionHost, ...args: unknown[]): Promise<unknown> {
          return run.call(this, args);
        }
      : async function (this: ActionHost, ...args: unknown[]): Promise<unknown> {
          const release = await this[lockForAction](lockName).acquire();
          try {
            return await run.call(this, args);
          } finally {
            release();
          }
        };
  const wrapper = function (this: ActionHost, ...args: unknown[]): Promise<unknown> {
    let values: unknown[];
    try {
      values = evaluateDirectArguments(this as unknown as BatchType, name, args, noEval);
    } catch (error) {
      return Promise.reject(error);
    }
    return evaluated.apply(this, values);
  };
  Object.defineProperty(wrapper, 'name', { value: name });
  Object.defineProperty(evaluated, 'name', { value: name });
  Object.defineProperty(wrapper, callEvaluated, { value: evaluated });
  return wrapper;
}

function decorate(options: ActionOptions, prototype: object, key: string | symbol, descriptor: PropertyDescriptor | undefined): void {
  assertMethod('action', prototype, key, descriptor);
  const name = key as string;
  const useLock = options.useLock ?? false;
  if (typeof useLock !== 'boolean' && typeof useLock !== 'string')
    throw new TypeError(`@action: useLock must be a boolean or a lock name, got ${typeof useLock}`);
  const noEval = typeof options.noEval === 'string' ? [options.noEval] : [...(options.noEval ?? [])];
  const original = descriptor.value;
  const record: ActionRecord = {
    name,
    kind: 'action',
    className: (prototype as { constructor: { name: string } }).constructor.name,
    definingModule: definingModuleFromStack(),
    original,
    innerName: undefined,
    useLock,
    noEval,
    defaults: {},
    summary: options.summary,
  };
  registerAction(prototype, record);
  descriptor.value = wrapAsAction(name, original as (this: unknown, ...args: unknown[]) => unknown, useLock, noEval);
}

/**
 * Marks a method as an action. Use bare (`@action`) or with options (`@action({ useLock: true })`).
 * The decorated method should return `this` (or nothing); callers always get `Promise<this>`.
 */
export function action(prototype: object, key: string | symbol, descriptor: PropertyDescriptor): void;
export function action(options?: ActionOptions): MethodDecorator;
export function action(...args: unknown[]): void | MethodDecorator {
  if (isBareDecoratorCall(args)) return decorate({}, args[0], args[1], args[2]);
  assertOptionsObject('action', args);
  const options = (args[0] ?? {}) as ActionOptions;
  return (prototype, key, descriptor) => decorate(options, prototype, key, descriptor);
}
