/**
 * Engine instances by target name. Every engine, the built-in ones included, is registered here with
 * {@link registerEngine}: a factory, called once when the target is first used, and its aliases.
 * In-process engines are cheap singletons; worker engines keep one pool per worker count, created
 * lazily and closed by {@link closeEngines}. The built-in engines are registered where the registry is
 * created, so any import of the registry sees them.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { AsyncEngine } from './async-engine.js';
import type { Engine } from './engine.js';
import { ForEngine } from './for-engine.js';
import { clearSharedSlots } from './shared-slots.js';
import { assertTargetSpelling, lookupTarget, resolveTarget, setSpelling } from './target.js';
import { createProcessesTransport } from './transport/tinypool-processes.js';
import { createThreadsTransport } from './transport/tinypool-threads.js';
import { WorkerEngine } from './worker-engine.js';
import { AutoEngine } from './auto/auto-engine.js';

/** Creates the engine of a target; called once, when the target is first used after registration or {@link closeEngines}. */
export type EngineFactory = () => Engine;

const factories = new Map<string, EngineFactory>();
const instances = new Map<string, Engine>();

/** Options of {@link registerEngine}. */
export interface RegisterEngineOptions {
  /** Other spellings of the name (e.g. a one-letter short form); each must be free, like the name. */
  readonly aliases?: readonly string[];
  /**
   * Replace what is registered under the name or an alias (default false: a clash is an error). The
   * aliases the name already had are kept.
   */
  readonly override?: boolean;
}

function assertAliases(name: string, aliases: unknown): readonly string[] {
  if (aliases === undefined) return [];
  if (!Array.isArray(aliases)) throw new ArgumentError('aliases', `registerEngine('${name}'): aliases must be an array of strings, got ${typeof aliases}`);
  aliases.forEach((alias: unknown, i) => assertTargetSpelling(alias, `aliases[${i}]`));
  const spellings = aliases as string[];
  const repeated = spellings.find((alias, i) => alias === name || spellings.indexOf(alias) !== i);
  if (repeated !== undefined) throw new ArgumentError('aliases', `registerEngine('${name}'): '${repeated}' is given twice (as the name or as an alias)`);
  return spellings;
}

/**
 * Registers `factory` as the engine called `name` (and its `aliases`), so `target: name` runs on it.
 * A name or alias that is already registered (the built-in `'for'`, `'f'`, `'threads'`, `'t'`,
 * `'mpc'`, `'m'`, `'async'`, `'a'` included) is an ArgumentError naming it, unless
 * `{ override: true }` is passed. An engine already started for the name keeps serving until
 * {@link closeEngines}. To type-check the new name as a `target`, extend {@link EngineRegistry}.
 */
export function registerEngine(name: string, factory: EngineFactory, options: RegisterEngineOptions = {}): void {
  assertTargetSpelling(name, 'name');
  if (typeof factory !== 'function') throw new ArgumentError('factory', `registerEngine('${name}') needs a function that creates the engine`);
  const aliases = assertAliases(name, options.aliases);
  const override = options.override === true;
  const current = lookupTarget(name);
  if (current !== undefined && !override) {
    const what = current === name ? `an engine is already registered for target '${name}'` : `'${name}' is already an alias of target '${current}'`;
    throw new ArgumentError('name', `${what}; pass { override: true } to replace it`);
  }
  for (const alias of aliases) {
    const owner = lookupTarget(alias);
    if (owner === undefined || owner === name) continue;
    if (owner === alias) {
      throw new ArgumentError('aliases', `alias '${alias}' of '${name}' is the name of a registered engine; register that name itself to replace it`);
    }
    if (!override)
      throw new ArgumentError('aliases', `alias '${alias}' of '${name}' is already an alias of target '${owner}'; pass { override: true } to move it`);
  }
  factories.set(name, factory);
  setSpelling(name, name);
  for (const alias of aliases) setSpelling(alias, name);
}

/** The engine for `target` (aliases accepted); throws UnknownTargetError for names that are not registered. */
export function getEngine(target: unknown): Engine {
  const name = resolveTarget(target);
  let engine = instances.get(name);
  if (!engine) {
    engine = factories.get(name)!();
    instances.set(name, engine);
  }
  return engine;
}

/** Closes every engine that was started (worker pools). Engines restart lazily on the next call. */
export async function closeEngines(): Promise<void> {
  const engines = [...instances.values()];
  instances.clear();
  clearSharedSlots();
  await Promise.all(engines.map((engine) => engine.close()));
}

registerEngine('for', () => new ForEngine(), { aliases: ['f'] });
registerEngine('threads', () => new WorkerEngine('threads', createThreadsTransport), { aliases: ['t'] });
registerEngine('mpc', () => new WorkerEngine('mpc', createProcessesTransport), { aliases: ['m'] });
registerEngine('async', () => new AsyncEngine(), { aliases: ['a'] });
registerEngine('auto', () => new AutoEngine(getEngine));
