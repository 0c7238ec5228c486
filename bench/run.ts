/**
 * `npm run bench` — runs the registered workloads and prints ONE JSON object on stdout (a table for
 * humans goes to stderr). Not part of `npm test`.
 *
 *   npm run bench                      # every workload
 *   npm run bench -- --only A          # only workload A (comma-separated ids: --only A,B)
 *   npm run bench -- --runs 11         # timed runs per measurement (default: the workload's, ≥ 9)
 *   npm run bench -- --warmups 3       # untimed warm-up runs (default 2)
 * @module
 */
import os from 'node:os';
import { closeEngines } from '../src/index.js';
import type { WorkloadResult } from './harness.js';
import { formatTable } from './report.js';
import { workloads } from './workloads/index.js';

interface Cli {
  only: string[] | null;
  runs: number | null;
  warmups: number;
}

function usage(message: string): never {
  process.stderr.write(`bench: ${message}\nusage: npm run bench -- [--only A,B] [--runs N] [--warmups N]\n`);
  process.exit(2);
}

function parseArgs(argv: readonly string[]): Cli {
  const cli: Cli = { only: null, runs: null, warmups: 2 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const [flag, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = (): string => inline ?? argv[++i] ?? usage(`${flag} needs a value`);
    const count = (min: number): number => {
      const text = value();
      const n = Number(text);
      if (!Number.isInteger(n) || n < min) usage(`${flag} expects an integer ≥ ${min}, got ${text}`);
      return n;
    };
    if (flag === '--only')
      cli.only = value()
        .split(',')
        .map((id) => id.trim().toUpperCase())
        .filter(Boolean);
    else if (flag === '--runs') cli.runs = count(1);
    else if (flag === '--warmups') cli.warmups = count(0);
    else if (flag === '--help' || flag === '-h') usage('help');
    else usage(`unknown argument ${arg}`);
  }
  if (cli.only) {
    const known = new Set(workloads.map((w) => w.id.toUpperCase()));
    const unknown = cli.only.filter((id) => !known.has(id));
    if (unknown.length) usage(`unknown workload(s) ${unknown.join(', ')}; known: ${[...known].join(', ')}`);
  }
  return cli;
}

async function main(): Promise<void> {
  const cli = parseArgs(process.argv.slice(2));
  if (cli.runs !== null && cli.runs < 7) process.stderr.write(`bench: warning: --runs ${cli.runs} is below the 7 runs reported numbers need\n`);
  const selected = workloads.filter((w) => !cli.only || cli.only.includes(w.id.toUpperCase()));
  const results: WorkloadResult[] = [];
  const started = Date.now();
  try {
    for (const workload of selected) {
      process.stderr.write(`bench: ${workload.id} — ${workload.title} …\n`);
      results.push(...(await workload.run({ runs: cli.runs ?? workload.defaultRuns ?? 9, warmups: cli.warmups })));
    }
  } finally {
    await closeEngines();
  }
  const report = {
    tool: 'batchflow-ts bench',
    date: new Date().toISOString(),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    settings: { runs: cli.runs ?? 'per workload (see results[].runs)', warmups: cli.warmups, statistic: 'median', only: cli.only },
    ratio: 'BatchFlow / batchflow-ts for times (above 1 = batchflow-ts is faster); baseline: bench/baseline.md (BatchFlow 0.10.0 on the project machine)',
    elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
    results,
  };
  process.stderr.write(`${formatTable(results)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
