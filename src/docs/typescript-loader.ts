/**
 * Finds and loads the `typescript` package whose compiler API reads summaries and option types
 * (see `source-info.ts`). The package is looked up the way the user's project sees it: from the
 * given directories (by default the current directory), then from batchflow-ts's own location;
 * the first `node_modules/typescript` found is the one used. Its version is checked against
 * {@link supportedTypeScript}: TypeScript 7 (the native port) has no JavaScript compiler API.
 * @module
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type ts from 'typescript';

/** The `typescript` module. */
export type TypeScriptModule = typeof ts;

/** The `typescript` versions whose JavaScript compiler API the docs generator uses. */
export const supportedTypeScript = {
  /** The range as npm writes it. */
  range: '>=5.0.0 <7.0.0',
  /** Lowest supported major version. */
  minMajor: 5,
  /** First unsupported major version. */
  endMajor: 7,
} as const;

/** What {@link loadTypeScript} found. */
export interface TypeScriptLookup {
  /** The compiler API, when a supported `typescript` was found and loaded. */
  readonly typescript: TypeScriptModule | undefined;
  /** The version found (from its package.json), when a `typescript` package was found at all. */
  readonly version: string | undefined;
  /** The package directory found. */
  readonly directory: string | undefined;
  /** Why the compiler API cannot be used (undefined when `typescript` is set). */
  readonly problem: string | undefined;
}

const consequence = 'TSDoc summaries, option types and signatures are left out of the reference';
const install = `install a supported version next to it, for example: npm install -D typescript@5`;

/** The nearest `node_modules/typescript` directory at or above `start`. */
function findPackageDirectory(start: string): string | undefined {
  for (let directory = resolve(start); ; directory = dirname(directory)) {
    const candidate = join(directory, 'node_modules', 'typescript');
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(directory) === directory) return undefined;
  }
}

function readVersion(directory: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}

function majorOf(version: string): number | undefined {
  const match = /^v?(\d+)\./.exec(version);
  return match ? Number(match[1]) : undefined;
}

/** The directory of batchflow-ts itself: its own `typescript` is the last place looked. */
function libraryDirectory(): string {
  return dirname(fileURLToPath(import.meta.url));
}

/**
 * Finds `typescript` from `searchFrom` (in order; default: the current directory), then from
 * batchflow-ts's location, and loads it when its version is in {@link supportedTypeScript}.
 * Never throws: a missing, unsupported or unloadable package is described in `problem`.
 */
export function loadTypeScript(searchFrom: readonly string[] = [process.cwd()]): TypeScriptLookup {
  const starts = [...searchFrom, libraryDirectory()];
  let directory: string | undefined;
  for (const start of starts) if ((directory = findPackageDirectory(start))) break;
  if (!directory) {
    return {
      typescript: undefined, version: undefined, directory: undefined,
      problem: `typescript is not installed (looked from ${starts.map((start) => JSON.stringify(start)).join(', ')}): ${consequence}; the docs generator needs typescript ${supportedTypeScript.range} (npm install -D typescript@5)`,
    };
  }
  const version = readVersion(directory);
  const found = `typescript ${version ?? '(no version in its package.json)'} was found at ${directory}`;
  const major = version === undefined ? undefined : majorOf(version);
  if (major === undefined || major < supportedTypeScript.minMajor || major >= supportedTypeScript.endMajor) {
    const why = major !== undefined && major >= supportedTypeScript.endMajor ? ' (TypeScript 7, the native port, has no JavaScript compiler API)' : '';
    return { typescript: undefined, version, directory, problem: `${found}, but the docs generator needs typescript ${supportedTypeScript.range}${why}: ${consequence}; ${install}` };
  }
  let loaded: Partial<TypeScriptModule> & { default?: TypeScriptModule };
  try {
    loaded = createRequire(join(directory, 'package.json'))(directory) as typeof loaded;
  } catch (error) {
    return { typescript: undefined, version, directory, problem: `${found}, but it could not be loaded (${(error as Error).message.split('\n')[0]}): ${consequence}` };
  }
  const typescript = (typeof loaded.createProgram === 'function' ? loaded : loaded.default) as TypeScriptModule | undefined;
  if (!typescript || typeof typescript.createProgram !== 'function') {
    return { typescript: undefined, version, directory, problem: `${found}, but it has no compiler API (createProgram); the docs generator needs typescript ${supportedTypeScript.range}: ${consequence}; ${install}` };
  }
  return { typescript, version, directory, problem: undefined };
}
