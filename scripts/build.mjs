// `npm run build`: compiles src/ into dist/src with tsconfig.build.json, then copies the runtime
// files tsc does not emit (plain .mjs/.cjs/.js sources such as the worker entry
// src/engines/worker/worker-entry.mjs, which must sit next to the compiled worker-runtime.js) and
// marks the CLI executable. dist/src is removed first so deleted sources never linger in a package.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const sourceDirectory = join(root, 'src');
const outDirectory = join(root, 'dist', 'src');

rmSync(outDirectory, { recursive: true, force: true });

const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
// tsc's messages go to stderr so that `npm pack --json` (which runs this as prepack) keeps clean JSON on stdout.
const compiled = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], { stdio: [0, 2, 2], cwd: root });
if (compiled.status !== 0) process.exit(compiled.status ?? 1);

function* runtimeAssets(directory) {
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) yield* runtimeAssets(path);
    else if (/\.(mjs|cjs|js)$/.test(entry.name)) yield path;
  }
}

let copied = 0;
for (const asset of runtimeAssets(sourceDirectory)) {
  const target = join(outDirectory, relative(sourceDirectory, asset));
  mkdirSync(dirname(target), { recursive: true });
  copyFileSync(asset, target);
  copied++;
}

const workerEntry = join(outDirectory, 'engines', 'worker', 'worker-entry.mjs');
const workerRuntime = join(outDirectory, 'engines', 'worker', 'worker-runtime.js');
if (!existsSync(workerEntry) || !existsSync(workerRuntime)) {
  console.error(`build: expected ${relative(root, workerEntry)} next to ${relative(root, workerRuntime)}`);
  process.exit(1);
}
const cli = join(outDirectory, 'cli.js');
if (existsSync(cli)) chmodSync(cli, 0o755);
console.error(`build: dist/src written (${copied} runtime asset${copied === 1 ? '' : 's'} copied)`);
