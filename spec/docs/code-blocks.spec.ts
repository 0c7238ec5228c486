/**
 * Every TypeScript code block of README.md and the docs/ guides runs as a program, so the docs
 * cannot rot (issue #6).
 *
 * How a block becomes a program:
 * - Blocks fenced ```ts or ```typescript are collected (indented fences inside list items too).
 *   Other languages (sh, python, json, plain ```) are not run.
 * - ```ts no-run <reason> is skipped. Use it ONLY where running is impossible (network, a real
 *   dataset on disk, …) and give the reason after `no-run` or as the block's first comment line.
 * - A block whose first line is `// continued from the previous block` continues the previous
 *   TypeScript block of the same file: the whole chain runs ONCE, as one program (the blocks
 *   concatenated; a continuing block imports only names the earlier blocks did not).
 * - `from 'batchflow-ts'` (and `import('batchflow-ts')`, `declare module 'batchflow-ts'`) is rewritten to the repo's src/index.js.
 * - Output checks: a line ending in `// → text` says that `text` is printed; the program's stdout
 *   must contain every such text, in order, ignoring whitespace. Write it as console.log prints it
 *   (e.g. `// → [ 4, 32, 32 ]`). A remark may follow after ` — ` (`// → 0.9 — the default`). When
 *   the line is a single expression statement (`c.get('lr');  // → 0.1`), the test prints its value
 *   with console.log; a `console.log(...)` line prints by itself.
 * - The program is written to examples/_doc-blocks/run-<pid>-<n>/<doc>-<line>.ts: inside a folder
 *   of the tsconfig `include` (tsx compiles legacy decorators only there; a folder starting with a
 *   dot would be excluded), git-ignored, removed afterwards. A block that uses the 'threads' or
 *   'mpc' engine with a class or function of its own must run its main code only when it is the
 *   entry point, because workers import its module.
 * - It runs with `node --import tsx` (3 at a time), cwd = the repo root, TMPDIR = a scratch folder
 *   removed afterwards (blocks may write temp files there). It must exit with code 0 within 60 s,
 *   print less than 20 KB, and write nothing to stderr except Node warnings.
 * - All programs are also type-checked together (tsc with the repo's tsconfig): a block must
 *   compile, except lines marked `// @ts-expect-error` (for documented compile errors).
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { extractBlocks, guideFiles, type Block } from '../helpers/markdown-blocks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCS = guideFiles;
const CONCURRENCY = 3;
const RUN_TIMEOUT_MS = 60_000;
const MAX_OUTPUT = 20_000;
const CONTINUATION = /^\s*\/\/\s*continued from the previous block/i;

interface Program {
  name: string;
  blocks: Block[];
  source: string;
  expected: string[];
  file: string;
}

interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  timedOut: boolean;
}

/** Joins continuation blocks to the block they continue; one program per chain. */
function toPrograms(blocks: readonly Block[], runDir: string): Program[] {
  const chains: Block[][] = [];
  for (const block of blocks) {
    if (CONTINUATION.test(block.code.split('\n')[0] ?? '')) {
      const last = chains[chains.length - 1];
      if (!last || last[0]!.doc !== block.doc) throw new Error(`${block.doc}:${block.line}: a continued block needs a TypeScript block before it in the same file`);
      last.push(block);
    } else {
      chains.push([block]);
    }
  }
  const index = path.relative(runDir, path.join(ROOT, 'src/index.js')).split(path.sep).join('/');
  return chains.map((chain) => {
    const first = chain[0]!;
    const name = `${first.doc}:${chain.map((b) => b.line).join('+')}`;
    const file = path.join(runDir, `${first.doc.replace(/[/.]/g, '_')}-${first.line}.ts`);
    const code = chain.map((b) => `// ---- ${b.doc}, block at line ${b.line}\n${printValues(b.code)}`).join('\n\n');
    const source = `${code.replace(/(\bfrom\s+|\bimport\s*\(\s*|\bdeclare\s+module\s+)(['"])batchflow-ts\2/g, `$1'${index.startsWith('.') ? index : `./${index}`}'`)}\n\nexport {};\n`;
    const expected = [...code.matchAll(/\/\/\s*→\s*(.+?)\s*$/gm)].map((m) => m[1]!.split(' — ')[0]!.trim());
    return { name, blocks: chain, source, expected, file };
  });
}

/** `expression;  // → text` lines (one statement, not a declaration or console call) print their value. */
function printValues(code: string): string {
  return code.split('\n').map((line) => {
    const match = /^(\s*)([^;]*?);(\s*\/\/\s*→.*)$/.exec(line);
    if (!match) return line;
    const statement = match[2]!.trim();
    if (statement === '' || /^(const|let|var|return|throw|console\.)/.test(statement)) return line;
    return `${match[1]}console.log(${statement});${match[3]}`;
  }).join('\n');
}

/** Runs `args` with node, collecting the output (killed after `timeout` ms). */
function runNode(args: readonly string[], env: NodeJS.ProcessEnv, timeout: number): Promise<RunResult> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeout);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - started, timedOut });
    });
  });
}

/** Runs `tasks` with at most `limit` at a time. */
async function pooled<T>(tasks: ReadonlyArray<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < tasks.length) {
      const k = next++;
      results[k] = await tasks[k]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}

