/**
 * Component accessors: `batch.images` reads and writes component 'images'. Installed once per class
 * prototype for the class's static components, and per instance for components added at run time.
 * @module
 */
import type { Column } from '../ndarray/columns.js';
import { ComponentError } from '../errors.js';

/** What an accessor calls on the batch. */
interface ComponentHost {
  getComponent(name: string): Column | null;
  setComponent(name: string, value: unknown): void;
}

const prototypesWithAccessors = new WeakSet<object>();
const componentGetters = new WeakSet<object>();

/** True when a name occurs twice in `names` (a few names, checked for every batch, are compared pairwise: no Set is made). */
function hasDuplicate(names: readonly string[]): boolean {
  if (names.length > 16) return new Set(names).size !== names.length;
  for (let i = 1; i < names.length; i++) for (let j = 0; j < i; j++) if (names[i] === names[j]) return true;
  return false;
}

/** The class's `static components`, checked: an array of distinct non-empty names, or null. */
export function validateStaticComponents(cls: abstract new (...args: never[]) => unknown): readonly string[] | null {
  const components = (cls as unknown as { components: unknown }).components;
  if (components === null || components === undefined) return null;
  if (!Array.isArray(components) || components.some((name) => typeof name !== 'string' || name === '')) {
    throw new TypeError(`${cls.name}.components should be an array of component names (for example ['images', 'labels'] as const) or null`);
  }
  if (hasDuplicate(components as readonly string[])) throw new TypeError(`${cls.name}.components lists a component twice: [${components.join(', ')}]`);
  return components as readonly string[];
}

/**
 * The accessors made for instances, by component name: every batch that adds a component of that name
 * (a pipeline loading the same table into each batch) gets the same two functions, not two new ones.
 * At most `maxCachedAccessors` names are kept; names beyond them get accessors of their own.
 */
const instanceAccessors = new Map<string, PropertyDescriptor>();
const maxCachedAccessors = 1 << 17;

function componentAccessor(name: string): PropertyDescriptor {
  const get = function (this: ComponentHost): Column | null {
    return this.getComponent(name);
  };
  componentGetters.add(get);
  return {
    configurable: true,
    enumerable: false,
    get,
    set(this: ComponentHost, value: unknown) {
      this.setComponent(name, value);
    },
  };
}

function instanceAccessor(name: string): PropertyDescriptor {
  let accessor = instanceAccessors.get(name);
  if (accessor === undefined) {
    accessor = componentAccessor(name);
    if (instanceAccessors.size < maxCachedAccessors) instanceAccessors.set(name, accessor);
  }
  return accessor;
}

/** True when `name` on `target` is a component accessor (not a method or another member). */
export function hasComponentAccessor(target: object, name: string): boolean {
  for (let proto: object | null = target; proto; proto = Object.getPrototypeOf(proto) as object | null) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, name);
    if (descriptor) return descriptor.get !== undefined && componentGetters.has(descriptor.get);
  }
  return false;
}

/** Defines the accessors of `components` on `cls.prototype` (once per prototype). */
export function installAccessors(cls: abstract new (...args: never[]) => unknown, components: readonly string[] | null): void {
  const prototype = cls.prototype as object;
  if (prototypesWithAccessors.has(prototype) || !components) return;
  for (const name of components) {
    const existing = Object.getOwnPropertyDescriptor(prototype, name);
    if (existing) {
      if (existing.get && existing.set) continue;
      throw new ComponentError(name, `component '${name}' of ${cls.name} clashes with a method or property of the same name`);
    }
    if (hasComponentAccessor(prototype, name)) continue;
    if (name in prototype) throw new ComponentError(name, `component '${name}' of ${cls.name} clashes with the Batch member '${name}'`);
    Object.defineProperty(prototype, name, componentAccessor(name));
  }
  prototypesWithAccessors.add(prototype);
}

/** Defines an accessor for component `name` on the instance `target` (unless one is inherited). */
export function defineInstanceComponent(target: object, name: string): void {
  if (!hasComponentAccessor(target, name)) Object.defineProperty(target, name, instanceAccessor(name));
}
