/**
 * The action registry: one place that knows every decorated method of every Batch class.
 * Decorators only write here; the runtime, pipelines, worker engines and docs only read.
 * Records live in reflect-metadata on each class prototype, so subclasses inherit them and can
 * override them by decorating a method of the same name.
 * @module
 */
import 'reflect-metadata';
import type { ActionRecord } from './action-record.js';
import { ACTIONS_METADATA, DEFINING_MODULE_METADATA } from './metadata-keys.js';

type AnyClass = abstract new (...args: never[]) => unknown;

/** A record as seen from one class: with whether it was inherited or overrides a parent's. */
export interface ResolvedAction extends ActionRecord {
  /** True when the record comes from a parent class. */
  readonly inherited: boolean;
  /** True when this class re-declares an action that a parent class also declares. */
  readonly overrides: boolean;
}

/** What the registry keeps besides the per-prototype metadata. */
interface RegistryStorage {
  readonly registeredClasses: Set<AnyClass>;
  readonly classesByModule: Map<string, Map<string, AnyClass>>;
}

/**
 * The storage lives on `globalThis` under a `Symbol.for` key, so two copies of the package loaded in
 * one process (two versions in node_modules, or a bundled and an unbundled copy) share one registry
 * and each sees the classes the other registered.
 */
const STORAGE_KEY = Symbol.for('batchflow-ts.registry');

function createStorage(): RegistryStorage {
  return { registeredClasses: new Set(), classesByModule: new Map() };
}

function globalStorage(): RegistryStorage {
  const holder = globalThis as typeof globalThis & { [STORAGE_KEY]?: RegistryStorage };
  return (holder[STORAGE_KEY] ??= createStorage());
}

const { registeredClasses, classesByModule } = globalStorage();

function ownRecords(prototype: object): Map<string, ActionRecord> | undefined {
  return Reflect.getOwnMetadata(ACTIONS_METADATA, prototype) as Map<string, ActionRecord> | undefined;
}

/** Records `record` on the class whose prototype is `prototype` (called by the decorators). */
export function registerAction(prototype: object, record: ActionRecord): void {
  let records = ownRecords(prototype);
  if (!records) {
    records = new Map();
    Reflect.defineMetadata(ACTIONS_METADATA, records, prototype);
  }
  records.set(record.name, record);
  const cls = (prototype as { constructor: AnyClass }).constructor;
  registeredClasses.add(cls);
  if (record.definingModule) {
    Reflect.defineMetadata(DEFINING_MODULE_METADATA, record.definingModule, cls);
    let byName = classesByModule.get(record.definingModule);
    if (!byName) classesByModule.set(record.definingModule, (byName = new Map()));
    byName.set(cls.name, cls);
  }
}

function prototypeChain(cls: AnyClass): object[] {
  const chain: object[] = [];
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    chain.unshift(proto);
  }
  return chain;
}

/** Every action of `cls`, its own and inherited, in declaration order (parents first). */
export function getActions(cls: AnyClass): Map<string, ResolvedAction> {
  const result = new Map<string, ResolvedAction>();
  const ownPrototype = cls.prototype as object;
  for (const prototype of prototypeChain(cls)) {
    const records = ownRecords(prototype);
    if (!records) continue;
    for (const [name, record] of records) {
      const overrides = result.has(name);
      result.delete(name);
      result.set(name, { ...record, inherited: prototype !== ownPrototype, overrides });
    }
  }
  return result;
}

/** The record for `name` as seen from `cls`, or undefined when `name` is not an action. */
export function getAction(cls: AnyClass, name: string): ActionRecord | undefined {
  for (let proto = cls.prototype as object | null; proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
    const record = ownRecords(proto)?.get(name);
    if (record) return record;
  }
  return undefined;
}

/** Every class that has at least one decorated method of its own (for the docs generator). */
export function getRegisteredClasses(): readonly AnyClass[] {
  return [...registeredClasses];
}

/** The module recorded for `cls` (its own, or the nearest parent's), or undefined. */
export function getDefiningModule(cls: AnyClass): string | undefined {
  return Reflect.getMetadata(DEFINING_MODULE_METADATA, cls) as string | undefined;
}

/** Finds a registered class by its defining module and name (used inside workers). */
export function findRegisteredClass(definingModule: string, className: string): AnyClass | undefined {
  return classesByModule.get(definingModule)?.get(className);
}
