/**
 * Imports a user's module on a batch worker: TypeScript modules through tsx (registered for them when
 * the library itself runs compiled; from sources, tsx is already in place), JavaScript with `import()`.
 * @module
 */
import { pathToFileURL } from 'node:url';
import { registerTsxFor } from '../../engines/optional-tsx.js';
import { isTypeScriptFile } from '../../util/module-files.js';

const runningFromSources = isTypeScriptFile(new URL(import.meta.url).pathname);

/** The exports of the module at the absolute path `file`. */
export async function importUserModule(file: string): Promise<Record<string, unknown>> {
  if (!runningFromSources && isTypeScriptFile(file)) await registerTsxFor(file, 'on a batch worker');
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
