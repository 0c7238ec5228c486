/**
 * The first hdf5 load of a script run with tsx does not run h5wasm's 4 MB module through tsx's
 * transforms: it costs about what it costs under plain node (a few hundred ms of CPU), not the seconds
 * a transformed import takes. CPU time, not wall time, so a busy machine does not make it flaky.
 */
import { expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { here } from './helpers.js';

test('under tsx, the first hdf5 load (h5wasm import included) takes under 2 s of CPU', () => {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'hdf5-cold-start.ts')], { encoding: 'utf8', timeout: 120_000 });
  expect(run.status).toBe(0);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { cpuMs: number; rows: number };
  expect(result.rows).toBe(10);
  expect(result.cpuMs).toBeLessThan(2000);
}, 130_000);
