/**
 * The named expressions that refer to data of the run: B (batch), V (variable), C (config), D
 * (dataset), I (iteration) and L (list-wise access to a component's items).
 * @module
 */
import type { Batch } from '../batch/batch.js';
import { columnItem, columnLength, isColumn } from '../ndarray/columns.js';
import { Config, MissingKeyError } from '../config/config.js';
import type { Dataset } from '../dataset/dataset.js';
import { ArgumentError } from '../errors.js';
import type { EvalContext, IterationInfo } from './context.js';
import { evalExpr } from './evaluate.js';
import { NamedExpression, type ExprOptions } from './named-expression.js';
import * as access from './item-access.js';
import { reprValue } from './repr.js';
import type { SetMode } from './set-mode.js';
import { bindIfFunction, nameText, readBatchMember, requireBatch, requirePipeline, resolveName, writeBatchMember, type Name } from './batch-members.js';

// ---- B --------------------------------------------------------------------------------------

/** Options of `B`. */
export interface BatchExprOptions extends ExprOptions {
  /** `B()` with `copy: true` gives a deep copy of the batch. */
  copy?: boolean;
}

/** `B(name)`: a component or member of the batch; `B()`: the batch itself. */
export class BatchExpression<T = unknown> extends NamedExpression<T> {
  readonly copy: boolean;
  constructor(
    readonly name: Name | null = null,
    options: BatchExprOptions = {},
  ) {
    super(options);
    this.copy = options.copy ?? false;
  }
  override toString(): string {
    return `B(${nameText(this.name)})`;
  }
  protected override evaluate(ctx: EvalContext): T {
    const batch = requireBatch(ctx);
    if (this.name === null) return (this.copy ? batch.deepcopy() : batch) as T;
    return readBatchMember(batch, resolveName(this.name, ctx)) as T;
  }
  protected override assign(value: unknown, ctx: EvalContext): void {
    const batch = requireBatch(ctx);
    if (this.name === null) throw new TypeError('B() (the batch itself) cannot be assigned; name a component or attribute');
    writeBatchMember(batch, resolveName(this.name, ctx), value);
  }
}

/** `B('images')`: the batch's component or member `name`, read at run time. `B()`: the batch. */
export function B(): BatchExpression<Batch>;
export function B<T = unknown>(name: Name | null, options?: SetMode | BatchExprOptions): BatchExpression<T>;
export function B<T = unknown>(name: Name | null = null, options?: SetMode | BatchExprOptions): BatchExpression<T> {
  return new BatchExpression<T>(name, typeof options === 'string' ? { mode: options } : options);
}

// ---- V --------------------------------------------------------------------------------------

/** `V(name)`: a pipeline variable. */
export class VariableExpression<T = unknown> extends NamedExpression<T> {
  constructor(
    readonly name: Name,
    options: ExprOptions = {},
  ) {
    super(options);
  }
  override toString(): string {
    return `V(${nameText(this.name)})`;
  }
  protected override evaluate(ctx: EvalContext): T {
    return requirePipeline(ctx).getVariable(resolveName(this.name, ctx)) as T;
  }
  protected override current(ctx: EvalContext): unknown {
    const pipeline = requirePipeline(ctx);
    const name = resolveName(this.name, ctx);
    return pipeline.hasVariable(name) ? pipeline.getVariable(name) : null;
  }
  protected override assign(value: unknown, ctx: EvalContext): void {
    requirePipeline(ctx).setVariable(resolveName(this.name, ctx), value);
  }
}

/** `V('loss')`, `V('history', 'a')`, `V('x', {pipeline: other})`: a pipeline variable. */
export function V<T = unknown>(name: Name, options?: SetMode | ExprOptions): VariableExpression<T> {
  return new VariableExpression<T>(name, typeof options === 'string' ? { mode: options } : options);
}

// ---- C --------------------------------------------------------------------------------------

/** Options of `C`. */
export interface ConfigExprOptions<T> extends ExprOptions {
  /** Returned when the key is missing (without it a missing key throws). */
  default?: T;
}

/** `C(name)`: a config entry of the pipeline; `C()`: the whole config. */
export class ConfigExpression<T = unknown> extends NamedExpression<T> {
  readonly hasDefault: boolean;
  readonly defaultValue: unknown;
  constructor(
    readonly name: Name | null = null,
    options: ConfigExprOptions<T> = {},
  ) {
    super(options);
    this.hasDefault = Object.hasOwn(options, 'default');
    this.defaultValue = options.default;
  }
  override toString(): string {
    return `C(${nameText(this.name)}${this.hasDefault ? `, default=${reprValue(this.defaultValue)}` : ''})`;
  }
  protected override evaluate(ctx: EvalContext): T {
    const config = ctx.pipeline?.config ?? new Config();
    if (this.name === null) return config as T;
    const name = resolveName(this.name, ctx);
    if (this.hasDefault) return config.get(name, this.defaultValue) as T;
    if (!config.has(name)) throw new MissingKeyError(name, `name is not found in the config: ${name}`);
    return config.at(name) as T;
  }
  protected override assign(value: unknown, ctx: EvalContext): void {
    if (this.name === null) throw new TypeError('C() (the whole config) cannot be assigned; name a key');
    requirePipeline(ctx).config.set(resolveName(this.name, ctx), value);
  }
}

