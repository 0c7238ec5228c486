/**
 * The shape of what decorators record about a method. The registry stores these records; the
 * runtime, the pipeline and the docs generator read them.
 * @module
 */

/** The three kinds of decorated methods. */
export type ActionKind = 'action' | 'applyParallel' | 'inbatchParallel';

/** What `@action`, `@applyParallel` and `@inbatchParallel` record for one method. */
export interface ActionRecord {
  /** The public method name (`flip`). */
  readonly name: string;
  /** Which decorator made it an action. */
  readonly kind: ActionKind;
  /** Name of the class whose body declared the decorated method. */
  readonly className: string;
  /** File of that class (absolute path), found from the stack when the decorator ran. */
  readonly definingModule: string | undefined;
  /** The undecorated method: per-item for parallel kinds, the action body for `action`. */
  readonly original: (...args: never[]) => unknown;
  /** Name of the per-item original kept on the class (`_flip_`); undefined for plain actions. */
  readonly innerName: string | undefined;
  /** `@action({useLock})`: false, true (lock named after the method) or a lock name. */
  readonly useLock: boolean | string;
  /** `@action({noEval})`: option names a pipeline passes unevaluated. */
  readonly noEval: readonly string[];
  /** Decorator options of parallel kinds (src, dst, post, target, init, … and extra defaults). */
  readonly defaults: Readonly<Record<string, unknown>>;
  /** Optional one-line description given to the decorator (`summary`), used by the docs generator. */
  readonly summary: string | undefined;
}
