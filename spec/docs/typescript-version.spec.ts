/**
 * The docs generator reads summaries and option types with the JavaScript compiler API of
 * `typescript` >=5.0 <7. A project with TypeScript 7 (the native port, without that API) is
 * simulated by a fake `typescript` package (version 7.0.0, no compiler API) in a temporary project:
 * the reference is still written, and both the command line and the pages say which version was
 * found, which range is needed, and that summaries and option types are missing.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildActionReference, loadTypeScript, renderHtml, renderMarkdown, supportedTypeScript } from '../../src/docs/index.js';
import * as shapes from './fixtures/shapes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtureFile = fileURLToPath(new URL('./fixtures/shapes.ts', import.meta.url));
const installed = JSON.parse(readFileSync(join(repoRoot, 'node_modules/typescript/package.json'), 'utf8')) as { version: string };

let work: string;

/** A project folder whose node_modules/typescript is a fake package of `version` (exporting only `version`). */
function projectWithTypeScript(name: string, version: string): string {
  const project = join(work, name);
  const packageDirectory = join(project, 'node_modules', 'typescript');
  mkdirSync(packageDirectory, { recursive: true });
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name, private: true, type: 'module' }));
  writeFileSync(join(packageDirectory, 'package.json'), JSON.stringify({ name: 'typescript', version, main: 'index.js' }));
  writeFileSync(join(packageDirectory, 'index.js'), `module.exports = { version: ${JSON.stringify(version)} };\n`);
  return project;
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'batchflow-docs-ts-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('which typescript the docs generator uses', () => {
  test('the project\'s own typescript 5 is found and loaded', () => {
    const lookup = loadTypeScript([repoRoot]);
    expect(lookup).toMatchObject({ version: installed.version, problem: undefined, directory: join(repoRoot, 'node_modules', 'typescript') });
    expect(typeof lookup.typescript?.createProgram).toBe('function');
    expect(supportedTypeScript.range).toBe('>=5.0.0 <7.0.0');
  });

  test('TypeScript 7 in the project: the version found and the range needed are named; nothing is loaded', () => {
    const project = projectWithTypeScript('ts7', '7.0.0');
    const lookup = loadTypeScript([project]);
    expect(lookup.typescript).toBeUndefined();
    expect(lookup.version).toBe('7.0.0');
    expect(lookup.problem).toContain(`typescript 7.0.0 was found at ${join(project, 'node_modules', 'typescript')}`);
    expect(lookup.problem).toContain('needs typescript >=5.0.0 <7.0.0');
    expect(lookup.problem).toContain('npm install -D typescript@5');
    expect(lookup.problem).not.toContain('not installed');
  });

  test('a supported version without the compiler API is reported as such', () => {
    const lookup = loadTypeScript([projectWithTypeScript('ts-broken', '5.4.0')]);
    expect(lookup.typescript).toBeUndefined();
    expect(lookup.problem).toContain('typescript 5.4.0 was found');
    expect(lookup.problem).toContain('has no compiler API');
  });

  test('an older major version is refused with the range', () => {
    expect(loadTypeScript([projectWithTypeScript('ts4', '4.9.5')]).problem).toContain('typescript 4.9.5 was found');
  });

  test('buildActionReference with TypeScript 7: the reference is written without summaries and types, and says so at the top', async () => {
    const project = projectWithTypeScript('ts7-api', '7.0.0');
    const reference = await buildActionReference([{ path: fixtureFile, exports: shapes }], { root: repoRoot, typescriptFrom: project });
    expect(reference.sourcesMissing).toContain('typescript 7.0.0 was found');
    expect(reference.warnings).toEqual([reference.sourcesMissing]);
    const scale = reference.classes[0]!.actions.find((action) => action.name === 'scale')!;
    expect(scale).toMatchObject({ summary: undefined, options: undefined, parameters: undefined });
    const markdown = renderMarkdown(reference);
    const notice = markdown.indexOf('> **Warning:** Incomplete reference: TSDoc summaries, option types and signatures are missing');
    expect(notice).toBeGreaterThan(0);
    expect(notice).toBeLessThan(markdown.indexOf('## ShapesBatch'));
    expect(markdown).toContain('typescript 7.0.0 was found');
    expect(renderHtml(reference)).toContain('<p class="warning"><strong>Warning:</strong> Incomplete reference');
    // with the real typescript 5 nothing is missing
    const complete = await buildActionReference([{ path: fixtureFile, exports: shapes }], { root: repoRoot, typescriptFrom: repoRoot });
    expect(complete.sourcesMissing).toBeUndefined();
    expect(renderMarkdown(complete)).not.toContain('Incomplete reference');
  }, 60_000);

  test('batchflow-ts docs run in a project with TypeScript 7 names the version and range, and still writes the reference', () => {
    const project = projectWithTypeScript('ts7-cli', '7.0.0');
    const out = join(project, 'reference');
    const result = spawnSync(process.execPath, [
      join(repoRoot, 'node_modules/tsx/dist/cli.mjs'), '--tsconfig', join(repoRoot, 'tsconfig.json'), join(repoRoot, 'src/cli.ts'),
      'docs', fixtureFile, '--out', out,
    ], { cwd: project, encoding: 'utf8', timeout: 60_000 });
    expect(result.status).toBe(0);
    expect(result.stderr).toContain('warning: typescript 7.0.0 was found');
    expect(result.stderr).toContain('needs typescript >=5.0.0 <7.0.0');
    expect(result.stderr).not.toContain('not installed');
    expect(result.stdout).toContain('3 Batch classes');
    expect(result.stdout).toContain('incomplete: without TSDoc summaries, option types and signatures');
    const markdown = readFileSync(join(out, 'actions.md'), 'utf8');
    expect(markdown).toContain('> **Warning:** Incomplete reference');
    expect(markdown).toContain('### ShapesBatch.scale');
    expect(markdown).toContain('Options: unknown (the source could not be read).');
  }, 60_000);
});
