/**
 * Child process of workload H5, run under tsx: imports h5wasm either the way batchflow-ts does (the
 * first `load({ fmt: 'hdf5' })`, past tsx's transforms) or with a bare `import('h5wasm/node')` (through
 * them), and prints the CPU time (user + system, ms) of that first import and load.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Batch, Dataset } from '../../../src/index.js';

const mode = process.argv[2];
const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../spec/fixtures/interop/plain.h5');
const before = process.cpuUsage();
let rows: number;
if (mode === 'bare') {
  const h5wasm = await import('h5wasm/node');
  await h5wasm.ready;
  const h5 = new h5wasm.File(file, 'r');
  rows = h5.keys().length > 0 ? 10 : 0;
  h5.close();
} else {
  const batch = new Batch(new Dataset(10).index);
  await batch.load({ fmt: 'hdf5', src: file, dst: 'labels' });
  rows = batch.size;
}
const used = process.cpuUsage(before);
console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, rows }));
