/**
 * How a pipeline reaches a batch worker: by module reference, never by serialising its records. The
 * user exports the pipeline from a module and marks it with {@link portablePipeline}; a worker imports
 * the same module and takes the export. Closures in the records are fine: the worker's import makes
 * its own copies.
 * @module
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ArgumentError, NotPortableError } from '../../errors.js';
import { isPipeline } from '../action-proxy.js';

/** Where a worker finds a pipeline: the module that exports it and the export name. */
export interface PipelineReference {
  readonly module: string;
  readonly exportName: string;
}

const marked = new WeakMap<object, { readonly module: string; readonly exportName: string | undefined }>();

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
 * exported from the module at `moduleUrl` (pass `import.meta.url`), under `exportName` or, when that is
 * omitted, under any name (found when a run starts). Returns `pipeline` itself.
 *
 * Workers import that module, so it must not run a script when imported (guard the script with
 * `if (import.meta.url === pathToFileURL(process.argv[1]!).href) ...`), and it must build the same
 * pipeline every time it is imported.
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
  marked.set(pipeline, { module: modulePath(moduleUrl), exportName });
  return pipeline;
}

/**
 * The reference of a pipeline marked with {@link portablePipeline}: its export name is checked (or found)
 * in the caller's copy of its module, already loaded. A pipeline that is not marked, or not exported
 * where it says, is a NotPortableError saying what to do.
 */
export async function portablePipelineReference(pipeline: object, target: string): Promise<PipelineReference> {
  const mark = marked.get(pipeline);
  const how = `export it from a module and mark it: \`export const train = portablePipeline(dataset.p..., import.meta.url)\`, then run that exported pipeline (a pipeline derived from it, e.g. by one more step, is a new pipeline and must be exported and marked itself)`;
  if (!mark) throw new NotPortableError('pipeline', target, `batches reach workers by module reference and this pipeline is not marked: ${how}`);
  let exports: Record<string, unknown>;
  try {
    exports = (await import(pathToFileURL(mark.module).href)) as Record<string, unknown>;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new NotPortableError('pipeline', target, `its module ${mark.module} could not be imported (${reason})`);
  }
  if (mark.exportName !== undefined) {
    if (exports[mark.exportName] !== pipeline)
      throw new NotPortableError('pipeline', target, `${mark.module} has no export '${mark.exportName}' holding this pipeline: ${how}`);
    return { module: mark.module, exportName: mark.exportName };
  }
  const found = Object.keys(exports).find((name) => exports[name] === pipeline);
  if (found === undefined) throw new NotPortableError('pipeline', target, `${mark.module} does not export this pipeline: ${how}`);
  return { module: mark.module, exportName: found };
}
