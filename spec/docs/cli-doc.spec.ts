/**
 * docs/cli.md describes the command as the repository sets it up: the `npm run docs` command it
 * quotes is package.json's `docs` script, and tsx is described as what package.json makes it (an
 * optional peer dependency).
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  scripts: Record<string, string>; dependencies: Record<string, string>; peerDependenciesMeta?: Record<string, { optional?: boolean }>;
};
const page = readFileSync(join(repoRoot, 'docs/cli.md'), 'utf8').replace(/\s+/g, ' ');

describe('docs/cli.md', () => {
  test('quotes the docs script of package.json', () => {
    expect(page).toContain(`\`npm run docs\` runs \`${manifest.scripts.docs!.replace(/\s+/g, ' ')}\``);
  });

  test('describes tsx as package.json declares it', () => {
    expect('tsx' in manifest.dependencies).toBe(false);
    expect(manifest.peerDependenciesMeta?.tsx?.optional).toBe(true);
    expect(page).toContain('(an optional peer dependency of batchflow-ts: `npm install -D tsx` in your project');
    expect(page).not.toContain('(a dependency of batchflow-ts)');
  });
});
