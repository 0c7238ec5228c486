/**
 * {@link evalExpr}: evaluates named expressions, also those nested in arrays, plain objects, Maps,
 * Configs and per-item values.
 * @module
 */
import { Config } from '../config/config.js';
import { isPlainObject } from '../util/plain-object.js';
import type { EvalContext } from './context.js';
import { ExpressionError } from './errors.js';
import { isExpressionRef, RAW_RESULT, type ExpressionRef } from './expression-ref.js';
import { PerItem } from './per-item.js';

/** The type `evalExpr` gives for a value of type `T`: expressions replaced by their results, containers mapped. */
export type Evaluated<T> =
  T extends ExpressionRef<infer U>
    ? U
    : T extends PerItem<unknown>
      ? T
      : T extends Config
        ? Config
        : T extends ReadonlyMap<infer K, infer V>
          ? Map<Evaluated<K>, Evaluated<V>>
          : T extends readonly unknown[]
            ? { -readonly [K in keyof T]: Evaluated<T[K]> }
            : T extends (...args: never[]) => unknown
              ? T
              : T extends Record<string, unknown>
                ? { [K in keyof T]: Evaluated<T[K]> }
                : T;

/** Options of {@link evalExpr}. */
export interface EvalOptions {
  /**
   * Keys (of plain objects, Maps and Configs at the top level) whose values are not evaluated; an
   * expression there is returned bound to the current context (so an action can `get`/`set` it later).
   */
  noEval?: readonly string[];
}

/** True for the values {@link containsExpression} looks into: arrays, Configs, Maps, PerItems and plain objects. */
function isContainer(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  return Array.isArray(value) || value instanceof Config || value instanceof Map || value instanceof PerItem || isPlainObject(value);
}

/**
 * True when `value` is an expression or a container (array, plain object, Map, Config, PerItem) holding
 * one at any depth. Walks with its own stack, so deeply nested data (e.g. a loaded JSON item 5,000
 * levels deep) cannot overflow the call stack.
 */
export function containsExpression(value: unknown, seen?: Set<object>): boolean {
  // a primitive or an object that holds no expression (a number, an ndarray: the usual results of an expression): nothing to walk
  if (!isContainer(value)) return isExpressionRef(value);
  seen ??= new Set();
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    const next = pending.pop();
    if (isExpressionRef(next)) return true;
    if (typeof next !== 'object' || next === null || seen.has(next)) continue;
    seen.add(next);
    if (Array.isArray(next)) for (let i = next.length - 1; i >= 0; i--) pending.push(next[i]);
    else if (next instanceof Config) pending.push(next.storage);
    else if (next instanceof Map) for (const [key, item] of next) pending.push(item, key);
    else if (next instanceof PerItem) {
      if (Array.isArray(next.values)) pending.push(next.values);
    } else if (isPlainObject(next)) {
      const values = Object.values(next);
      for (let i = values.length - 1; i >= 0; i--) pending.push(values[i]);
    }
  }
  return false;
}

function keepUnevaluated(value: unknown, ctx: EvalContext): unknown {
  return isExpressionRef(value) ? value.bind(ctx) : value;
}

function resolveLevel(level: Map<unknown, unknown>, ctx: EvalContext, noEval: readonly string[], keys: boolean): Map<unknown, unknown> {
  const out = new Map<unknown, unknown>();
  for (const [key, value] of level) {
    const newKey = keys ? resolve(key, ctx, []) : key;
    out.set(newKey, typeof key === 'string' && noEval.includes(key) ? keepUnevaluated(value, ctx) : resolve(value, ctx, []));
  }
  return out;
}

function resolve(value: unknown, ctx: EvalContext, noEval: readonly string[]): unknown {
  if (isExpressionRef(value)) {
    const result = value.get(ctx);
    if (value[RAW_RESULT] || !containsExpression(result)) return result;
    try {
      return resolve(result, ctx, []);
    } catch (error) {
      if (error instanceof ExpressionError) throw error;
      throw new ExpressionError(value.toString(), error instanceof Error ? `${error.name}: ${error.message}` : String(error), { cause: error });
    }
  }
  if (Array.isArray(value)) return value.map((item) => resolve(item, ctx, []));
  if (value instanceof Config) return Config.fromLevel(resolveLevel(value.storage, ctx, noEval, false) as Map<string, unknown>);
  if (value instanceof Map) return resolveLevel(value, ctx, noEval, true);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = noEval.includes(key) ? keepUnevaluated(item, ctx) : resolve(item, ctx, []);
    return out;
  }
  if (value instanceof PerItem && Array.isArray(value.values) && containsExpression(value.values)) {
    return new PerItem((value.values as unknown[]).map((item) => resolve(item, ctx, [])));
  }
  return value;
}

/**
 * Evaluates `value`: an expression gives its result as it is (the same object: a component or a
 * variable is not copied), unless the result holds expressions, which are then evaluated too (except
 * for `W`, `P`, `PP`, whose results are final); arrays, plain objects, Maps (keys too) and Configs
 * given as `value` are rebuilt as new containers with every element evaluated (the input is never
 * changed, and a literal default is never shared); everything else (numbers, strings, typed arrays,
 * ndarrays, class instances, functions) is returned as it is.
 * Keys listed in `noEval` keep their values, with expressions bound to `ctx`.
 */
export function evalExpr<T>(value: T, ctx: EvalContext = {}, options: EvalOptions = {}): Evaluated<T> {
  return resolve(value, ctx, options.noEval ?? []) as Evaluated<T>;
}
