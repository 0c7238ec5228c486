/**
 * Imports a user's module so its decorators run and register its actions: `.ts` files through
 * tsx's programmatic API (registered with the tsconfig.json nearest to the module, or
 * `$BATCHFLOW_TSCONFIG`, so legacy decorators compile), JavaScript with plain `import()`. tsx is an
 * optional peer dependency: without it, a `.ts` module is a MissingPeerDependencyError.
 * @module
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { importTsxApi } from '../engines/optional-tsx.js';
import type { ModuleSource } from './collect.js';

const tsxRegistrations = new Map<string, Promise<void>>();

/** The tsconfig.json nearest to `file` (searching parent directories), or undefined. */
export function nearestTsconfig(file: string): string | undefined {
  for (let directory = dirname(resolve(file)); ; directory = dirname(directory)) {
    const candidate = join(directory, 'tsconfig.json');
    if (existsSync(candidate)) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

/** True for the extensions tsx compiles. */
export function isTypeScriptFile(file: string): boolean {
  return /\.[cm]?tsx?$/.test(file) && !/\.d\.[cm]?ts$/.test(file);
}

async function ensureTsx(file: string): Promise<void> {
  const tsconfig = process.env.BATCHFLOW_TSCONFIG ?? nearestTsconfig(file);
  const key = tsconfig ?? '';
  let registration = tsxRegistrations.get(key);
  if (!registration) {
    registration = importTsxApi(file, 'for the docs command').then(({ register }) => {
      register(tsconfig === undefined ? {} : { tsconfig });
    });
    registration.catch(() => tsxRegistrations.delete(key));
    tsxRegistrations.set(key, registration);
  }
  await registration;
}

/**
 * Imports the module at `file` (relative to the current directory) and returns it as a
 * {@link ModuleSource}. Throws an Error naming the file when it does not exist, and a
 * MissingPeerDependencyError for a `.ts` file when tsx is not installed.
 */
export async function importModule(file: string): Promise<ModuleSource> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new Error(`batchflow-ts docs: no module file ${JSON.stringify(file)} (resolved to ${path})`);
  if (isTypeScriptFile(path)) await ensureTsx(path);
  const exports = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  return { path, exports };
}
