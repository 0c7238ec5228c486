/**
 * Engine instances by target. In-process engines are singletons; worker engines register a factory
 * and keep one pool per worker count, created lazily and closed by {@link closeEngines}.
 * @module
 */
import { BatchflowError } from '../errors.js';
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

/** Makes `factory` the implementation of `target` (used by the worker engines). */
export function registerEngine(target: TargetName, factory: EngineFactory): void {
  factories.set(target, factory);
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
