/**
 * How functions travel to worker engines: by reference, never by closure. A decorated method is
 * found through the module its class was defined in (recorded by the decorator) plus the class and
 * method names; a plain function must be exported from a module and marked with {@link portable}.
 * @module
 */
import { fileURLToPath } from 'node:url';
import { ArgumentError } from '../errors.js';

/** Where a worker finds the per-item function. */
export type FunctionReference =
  | { readonly kind: 'method'; readonly module: string; readonly className: string; readonly method: string }
  | { readonly kind: 'export'; readonly module: string; readonly exportName: string };

const exportedFunctions = new WeakMap<object, FunctionReference>();

/**
 * Marks `fn` as importable so worker engines ('threads', 'mpc') can run it: `fn` must be exported
 * under its own name (or `exportName`) from the module at `moduleUrl` (pass `import.meta.url`, or
 * `__filename` in CommonJS). Returns `fn` itself, so in-process engines are unaffected.
 *
 * @example
 * ```ts
 * export function blur(image: NDArray): NDArray { ... }
 * await batch.applyParallel(portable(blur, import.meta.url), { src: 'images', target: 'threads' });
 * ```
 */
export function portable<F extends (...args: never[]) => unknown>(fn: F, moduleUrl: string | URL, exportName: string = fn.name): F {
  if (typeof fn !== 'function') throw new ArgumentError('fn', 'portable() needs a function');
  if (!exportName) throw new ArgumentError('exportName', 'the function has no name; pass the name it is exported under');
  const href = String(moduleUrl);
  const module = href.startsWith('file:') ? fileURLToPath(href) : href;
  if (!module.startsWith('/') && !/^[A-Za-z]:\\/.test(module))
    throw new ArgumentError('moduleUrl', `expected import.meta.url or an absolute path, got ${JSON.stringify(href)}`);
  exportedFunctions.set(fn, { kind: 'export', module, exportName });
  return fn;
}

/** The reference recorded by {@link portable}, or undefined. */
export function portableReference(fn: object): FunctionReference | undefined {
  return exportedFunctions.get(fn);
}
