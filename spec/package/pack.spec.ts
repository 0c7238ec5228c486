/**
 * The published package: `npm run build` + `npm pack` give a tarball with compiled JS, .d.ts, the
 * exports map, the worker entry and the CLI, and nothing from spec/, bench/ or examples/. The
 * tarball is installed into a temporary project, where plain ESM code runs a 'threads' action and
 * a two-step pipeline through the public entry point `batchflow-ts` (the unstable `batchflow-ts/internal`
 * entry resolves too), and the installed
 * `batchflow-ts docs` command documents the project's own modules. tsx is an optional peer
 * dependency: a second project installs the tarball without it, where compiled JavaScript still runs
 * and documents, and loading a .ts module (docs command, worker) is a typed error saying to install tsx.
 *
 * The install is offline (`npm install --offline`, from the npm cache). When the cache cannot
 * serve it, the tarball is unpacked into the project and the dependencies are linked from this
 * repository's node_modules instead.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

let work: string;
let project: string;
let bare: string;
let tarball: string;
let packedFiles: string[];
let installMode: 'npm install --offline' | 'linked node_modules';
let bareInstallMode: 'npm install --offline' | 'linked node_modules';

/** Runs a command and returns what happened (a run past `timeout` is killed: status null). */
function attempt(command: string, args: readonly string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false', NODE_OPTIONS: '' };
  return spawnSync(command, args, { cwd, encoding: 'utf8', timeout, env });
}

/** Runs a command; throws with its output when it fails. */
function run(command: string, args: readonly string[], cwd: string, timeout = 60_000): SpawnSyncReturns<string> {
  const result = attempt(command, args, cwd, timeout);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} (in ${cwd}) failed with ${result.status ?? result.signal}${result.error ? ` (${result.error.message})` : ''}\n--- stdout\n${result.stdout}\n--- stderr\n${result.stderr}`,
    );
  }
  return result;
}

/** Fallback install: unpack the tarball as node_modules/batchflow-ts and link every other package from the repository (but `skip`). */
function installLinked(project: string, skip: readonly string[] = []): void {
  const modules = join(project, 'node_modules');
  rmSync(modules, { recursive: true, force: true });
  const target = join(modules, 'batchflow-ts');
  mkdirSync(target, { recursive: true });
  run('tar', ['-xzf', tarball, '-C', target, '--strip-components=1'], project);
  for (const name of readdirSync(join(repoRoot, 'node_modules'))) {
    if (name === 'batchflow-ts' || name.startsWith('.') || skip.includes(name)) continue;
    symlinkSync(join(repoRoot, 'node_modules', name), join(modules, name), 'junction');
  }
  mkdirSync(join(modules, '.bin'), { recursive: true });
  symlinkSync(join(target, 'dist/src/cli.js'), join(modules, '.bin', 'batchflow-ts'));
}

const numbersModule = `import { threadId } from 'node:worker_threads';
import { Batch, portable } from 'batchflow-ts';

/** Numbers in one component (plain JavaScript: no decorators). */
export class NumbersBatch extends Batch {
  static components = ['values'];
}

export function double(value) {
  return value * 2;
}
portable(double, import.meta.url);

export function addOne(value) {
  return value + 1;
}

export function threadOf() {
  return threadId;
}
portable(threadOf, import.meta.url);
`;

const mainScript = `import { Dataset, closeEngines } from 'batchflow-ts';
import { NumbersBatch, addOne, double, threadOf } from './numbers.mjs';

const toList = (column) => (column && column.shape ? Array.from({ length: column.shape[0] }, (_, i) => column.get(i)) : Array.from(column));

