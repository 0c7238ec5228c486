/**
 * Facts about module files that several loaders need: which files tsx compiles, and the tsconfig.json
 * that applies to a file.
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

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
