/**
 * The docs generator: the action reference built from the registry for a fixture module (merged
 * defaults at each class level, inherited/overridden flags, summaries, option names and types,
 * `_name_`), its Markdown and HTML renderings, and the `batchflow-ts docs` command line.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as library from '../../src/index.js';
import {
  buildActionReference, formatValue, renderHtml, renderMarkdown, writeActionReference,
  type ActionDoc, type ActionReference, type ClassDoc,
} from '../../src/docs/index.js';
import { parseDocsArguments } from '../../src/cli.js';
import { mergedApplyDefaults } from '../../src/batch/parallel-dispatch.js';
import { firstParagraph } from '../../src/docs/source-info.js';
import * as shapes from './fixtures/shapes.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const fixtureFile = fileURLToPath(new URL('./fixtures/shapes.ts', import.meta.url));
const batchActions = ['addComponents', 'load', 'dump', 'save', 'applyParallel', 'toArray', 'doNothing'];

let reference: ActionReference;
let libraryReference: ActionReference;
let markdown: string;
let html: string;
const temporaryDirectories: string[] = [];

function temporaryDirectory(): string {
  const directory = mkdtempSync(join(tmpdir(), 'batchflow-docs-'));
  temporaryDirectories.push(directory);
  return directory;
}

beforeAll(async () => {
  reference = await buildActionReference([{ path: fixtureFile, exports: shapes }], { root: repoRoot });
  libraryReference = await buildActionReference([{ path: join(repoRoot, 'src/index.ts'), exports: library }], { root: repoRoot });
  markdown = renderMarkdown(reference);
  html = renderHtml(reference);
}, 60_000);

afterAll(() => {
  for (const directory of temporaryDirectories) rmSync(directory, { recursive: true, force: true });
});

function classDoc(name: string): ClassDoc {
  const found = reference.classes.find((cls) => cls.name === name);
  if (!found) throw new Error(`no class ${name} in the reference`);
  return found;
}

function actionDoc(className: string, name: string): ActionDoc {
  const found = classDoc(className).actions.find((action) => action.name === name);
  if (!found) throw new Error(`no action ${className}.${name} in the reference`);
  return found;
}

/** `{ name: display }` of the effective defaults. */
function defaultsOf(entries: ReadonlyArray<{ name: string; display: string }>): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.name, entry.display]));
}

/** `{ name: layer }` of the effective defaults. */
function sourcesOf(entries: ReadonlyArray<{ name: string; from: string }>): Record<string, string> {
  return Object.fromEntries(entries.map((entry) => [entry.name, entry.from]));
}

function optionsOf(action: ActionDoc): Array<[string, string, boolean]> {
  return (action.options ?? []).map((option) => [option.name, option.type, option.optional]);
}

