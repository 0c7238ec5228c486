/**
 * The documentation names only errors that exist: every `SomethingError` in README.md and the
 * docs/ guides is exported by batchflow-ts, is a JavaScript built-in, is declared by a code block of
 * the same page, or is one of Python's built-in errors (named where a page compares with BatchFlow).
 */
import { describe, expect, test } from '@jest/globals';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as library from '../../src/index.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const pages = ['README.md', ...readdirSync(join(repoRoot, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
const pythonErrors = new Set(['ValueError', 'KeyError', 'IndexError', 'ImportError', 'AttributeError', 'NotImplementedError']);

describe('error names in the documentation', () => {
  test.each(pages)('%s names only errors that exist', (page) => {
    const text = readFileSync(join(repoRoot, page), 'utf8');
    const declared = new Set([...text.matchAll(/\bclass\s+(\w+Error)\b/g)].map((match) => match[1]!));
    const names = new Set([...text.matchAll(/\b([A-Z][A-Za-z]*Error)\b/g)].map((match) => match[1]!));
    const unknown = [...names].filter((name) => !(name in library) && typeof (globalThis as Record<string, unknown>)[name] !== 'function' && !declared.has(name) && !pythonErrors.has(name));
    expect(unknown).toEqual([]);
  });
});
