/**
 * Child process of the hostile-file specs, run under tsx: loads each file given on the command line
 * with `Dataset.fromTable(file, { fmt })` (fmt is the first argument) and prints one JSON line per
 * file: how it ended (`ok`, or the error's name and message, and whether it is a BatchflowError) and
 * the milliseconds it took. A file that freezes the process stops the output there, so the parent
 * (which kills the child at its deadline) sees which file it was.
 */
import { BatchflowError, Dataset } from '../../../src/index.js';

const [fmt, ...files] = process.argv.slice(2);
for (const file of files) {
  const started = performance.now();
  let result: Record<string, unknown>;
  try {
    const dataset = await Dataset.fromTable(file, { fmt: fmt as 'feather' });
    result = { ok: true, size: dataset.size };
  } catch (error) {
    const { name, message } = error as Error;
    result = { ok: false, name, message, typed: error instanceof BatchflowError };
  }
  console.log(JSON.stringify({ file, ms: performance.now() - started, ...result }));
}