describe('classes', () => {
  test('every exported Batch class of the module, parents first; other exports are left out', () => {
    expect(reference.classes.map((cls) => cls.name)).toEqual(['ShapesBatch', 'MarkedShapesBatch', 'PlainShapesBatch']);
    expect(reference.modules).toEqual(['spec/docs/fixtures/shapes.ts']);
    expect(reference.warnings).toEqual([]);
  });

  test('parent, module, components and TSDoc summary', () => {
    expect(classDoc('ShapesBatch')).toMatchObject({
      parent: 'Batch', module: 'spec/docs/fixtures/shapes.ts', components: ['values', 'labels'],
      summary: 'A base class of shapes: values and labels, run asynchronously by default.',
    });
    expect(classDoc('MarkedShapesBatch').parent).toBe('ShapesBatch');
    // no decorator of its own: found in the module's source through the export
    expect(classDoc('PlainShapesBatch')).toMatchObject({
      parent: 'MarkedShapesBatch', module: 'spec/docs/fixtures/shapes.ts',
      summary: 'A subclass without decorators of its own: everything is inherited.',
    });
  });

  test('applyDefaults merged at each level, with the class each entry comes from', () => {
    expect(defaultsOf(classDoc('ShapesBatch').applyDefaults)).toEqual({ src: "'values'", dst: 'null', post: "'_assemble'", target: "'async'" });
    expect(sourcesOf(classDoc('ShapesBatch').applyDefaults)).toEqual({
      src: 'ShapesBatch.applyDefaults', dst: 'Batch.applyDefaults', post: 'Batch.applyDefaults', target: 'ShapesBatch.applyDefaults',
    });
    expect(defaultsOf(classDoc('MarkedShapesBatch').applyDefaults)).toEqual({ src: "'values'", dst: "'labels'", post: "'_assemble'", target: "'threads'" });
    expect(sourcesOf(classDoc('MarkedShapesBatch').applyDefaults)).toEqual({
      src: 'ShapesBatch.applyDefaults', dst: 'MarkedShapesBatch.applyDefaults', post: 'Batch.applyDefaults', target: 'MarkedShapesBatch.applyDefaults',
    });
    expect(defaultsOf(classDoc('PlainShapesBatch').applyDefaults)).toEqual({ src: "'values'", dst: "'labels'", post: 'null', target: "'threads'" });
    expect(classDoc('PlainShapesBatch').applyDefaultsLayers.map((layer) => layer.className)).toEqual(['Batch', 'ShapesBatch', 'MarkedShapesBatch', 'PlainShapesBatch']);
    // the values are the runtime's own merge
    for (const cls of [shapes.ShapesBatch, shapes.MarkedShapesBatch, shapes.PlainShapesBatch]) {
      expect(Object.fromEntries(classDoc(cls.name).applyDefaults.map((entry) => [entry.name, entry.value]))).toEqual(mergedApplyDefaults(cls));
    }
  });

  test('actions: inherited from Batch first, then own; an override moves to the end', () => {
    expect(classDoc('ShapesBatch').actions.map((action) => action.name)).toEqual([...batchActions, 'scale', 'shift', 'visit', 'log']);
    expect(classDoc('MarkedShapesBatch').actions.map((action) => action.name)).toEqual([...batchActions, 'scale', 'visit', 'log', 'shift', 'reset']);
    expect(classDoc('PlainShapesBatch').actions.every((action) => action.inherited)).toBe(true);
  });
});