/** stderr without Node's warnings (`(node:123) …Warning: …` and the `(Use \`node --trace-…` hint). */
function unexpectedStderr(stderr: string): string {
  const lines = stderr.split('\n');
  const kept: string[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (/^\(node:\d+\) (\[\w+\] )?\w*Warning: /.test(line)) continue;
    if (/^\(Use `node --trace-/.test(line)) continue;
    if (line.trim() === '') continue;
    kept.push(line);
  }
  return kept.join('\n');
}

const squash = (text: string): string => text.replace(/\s+/g, '');

const blocksByDoc = new Map(DOCS.map((doc) => [doc, extractBlocks(readFileSync(path.join(ROOT, doc), 'utf8'), doc)]));
const baseDir = path.join(ROOT, 'examples', '_doc-blocks');
const runDir = path.join(baseDir, `run-${process.pid}-${Date.now().toString(36)}`);
const programs = toPrograms([...blocksByDoc.values()].flat().filter((b) => !b.noRun), runDir);
const skipped = [...blocksByDoc.values()].flat().filter((b) => b.noRun);

const results = new Map<string, RunResult>();
let typecheck: RunResult | null = null;
let scratch = '';

beforeAll(async () => {
  mkdirSync(runDir, { recursive: true });
  scratch = mkdtempSync(path.join(tmpdir(), 'bf-doc-blocks-'));
  for (const program of programs) writeFileSync(program.file, program.source);
  const tsconfig = path.join(runDir, 'tsconfig.blocks.json');
  writeFileSync(tsconfig, JSON.stringify({
    extends: path.join(ROOT, 'tsconfig.json'),
    compilerOptions: { noEmit: true, rootDir: ROOT },
    include: ['*.ts', path.relative(runDir, path.join(ROOT, 'types'))], // types/: declarations of untyped dependencies
  }, null, 2));
  const env = { ...process.env, TMPDIR: scratch, NO_COLOR: '1', FORCE_COLOR: '0' };
  const checking = runNode([path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', tsconfig], env, 240_000);
  await pooled(programs.map((program) => async () => {
    results.set(program.name, await runNode(['--import', 'tsx', program.file], env, RUN_TIMEOUT_MS));
  }), CONCURRENCY);
  typecheck = await checking;
}, 400_000);

afterAll(() => {
  rmSync(runDir, { recursive: true, force: true });
  try {
    if (readdirSync(baseDir).length === 0) rmdirSync(baseDir);
  } catch {
    // another run is using the folder, or it is gone already
  }
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('the docs have code blocks, and skipped blocks say why', () => {
  test.each(DOCS)('%s has at least one runnable TypeScript block', (doc) => {
    expect(blocksByDoc.get(doc)!.filter((b) => !b.noRun).length).toBeGreaterThan(0);
  });

  test('every no-run block gives its reason', () => {
    for (const block of skipped) expect(`${block.doc}:${block.line} ${block.reason}`).toMatch(/\S+:\d+ \S/);
  });

  test('the extractor handles indented fences, other languages and continuations', () => {
    const md = ['```sh', 'npm test', '```', '- item', '  ```ts', '  const a = 1;', '  ```', '```ts no-run needs network', 'fetch(x);', '```', '```typescript', '// continued from the previous block', 'console.log(a); // → 1', 'a + 1;  // → 2 — a remark', '```'].join('\n');
    const blocks = extractBlocks(md, 'x.md');
    expect(blocks.map((b) => [b.line, b.noRun, b.reason, b.code])).toEqual([
      [5, false, '', 'const a = 1;'],
      [8, true, 'needs network', 'fetch(x);'],
      [11, false, '', '// continued from the previous block\nconsole.log(a); // → 1\na + 1;  // → 2 — a remark'],
    ]);
    const [program] = toPrograms([blocks[0]!, blocks[2]!], runDir);
    expect(program!.name).toBe('x.md:5+11');
    expect(program!.expected).toEqual(['1', '2']);
    expect(program!.source).toContain('console.log(a); // → 1\nconsole.log(a + 1);  // → 2 — a remark');
  });
});

describe.each(programs.map((p) => [p.name, p] as const))('%s', (_name, program) => {
  test('runs: exit code 0, no errors on stderr, expected output', () => {
    const result = results.get(program.name);
    expect(result).toBeDefined();
    const { code, stdout, stderr, timedOut, ms } = result!;
    const report = `${program.name} (${ms} ms)\n--- stdout\n${stdout.slice(0, 4000)}\n--- stderr\n${stderr.slice(0, 4000)}`;
    expect(timedOut ? `timed out after ${RUN_TIMEOUT_MS} ms: ${report}` : 'finished').toBe('finished');
    expect(code === 0 ? 0 : report).toBe(0);
    expect(unexpectedStderr(stderr)).toBe('');
    expect(stdout.length).toBeLessThan(MAX_OUTPUT);
    let rest = squash(stdout);
    for (const text of program.expected) {
      const at = rest.indexOf(squash(text));
      expect(at >= 0 ? 'printed' : `expected "${text}" in the output (after the previous expected text):\n${stdout}`).toBe('printed');
      rest = rest.slice(at + squash(text).length);
    }
  });

  test('type-checks', () => {
    expect(typecheck).not.toBeNull();
    const errors = typecheck!.stdout.split('\n').filter((line) => line.includes(path.basename(program.file)));
    expect(errors.join('\n')).toBe('');
  });
});

test('the type check of the blocks reports no errors elsewhere (e.g. in src through a block)', () => {
  expect(typecheck).not.toBeNull();
  const others = typecheck!.stdout.split('\n').filter((line) => /error TS\d+/.test(line) && !programs.some((p) => line.includes(path.basename(p.file))));
  expect(others.join('\n')).toBe('');
  if (typecheck!.code !== 0) expect(typecheck!.stdout).toMatch(/error TS\d+/);
});
