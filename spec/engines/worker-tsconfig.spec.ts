/**
 * Which tsconfig a worker compiles TypeScript modules with: tsx is registered once per worker, with
 * $BATCHFLOW_TSCONFIG or else the tsconfig.json nearest to the first TypeScript module it loads (from
 * the library's sources, the library's own). Observed through `useDefineForClassFields`.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Batch, closeEngines } from '../../src/index.js';
import { fieldSemantics } from '../fixtures/engine-faults/assign-fields/field-semantics.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const assignTsconfig = path.resolve(here, '../fixtures/engine-faults/assign-fields/tsconfig.json');

afterAll(async () => {
  delete process.env.BATCHFLOW_TSCONFIG;
  await closeEngines();
});

async function semanticsOn(target: 'threads' | 'mpc'): Promise<unknown[]> {
  const batch = new Batch(2);
  await batch.addComponents('values', [0, 1]);
  await batch.applyParallel(fieldSemantics, { src: 'values', dst: 'seen', target, nWorkers: 1 });
  return batch.getComponent('seen') as unknown[];
}

describe.each(['threads', 'mpc'] as const)("target '%s'", (target) => {
  test('$BATCHFLOW_TSCONFIG decides how user modules compile on workers', async () => {
    await closeEngines();
    process.env.BATCHFLOW_TSCONFIG = assignTsconfig;
    expect(await semanticsOn(target)).toEqual(['assigned', 'assigned']);
    await closeEngines();
    delete process.env.BATCHFLOW_TSCONFIG;
    // from the library's sources the first TypeScript module a worker loads is the library's runtime:
    // its tsconfig (ES2022: fields are defined) is used for every module, the nearest one to the user module is not
    expect(await semanticsOn(target)).toEqual(['defined', 'defined']);
  }, 60_000);
});