/** `C('model/lr')`, `C('bs', {default: 32})`: a config entry (a `/` path) read at run time. `C()`: the config. */
export function C(): ConfigExpression<Config>;
export function C<T = unknown>(name: Name | null, options?: ConfigExprOptions<T>): ConfigExpression<T>;
export function C<T = unknown>(name: Name | null = null, options: ConfigExprOptions<T> = {}): ConfigExpression<T> {
  return new ConfigExpression<T>(name, options);
}

// ---- D --------------------------------------------------------------------------------------

/** `D(name)`: an attribute of the dataset; `D()`: the dataset. */
export class DatasetExpression<T = unknown> extends NamedExpression<T> {
  constructor(
    readonly name: Name | null = null,
    options: ExprOptions = {},
  ) {
    super(options);
  }
  override toString(): string {
    return `D(${nameText(this.name)})`;
  }
  #dataset(ctx: EvalContext): Dataset {
    const dataset = ctx.batch?.dataset ?? ctx.pipeline?.dataset ?? null;
    if (!dataset) throw new TypeError('there is no dataset here (neither the batch nor the pipeline has one)');
    return dataset;
  }
  protected override evaluate(ctx: EvalContext): T {
    const dataset = this.#dataset(ctx);
    if (this.name === null) return dataset as T;
    const name = resolveName(this.name, ctx);
    if (!(name in dataset)) throw new MissingKeyError(name, `the dataset has no attribute '${name}'`);
    return bindIfFunction((dataset as unknown as Record<string, unknown>)[name], dataset) as T;
  }
  protected override assign(value: unknown, ctx: EvalContext): void {
    if (this.name === null) throw new TypeError('D() (the dataset itself) cannot be assigned; name an attribute');
    const name = resolveName(this.name, ctx);
    if (!Reflect.set(this.#dataset(ctx), name, value)) throw new TypeError(`the dataset member '${name}' cannot be assigned`);
  }
}

/** `D('size')`: a dataset attribute read at run time. `D()`: the dataset. */
export function D(): DatasetExpression<Dataset>;
export function D<T = unknown>(name: Name | null, options?: ExprOptions): DatasetExpression<T>;
export function D<T = unknown>(name: Name | null = null, options: ExprOptions = {}): DatasetExpression<T> {
  return new DatasetExpression<T>(name, options);
}

// ---- I --------------------------------------------------------------------------------------

/** What `I` reports. */
export type IterationField = 'current' | 'total' | 'ratio';

/** Maps a name (any prefix of current / max / maximum / total / ratio) to a field; throws for others. */
function iterationField(name: string): IterationField {
  const lower = name.toLowerCase();
  if (lower !== '') {
    if ('current'.startsWith(lower)) return 'current';
    if ('maximum'.startsWith(lower) || 'total'.startsWith(lower)) return 'total';
    if ('ratio'.startsWith(lower)) return 'ratio';
  }
  throw new ArgumentError('name', `unknown iteration field ${JSON.stringify(name)}; expected a prefix of 'current', 'max'/'maximum'/'total' or 'ratio'`);
}

/** `I(name)`: the current iteration (1-based), the total number of iterations, or their ratio. */
export class IterationExpression<T extends number | null = number | null> extends NamedExpression<T> {
  readonly field: IterationField;
  constructor(
    readonly name: string = 'c',
    options: ExprOptions = {},
  ) {
    super(options);
    this.field = iterationField(name);
  }
  override toString(): string {
    return `I(${reprValue(this.name)})`;
  }
  protected override evaluate(ctx: EvalContext): T {
    const info: IterationInfo = requirePipeline(ctx).iteration;
    if (this.field === 'current') return info.current as T;
    if (this.field === 'total') return info.total as T;
    if (info.total === null || info.total === undefined) throw new RangeError('total number of iterations is not defined');
    return (info.current / info.total) as T;
  }
}

/** `I('current')` (also `'c'`), `I('max')` (`'m'`, `'total'`), `I('ratio')` (`'r'`): iteration info of the run. */
export function I(name: 'c' | 'current', options?: ExprOptions): IterationExpression<number>;
export function I(name?: string, options?: ExprOptions): IterationExpression;
export function I(name = 'c', options: ExprOptions = {}): IterationExpression<number> | IterationExpression {
  return new IterationExpression(name, options);
}

// ---- L --------------------------------------------------------------------------------------

type LStep =
  | { kind: 'attr'; name: string }
  | { kind: 'item'; key: unknown }
  | { kind: 'method'; name: string; args: readonly unknown[] }
  | { kind: 'call'; args: readonly unknown[] };

function elementsOf(column: unknown, what: string): unknown[] {
  if (isColumn(column)) return Array.from({ length: columnLength(column) }, (_, i) => columnItem(column, i));
  throw new TypeError(`${what} must hold one value per item (an array), got ${column === null ? 'null' : typeof column}`);
}

/**
 * `L(name)`: works item by item on a component of objects. `L('objects').attr('x')` gives
 * `[o.x for each item]`; `.item(k)`, `.method(name, ...args)` and `.call(...args)` map the same way
 * and chain. Keys and arguments are evaluated once (not per item). Assigning sets each item's part
 * from the matching element of the value (one value per item).
 */
export class ListExpression extends NamedExpression<unknown> {
  constructor(
    readonly name: Name,
    readonly steps: readonly LStep[] = [],
    options: ExprOptions = {},
  ) {
    super(options);
  }
  #with(step: LStep): ListExpression {
    return new ListExpression(this.name, [...this.steps, step], { mode: this.mode, ...this.params });
  }
  override attr(name: string): ListExpression {
    return this.#with({ kind: 'attr', name }) as ListExpression;
  }
  override item(key: unknown): ListExpression {
    return this.#with({ kind: 'item', key }) as ListExpression;
  }
  override method(name: string, ...args: unknown[]): ListExpression {
    return this.#with({ kind: 'method', name, args }) as ListExpression;
  }
  override call(...args: unknown[]): ListExpression {
    const last = this.steps[this.steps.length - 1];
    if (last?.kind === 'attr')
      return new ListExpression(this.name, [...this.steps.slice(0, -1), { kind: 'method', name: last.name, args }], {
        mode: this.mode,
        ...this.params,
      }) as ListExpression;
    return this.#with({ kind: 'call', args }) as ListExpression;
  }
  override toString(): string {
    let text = `L(${nameText(this.name)})`;
    for (const step of this.steps) {
      if (step.kind === 'attr') text += `.${step.name}`;
      else if (step.kind === 'item') text += `[${reprValue(step.key)}]`;
      else if (step.kind === 'method') text += `.${step.name}(${step.args.map(reprValue).join(', ')})`;
      else text += `(${step.args.map(reprValue).join(', ')})`;
    }
    return text;
  }
  #resolvedSteps(ctx: EvalContext): LStep[] {
    return this.steps.map((step) => {
      if (step.kind === 'item') return { kind: 'item', key: evalExpr(step.key, ctx) };
      if (step.kind === 'method' || step.kind === 'call') return { ...step, args: evalExpr(step.args, ctx) as unknown[] };
      return step;
    });
  }
  static #apply(value: unknown, step: LStep): unknown {
    switch (step.kind) {
      case 'attr':
        return access.attr(value, step.name);
      case 'item':
        return access.item(value, step.key);
      case 'method': {
        const fn = access.attr(value, step.name);
        if (typeof fn !== 'function') throw new TypeError(`'${step.name}' is not a method of the item`);
        return Reflect.apply(fn, value, step.args);
      }
      case 'call':
        if (typeof value !== 'function') throw new TypeError('the item is not callable');
        return Reflect.apply(value, undefined, step.args);
    }
  }
  protected override evaluate(ctx: EvalContext): unknown {
    const batch = requireBatch(ctx);
    const name = resolveName(this.name, ctx);
    const data = readBatchMember(batch, name);
    if (this.steps.length === 0) return data;
    const steps = this.#resolvedSteps(ctx);
    return elementsOf(data, `L('${name}')`).map((element) => steps.reduce(ListExpression.#apply, element));
  }
  protected override assign(value: unknown, ctx: EvalContext): void {
    const batch = requireBatch(ctx);
    const name = resolveName(this.name, ctx);
    if (this.steps.length === 0) {
      writeBatchMember(batch, name, value);
      return;
    }
    const steps = this.#resolvedSteps(ctx);
    const last = steps[steps.length - 1]!;
    if (last.kind !== 'attr' && last.kind !== 'item')
      throw new TypeError('only an attribute or an item of each element can be assigned (the expression ends with a call)');
    const elements = elementsOf(readBatchMember(batch, name), `L('${name}')`);
    const values = isColumn(value) ? elementsOf(value, 'the value') : null;
    if (!values || values.length !== elements.length) {
      throw new TypeError(
        `the value must have one entry per element (${elements.length}), got ${values ? values.length : value === null ? 'null' : typeof value}`,
      );
    }
    elements.forEach((element, i) => {
      const target = steps.slice(0, -1).reduce(ListExpression.#apply, element);
      if (last.kind === 'attr') access.setAttr(target, last.name, values[i]);
      else access.setItem(target, last.key, values[i]);
    });
  }
}

/** `L('objects')`: item-by-item access to a component of objects (see {@link ListExpression}). */
export function L(name: Name, options?: SetMode | ExprOptions): ListExpression {
  return new ListExpression(name, [], typeof options === 'string' ? { mode: options } : options);
}