describe('applyParallel actions', () => {
  test('own action: kind, inner method, TSDoc summary (first paragraph), merged defaults', () => {
    const scale = actionDoc('ShapesBatch', 'scale');
    expect(scale).toMatchObject({
      kind: 'applyParallel', definedIn: 'ShapesBatch', definingModule: 'spec/docs/fixtures/shapes.ts', inherited: false, overrides: false,
      innerName: '_scale_', summary: 'Scales each value by a factor.', summarySource: 'tsdoc', optionsType: 'ScaleOptions', returnType: 'number',
    });
    expect(defaultsOf(scale.defaults)).toEqual({ src: "'values'", dst: 'null', post: "'_assemble'", target: "'async'", offset: '0' });
    expect(sourcesOf(scale.defaults)).toMatchObject({ src: 'ShapesBatch.applyDefaults', dst: 'Batch.applyDefaults', target: 'ShapesBatch.applyDefaults', offset: '@applyParallel' });
  });

  test('option names, types, required flags, descriptions and defaults come from the per-item method', () => {
    const scale = actionDoc('ShapesBatch', 'scale');
    expect(optionsOf(scale)).toEqual([['factor', 'number', false], ['offset', 'number', true]]);
    expect(scale.options![0]!.summary).toBe('Multiplier applied to each value.');
    expect(scale.options![1]).toMatchObject({ summary: 'Added after scaling.', default: '0' });
    expect(optionsOf(actionDoc('ShapesBatch', 'shift'))).toEqual([['by', 'number', false], ['mode', "'wrap' | 'clip'", true]]);
    expect(actionDoc('ShapesBatch', 'shift').parameters!.map((parameter) => parameter.name)).toEqual(['value', 'options']);
  });

  test('a decorator summary wins over TSDoc; decorator options override applyDefaults', () => {
    const shift = actionDoc('ShapesBatch', 'shift');
    expect(shift).toMatchObject({ summary: 'Shifts values into labels.', summarySource: 'decorator' });
    expect(defaultsOf(shift.defaults)).toMatchObject({ src: "'values'", dst: "'labels'", target: "'async'" });
    expect(sourcesOf(shift.defaults).dst).toBe('@applyParallel');
  });

  test('inherited action: defaults follow the viewing class\'s applyDefaults', () => {
    const scale = actionDoc('MarkedShapesBatch', 'scale');
    expect(scale).toMatchObject({ inherited: true, overrides: false, definedIn: 'ShapesBatch', innerName: '_scale_', summary: 'Scales each value by a factor.' });
    expect(defaultsOf(scale.defaults)).toEqual({ src: "'values'", dst: "'labels'", post: "'_assemble'", target: "'threads'", offset: '0' });
    expect(sourcesOf(scale.defaults)).toMatchObject({ dst: 'MarkedShapesBatch.applyDefaults', target: 'MarkedShapesBatch.applyDefaults', src: 'ShapesBatch.applyDefaults' });
    expect(defaultsOf(actionDoc('PlainShapesBatch', 'scale').defaults)).toMatchObject({ post: 'null', target: "'threads'" });
  });

  test('overriding action: own record, its own options and summary, the parent\'s decorator defaults do not leak', () => {
    const shift = actionDoc('MarkedShapesBatch', 'shift');
    expect(shift).toMatchObject({
      inherited: false, overrides: true, overridden: 'ShapesBatch.shift', definedIn: 'MarkedShapesBatch', innerName: '_shift_',
      summary: 'Shifts labels instead of values, wrapping at a bound.', summarySource: 'tsdoc',
    });
    expect(defaultsOf(shift.defaults)).toEqual({ src: "'labels'", dst: "'labels'", post: "'_assemble'", target: "'threads'" });
    expect(sourcesOf(shift.defaults)).toMatchObject({ src: '@applyParallel', dst: 'MarkedShapesBatch.applyDefaults' });
    expect(optionsOf(shift)).toEqual([['by', 'number', false], ['wrapAt', 'number', false]]);
    const inheritedOverride = actionDoc('PlainShapesBatch', 'shift');
    expect(inheritedOverride).toMatchObject({ inherited: true, overrides: true, overridden: 'ShapesBatch.shift', definedIn: 'MarkedShapesBatch' });
  });
});

describe('inbatchParallel and action', () => {
  test('inbatchParallel starts from target for / post null and ignores applyDefaults', () => {
    for (const className of ['ShapesBatch', 'MarkedShapesBatch', 'PlainShapesBatch']) {
      const visit = actionDoc(className, 'visit');
      expect(visit).toMatchObject({ kind: 'inbatchParallel', innerName: '_visit_', summary: 'Visits every item id.' });
      expect(defaultsOf(visit.defaults)).toEqual({ init: "'indices'", post: "'collectVisits'", target: "'for'" });
      expect(sourcesOf(visit.defaults)).toEqual({ init: '@inbatchParallel', post: '@inbatchParallel', target: 'inbatchParallel default' });
      expect(optionsOf(visit)).toEqual([['tag', 'string', false]]);
    }
  });

  test('@action: useLock, noEval, no inner method, no defaults, options from its options parameter', () => {
    const log = actionDoc('ShapesBatch', 'log');
    expect(log).toMatchObject({ kind: 'action', useLock: 'log', noEval: ['when'], innerName: undefined, summary: 'Writes a message to the log, one call at a time.' });
    expect(log.defaults).toEqual([]);
    expect(optionsOf(log)).toEqual([['message', 'string', false], ['when', 'unknown', true]]);
    expect(actionDoc('MarkedShapesBatch', 'log')).toMatchObject({ inherited: true, useLock: 'log' });
    expect(actionDoc('MarkedShapesBatch', 'reset')).toMatchObject({ kind: 'action', useLock: true, inherited: false, overrides: false, options: undefined });
  });
});

