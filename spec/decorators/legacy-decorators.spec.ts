/**
 * What a user's tsconfig really needs: `experimentalDecorators` only. A module compiled by the
 * TypeScript compiler with `experimentalDecorators: true` and WITHOUT `emitDecoratorMetadata` runs a
 * whole-batch `@action` and an `@applyParallel` action on 'threads'; the same module compiled with
 * standard (TC39) decorators fails with a message asking for `experimentalDecorators` alone.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const library = pathToFileURL(join(repoRoot, 'src/index.ts')).href;

const userModule = `import { threadId } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { Batch, action, applyParallel, closeEngines, zeros, type NDArray } from 'batchflow-ts';

export class NumbersBatch extends Batch {
  static override components = ['values', 'threads'] as const;
  declare values: NDArray;
  declare threads: NDArray;

  @applyParallel({ src: 'values', target: 'threads', nWorkers: 2 })
  times(value: number, options: { by: number }): number {
    return value * options.by;
  }

  @applyParallel({ src: 'values', dst: 'threads', target: 'threads', nWorkers: 2 })
  where(_value: number): number {
    return threadId;
  }

  @action
  async addOne(): Promise<this> {
    for (let i = 0; i < this.size; i++) this.values.set(i, this.values.get(i) + 1);
    return this;
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]!).href) {
  try {
    const values = zeros([4], 'float64');
    for (let i = 0; i < 4; i++) values.set(i, i);
    const batch = NumbersBatch.fromData(null, { values, threads: zeros([4]) });
    await batch.actions.addOne();
    await batch.actions.times({ by: 3 });
    await batch.actions.where({});
    const list = (array: NDArray): number[] => Array.from({ length: array.shape[0]! }, (_, i) => array.get(i));
    console.log(JSON.stringify({ values: list(batch.values), threads: list(batch.threads) }));
  } finally {
    await closeEngines();
  }
}
`.replaceAll("'batchflow-ts'", JSON.stringify(library));

let work: string;

/** Compiles the user module with the TypeScript compiler and `options`, writes it as .mjs and runs it with node (tsx loads the library's sources). */
function compileAndRun(name: string, options: ts.CompilerOptions): { javascript: string; status: number | null; stdout: string; stderr: string } {
  const javascript = ts.transpileModule(userModule, {
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext, ...options },
  }).outputText;
  const file = join(work, `${name}.mjs`);
  writeFileSync(file, javascript);
  const result = spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  return { javascript, status: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'batchflow-decorators-'));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('compiler settings a user needs', () => {
  test('experimentalDecorators without emitDecoratorMetadata: an @action and a threads @applyParallel action run', () => {
    const run = compileAndRun('legacy-only', { experimentalDecorators: true, emitDecoratorMetadata: false });
    expect(run.javascript).toContain('__decorate');
    expect(run.javascript).not.toContain('__metadata');
    expect(run.stderr).not.toContain('Error');
    expect(run.status).toBe(0);
    const output = JSON.parse(run.stdout.trim().split('\n').pop()!) as { values: number[]; threads: number[] };
    expect(output.values).toEqual([3, 6, 9, 12]);
    expect(output.threads.every((id) => id > 0)).toBe(true); // ran on worker threads, not on the main thread
  }, 60_000);

  test('standard (TC39) decorators: the error asks for experimentalDecorators only', () => {
    const run = compileAndRun('standard', { experimentalDecorators: false });
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('was applied as a TC39 (stage 3) decorator; batchflow-ts needs legacy decorators: set "experimentalDecorators": true');
    expect(run.stderr).toContain('"emitDecoratorMetadata" is not needed');
    expect(run.stderr).not.toContain('"experimentalDecorators": true and "emitDecoratorMetadata": true');
  }, 60_000);
});
