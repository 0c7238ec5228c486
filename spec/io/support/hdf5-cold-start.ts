/**
 * Child process of spec/io/hdf5-cold-start.spec.ts, run under tsx: loads an .h5 file once (the first
 * load imports h5wasm) and prints the rows and labels it read.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Batch, Dataset } from '../../../src/index.js';

const file = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures/interop/plain.h5');
const batch = new Batch(new Dataset(10).index);
await batch.load({ fmt: 'hdf5', src: file, dst: 'labels' });
const labels = batch.get(undefined, 'labels') as ArrayLike<number>;
console.log(JSON.stringify({ rows: batch.size, labels: Array.from(labels, Number) }));
