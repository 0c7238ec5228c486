/**
 * Imports a user's module on a batch worker: TypeScript modules through tsx (registered for them when
 * the library itself runs compiled; from sources, tsx is already in place), JavaScript with `import()`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { registerTsxFor } from '../../engines/optional-tsx.js';
import { isTypeScriptFile } from '../../util/module-files.js';

const runningFromSources = isTypeScriptFile(new URL(import.meta.url).pathname);

/**
 * Each module is imported once per worker: a repeated `import()` still goes through the loader hooks
 * (with tsx, a synchronous round trip to its hooks thread, about half a millisecond), once per batch.
 */
const modules = new Map<string, Promise<Record<string, unknown>>>();

async function load(file: string): Promise<Record<string, unknown>> {
  if (!runningFromSources && isTypeScriptFile(file)) await registerTsxFor(file, 'on a batch worker');
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}

/** The exports of the module at the absolute path `file` (imported on first use, then kept). */
export function importUserModule(file: string): Promise<Record<string, unknown>> {
  let loading = modules.get(file);
  if (loading === undefined) {
    loading = load(file);
    // a failed import is tried again next time (the file may have been fixed or installed meanwhile)
    loading.catch(() => modules.delete(file));
    modules.set(file, loading);
  }
  return loading;
}
