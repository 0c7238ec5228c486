/**
 * How a thrown value crosses from a worker to the caller. The worker turns it into data: for an
 * Error its `name`, `message`, `stack`, own enumerable fields that survive structured cloning, its
 * `cause` chain, and where the caller can find its class (registered, built-in, or exported from a
 * module). The caller re-creates an instance of that class (`Object.create(Class.prototype)` plus the
 * fields: no constructor runs), or a plain Error with the name and fields when the class is unknown.
 * Thrown values that are not Errors travel as they are when they can be cloned.
 * @module
 */
import { builtinErrorClass, isErrorClass, registeredErrorClass, registeredErrorName, type ErrorClass } from '../error-classes.js';
import { cloneable } from '../../util/cloneable.js';

/** Where the caller finds the class of an error that crossed. */
export type ErrorClassOrigin =
  | { readonly kind: 'registered'; readonly name: string }
  | { readonly kind: 'builtin'; readonly name: string }
  | { readonly kind: 'export'; readonly module: string; readonly exportName: string };

/** An Error as data. */
export interface SerialisedError {
  readonly kind: 'error';
  readonly name: string;
  readonly message: string;
  readonly stack: string | undefined;
  /** Where the class is found on the caller's side (null: not found, a plain Error comes back). */
  readonly origin: ErrorClassOrigin | null;
  /** Own enumerable fields (other than name, message, stack, cause) that survive structured cloning. */
  readonly fields: Record<string, unknown>;
  /** The `cause`, when the error has one. */
  readonly cause?: SerialisedThrown;
}

/** A thrown value as data: an Error, or another value that survives structured cloning. */
export type SerialisedThrown = SerialisedError | { readonly kind: 'value'; readonly value: unknown };

/** Where the worker looks for the class of an error (the module of the item function and its exports). */
export interface ErrorModule {
  readonly module: string;
  readonly exports: Record<string, unknown>;
}

const maxCauseDepth = 32;
const ownProperties = new Set(['name', 'message', 'stack', 'cause']);

/** `String(value)`, or a description of its type when converting it throws (`{ toString: null }`). */
function textOf(value: unknown): string {
  try {
    return String(value);
  } catch {
    return `(a thrown ${typeof value} that cannot be converted to text)`;
  }
}

function originOf(cls: unknown, home: ErrorModule | null): ErrorClassOrigin | null {
  if (typeof cls !== 'function') return null;
  const registered = registeredErrorName(cls);
  if (registered !== undefined) return { kind: 'registered', name: registered };
  if (builtinErrorClass(cls.name) === cls) return { kind: 'builtin', name: cls.name };
  if (home) for (const [exportName, value] of Object.entries(home.exports)) if (value === cls) return { kind: 'export', module: home.module, exportName };
  return null;
}

/** Turns a thrown value into data that can be posted to the caller (worker side). */
export function serialiseThrown(thrown: unknown, home: ErrorModule | null, seen: Set<unknown> = new Set()): SerialisedThrown {
  if (!(thrown instanceof Error)) {
    if (cloneable(thrown)) return { kind: 'value', value: thrown };
    return { kind: 'error', name: 'Error', message: textOf(thrown), stack: undefined, origin: null, fields: {} };
  }
  seen.add(thrown);
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(thrown)) {
    const value = (thrown as unknown as Record<string, unknown>)[key];
    if (!ownProperties.has(key) && cloneable(value)) fields[key] = value;
  }
  const hasCause = 'cause' in thrown && !seen.has(thrown.cause) && seen.size < maxCauseDepth;
  return {
    kind: 'error',
    name: textOf(thrown.name),
    message: textOf(thrown.message),
    stack: typeof thrown.stack === 'string' ? thrown.stack : undefined,
    origin: originOf(thrown.constructor, home),
    fields,
    ...(hasCause ? { cause: serialiseThrown(thrown.cause, home, seen) } : {}),
  };
}

/** Imports a module by absolute path (the caller's copy: already loaded when it defined the item function). */
export type ErrorModuleImporter = (module: string) => Promise<Record<string, unknown>>;

async function findClass(origin: ErrorClassOrigin | null, importModule: ErrorModuleImporter): Promise<ErrorClass | undefined> {
  if (!origin) return undefined;
  if (origin.kind === 'registered') return registeredErrorClass(origin.name);
  if (origin.kind === 'builtin') return builtinErrorClass(origin.name);
  try {
    const value = (await importModule(origin.module))[origin.exportName];
    return isErrorClass(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function defineHidden(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, writable: true, configurable: true, enumerable: false });
}

/** Re-creates a thrown value from its data (caller side); the stacks say the error came from a worker. */
export async function restoreThrown(data: SerialisedThrown, importModule: ErrorModuleImporter): Promise<unknown> {
  if (data.kind === 'value') return data.value;
  const cls = await findClass(data.origin, importModule);
  let error: Error;
  if (cls === undefined) error = new Error(data.message);
  // built-in errors are constructed, so they stay native errors (util.types.isNativeError)
  else if (data.origin?.kind === 'builtin')
    error = cls === AggregateError ? new AggregateError([], data.message) : new (cls as unknown as ErrorConstructor)(data.message);
  else error = Object.create(cls.prototype as object) as Error;
  defineHidden(error, 'message', data.message);
  defineHidden(error, 'stack', data.stack ? `${data.stack}\n    (in a worker)` : `${data.name}: ${data.message}\n    (in a worker)`);
  if (data.cause !== undefined) defineHidden(error, 'cause', await restoreThrown(data.cause, importModule));
  // defined, not assigned: no setter of the class runs, and a getter of the same name cannot refuse the field
  for (const [key, value] of Object.entries(data.fields)) Object.defineProperty(error, key, { value, writable: true, enumerable: true, configurable: true });
  if (error.name !== data.name) defineHidden(error, 'name', data.name);
  return error;
}