try {
  const values = Array.from({ length: 12 }, (_, i) => i);
  const dataset = new Dataset(12, { batchClass: NumbersBatch, preloaded: { values } });

  const batch = dataset.createBatch([0, 1, 2, 3]);
  await batch.applyParallel(double, { src: 'values', dst: 'values', target: 'threads', nWorkers: 2 });

  const where = dataset.createBatch([4, 5, 6, 7]);
  await where.applyParallel(threadOf, { src: 'values', dst: 'values', target: 'threads', nWorkers: 2 });

  const pipeline = dataset.p
    .applyParallel(double, { src: 'values', dst: 'values', target: 'threads', nWorkers: 2 })
    .applyParallel(addOne, { src: 'values', dst: 'values' });
  const piped = [];
  const sizes = [];
  for await (const b of pipeline.genBatch({ batchSize: 5, shuffle: false })) {
    sizes.push(b.size);
    piped.push(...toList(b.values));
  }
  let deepImport = 'allowed';
  try {
    await import('batchflow-ts/dist/src/batch/batch.js');
  } catch (error) {
    deepImport = error.code;
  }
  const docs = await import('batchflow-ts/docs');
  const library = await import('batchflow-ts');
  const internal = await import('batchflow-ts/internal');
  console.log(JSON.stringify({
    direct: toList(batch.values), threads: toList(where.values), piped, sizes,
    batchClass: batch.constructor.name, deepImport, docsExports: typeof docs.generateDocs,
    internal: { getEngine: typeof internal.getEngine, pipelineCore: internal.PipelineCore === library.Pipeline, inPublic: 'getEngine' in library },
  }));
} finally {
  await closeEngines();
}
`;

const decoratedModule = `import { Batch, applyParallel, type NDArray } from 'batchflow-ts';

/** A TypeScript batch with a decorated action. */
export class TsBatch extends Batch {
  static override components = ['values'] as const;
  declare values: NDArray;

  /** Multiplies each value. */
  @applyParallel({ src: 'values', target: 'threads' })
  times(value: number, options: { by?: number }): number {
    return value * (options.by ?? 2);
  }
}
`;

const libModule = `/** A TypeScript module with an item function. */
export function triple(value: number): number {
  return value * 3;
}
`;

// The caller may load TypeScript with a loader of its own, which workers do not inherit: here the
// function is simply declared to be lib.ts's export, so the workers have to import lib.ts themselves.
const tsOnWorkersScript = `import { Batch, MissingPeerDependencyError, closeEngines, portable } from 'batchflow-ts';

