/**
 * How a pipeline reaches a batch worker: by module reference, never by serialising its records. The
 * user exports the pipeline from a module and marks it with {@link portablePipeline}; a worker imports
 * the same module and takes the same pipeline (by export name, or as the same marked one). Closures in the records are fine: the worker's import makes
 * its own copies.
 * @module
 */
import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArgumentError, NotPortableError } from '../../errors.js';
import { isPipeline } from '../action-proxy.js';

/**
 * Where a worker finds a pipeline: its module, and there the export `exportName` or, without one, the
 * `ordinal`-th pipeline the module marked (the worker's import of the module marks the same ones in the
 * same order).
 */
export interface PipelineReference {
  readonly module: string;
  readonly exportName: string | undefined;
  readonly ordinal: number;
}

interface Mark {
  readonly module: string;
  readonly exportName: string | undefined;
  readonly ordinal: number;
}

const marks = new WeakMap<object, Mark>();
const markedByModule = new Map<string, object[]>();

/** An absolute file path from `import.meta.url`, a file URL or a path; an ArgumentError otherwise. */
function modulePath(moduleUrl: string | URL): string {
  const href = String(moduleUrl);
  const path = href.startsWith('file:') ? fileURLToPath(href) : href;
  if (!path.startsWith('/') && !/^[A-Za-z]:\\/.test(path))
    throw new ArgumentError('moduleUrl', `expected import.meta.url or an absolute path, got ${JSON.stringify(href)}`);
  return path;
}

/**
 * Marks `pipeline` as reachable by batch workers (`run({ target: 'threads' | 'mpc', ... })`): it must be
 * created and marked at the top level of the module at `moduleUrl` (pass `import.meta.url`), and exported
 * from it (under `exportName` when given). Returns `pipeline` itself.
 *
 * Workers import that module, so it must not run a script when imported (guard the script with
 * `if (import.meta.url === pathToFileURL(process.argv[1]!).href) ...`), and it must build and mark the
 * same pipelines, in the same order, every time it is imported.
 *
 * @example
 * ```ts
 * export const train = portablePipeline(dataset.p.blur({ radius: 1 }).normalize(), import.meta.url);
 * await train.run({ batchSize: 50, target: 'threads', nWorkers: 2, prefetch: 2 });
 * ```
 */
export function portablePipeline<P extends object>(pipeline: P, moduleUrl: string | URL, exportName?: string): P {
  if (!isPipeline(pipeline)) throw new ArgumentError('pipeline', 'portablePipeline() needs a pipeline (dataset.p..., new Pipeline(...))');
  if (exportName !== undefined && (typeof exportName !== 'string' || exportName === ''))
    throw new ArgumentError('exportName', `expected the name the pipeline is exported under, got ${JSON.stringify(exportName)}`);
  if (marks.has(pipeline)) return pipeline;
  const module = modulePath(moduleUrl);
  const marked = markedByModule.get(module) ?? [];
  markedByModule.set(module, marked);
  marks.set(pipeline, { module, exportName, ordinal: marked.length });
  marked.push(pipeline);
  return pipeline;
}

/** The pipeline a worker's import of `reference.module` marked for `reference`, or undefined. */
export function markedPipeline(reference: PipelineReference, exports: Record<string, unknown>): unknown {
  if (reference.exportName !== undefined) return exports[reference.exportName];
  return markedByModule.get(reference.module)?.[reference.ordinal];
}

/** True when `module` is the script Node was started with (it may still be running its top-level code). */
function isEntryScript(module: string): boolean {
  const entry = process.argv[1];
  if (entry === undefined) return false;
  try {
    return realpathSync(resolve(entry)) === realpathSync(module);
  } catch {
    return false;
  }
}

/**
 * The reference of a pipeline marked with {@link portablePipeline}. Its module (already loaded) is
 * checked to export it, except when that module is the entry script, whose own import could wait for
 * its top-level code, i.e. for this run. A pipeline that is not marked, or not exported where it says,
 * is a NotPortableError saying what to do.
 */
export async function portablePipelineReference(pipeline: object, target: string): Promise<PipelineReference> {
  const mark = marks.get(pipeline);
  const how = `export it from a module and mark it at the top level: \`export const train = portablePipeline(dataset.p..., import.meta.url)\`, then run that exported pipeline (a pipeline derived from it, e.g. by one more step, is a new pipeline and must be exported and marked itself)`;
  if (!mark) throw new NotPortableError('pipeline', target, `batches reach workers by module reference and this pipeline is not marked: ${how}`);
  if (isEntryScript(mark.module)) return mark;
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(mark.module).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotPortableError('pipeline', target, `its module ${mark.module} could not be imported (${reason})`);
  }
  if (mark.exportName !== undefined && exports[mark.exportName] !== pipeline)
    throw new NotPortableError('pipeline', target, `${mark.module} has no export '${mark.exportName}' holding this pipeline: ${how}`);
  if (!Object.values(exports).includes(pipeline)) throw new NotPortableError('pipeline', target, `${mark.module} does not export this pipeline: ${how}`);
  return mark;
}
