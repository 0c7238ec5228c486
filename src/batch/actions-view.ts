/**
 * `batch.actions`: the same batch seen through a proxy whose members are its actions only (a
 * non-action is an ArgumentError), each bound to the batch.
 * @module
 */
import { getAction } from '../decorators/registry.js';
import { ArgumentError } from '../errors.js';

/** The actions view of `batch` (the caller types it). */
export function createActionsView(batch: object): unknown {
  const cls = batch.constructor;
  return new Proxy(batch, {
    get(target, name) {
      const value = Reflect.get(target, name, target) as unknown;
      if (typeof name !== 'string' || typeof value !== 'function') return value;
      if (!getAction(cls as new () => unknown, name))
        throw new ArgumentError(name, `'${name}' is not an action of ${cls.name} (decorate it with @action, @applyParallel or @inbatchParallel)`);
      return (value as (...args: unknown[]) => unknown).bind(target);
    },
  });
}
