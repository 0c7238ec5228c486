/**
 * Error classes that worker engines restore by name. An error thrown by an item on 'threads' or
 * 'mpc' crosses as data; the caller re-creates an instance of its class when the class is one of
 * these (registered with {@link registerErrorClass}, a library error or a built-in error), or when
 * it is exported from the item function's module (see `worker/error-codec.ts`).
 * @module
 */
import * as libraryErrors from '../errors.js';
import { ArgumentError } from '../errors.js';
import { MissingKeyError } from '../config/config.js';
import { StopIterationError } from '../dataset/iteration.js';
import * as expressionErrors from '../expr/errors.js';
import * as ioErrors from '../io/errors.js';
import * as pipelineErrors from '../pipeline/errors.js';

/** A class whose instances are Errors. */
export type ErrorClass = abstract new (...args: never[]) => Error;

const classesByName = new Map<string, ErrorClass>();
const namesByClass = new Map<object, string>();

/** True when `value` is a class whose instances are Errors. */
export function isErrorClass(value: unknown): value is ErrorClass {
  return typeof value === 'function' && (value === Error || (value as { prototype?: unknown }).prototype instanceof Error);
}

/**
 * Lets worker engines ('threads', 'mpc') give back errors of class `cls` as instances of `cls`
 * (`instanceof` works, getters and methods too), wherever the class is defined. Call it in the module
 * that defines the class, so that workers, which import that module, register it as well. Classes
 * exported from the item function's own module need no registration. Returns `cls`.
 *
 * @param name the name the class is known by on both sides (default: `cls.name`); two different
 * classes cannot share one.
 * @example
 * ```ts
 * export class QuotaError extends Error { constructor(message: string, readonly code: string) { super(message); } }
 * registerErrorClass(QuotaError);
 * ```
 */
export function registerErrorClass<C extends ErrorClass>(cls: C, name: string = cls.name): C {
  if (!isErrorClass(cls)) throw new ArgumentError('cls', 'registerErrorClass() needs a class that extends Error');
  if (!name) throw new ArgumentError('name', 'the class has no name; pass the name to register it under');
  const existing = classesByName.get(name);
  if (existing !== undefined && existing !== cls)
    throw new ArgumentError('name', `another error class is already registered as '${name}'; pass a different name`);
  classesByName.set(name, cls);
  namesByClass.set(cls, name);
  return cls;
}

/** The name `cls` was registered under, or undefined. */
export function registeredErrorName(cls: object): string | undefined {
  return namesByClass.get(cls);
}

/** The class registered as `name`, or undefined. */
export function registeredErrorClass(name: string): ErrorClass | undefined {
  return classesByName.get(name);
}

const builtinNames = ['Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'] as const;

/** The built-in error class called `name` (TypeError, RangeError, …), or undefined. */
export function builtinErrorClass(name: string): ErrorClass | undefined {
  if (!(builtinNames as readonly string[]).includes(name)) return undefined;
  const value = (globalThis as Record<string, unknown>)[name];
  return isErrorClass(value) ? value : undefined;
}

// every error class the library exports from its error modules, plus two that live beside their users
const libraryErrorClasses = [libraryErrors, expressionErrors, ioErrors, pipelineErrors]
  .flatMap((module) => Object.values(module))
  .concat([MissingKeyError, StopIterationError])
  .filter(isErrorClass);
for (const cls of libraryErrorClasses) registerErrorClass(cls);
