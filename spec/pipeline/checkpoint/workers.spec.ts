/**
 * Checkpoint and resume with batches produced on workers ('threads', 'mpc', 'auto'): a run stopped after a
 * few batches and resumed gives the same batches, values and variables as an uninterrupted run.
 */
import { afterAll, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { closeEngines, type RunOptionsInput } from '../../../src/index.js';
import { describeBatch, noisy, type NoisyBatch } from '../../fixtures/checkpoint/pipelines.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-checkpoint-workers-'));
afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await closeEngines();
});

async function collect(options: RunOptionsInput, stopAfter = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of noisy.genBatch(options)) {
    out.push(JSON.stringify(describeBatch(batch as NoisyBatch)));
    if (out.length >= stopAfter) break;
  }
  return out;
}

const variables = (): unknown => ({ sum: noisy.v('sum'), seen: noisy.v('seen'), draws: noisy.v('draws') });

// 'auto' decides on the resumed run's first batch (batch 4 here), which keeps its own number and seed
test.each(['threads', 'mpc', 'auto'] as const)(
  'a run on %s workers stopped after 6 batches resumes from its checkpoint at 4 to the same batches and variables',
  async (target) => {
    const options: RunOptionsInput = { batchSize: 3, nEpochs: 1, shuffle: 5, prefetch: 2, target, nWorkers: 2, reset: 'vars' };
    const full = await collect(options);
    const fullVariables = variables();
    const file = path.join(folder, `${target}.json`);
    const first = await collect({ ...options, checkpoint: { path: file, every: 4 } }, 6);
    const rest = await collect({ ...options, resume: file });
    expect([...first.slice(0, 4), ...rest]).toEqual(full);
    expect(variables()).toEqual(fullVariables);
  },
  60_000,
);
