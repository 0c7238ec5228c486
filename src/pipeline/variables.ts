/**
 * Pipeline variables: declarations are part of the (immutable) pipeline; values live in one pipeline
 * object, persist across its runs, and start from their defaults (evaluated when a run starts, so a
 * default may be a named expression such as `C('lr')`). Mutable defaults are copied, never shared.
 * @module
 */
import type { Rng } from '../random/rng.js';
import { PipelineError } from './errors.js';
import { evalExpr, type EvalContext } from './expressions.js';

/** How a variable is declared. */
export interface VariableDeclaration {
  readonly name: string;
  /** The initial value, or an expression evaluated when the variable is initialised. */
  readonly defaultValue: unknown;
}

/** A fresh copy of an initial value, so runs and pipelines never share a mutable default. */
export function copyInitialValue<T>(value: T): T {
  if (Array.isArray(value)) return [...value] as T;
  if (value instanceof Map) return new Map(value) as T;
  if (value instanceof Set) return new Set(value) as T;
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) return { ...(value as object) } as T;
  return value;
}

/**
 * The variable values of one pipeline object. `contextFor(random)` gives the context defaults are
 * evaluated in (the pipeline seen without a batch; random defaults draw from `random`).
 */
export class VariableStore {
  readonly #values = new Map<string, unknown>();

  constructor(
    private readonly declarations: ReadonlyMap<string, VariableDeclaration>,
    private readonly strict: boolean,
    private readonly contextFor: (random?: Rng) => EvalContext,
  ) {}

  /** True when variable `name` is declared or was set. */
  has(name: string): boolean {
    return this.#values.has(name) || this.declarations.has(name);
  }

  /** The value of `name` (a declared variable not yet initialised is initialised first). */
  get(name: string): unknown {
    if (this.#values.has(name)) return this.#values.get(name);
    const declaration = this.declarations.get(name);
    if (declaration) {
      this.#initialise(declaration);
      return this.#values.get(name);
    }
    if (this.strict) throw new PipelineError(`variable '${name}' is not declared (strict pipeline); declare it with initVariable('${name}', …)`);
    process.emitWarning(`Pipeline variable '${name}' was read before it was declared; it is created as null`, 'BatchflowWarning');
    this.#values.set(name, null);
    return null;
  }

  /** Raw assignment (a strict pipeline refuses undeclared names). */
  set(name: string, value: unknown): void {
    if (this.strict && !this.declarations.has(name) && !this.#values.has(name)) {
      throw new PipelineError(`variable '${name}' is not declared (strict pipeline)`);
    }
    this.#values.set(name, value);
  }

  /** Forgets the value of `name` (a declared variable goes back to its default on the next run). */
  delete(name: string): void {
    if (!this.#values.delete(name) && !this.declarations.has(name)) process.emitWarning(`Pipeline variable '${name}' does not exist`, 'BatchflowWarning');
  }

  /** The variables that have a value, with it. */
  entries(): IterableIterator<[string, unknown]> {
    return this.#values.entries();
  }

  /** Forgets every value. */
  clear(): void {
    this.#values.clear();
  }

  /** Gives declared variables their defaults: all of them (`force`) or those without a value. */
  initialise(force: boolean, random?: Rng): void {
    for (const declaration of this.declarations.values()) {
      if (force || !this.#values.has(declaration.name)) this.#initialise(declaration, random);
    }
  }

  #initialise(declaration: VariableDeclaration, random?: Rng): void {
    this.#values.set(declaration.name, copyInitialValue(evalExpr(declaration.defaultValue, this.contextFor(random))));
  }
}
