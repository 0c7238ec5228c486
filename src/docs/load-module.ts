/**
 * Imports a user's module so its decorators run and register its actions: `.ts` files through
 * tsx's programmatic API (registered with the tsconfig.json nearest to the module, or
 * `$BATCHFLOW_TSCONFIG`, so legacy decorators compile), JavaScript with plain `import()`. tsx is an
 * optional peer dependency: without it, a `.ts` module is a MissingPeerDependencyError.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerTsxFor } from '../engines/optional-tsx.js';
import { isTypeScriptFile } from '../util/module-files.js';
import type { ModuleSource } from './collect.js';

export { isTypeScriptFile, nearestTsconfig } from '../util/module-files.js';

/**
 * Imports the module at `file` (relative to the current directory) and returns it as a
 * {@link ModuleSource}. Throws an Error naming the file when it does not exist, and a
 * MissingPeerDependencyError for a `.ts` file when tsx is not installed.
 */
export async function importModule(file: string): Promise<ModuleSource> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`batchflow-ts docs: no module file ${JSON.stringify(file)} (resolved to ${path})`);
  if (isTypeScriptFile(path)) await registerTsxFor(path, 'for the docs command');
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return { path, exports };
}
