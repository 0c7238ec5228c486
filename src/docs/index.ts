/**
 * The docs generator (`batchflow-ts/docs`): turns the action registry into an action reference
 * (`actions.md` + a self-contained `actions.html`) and, optionally, runs TypeDoc.
 *
 * @example
 * ```ts
 * import { generateDocs } from 'batchflow-ts/docs';
 * await generateDocs({ modules: ['src/my-batches.ts'], out: 'docs' });
 * ```
 * @module
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { buildActionReference, type ModuleSource } from './collect.js';
import { importModule } from './load-module.js';
import type { ActionReference } from './model.js';
import { renderHtml } from './render-html.js';
import { renderMarkdown } from './render-markdown.js';
import { generateApiDocs } from './typedoc.js';

export { buildActionReference, collectBatchClasses, formatValue, isBatchClass, type AnyBatchClass, type BuildOptions, type ModuleSource } from './collect.js';
export { importModule, nearestTsconfig } from './load-module.js';
export type { ActionDoc, ActionReference, ApplyDefaultsLayer, ClassDoc, DefaultDoc, OptionDoc, ParameterDoc } from './model.js';
export { renderHtml } from './render-html.js';
export { renderMarkdown } from './render-markdown.js';
export { generateApiDocs, type ApiDocsOptions } from './typedoc.js';
export { loadTypeScript, supportedTypeScript, type TypeScriptLookup, type TypeScriptModule } from './typescript-loader.js';

/** Options of {@link generateDocs}. */
export interface GenerateDocsOptions {
  /** Module files whose exported Batch classes are documented (relative to the current directory). */
  readonly modules: readonly string[];
  /** Directory for `actions.md` and `actions.html` (default `docs`). */
  readonly out?: string;
  /**
   * Also run TypeDoc over the modules into this directory (default: no). TypeDoc reads
   * `typedoc.json` / `tsconfig.json` from the current directory.
   */
  readonly api?: string;
  /** Paths in the pages are relative to this directory (default: the current directory). */
  readonly root?: string;
  /** Page title (default `Action reference`). */
  readonly title?: string;
  /** Directory from which `typescript` (>=5.0 <7) is resolved (default: the current directory, then batchflow-ts's own location). */
  readonly typescriptFrom?: string;
}

/** What {@link generateDocs} wrote. */
export interface GeneratedDocs {
  /** The files written (absolute paths); the TypeDoc directory when `api` was given. */
  readonly files: readonly string[];
  /** The reference the pages were rendered from. */
  readonly reference: ActionReference;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, text, 'utf8');
  await rename(temporary, file);
}

/** Renders `reference` into `<out>/actions.md` and `<out>/actions.html`; returns both paths. */
export async function writeActionReference(reference: ActionReference, out: string): Promise<string[]> {
  const directory = resolve(out);
  await mkdir(directory, { recursive: true });
  const markdown = join(directory, 'actions.md');
  const html = join(directory, 'actions.html');
  await writeAtomically(markdown, renderMarkdown(reference));
  await writeAtomically(html, renderHtml(reference));
  return [markdown, html];
}

/**
 * Imports `modules` (so their decorators register), documents every exported Batch class in
 * `<out>/actions.md` and `<out>/actions.html`, and with `api` runs TypeDoc over the same modules.
 */
export async function generateDocs(options: GenerateDocsOptions): Promise<GeneratedDocs> {
  if (options.modules.length === 0) throw new Error('batchflow-ts docs: give at least one module file');
  const sources: ModuleSource[] = [];
  for (const module of options.modules) sources.push(await importModule(module));
  const reference = await buildActionReference(sources, { root: options.root, title: options.title, typescriptFrom: options.typescriptFrom });
  const files = await writeActionReference(reference, options.out ?? 'docs');
  if (options.api !== undefined) {
    await generateApiDocs({ entryPoints: options.modules, out: options.api });
    files.push(resolve(options.api));
  }
  return { files, reference };
}
