/**
 * Workload H5: the CPU time of the first hdf5 load of a script run with tsx. batchflow-ts imports
 * h5wasm's 4 MB module past tsx's transforms; a bare `import('h5wasm/node')` goes through them. Each
 * run is a fresh child process (`node --import tsx`); the number is that child's CPU time (user +
 * system) for the import and the first load, so a busy machine changes it little.
 * @module
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { assertBench, round, roundStats, summarize, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';

const child = path.join(path.dirname(fileURLToPath(import.meta.url)), 'support', 'hdf5-cold-start.ts');

function coldStartCpuMs(mode: 'library' | 'bare'): number {
  const run = spawnSync(process.execPath, ['--import', 'tsx', child, mode], { encoding: 'utf8', timeout: 120_000 });
  assertBench(run.status === 0, `H5: the ${mode} child failed: ${run.stderr}`);
  const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as { cpuMs: number; rows: number };
  assertBench(result.rows === 10, `H5: the ${mode} child read ${result.rows} rows, expected 10`);
  return result.cpuMs;
}

async function run(settings: BenchSettings): Promise<WorkloadResult[]> {
  const times: Record<'library' | 'bare', number[]> = { library: [], bare: [] };
  // alternate so both see the same machine load
  for (let i = 0; i < settings.runs; i++) for (const mode of ['library', 'bare'] as const) times[mode].push(coldStartCpuMs(mode));
  const library = summarize(times.library);
  const bare = summarize(times.bare);
  const common = { workload: 'H5', engine: 'for', unit: 'ms CPU' };
  return [
    {
      ...common,
      name: "first load({ fmt: 'hdf5' }) under tsx (h5wasm imported untransformed)",
      ...roundStats(library),
      speedup: round(bare.median / library.median, 3),
      target: { text: 'at least 3× less CPU than a transformed import', met: bare.median >= 3 * library.median },
    },
    { ...common, name: "bare import('h5wasm/node') + open under tsx (transformed)", ...roundStats(bare) },
  ];
}

export const workloadHdf5ColdStart: Workload = {
  id: 'H5',
  title: 'hdf5 cold start under tsx: h5wasm imported past the transforms vs through them',
  defaultRuns: 5,
  run,
};
