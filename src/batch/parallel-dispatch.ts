/**
 * How a batch starts a parallel action: the defaults are merged (`Batch.applyDefaults` of the class
 * chain < decorator options < call options) and the call goes to the parallel runtime.
 * @module
 */
import type { ActionRecord } from '../decorators/action-record.js';
import { portableReference, type FunctionReference } from '../engines/function-reference.js';
import type { ItemFunction } from '../engines/item-task.js';
import { ArgumentError } from '../errors.js';
import { describeKind } from '../ndarray/columns.js';
import type { BatchLike } from './batch-like.js';
import { runParallel } from './parallel-runner.js';

/** Copies the keys of `layer` whose value is not `undefined` into `merged`. */
function mergeInto(merged: Record<string, unknown>, layer: Readonly<Record<string, unknown>> | undefined): void {
  if (!layer) return;
  for (const key of Object.keys(layer)) if (layer[key] !== undefined) merged[key] = layer[key];
}

/** Merges option layers left to right, ignoring keys whose value is `undefined`. */
function mergeDefined(...layers: ReadonlyArray<Readonly<Record<string, unknown>> | undefined>): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) mergeInto(merged, layer);
  return merged;
}

/** The `applyDefaults` objects of `cls` and its parents, from `Batch` down to `cls`. */
function applyDefaultsLayers(cls: object): Array<Readonly<Record<string, unknown>>> {
  const layers: Array<Readonly<Record<string, unknown>>> = [];
  for (let current: unknown = cls; typeof current === 'function' && current !== Function.prototype; current = Object.getPrototypeOf(current)) {
    if (Object.prototype.hasOwnProperty.call(current, 'applyDefaults'))
      layers.push((current as unknown as { applyDefaults: Record<string, unknown> }).applyDefaults);
  }
  return layers.reverse();
}

/** The starting defaults of `@inbatchParallel` methods (they do not use `applyDefaults`). */
export const inbatchParallelDefaults: Readonly<Record<string, unknown>> = Object.freeze({ target: 'for', post: null });

/** `applyDefaults` merged from `Batch` down to `cls` (each subclass's own entries win). */
export function mergedApplyDefaults(cls: object): Record<string, unknown> {
  return mergeDefined(...applyDefaultsLayers(cls));
}

/** `applyDefaults` of `cls` (merged from `Batch` down) with `options` over them, in one object (what `applyParallel` runs with). */
function withApplyDefaults(cls: object, options: Readonly<Record<string, unknown>> | undefined): Record<string, unknown> {
  const merged: Record<string, unknown> = {};
  for (const layer of applyDefaultsLayers(cls)) mergeInto(merged, layer);
  mergeInto(merged, options);
  return merged;
}

/** `batch.applyParallel(func, options)`: checks the arguments and runs `func` over the items. */
export async function applyFunction(batch: BatchLike, func: unknown, options: unknown): Promise<void> {
  if (typeof func !== 'function') throw new ArgumentError('func', `expected a function to apply to each item, got ${describeKind(func)}`);
  if (options !== undefined && (typeof options !== 'object' || options === null || Array.isArray(options))) {
    throw new ArgumentError(
      'options',
      `applyParallel(func, options) takes an options object, got ${describeKind(options)}; pass extra positional arguments as { args: [...] }`,
    );
  }
  const merged = withApplyDefaults(batch.constructor, options as Record<string, unknown> | undefined);
  await runParallel(batch, {
    action: func.name || 'applyParallel',
    kind: 'applyParallel',
    func: func as ItemFunction,
    reference: portableReference(func),
    options: merged,
  });
}

/** Runs the decorated parallel action `record` describes on `batch` with the caller's options. */
export function runRecordedAction(batch: BatchLike, record: ActionRecord, options: Record<string, unknown> | undefined): Promise<unknown> {
  const self = batch as unknown as Record<string, unknown>;
  const func = (typeof self[record.innerName!] === 'function' ? self[record.innerName!] : record.original) as ItemFunction;
  const base = record.kind === 'applyParallel' ? mergedApplyDefaults(batch.constructor) : inbatchParallelDefaults;
  const merged = mergeDefined(base, record.defaults, options);
  const reference: FunctionReference | undefined =
    record.definingModule === undefined ? undefined : { kind: 'method', module: record.definingModule, className: record.className, method: record.innerName! };
  return runParallel(batch, { action: record.name, kind: record.kind as 'applyParallel' | 'inbatchParallel', func, reference, options: merged });
}
