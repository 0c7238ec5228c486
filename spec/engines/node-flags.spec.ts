/**
 * Node flags of the calling process that worker threads refuse (`--max-old-space-size`,
 * `--expose-gc`, `--stack-size`) do not break the 'threads' engine: they are left out for threads
 * (child processes still get them), and `--max-old-space-size` becomes the threads' heap limit.
 */
import { describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const script = path.join(repoRoot, 'spec/fixtures/engine-faults/flags-script.ts');

/** Runs the script under `flags` and returns what it printed. */
function runWith(flags: string[]): { threads: unknown; mpc: unknown } {
  const run = spawnSync(process.execPath, [...flags, '--import', 'tsx', script], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  if (!line) throw new Error(`the script printed nothing (status ${run.status}): ${run.stderr}`);
  return JSON.parse(line) as { threads: unknown; mpc: unknown };
}

describe('node flags the worker threads refuse', () => {
  test('--max-old-space-size=300 --expose-gc --stack-size=2000: both engines run, the threads get the heap limit', () => {
    const seen = runWith(['--max-old-space-size=300', '--expose-gc', '--stack-size=2000']);
    expect(Array.isArray(seen.threads)).toBe(true);
    // the heap limit holds the old generation (300 MB) plus the young one: well under the default (≥ 1 GB here)
    for (const limit of seen.threads as number[]) expect(limit).toBeGreaterThanOrEqual(300);
    for (const limit of seen.threads as number[]) expect(limit).toBeLessThan(400);
    // child processes accept every flag: they get them as they are
    for (const limit of seen.mpc as number[]) expect(limit).toBeGreaterThanOrEqual(300);
    for (const limit of seen.mpc as number[]) expect(limit).toBeLessThan(400);
  }, 90_000);

  test('a refused flag with its value as a separate argument (--title name) is left out with its value', () => {
    const seen = runWith(['--title', 'batchflow-spec', '--no-warnings']);
    expect(seen.threads).toEqual([expect.any(Number), expect.any(Number)]);
    expect(seen.mpc).toEqual(seen.threads);
  }, 90_000);
});
