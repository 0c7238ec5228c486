#!/usr/bin/env node
/**
 * The `batchflow-ts` command line: `batchflow-ts docs <module...> [--out dir] [--api dir] [--title text] [--root dir]`
 * imports each module (so its decorators register), then writes the action reference of every
 * exported Batch class to `<out>/actions.md` and `<out>/actions.html` (see docs/cli.md);
 * `batchflow-ts worker --redis URL [...]` runs a queue worker for target 'queue' (see `cli/worker-command.ts`).
 * @module
 */
import { realpathSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateDocs } from './docs/index.js';
import { closeEngines } from './engines/registry.js';
import { BatchflowError } from './errors.js';

/** The usage text printed by `--help` and on argument errors. */
export const usage = `Usage: batchflow-ts docs <module...> [options]
       batchflow-ts worker --redis redis://HOST:PORT [options]   (a worker for target 'queue'; worker --help)

Writes an action reference (actions.md and actions.html) for every Batch class exported by the
given modules (.ts files are loaded through tsx with their nearest tsconfig.json; .js/.mjs with import()).
TSDoc summaries and option types are read with typescript >=5.0 <7 (found from the current directory);
without it the reference is written without them, and says so.

Options:
  --out <dir>      directory for actions.md and actions.html (default: docs)
  --api <dir>      also run TypeDoc (typedoc + typedoc-plugin-markdown) over the modules into <dir>
  --title <text>   page title (default: Action reference)
  --root <dir>     write file paths relative to <dir> (default: the current directory)
  -h, --help       show this help`;

/** Parsed `docs` arguments. */
export interface DocsArguments {
  /** Module files to import and document. */
  readonly modules: string[];
  /** Directory for actions.md and actions.html. */
  readonly out: string;
  /** TypeDoc output directory, when `--api` was given. */
  readonly api: string | undefined;
  /** Page title, when `--title` was given. */
  readonly title: string | undefined;
  /** Directory paths are written relative to, when `--root` was given. */
  readonly root: string | undefined;
}

/** Parses the arguments after `docs`; throws an Error with a message for the user on bad input. */
export function parseDocsArguments(args: readonly string[]): DocsArguments {
  const modules: string[] = [];
  const values: Record<'out' | 'api' | 'title' | 'root', string | undefined> = { out: undefined, api: undefined, title: undefined, root: undefined };
  for (let index = 0; index < args.length; index++) {
    const arg = args[index]!;
    const option = /^--(out|api|title|root)(?:=(.*))?$/.exec(arg);
    if (option) {
      const name = option[1] as keyof typeof values;
      const value = option[2] ?? args[++index];
      if (value === undefined || value === '') throw new Error(`--${name} needs a value`);
      values[name] = value;
    } else if (arg.startsWith('-')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      modules.push(arg);
    }
  }
  if (modules.length === 0) throw new Error('give at least one module file');
  return { modules, out: values.out ?? 'docs', api: values.api, title: values.title, root: values.root };
}

/** Runs the command line `argv` (without `node` and the script); resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'worker') {
    const { runWorkerCommand, workerUsage } = await import('./cli/worker-command.js');
    if (rest.includes('-h') || rest.includes('--help')) {
      console.log(workerUsage);
      return 0;
    }
    return runWorkerCommand(rest);
  }
  if (command === undefined || command === '-h' || command === '--help' || rest.includes('-h') || rest.includes('--help')) {
    console.log(usage);
    return command === undefined ? 1 : 0;
  }
  if (command !== 'docs') {
    console.error(`batchflow-ts: unknown command ${JSON.stringify(command)}\n\n${usage}`);
    return 1;
  }
  let args: DocsArguments;
  try {
    args = parseDocsArguments(rest);
  } catch (error) {
    console.error(`batchflow-ts docs: ${(error as Error).message}\n\n${usage}`);
    return 1;
  }
  try {
    const { files, reference } = await generateDocs(args);
    for (const warning of reference.warnings) console.warn(`warning: ${warning}`);
    const actions = reference.classes.reduce((sum, cls) => sum + cls.actions.length, 0);
    const incomplete = reference.sourcesMissing === undefined ? '' : ' (incomplete: without TSDoc summaries, option types and signatures; see the warning)';
    console.log(
      `batchflow-ts docs: ${reference.classes.length} Batch class${reference.classes.length === 1 ? '' : 'es'}, ${actions} action entries → ${files.map((file) => relative(process.cwd(), file) || '.').join(', ')}${incomplete}`,
    );
    if (reference.classes.length === 0) console.warn('warning: the modules export no Batch class');
    return 0;
  } catch (error) {
    // the library's own errors say what to do: their message is enough (no stack)
    if (error instanceof BatchflowError && !error.message.startsWith('batchflow-ts')) console.error(`batchflow-ts docs: ${error.message}`);
    else console.error(error instanceof Error && error.message.startsWith('batchflow-ts') ? error.message : error);
    return 1;
  } finally {
    await closeEngines();
  }
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  const code = await main(process.argv.slice(2));
  process.exit(code);
}
