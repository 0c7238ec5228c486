/**
 * Helpers of the named expressions that read the run: names given as strings or expressions, the
 * context's batch and pipeline, and reading / writing a batch member by name.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { EvalContext, PipelineLike } from './context.js';
import { NoPipelineError } from './errors.js';
import { evalExpr } from './evaluate.js';
import { NamedExpression } from './named-expression.js';
import { reprValue } from './repr.js';

/** A member or variable name, or an expression giving one. */
export type Name = string | NamedExpression<string>;

/** The text of a name inside an expression's text. */
export function nameText(name: Name | null): string {
  return name === null ? '' : reprValue(name);
}

/** The name as a string (an expression giving it is evaluated). */
export function resolveName(name: Name, ctx: EvalContext): string {
  const value = name instanceof NamedExpression ? evalExpr(name, ctx) : name;
  if (typeof value !== 'string') throw new TypeError(`the name must be a string, got ${value === null ? 'null' : typeof value}`);
  return value;
}

/** The context's batch; a TypeError when there is none. */
export function requireBatch(ctx: EvalContext): Batch {
  if (!ctx.batch)
    throw new TypeError('there is no batch here (batch expressions cannot be evaluated outside a batch, e.g. in before/after pipelines or variable defaults)');
  return ctx.batch;
}

/** The context's pipeline; a NoPipelineError when there is none. */
export function requirePipeline(ctx: EvalContext): PipelineLike {
  if (!ctx.pipeline) throw new NoPipelineError('there is no pipeline here (evaluate it with a context that has a pipeline)');
  return ctx.pipeline;
}

/** `value` bound to `self` when it is a function (a batch method read by name keeps its batch). */
export function bindIfFunction(value: unknown, self: object): unknown {
  return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(self) : value;
}

/** Reads a batch member: a component (through `getComponent`) or any other member by name. */
export function readBatchMember(batch: Batch, name: string): unknown {
  if (batch.components?.includes(name)) return batch.getComponent(name);
  if (!(name in batch))
    throw new TypeError(`${batch.constructor.name} has no component or attribute '${name}' (components: ${batch.components?.join(', ') || 'none'})`);
  return bindIfFunction((batch as unknown as Record<string, unknown>)[name], batch);
}

/** Writes a batch member: a component (through `setComponent`), a settable member, or a new/existing attribute. */
export function writeBatchMember(batch: Batch, name: string, value: unknown): void {
  if (batch.components?.includes(name)) {
    batch.setComponent(name, value);
  } else if (Object.hasOwn(batch.getAttrs(), name) || !(name in batch)) {
    batch.createAttrs({ [name]: value });
  } else if (!Reflect.set(batch, name, value)) {
    throw new TypeError(`the batch member '${name}' cannot be assigned`);
  }
}
