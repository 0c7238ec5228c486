/**
 * Worker engines see the caller's environment: `process.env` as it was when the pool started
 * (child processes too), and a pool started again after `closeEngines()` sees the current one.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { Batch, closeEngines } from '../../src/index.js';
import { readEnv } from '../fixtures/worker-env.js';

afterAll(async () => {
  delete process.env.BATCHFLOW_SPEC_VAR;
  delete process.env.MALLOC_TRIM_THRESHOLD_;
  await closeEngines();
});

async function envOnWorkers(target: 'threads' | 'mpc', name: string): Promise<unknown[]> {
  const batch = new Batch(4);
  await batch.addComponents('values', [0, 1, 2, 3]);
  await batch.applyParallel(readEnv, { src: 'values', dst: 'seen', target, nWorkers: 2, name });
  return batch.getComponent('seen') as unknown[];
}

describe.each(['threads', 'mpc'] as const)("target '%s'", (target) => {
  test('an item sees a variable the caller set, and HOME, PATH', async () => {
    await closeEngines();
    process.env.BATCHFLOW_SPEC_VAR = `set by the caller for ${target}`;
    expect(await envOnWorkers(target, 'BATCHFLOW_SPEC_VAR')).toEqual(Array(4).fill(`set by the caller for ${target}`));
    for (const name of ['HOME', 'PATH']) expect(await envOnWorkers(target, name)).toEqual(Array(4).fill(process.env[name]));
  }, 30_000);

  test('a running pool keeps the environment it started with; after closeEngines() the next pool sees the new one', async () => {
    await closeEngines();
    process.env.BATCHFLOW_SPEC_VAR = 'first';
    expect(await envOnWorkers(target, 'BATCHFLOW_SPEC_VAR')).toEqual(Array(4).fill('first'));
    process.env.BATCHFLOW_SPEC_VAR = 'second';
    expect(await envOnWorkers(target, 'BATCHFLOW_SPEC_VAR')).toEqual(Array(4).fill('first'));
    await closeEngines();
    expect(await envOnWorkers(target, 'BATCHFLOW_SPEC_VAR')).toEqual(Array(4).fill('second'));
  }, 30_000);
});

describe("target 'mpc': the worker processes' memory allocator", () => {
  test('keeps batch-sized buffers mapped (glibc settings) unless the caller set its own', async () => {
    await closeEngines();
    delete process.env.MALLOC_TRIM_THRESHOLD_;
    expect(await envOnWorkers('mpc', 'MALLOC_MMAP_THRESHOLD_')).toEqual(Array(4).fill(String(32 * 1024 * 1024)));
    expect(await envOnWorkers('mpc', 'MALLOC_TRIM_THRESHOLD_')).toEqual(Array(4).fill(String(256 * 1024 * 1024)));
    await closeEngines();
    process.env.MALLOC_TRIM_THRESHOLD_ = '131072';
    expect(await envOnWorkers('mpc', 'MALLOC_TRIM_THRESHOLD_')).toEqual(Array(4).fill('131072'));
  }, 30_000);
});
