/** Importing, in the caller, a module a worker named (to find the classes of errors thrown there). */
import { pathToFileURL } from 'node:url';

/** The caller's copy of a module named by a worker (already loaded: it defined the item function). */
export function importCallerModule(module: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(module).href) as Promise<Record<string, unknown>>;
}