const triple = portable((value) => value * 3, new URL('./lib.ts', import.meta.url), 'triple');
const outcome = {};
try {
  for (const target of ['threads', 'mpc']) {
    const batch = new Batch(4);
    await batch.addComponents('values', [1, 2, 3, 4]);
    try {
      await batch.applyParallel(triple, { src: 'values', dst: 'tripled', target, nWorkers: 2 });
      outcome[target] = { ran: true };
    } catch (error) {
      outcome[target] = { name: error.name, typed: error instanceof MissingPeerDependencyError, dependency: error.dependency, message: error.message };
    }
  }
} finally {
  await closeEngines();
}
console.log(JSON.stringify(outcome));
`;

const projectTsconfig = {
  compilerOptions: {
    target: 'ES2022',
    module: 'nodenext',
    moduleResolution: 'nodenext',
    strict: true,
    experimentalDecorators: true,
    emitDecoratorMetadata: true,
    skipLibCheck: true,
  },
  include: ['*.ts'],
};

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'batchflow-pack-'));
  project = join(work, 'project');
  mkdirSync(project);
  run(npm, ['run', 'build'], repoRoot, 90_000);
  const packed = run(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot);
  const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, info!.filename);
  packedFiles = info!.files.map((file) => file.path);

  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'batchflow-pack-check', private: true, type: 'module' }, null, 2));
  writeFileSync(join(project, 'numbers.mjs'), numbersModule);
  writeFileSync(join(project, 'main.mjs'), mainScript);
  writeFileSync(join(project, 'decorated.ts'), decoratedModule);
  writeFileSync(join(project, 'tsconfig.json'), JSON.stringify(projectTsconfig, null, 2));
  try {
    run(npm, ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball, 'tsx'], project, 90_000); // tsx: the optional peer that loads .ts modules
    installMode = 'npm install --offline';
  } catch {
    installLinked(project);
    installMode = 'linked node_modules';
  }

  bare = join(work, 'without-tsx');
  mkdirSync(bare);
  writeFileSync(join(bare, 'package.json'), JSON.stringify({ name: 'batchflow-pack-check-without-tsx', private: true, type: 'module' }, null, 2));
  writeFileSync(join(bare, 'numbers.mjs'), numbersModule);
  writeFileSync(join(bare, 'main.mjs'), mainScript);
  writeFileSync(join(bare, 'decorated.ts'), decoratedModule);
  writeFileSync(join(bare, 'tsconfig.json'), JSON.stringify(projectTsconfig, null, 2));
  writeFileSync(join(bare, 'lib.ts'), libModule);
  writeFileSync(join(bare, 'ts-on-workers.mjs'), tsOnWorkersScript);
  try {
    run(npm, ['install', '--no-audit', '--no-fund', '--offline', '--ignore-scripts', tarball], bare, 90_000); // no tsx: an optional peer is not installed
    bareInstallMode = 'npm install --offline';
  } catch {
    installLinked(bare, ['tsx']);
    bareInstallMode = 'linked node_modules';
  }
}, 240_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm pack', () => {
  test('the tarball holds compiled JS, .d.ts, the worker entry, the CLI and the docs README links to, and no tests, benchmarks, examples or fixtures', () => {
    for (const file of [
      'package.json',
      'dist/src/index.js',
      'dist/src/index.d.ts',
      'dist/src/batch/batch.js',
      'dist/src/batch/batch.d.ts',
      'dist/src/engines/worker/worker-entry.mjs',
      'dist/src/engines/worker/worker-runtime.js',
      'dist/src/cli.js',
      'dist/src/docs/index.js',
      'dist/src/docs/index.d.ts',
      'dist/src/internal.js',
      'dist/src/internal.d.ts',
      'docs/guide.md',
      'docs/actions.md',
      'docs/api/README.md',
    ])
      expect(packedFiles).toContain(file);
    const unwanted = packedFiles.filter(
      (file) =>
        /^(spec|bench|examples|scripts|node_modules|src)\//.test(file) ||
        /fixture|\.spec\.|\.tsbuildinfo$|\.map$/.test(file) ||
        (/\.ts$/.test(file) && !/\.d\.ts$/.test(file)),
    );
    expect(unwanted).toEqual([]);
  });

  test('package.json: exports map with types, the bin, the files list', () => {
    const manifest = JSON.parse(readFileSync(join(project, 'node_modules/batchflow-ts/package.json'), 'utf8')) as Record<string, unknown>;
    expect(manifest.exports).toMatchObject({
      '.': { types: './dist/src/index.d.ts', import: './dist/src/index.js' },
      './docs': { types: './dist/src/docs/index.d.ts', import: './dist/src/docs/index.js' },
      './internal': { types: './dist/src/internal.d.ts', import: './dist/src/internal.js' },
    });
    expect(manifest.bin).toEqual({ 'batchflow-ts': 'dist/src/cli.js' });
    expect(readFileSync(join(project, 'node_modules/batchflow-ts/dist/src/cli.js'), 'utf8').startsWith('#!/usr/bin/env node')).toBe(true);
    for (const entry of Object.values(manifest.exports as Record<string, unknown>)) {
      const paths = typeof entry === 'string' ? [entry] : Object.values(entry as Record<string, string>);
      for (const path of paths) expect(existsSync(join(project, 'node_modules/batchflow-ts', path))).toBe(true);
    }
  });

  test('the installed package runs a threads action and a two-step pipeline through the public entry point', () => {
    const result = run(process.execPath, ['main.mjs'], project);
    const output = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(output).toMatchObject({
      direct: [0, 2, 4, 6],
      piped: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23],
      sizes: [5, 5, 2],
      batchClass: 'NumbersBatch',
      deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      docsExports: 'function',
      internal: { getEngine: 'function', pipelineCore: true, inPublic: false }, // the unstable entry holds what the public one leaves out
    });
    // ran on worker threads, not on the main thread (threadId 0)
    expect((output.threads as number[]).every((id) => id > 0)).toBe(true);
  }, 60_000);

  test(`the installed batchflow-ts docs command documents the project's .mjs and .ts modules`, () => {
    const bin = join(project, 'node_modules/.bin/batchflow-ts');
    const result = run(bin, ['docs', 'numbers.mjs', 'decorated.ts', '--out', 'reference'], project);
    expect(result.stdout).toContain('2 Batch classes');
    const markdown = readFileSync(join(project, 'reference/actions.md'), 'utf8');
    expect(markdown).toContain('## NumbersBatch');
    expect(markdown).toContain('## TsBatch');
    expect(markdown).toContain('### TsBatch.times');
    expect(markdown).toContain('- Inner method: `_times_(item, options, context)`');
    expect(markdown).toContain("| `target` | `'threads'` | `@applyParallel` |");
    expect(markdown).toContain('### NumbersBatch.toArray');
    expect(existsSync(join(project, 'reference/actions.html'))).toBe(true);
    expect(['npm install --offline', 'linked node_modules']).toContain(installMode);
  }, 60_000);
});

