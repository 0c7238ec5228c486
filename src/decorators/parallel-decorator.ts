/**
 * The shared body of `@applyParallel` and `@inbatchParallel`: keep the per-item original as
 * `_name_`, record the method, and install an action wrapper that runs it over the batch's items.
 * @module
 */
import type { ActionKind, ActionRecord } from './action-record.js';
import { wrapAsAction } from './action.js';
import { definingModuleFromStack } from './defining-module.js';
import { assertMethod } from './decorator-arguments.js';
import { runParallelAction, type ActionHost } from './host.js';
import { registerAction } from './registry.js';
import { ArgumentError, UnknownTargetError } from '../errors.js';
import { validTargets } from '../engines/target.js';

/** The name under which the per-item original of `name` stays on the class. */
export function innerMethodName(name: string): string {
  return `_${name}_`;
}

/** Decorates `prototype[key]` as a parallel action of `kind` with decorator options `defaults`. */
export function decorateParallel(
  kind: Exclude<ActionKind, 'action'>,
  defaults: Readonly<Record<string, unknown>>,
  prototype: object,
  key: string | symbol,
  descriptor: PropertyDescriptor | undefined,
): void {
  assertMethod(kind, prototype, key, descriptor);
  const name = key as string;
  const original = descriptor.value;
  const innerName = innerMethodName(name);
  const { summary, ...options } = defaults as { summary?: string };
  // a target that cannot be a name is a mistake in the class body: reported when the class is defined. Whether
  // the name is registered is checked at each call, so an engine may be registered after the class is defined.
  const target = (options as { target?: unknown }).target;
  if (target !== undefined && target !== null && (typeof target !== 'string' || target === '')) throw new UnknownTargetError(target, [...validTargets]);
  const record: ActionRecord = {
    name,
    kind,
    className: (prototype as { constructor: { name: string } }).constructor.name,
    definingModule: definingModuleFromStack(),
    original,
    innerName,
    useLock: false,
    noEval: [],
    defaults: Object.freeze({ ...options }),
    summary,
  };
  Object.defineProperty(prototype, innerName, { value: original, writable: true, configurable: true, enumerable: false });
  registerAction(prototype, record);
  const outer = function (this: ActionHost, ...callArguments: unknown[]): Promise<unknown> {
    const [options] = callArguments;
    if (callArguments.length > 1) {
      return Promise.reject(
        new ArgumentError(
          'args',
          `${name}() takes one options object; pass extra positional arguments as { args: [...] } (got ${callArguments.length} arguments). To run the per-item original directly, call ${innerName}(item, options, context)`,
        ),
      );
    }
    if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
      return Promise.reject(
        new ArgumentError(
          'options',
          `${name}() takes an options object, got ${Array.isArray(options) ? 'an array' : options === null ? 'null' : typeof options}. To run the per-item original directly, call ${innerName}(item, options, context)`,
        ),
      );
    }
    return this[runParallelAction](record, options as Record<string, unknown> | undefined);
  };
  descriptor.value = wrapAsAction(name, outer as (this: unknown, ...args: unknown[]) => unknown, false);
}
