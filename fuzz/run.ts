/**
 * `npm run fuzz -- --cases 2000 --seed 1 [--deadline 10000] [--only blosc,csv]`: the long fuzz
 * campaign. For each format, its seeds and `cases` seeded mutations are loaded in a child process
 * with a deadline per case; prints one JSON object on stdout (per-format counts: ok / typed error /
 * hang / untyped / changed batch / crash, the longest case, and the failing cases) and progress on
 * stderr. Exits with 1 when any case hung, crashed, changed its batch or failed untyped.
 * @module
 */
import { generatorCases } from './cases.js';
import { generators } from './generators/index.js';
import { runCases } from './harness.js';
import type { FuzzCase } from './types.js';

const usage = 'usage: npm run fuzz -- [--cases N (per format, default 200)] [--seed S (default 1)] [--deadline MS (default 10000)] [--only blosc,csv,…]';

function parseArguments(argv: readonly string[]): { cases: number; seed: number; deadline: number; only: string[] | null } {
  const settings = { cases: 200, seed: 1, deadline: 10_000, only: null as string[] | null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(usage);
    if (flag === '--only') settings.only = value.split(',').map((s) => s.trim().toLowerCase());
    else if (flag === '--cases' || flag === '--seed' || flag === '--deadline') {
      const n = Number(value);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${flag} expects a non-negative integer\n${usage}`);
      settings[flag.slice(2) as 'cases' | 'seed' | 'deadline'] = n;
    } else throw new Error(usage);
  }
  return settings;
}

let settings: ReturnType<typeof parseArguments>;
try {
  settings = parseArguments(process.argv.slice(2));
} catch (error) {
  console.error((error as Error).message);
  process.exit(2);
}
const chosen = generators.filter((g) => settings.only === null || settings.only.includes(g.format));
if (chosen.length === 0) {
  console.error(`no generator for ${settings.only?.join(', ')}; known: ${generators.map((g) => g.format).join(', ')}`);
  process.exit(2);
}

async function* allCases(): AsyncGenerator<FuzzCase> {
  for (const generator of chosen) yield* generatorCases(generator, settings.seed, settings.cases);
}

const started = Date.now();
let done = 0;
const report = await runCases(allCases(), {
  deadlineMs: settings.deadline,
  onResult(result) {
    done++;
    if (result.outcome !== 'ok' && result.outcome !== 'typed')
      console.error(`${result.outcome}: ${result.label} (${Math.round(result.ms)} ms) ${result.detail ?? ''}`);
    if (done % 100 === 0) console.error(`… ${done} cases`);
  },
});
const formats = Object.fromEntries(
  Object.entries(report.formats).map(([format, summary]) => [
    format,
    { cases: summary.cases, ...summary.counts, longestMs: summary.longestMs, longestCase: summary.longest },
  ]),
);
console.log(
  JSON.stringify(
    {
      tool: 'batchflow-ts fuzz',
      date: new Date().toISOString(),
      node: process.version,
      settings: { casesPerFormat: settings.cases, seed: settings.seed, deadlineMs: settings.deadline },
      elapsedSeconds: Math.round((Date.now() - started) / 100) / 10,
      formats,
      failures: report.failures.slice(0, 100),
    },
    null,
    2,
  ),
);
process.exit(report.failures.length > 0 ? 1 : 0);