describe('the library entry point', () => {
  test('options of load/dump, typed per format: each option keeps its own summary and fmt shows its constraint', () => {
    const batch = libraryReference.classes[0]!;
    for (const name of ['load', 'dump']) {
      const options = batch.actions.find((action) => action.name === name)!.options!;
      const fmt = options.find((option) => option.name === 'fmt')!;
      expect(fmt.type).toBe('string');
      expect(fmt.summary).toMatch(/^`undefined` = in memory/);
      for (const option of options) expect((option.summary ?? '').match(/Components to load/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    const src = batch.actions.find((action) => action.name === 'load')!.options!.find((option) => option.name === 'src')!;
    expect(src.summary).toBe('The data: a record/Map/array-tuple of per-component data, one component\'s data, or (with `fmt`) a file.');
  });

  test('documents Batch with every action and its merged defaults', () => {
    expect(libraryReference.classes.map((cls) => cls.name)).toEqual(['Batch', 'ImagesBatch']); // the library's own Batch classes
    const batch = libraryReference.classes[0]!;
    expect(batch.parent).toBeUndefined();
    expect(batch.module).toBe('src/batch/batch.ts');
    expect(batch.actions.map((action) => action.name)).toEqual(expect.arrayContaining(batchActions));
    const toArray = batch.actions.find((action) => action.name === 'toArray')!;
    expect(toArray).toMatchObject({ kind: 'applyParallel', innerName: '_toArray_', summarySource: 'decorator' });
    expect(defaultsOf(toArray.defaults)).toEqual({ src: 'null', dst: 'null', post: "'_assemble'", target: "'for'", dtype: "'float32'", channels: "'last'" });
    expect(optionsOf(toArray).map(([name]) => name)).toEqual(['dtype', 'channels']);
    expect(batch.actions.find((action) => action.name === 'load')!.options!.map((option) => option.name)).toEqual(expect.arrayContaining(['src', 'fmt', 'dst']));
    for (const action of batch.actions) expect(action.summary).toBeDefined();
  });
});

describe('rendering', () => {
  test('Markdown lists classes, actions, merged defaults, flags and inner methods', () => {
    expect(markdown).toContain('# Action reference');
    expect(markdown).toContain('## MarkedShapesBatch');
    expect(markdown).toContain('### MarkedShapesBatch.shift');
    expect(markdown).toContain('<a id="MarkedShapesBatch.shift"></a>');
    expect(markdown).toContain("| `target` | `'threads'` | `MarkedShapesBatch.applyDefaults` |");
    expect(markdown).toContain("| `offset` | `0` | `@applyParallel` |");
    expect(markdown).toContain("| `mode` | `'wrap' \\| 'clip'` | no |  |  |");
    expect(markdown).toContain("| `factor` | `number` | yes |  | Multiplier applied to each value. |");
    expect(markdown).toContain('| [`scale`](#MarkedShapesBatch.scale) | `applyParallel` | `ShapesBatch` | yes |  | Scales each value by a factor. |');
    expect(markdown).toContain('| [`shift`](#MarkedShapesBatch.shift) | `applyParallel` | `MarkedShapesBatch` | no | `ShapesBatch.shift` |');
    expect(markdown).toContain('- Inner method: `_scale_(item, options, context)`');
    expect(markdown).toContain("- useLock: yes, lock 'log'");
    expect(markdown).toContain('- useLock: yes (lock named after the method)');
    expect(markdown).toContain('- noEval: `when`');
    expect(markdown).toContain('own, overrides ShapesBatch.shift');
    expect(markdown).toContain('inherited from MarkedShapesBatch (which overrides ShapesBatch.shift)');
    expect(markdown).toContain('- Per item: `scale(value: number, options: ScaleOptions): number`');
    // pipes are escaped in table cells only
    expect(markdown).toContain("- Per item: `shift(value: number, options: { by: number; mode?: 'wrap' | 'clip' }): number`");
    expect(markdown).not.toContain('NotABatch');
    expect(markdown).not.toContain('A second paragraph');
  });

  test('HTML is one self-contained page with the same content', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('id="MarkedShapesBatch.shift"');
    expect(html).toContain('<code>_visit_(item, options, context)</code>');
    expect(html).toContain('<code>&#39;wrap&#39; | &#39;clip&#39;</code>');
    expect(html).toContain('<td><code>target</code></td><td><code>&#39;threads&#39;</code></td><td><code>MarkedShapesBatch.applyDefaults</code></td>');
    expect(html).not.toMatch(/<script|<link|src="http/);
  });

  test('writeActionReference writes actions.md and actions.html', async () => {
    const out = temporaryDirectory();
    const files = await writeActionReference(reference, join(out, 'nested'));
    expect(files.map((file) => file.slice(out.length))).toEqual(['/nested/actions.md', '/nested/actions.html']);
    expect(readFileSync(files[0]!, 'utf8')).toBe(markdown);
    expect(readFileSync(files[1]!, 'utf8')).toBe(html);
  });

  test('without sources: registry facts and decorator summaries only', async () => {
    const bare = await buildActionReference([{ exports: shapes }], { root: repoRoot, readSources: false });
    const shift = bare.classes[0]!.actions.find((action) => action.name === 'shift')!;
    expect(shift).toMatchObject({ summary: 'Shifts values into labels.', options: undefined, parameters: undefined });
    expect(bare.classes[0]!.actions.find((action) => action.name === 'scale')!.summary).toBeUndefined();
    expect(renderMarkdown(bare)).toContain('Options: unknown (the source could not be read).');
  });

  test('summaries: first paragraph on one line, {@link X} written as X', () => {
    expect(firstParagraph('Options of {@link ShapesBatch.scale}.\n  Still the\n  first paragraph.\n\nSecond.')).toBe('Options of ShapesBatch.scale. Still the first paragraph.');
    expect(firstParagraph('See {@link Batch.load | load} and {@linkcode tuple}.')).toBe('See load and tuple.');
    expect(firstParagraph('  \n ')).toBeUndefined();
  });

  test('formatValue writes defaults as code', () => {
    expect(formatValue(library.tuple('images', 'masks'))).toBe("tuple('images', 'masks')");
    expect(formatValue(['a', 1, null])).toBe("['a', 1, null]");
    expect(formatValue({ axis: 1, 'x-y': true })).toBe("{ axis: 1, 'x-y': true }");
    expect(formatValue(function blur() {})).toBe('function blur');
    expect(formatValue(new Float32Array(3))).toBe('Float32Array(3)');
  });
});

describe('command line', () => {
  const tsxCli = join(repoRoot, 'node_modules/tsx/dist/cli.mjs');

  function runCli(args: readonly string[]): { status: number | null; stdout: string; stderr: string } {
    const result = spawnSync(process.execPath, [tsxCli, 'src/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  }

  test('parses modules and options', () => {
    expect(parseDocsArguments(['a.ts', '--out', 'o', 'b.js', '--api=api', '--title', 'T'])).toEqual({ modules: ['a.ts', 'b.js'], out: 'o', api: 'api', title: 'T', root: undefined });
    expect(() => parseDocsArguments(['--out', 'o'])).toThrow('at least one module');
    expect(() => parseDocsArguments(['a.ts', '--bogus'])).toThrow('unknown option --bogus');
    expect(() => parseDocsArguments(['a.ts', '--out'])).toThrow('--out needs a value');
  });

  test('batchflow-ts docs <module.ts> --out dir imports the module through tsx and writes both pages', () => {
    const out = temporaryDirectory();
    const result = runCli(['docs', 'spec/docs/fixtures/shapes.ts', '--out', out, '--title', 'Shapes']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('3 Batch classes');
    const written = readFileSync(join(out, 'actions.md'), 'utf8');
    expect(written).toContain('# Shapes');
    expect(written).toContain("| `target` | `'threads'` | `MarkedShapesBatch.applyDefaults` |");
    expect(written).toContain('inherited from MarkedShapesBatch (which overrides ShapesBatch.shift)');
    expect(written).toContain('- Inner method: `_scale_(item, options, context)`');
    expect(existsSync(join(out, 'actions.html'))).toBe(true);
  }, 60_000);

  test('a missing module or no module is an error with a message', () => {
    const missing = runCli(['docs', 'spec/docs/fixtures/nope.ts', '--out', temporaryDirectory()]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no module file "spec/docs/fixtures/nope.ts"');
    const none = runCli(['docs']);
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('Usage: batchflow-ts docs');
  }, 60_000);
});
