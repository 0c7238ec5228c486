/**
 * Checkpoint and resume across a real crash: a child process runs a pipeline with a checkpoint every
 * few batches and prints every batch it consumes; it is SIGKILLed after a seeded number of lines, a
 * second child resumes from the checkpoint, and the batches printed up to the checkpoint plus the
 * resumed ones must equal an uninterrupted run's, values and final variables included.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const child = path.join(repoRoot, 'spec/fixtures/checkpoint/child.ts');
const EVERY = 4;
const BATCHES = 40; // 40 items × 3 epochs in batches of 3

/** Runs the child; with `killAfter`, SIGKILLs it once it printed that many lines. Resolves to its lines. */
function runChild(args: string[], killAfter?: number): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', child, ...args], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let killed = false;
    proc.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (killAfter !== undefined && !killed && out.split('\n').length - 1 >= killAfter) {
        killed = true;
        proc.kill('SIGKILL');
      }
    });
    proc.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      if (killAfter !== undefined ? signal !== 'SIGKILL' : code !== 0) reject(new Error(`child ${args.join(' ')} ended with ${code ?? signal}: ${err}`));
      else resolve(out.split('\n').filter((line) => line.length > 0));
    });
  });
}

/** A deterministic kill point in [1, BATCHES - 2] for test seed `seed`. */
const killPoint = (seed: number): number => 1 + (((seed * 2654435761) % 2 ** 32) % (BATCHES - 2));

function checkpointedBatches(file: string): number {
  try {
    return (JSON.parse(readFileSync(file, 'utf8')) as { position: { batches: number } }).position.batches;
  } catch {
    return 0; // killed before the first checkpoint: the resumed run starts from the beginning
  }
}

describe.each([
  { target: 'for', prefetch: 0, seeds: [1, 2] },
  { target: 'for', prefetch: 3, seeds: [3, 4, 5] },
  { target: 'threads', prefetch: 2, seeds: [6, 7] },
])('a run on $target with prefetch $prefetch killed with SIGKILL and resumed', ({ target, prefetch, seeds }) => {
  let full: string[] = [];

  test.each(seeds)(
    'test seed %i: printed-before-checkpoint + resumed batches and final variables equal an uninterrupted run',
    async (seed) => {
      if (full.length === 0) full = await runChild(['full', target, String(prefetch), '-', '1']);
      expect(full).toHaveLength(BATCHES + 1);
      const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-checkpoint-'));
      try {
        const file = path.join(folder, 'run.json');
        const killAt = killPoint(seed);
        const before = await runChild(['checkpoint', target, String(prefetch), file, String(EVERY)], killAt);
        const saved = checkpointedBatches(file);
        expect(saved % EVERY).toBe(0);
        expect(before.length).toBeGreaterThanOrEqual(saved);
        const resumed = await runChild(['resume', target, String(prefetch), file, String(EVERY)]);
        expect([...before.slice(0, saved), ...resumed]).toEqual(full);
      } finally {
        rmSync(folder, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
