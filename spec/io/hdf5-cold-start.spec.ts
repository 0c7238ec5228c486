/**
 * A script run with tsx loads hdf5 files: h5wasm is imported past tsx's transforms (a query on its
 * file URL) and must still work there. How much CPU that import saves is measured by the bench
 * (`npm run bench -- --only H5`), not here.
 */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { here } from './helpers.js';

test('under tsx, the first hdf5 load (h5wasm imported untransformed) reads the file', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'hdf5-cold-start.ts')], { encoding: 'utf8', timeout: 120_000 });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { rows: number; labels: number[] };
  expect(result.rows).toBe(10);
  expect(result.labels).toHaveLength(10);
  expect(result.labels.every((label) => Number.isFinite(label))).toBe(true);
}, 130_000);
