/**
 * IO libraries load lazily (issue #5, item 5): importing the package and using csv does not import
 * apache-arrow, h5wasm or numcodecs; each is imported on first use of its format.
 */
import { afterAll, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanup, here, tempDir } from './helpers.js';

afterAll(cleanup);

test('each io library is imported only when its format is first used', () => {
  const log = path.join(tempDir(), 'imports.log');
  const run = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--import', path.join(here, 'support', 'import-log.mjs'), path.join(here, 'support', 'lazy-probe.ts')],
    {
      env: { ...process.env, IMPORT_LOG: log },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  expect(run.stderr.replace(/.*ExperimentalWarning.*\n?|.*--trace-warnings.*\n?/g, '')).toBe('');
  expect(run.status).toBe(0);
  const lines = readFileSync(log, 'utf8').split('\n');
  const firstUse = (pattern: RegExp): number => lines.findIndex((line) => pattern.test(line));
  const markAt = (name: string): number => lines.indexOf(`#mark ${name}`);
  const [index, csv, feather, hdf5] = ['index', 'csv', 'feather', 'hdf5'].map(markAt) as [number, number, number, number];
  expect(index).toBeGreaterThan(0);
  expect(firstUse(/node_modules\/csv-parse\//)).toBeGreaterThan(index);
  expect(firstUse(/node_modules\/apache-arrow\//)).toBeGreaterThan(csv);
  expect(firstUse(/node_modules\/apache-arrow\//)).toBeLessThan(feather);
  expect(firstUse(/node_modules\/h5wasm\//)).toBeGreaterThan(feather);
  expect(firstUse(/node_modules\/h5wasm\//)).toBeLessThan(hdf5);
  expect(firstUse(/node_modules\/numcodecs\//)).toBe(-1);
});
