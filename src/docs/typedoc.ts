/**
 * Runs TypeDoc (with typedoc-plugin-markdown) over entry points, writing Markdown. Both packages
 * are imported lazily: they are devDependencies of batchflow-ts and optional for users.
 * A `typedoc.json` in the current directory is read first; the options given here win.
 * @module
 */
import { resolve } from 'node:path';

/** Options of {@link generateApiDocs}. */
export interface ApiDocsOptions {
  /** Modules to document (TypeDoc entry points). */
  readonly entryPoints: readonly string[];
  /** Output directory (emptied by TypeDoc first). */
  readonly out: string;
  /** The tsconfig.json TypeDoc compiles with (default: TypeDoc's own lookup from the current directory). */
  readonly tsconfig?: string;
}

/** Writes the TypeDoc reference of `entryPoints` as Markdown into `out`. Throws when TypeDoc reports errors. */
export async function generateApiDocs(options: ApiDocsOptions): Promise<void> {
  let typedoc: typeof import('typedoc');
  try {
    typedoc = await import('typedoc');
    await import('typedoc-plugin-markdown');
  } catch {
    throw new Error('batchflow-ts docs --api needs typedoc and typedoc-plugin-markdown: npm install -D typedoc@0.28 typedoc-plugin-markdown@4');
  }
  const app = await typedoc.Application.bootstrapWithPlugins({
    entryPoints: options.entryPoints.map((entry) => resolve(entry)),
    out: resolve(options.out),
    plugin: ['typedoc-plugin-markdown'],
    ...(options.tsconfig ? { tsconfig: resolve(options.tsconfig) } : {}),
  }, [new typedoc.TypeDocReader(), new typedoc.PackageJsonReader(), new typedoc.TSConfigReader()]);
  const project = await app.convert();
  if (!project) throw new Error('TypeDoc could not convert the project (see the messages above)');
  app.validate(project);
  await app.generateOutputs(project);
  if (app.logger.hasErrors()) throw new Error('TypeDoc reported errors (see the messages above)');
}