describe('without the optional peer dependency tsx', () => {
  test('tsx is not installed, and compiled JavaScript runs on threads and documents as before', () => {
    expect(existsSync(join(bare, 'node_modules/tsx'))).toBe(false);
    expect(existsSync(join(bare, 'node_modules/batchflow-ts/dist/src/index.js'))).toBe(true);
    const output = JSON.parse(run(process.execPath, ['main.mjs'], bare).stdout.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(output).toMatchObject({ direct: [0, 2, 4, 6], piped: [1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23] });
    run(join(bare, 'node_modules/.bin/batchflow-ts'), ['docs', 'numbers.mjs', '--out', 'reference'], bare);
    expect(readFileSync(join(bare, 'reference/actions.md'), 'utf8')).toContain('## NumbersBatch');
    expect(['npm install --offline', 'linked node_modules']).toContain(bareInstallMode);
  }, 60_000);

  test('the docs command on a .ts module says to install tsx (no stack trace, exit code 1)', () => {
    const result = attempt(join(bare, 'node_modules/.bin/batchflow-ts'), ['docs', 'decorated.ts', '--out', 'reference-ts'], bare);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('batchflow-ts docs: loading ');
    expect(result.stderr).toContain('decorated.ts for the docs command needs the optional peer dependency tsx: npm install -D tsx');
    expect(result.stderr).not.toContain('ERR_MODULE_NOT_FOUND');
    expect(existsSync(join(bare, 'reference-ts'))).toBe(false);
  }, 60_000);

  test("a worker that must import a .ts module fails the call with a MissingPeerDependencyError on 'threads' and 'mpc' (no hang)", () => {
    const result = attempt(process.execPath, ['ts-on-workers.mjs'], bare, 45_000);
    expect({ status: result.status, signal: result.signal, stderr: result.stderr }).toMatchObject({ status: 0, signal: null });
    const outcome = JSON.parse(result.stdout.trim().split('\n').pop()!) as Record<string, Record<string, unknown>>;
    for (const target of ['threads', 'mpc']) {
      expect(outcome[target]).toMatchObject({ name: 'MissingPeerDependencyError', typed: true, dependency: 'tsx' });
      expect(outcome[target]!.message).toBe(`loading ${join(bare, 'lib.ts')} on a worker needs the optional peer dependency tsx: npm install -D tsx`);
    }
  }, 60_000);
});
