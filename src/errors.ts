/**
 * Typed errors raised by batchflow-ts. Every error names what was wrong (the argument, the item,
 * the file) so that a failure can be traced without a debugger.
 * @module
 */

/** Base class of every error raised by the library. */
export class BatchflowError extends Error {
  override name = 'BatchflowError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** A bad argument: wrong type, wrong value or unknown name. `argument` names the offending option. */
export class ArgumentError extends BatchflowError {
  override name = 'ArgumentError';
  /** The name of the option or parameter that was wrong (for example `src` or `target`). */
  readonly argument: string;
  constructor(argument: string, message: string, options?: { cause?: unknown }) {
    super(`${argument}: ${message}`, options);
    this.argument = argument;
  }
}

/** A component that does not exist, already exists, or cannot hold the given data. */
export class ComponentError extends BatchflowError {
  override name = 'ComponentError';
  /** The component name at fault. */
  readonly component: string;
  constructor(component: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.component = component;
  }
}

/** An id that is not in an index (the equivalent of Python's KeyError for index lookups). */
export class MissingIdError extends BatchflowError {
  override name = 'MissingIdError';
  /** The id values that were not found. */
  readonly ids: readonly unknown[];
  constructor(ids: readonly unknown[], where: string) {
    const shown = ids
      .slice(0, 10)
      .map((id) => JSON.stringify(id))
      .join(', ');
    super(`${ids.length === 1 ? 'id' : 'ids'} ${shown}${ids.length > 10 ? ', …' : ''} not found in ${where}`);
    this.ids = ids;
  }
}

/** An unknown parallel target. `validTargets` lists the accepted names and aliases. */
export class UnknownTargetError extends ArgumentError {
  override name = 'UnknownTargetError';
  readonly target: unknown;
  readonly validTargets: readonly string[];
  constructor(target: unknown, validTargets: readonly string[]) {
    super('target', `unknown target ${JSON.stringify(target)}; expected one of ${validTargets.map((t) => `'${t}'`).join(', ')}`);
    this.target = target;
    this.validTargets = validTargets;
  }
}

/** An unknown data format given to `load`/`dump`. */
export class UnknownFormatError extends ArgumentError {
  override name = 'UnknownFormatError';
  readonly format: unknown;
  readonly validFormats: readonly string[];
  constructor(format: unknown, validFormats: readonly string[]) {
    super(
      'fmt',
      `unknown format ${JSON.stringify(format)}; expected undefined (in-memory) or one of ${validFormats.map((f) => `'${f}'`).join(', ') || '(none registered)'}`,
    );
    this.format = format;
    this.validFormats = validFormats;
  }
}

/**
 * One item of a parallel action failed. Carries the action name, the item's index value and position,
 * and the original error as `cause` (its stack is appended to this error's stack).
 */
/** `read()` as text, or `fallback` when reading or converting it throws (hostile getters, `toString: null`). */
function safeText(read: () => unknown, fallback: string): string {
  try {
    const value = read();
    return typeof value === 'string' ? value : String(value);
  } catch {
    return fallback;
  }
}

/** A thrown value described for a message, whatever it is: never throws. */
function describeThrown(cause: unknown): string {
  if (cause instanceof Error) return `${safeText(() => cause.name, 'Error')}: ${safeText(() => cause.message, '(unreadable message)')}`;
  return safeText(() => cause, `(a thrown ${typeof cause} that cannot be converted to text)`);
}

export class ActionError extends BatchflowError {
  override name = 'ActionError';
  /** Name of the action (method) that failed, or of the function given to `applyParallel`. */
  readonly action: string;
  /** The failed item's value in the batch index (undefined when the item has no index value). */
  readonly indexValue: unknown;
  /** The failed item's 0-based position among the action's items. */
  readonly position: number;
  /** How many items failed in all (only the first by position is the cause). */
  readonly failedCount: number;
  constructor(action: string, position: number, indexValue: unknown, cause: unknown, failedCount = 1) {
    const reason = describeThrown(cause);
    const more = failedCount > 1 ? ` (${failedCount - 1} more item(s) failed too)` : '';
    const item = safeText(() => JSON.stringify(indexValue), String(typeof indexValue));
    super(`action '${action}' failed on item ${item} at position ${position}: ${reason}${more}`, { cause });
    this.action = action;
    this.position = position;
    this.indexValue = indexValue;
    this.failedCount = failedCount;
    const causeStack = cause instanceof Error ? safeText(() => cause.stack ?? '', '') : '';
    if (causeStack) this.stack = `${this.stack}\nCaused by: ${causeStack}`;
  }
}

/** The results of a parallel action could not be assembled into components. */
export class AssembleError extends BatchflowError {
  override name = 'AssembleError';
}

/** A parallel action took longer than its `timeout`. */
export class TimeoutError extends BatchflowError {
  override name = 'TimeoutError';
  constructor(action: string, timeoutMs: number) {
    super(`action '${action}' did not finish within its timeout of ${timeoutMs} ms`);
  }
}

/** A function that cannot be sent to a worker engine (a closure, a lambda, an unexported function). */
export class NotPortableError extends ArgumentError {
  override name = 'NotPortableError';
  constructor(functionName: string, target: string, reason: string) {
    super('func', `'${functionName}' cannot run on target '${target}': ${reason}`);
  }
}

/** A worker died (exit, uncaught error, out of memory) while running part of an action. */
export class WorkerCrashError extends BatchflowError {
  override name = 'WorkerCrashError';
  /** The action that was running. */
  readonly action: string;
  /** The positions of the items that were in the crashed worker's chunk, as [start, end). */
  readonly positions: readonly [number, number];
  constructor(action: string, target: string, positions: readonly [number, number], cause: unknown) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`action '${action}': a '${target}' worker crashed while running items ${positions[0]}..${positions[1] - 1} (${reason})`, { cause });
    this.action = action;
    this.positions = positions;
  }
}

/**
 * A 'threads'/'mpc' worker could not rebuild the batch an action runs on: its class was not found in
 * the module that defines it, or the class's constructor threw (the constructor's error is the `cause`).
 */
export class WorkerSetupError extends BatchflowError {
  override name = 'WorkerSetupError';
  /** The action that was to run. */
  readonly action: string;
  /** The name of the batch class. */
  readonly className: string;
  /** The module the worker looked the class up in. */
  readonly module: string;
  constructor(action: string, className: string, module: string, reason: string, options?: { cause?: unknown }) {
    super(`action '${action}': a worker could not rebuild the batch of class '${className}' from ${module}: ${reason}`, options);
    this.action = action;
    this.className = className;
    this.module = module;
  }
}

/**
 * A feature needs an optional peer dependency that is not installed (for example `tsx`, which loads
 * TypeScript modules on workers and in the docs command). The message says what to install.
 */
export class MissingPeerDependencyError extends BatchflowError {
  override name = 'MissingPeerDependencyError';
  /** The npm package that is missing (for example `tsx`). */
  readonly dependency: string;
  /** The file that needed it. */
  readonly file: string;
  /**
   * @param dependency the missing package
   * @param file the file that needed it
   * @param where where it was needed, worded to follow the file name (for example `on a 'threads' worker`)
   */
  constructor(dependency: string, file: string, where: string, options?: { cause?: unknown }) {
    super(`loading ${file} ${where} needs the optional peer dependency ${dependency}: npm install -D ${dependency}`, options);
    this.dependency = dependency;
    this.file = file;
  }
}
