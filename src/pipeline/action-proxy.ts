/**
 * Batch actions as pipeline methods: a pipeline object is wrapped in a proxy on which any registered
 * action name (`p.flip`) is a function that records that action. Only names some registered Batch
 * class has as an action become methods, so probes by other libraries (`then`, `toJSON`,
 * `asymmetricMatch`, …) see `undefined`.
 * @module
 */
import { getAction, getRegisteredClasses } from '../decorators/registry.js';

const pipelines = new WeakSet<object>();

function isKnownActionName(name: string): boolean {
  return getRegisteredClasses().some((cls) => getAction(cls, name) !== undefined);
}

/** `target` with every unknown member that is a registered action name calling `record(name, args)`. */
export function withActionMethods<T extends object>(target: T, record: (name: string, args: unknown[]) => unknown): T {
  const proxy = new Proxy(target, {
    get(object, name, receiver) {
      if (typeof name !== 'string' || name in object || !isKnownActionName(name)) return Reflect.get(object, name, receiver) as unknown;
      return (...args: unknown[]) => record(name, args);
    },
  });
  pipelines.add(proxy);
  return proxy;
}

/** True for a pipeline made by {@link withActionMethods}. */
export function isPipeline(value: unknown): boolean {
  return typeof value === 'object' && value !== null && pipelines.has(value);
}
