/**
 * Child process of spec/io/hdf5-cold-start.spec.ts, run under tsx: loads an .h5 file once and prints
 * the CPU time (user + system, ms) of that first load, which includes importing h5wasm.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Batch, Dataset } from '../../../src/index.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/interop/plain.h5');
const batch = new Batch(new Dataset(10).index);
const before = process.cpuUsage();
await batch.load({ fmt: 'hdf5', src: file, dst: 'labels' });
const used = process.cpuUsage(before);
console.log(JSON.stringify({ cpuMs: (used.user + used.system) / 1000, rows: batch.size }));
