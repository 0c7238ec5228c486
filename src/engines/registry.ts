/**
 * Engine instances by target. In-process engines are singletons; worker engines register a factory
 * and keep one pool per worker count, created lazily and closed by {@link closeEngines}.
 * The built-in engines are registered here, where the registry is created, so any import of the
 * registry sees them.
 * @module
 */
import { ArgumentError, BatchflowError } from '../errors.js';
import { AsyncEngine } from './async-engine.js';
import type { Engine } from './engine.js';
import { ForEngine } from './for-engine.js';
import { resolveTarget, type TargetName } from './target.js';
import { WorkerEngine } from './worker-engine.js';

type EngineFactory = () => Engine;

const factories = new Map<TargetName, EngineFactory>([
  ['for', () => new ForEngine()],
  ['async', () => new AsyncEngine()],
  ['threads', () => new WorkerEngine('threads', 'worker_threads')],
  ['mpc', () => new WorkerEngine('mpc', 'child_process')],
]);
const instances = new Map<TargetName, Engine>();

/** Options of {@link registerEngine}. */
export interface RegisterEngineOptions {
  /** Replace the engine already registered for the target (default false: a clash is an error). */
  readonly override?: boolean;
}

/**
 * Makes `factory` the implementation of `target`. Every target already has a built-in engine, so
 * replacing one needs `{ override: true }`; without it the call is an ArgumentError naming the
 * target. An engine already started for the target keeps serving until {@link closeEngines}.
 */
export function registerEngine(target: TargetName, factory: EngineFactory, options: RegisterEngineOptions = {}): void {
  const name = resolveTarget(target);
  if (typeof factory !== 'function') throw new ArgumentError('factory', `registerEngine('${name}') needs a function that creates the engine`);
  if (factories.has(name) && options.override !== true) {
    throw new ArgumentError('target', `an engine is already registered for target '${name}'; pass { override: true } to replace it`);
  }
  factories.set(name, factory);
}

/** The engine for `target` (aliases accepted); throws UnknownTargetError for unknown names. */
export function getEngine(target: unknown): Engine {
  const name = resolveTarget(target);
  let engine = instances.get(name);
  if (!engine) {
    const factory = factories.get(name);
    if (!factory) throw new BatchflowError(`target '${name}' is not available in this build of batchflow-ts`);
    engine = factory();
    instances.set(name, engine);
  }
  return engine;
}

/** Closes every engine that was started (worker pools). Engines restart lazily on the next call. */
export async function closeEngines(): Promise<void> {
  const engines = [...instances.values()];
  instances.clear();
  await Promise.all(engines.map((engine) => engine.close()));
}
