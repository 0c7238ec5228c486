/**
 * The bounded fuzz run of every `npm test`: for each format, its seed files and a few dozen seeded
 * mutations of them are loaded through the public API in one child process with a deadline per case.
 * Every case must end in a value or a typed BatchflowError naming the file, within the deadline,
 * without changing the batch it was loaded into. `npm run fuzz` runs the long campaign.
 */
import { expect, test } from '@jest/globals';
import { generatorCases } from '../../fuzz/cases.js';
import { generators } from '../../fuzz/generators/index.js';
import { runCases } from '../../fuzz/harness.js';
import type { FuzzCase } from '../../fuzz/types.js';

const CASES_PER_FORMAT = 30;
const SEED = 20261202;

async function* allCases(): AsyncGenerator<FuzzCase> {
  for (const generator of generators) yield* generatorCases(generator, SEED, CASES_PER_FORMAT);
}

test('hostile files of every format end in a value or a typed error naming the file, within the deadline, leaving the batch unchanged', async () => {
  const report = await runCases(allCases(), { deadlineMs: 15_000 });
  expect(report.failures.map((f) => `${f.outcome}: ${f.label} ${f.detail ?? ''}`)).toEqual([]);
  for (const generator of generators) {
    const summary = report.formats[generator.format]!;
    expect(summary.cases).toBeGreaterThan(CASES_PER_FORMAT);
    expect(summary.counts.ok).toBeGreaterThan(0); // the seeds themselves load
    expect(summary.counts.typed).toBeGreaterThan(0); // and the mutations are refused, typed
  }
}, 300_000);
