/**
 * Runs an example's `main` only when its file is the program being run. Worker threads and the docs
 * generator import the modules that define Batch classes; without this guard they would run the
 * example again (and a worker would start pools of its own).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeEngines } from '../src/index.js';

/** Calls `main()` (then closes the engines) when `moduleUrl` (pass `import.meta.url`) is the entry point. */
export async function runMain(moduleUrl: string, main: () => Promise<void>): Promise<void> {
  const entry = process.argv[1];
  if (entry === undefined || path.resolve(entry) !== fileURLToPath(moduleUrl)) return;
  try {
    await main();
  } finally {
    await closeEngines();
  }
}
