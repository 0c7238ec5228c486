/**
 * Child process of spec/io/atomic.spec.ts: dumps a large batch to `dst` in format `fmt`, so the
 * parent can kill it mid-write. Usage: node --import tsx atomic-writer.ts <fmt> <dst> <items>
 */
import ndarray from 'ndarray';
import { Batch } from '../../../src/index.js';

const [fmt, dst, itemsText] = process.argv.slice(2) as [string, string, string];
const items = Number(itemsText);
const size = 64 * 64;
const batch = new Batch(Array.from({ length: items }, (_, i) => i));
await batch.addComponents(
  'x',
  ndarray(
    Float32Array.from({ length: items * size }, (_, i) => (i % 1000) / 7),
    [items, 64, 64],
  ),
);
process.stdout.write('ready\n');
await batch.dump({ fmt, dst, ...(fmt === 'blosc' ? { clevel: 1 } : {}) });
process.stdout.write('done\n');
