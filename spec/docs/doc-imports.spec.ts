/**
 * A code block of README.md or a guide must compile in a USER's project, not only in this
 * repository: it imports only batchflow-ts, Node built-ins, relative files, or a package that
 * batchflow-ts depends on (so it is installed with it) whose types come with it too (its own types,
 * or an `@types/` package among batchflow-ts's `dependencies`, not only its devDependencies).
 */
import { describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks, guideFiles } from '../helpers/markdown-blocks.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { name: string; dependencies: Record<string, string> };
const documents = [...guideFiles, 'docs/cli.md'];

/** The package name of a bare specifier (`@scope/name/sub` → `@scope/name`). */
function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** The `@types/` package name for `name`. */
function typesPackage(name: string): string {
  return `@types/${name.startsWith('@') ? name.slice(1).replace('/', '__') : name}`;
}

/** True when the installed package `name` ships its own type declarations. */
function hasOwnTypes(name: string): boolean {
  const directory = join(repoRoot, 'node_modules', name);
  const own = JSON.parse(readFileSync(join(directory, 'package.json'), 'utf8')) as { types?: string; typings?: string; exports?: unknown };
  return Boolean(own.types ?? own.typings) || existsSync(join(directory, 'index.d.ts')) || JSON.stringify(own.exports ?? '').includes('"types"');
}

/** Why `specifier` does not compile in a user's project with batchflow-ts installed, or undefined. */
function problemOf(specifier: string): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('node:')) return undefined;
  const name = packageName(specifier);
  if (name === manifest.name) return undefined;
  if (!(name in manifest.dependencies)) return `${specifier}: not a dependency of ${manifest.name}, so a user's project does not have it`;
  if (!hasOwnTypes(name) && !(typesPackage(name) in manifest.dependencies)) {
    return `${specifier}: its types (${typesPackage(name)}) are not a dependency of ${manifest.name}, so a user's project does not have them`;
  }
  return undefined;
}

describe('imports of documented code', () => {
  test.each(documents)('%s: every import is available, with types, in a user\'s project', (doc) => {
    const problems: string[] = [];
    for (const block of extractBlocks(readFileSync(join(repoRoot, doc), 'utf8'), doc)) {
      for (const match of block.code.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)) {
        const problem = problemOf(match[2]!);
        if (problem) problems.push(`${doc}, block at line ${block.line}: ${problem}`);
      }
    }
    expect(problems).toEqual([]);
  });

  test('the check itself: a devDependency-only @types package is refused, a dependency with its @types is accepted', () => {
    expect(problemOf('ndarray-ops')).toContain('its types (@types/ndarray-ops) are not a dependency');
    expect(problemOf('ndarray')).toBeUndefined();
    expect(problemOf('left-pad')).toContain('not a dependency');
    expect(problemOf('batchflow-ts/docs')).toBeUndefined();
    expect(problemOf('node:fs')).toBeUndefined();
  });
});
