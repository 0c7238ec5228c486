/**
 * Fuzz cases of `fmt: 'hdf5'`: batches dumped through the public API (pandas frame, plain datasets,
 * gzip-compressed datasets), the h5py/pandas interop files and the hostile fixtures (float16, a
 * (3, 0) dataset, datasets declaring 800 MB and 12 GiB in 1.4 KB files). Format-aware mutations
 * overwrite 8-byte values that look like file addresses or lengths (object headers, B-trees, heaps)
 * with boundary values, damage the sizes of global heap objects (variable-length strings), and
 * change the superblock's end-of-file address.
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Batch } from '../../src/index.js';
import type { FormatMutation, FuzzSeed } from '../types.js';
import { filesWrittenBy, fillSeedColumns, fixturesDir } from './seed-files.js';

class FuzzDatasets extends Batch {
  static override components = ['images', 'labels', 'names', 'flags', 'codes'] as const;
}

const hostileDir = path.resolve(fixturesDir, '../hostile');

function filledBatch(): FuzzDatasets {
  const batch = new FuzzDatasets([10, 11, 12]);
  fillSeedColumns(batch);
  return batch;
}

async function dumped(name: string, options: Record<string, unknown>, components: readonly string[]): Promise<FuzzSeed> {
  const files = await filesWrittenBy((dir) => filledBatch().dump({ fmt: 'hdf5', dst: path.join(dir, 'batch.h5'), components: [...components], ...options }));
  return { name, files, load: { kind: 'batch', fmt: 'hdf5', src: 'batch.h5', ids: [10, 11, 12], components, options: { int64: 'bigint' } } };
}

function fixtureFile(dir: string, name: string): FuzzSeed {
  const files = [{ name, bytes: Uint8Array.from(readFileSync(path.join(dir, name))) }];
  return { name: name.replace(/\.h5$/, ''), files, load: { kind: 'table', fmt: 'hdf5', src: name } };
}

/** The seeds: our three layouts (batch load), the interop files and the hostile fixtures (Dataset.fromTable). */
export async function hdf5Seeds(): Promise<FuzzSeed[]> {
  const all = ['images', 'labels', 'names', 'flags', 'codes'];
  return [
    await dumped('pandas', {}, ['images', 'labels', 'flags', 'codes']),
    await dumped('datasets', { layout: 'datasets' }, all),
    await dumped('datasets-gzip', { layout: 'datasets', compression: 4 }, all),
    ...['plain.h5', 'frame_fixed.h5', 'frame_range.h5'].map((name) => fixtureFile(fixturesDir, name)),
    ...['float16.h5', 'empty_columns.h5', 'declares_800mb.h5', 'declares_12gib.h5'].map((name) => fixtureFile(hostileDir, name)),
  ];
}

const boundaries = [0n, 1n, 0xffffffffn, 2n ** 40n, 2n ** 62n, 0xffffffffffffffffn];

/** Positions of 8-byte little-endian values that could be addresses or lengths inside the file. */
function addressLike(bytes: Uint8Array): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let at = 0; at + 8 <= bytes.length; at += 8) {
    const value = view.getBigUint64(at, true);
    if (value > 0n && value < BigInt(bytes.length)) out.push(at);
  }
  return out;
}

/** Positions of the object sizes in global heap collections ("GCOL"). */
function heapObjectSizes(bytes: Uint8Array): number[] {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: number[] = [];
  for (let hit = text.indexOf('GCOL'); hit !== -1; hit = text.indexOf('GCOL', hit + 1)) {
    for (let at = hit + 16; at + 16 <= Math.min(bytes.length, hit + 256);) {
      out.push(at + 8);
      const size = Number(text.readBigUInt64LE(at + 8));
      if (!(size > 0 && size < 4096)) break;
      at += 16 + Math.ceil(size / 8) * 8;
    }
  }
  return out;
}

/** The format-aware mutations of hdf5 files. */
export const hdf5Mutations: readonly FormatMutation[] = [
  {
    name: 'address',
    apply(bytes, random) {
      const candidates = addressLike(bytes);
      if (candidates.length === 0) return null;
      const out = Uint8Array.from(bytes);
      const at = random.pick(candidates);
      new DataView(out.buffer).setBigUint64(at, random.pick([...boundaries, BigInt(bytes.length), BigInt(random.int(bytes.length))]), true);
      return out;
    },
  },
  {
    name: 'heap-object-size',
    apply(bytes, random) {
      const candidates = heapObjectSizes(bytes);
      if (candidates.length === 0) return null;
      const out = Uint8Array.from(bytes);
      new DataView(out.buffer).setBigUint64(random.pick(candidates), random.pick([0n, 1n, 0x7fn, 0xffn, 4096n, ...boundaries]), true);
      return out;
    },
  },
  {
    name: 'end-of-file-address',
    apply(bytes, random) {
      if (bytes.length < 48 || (bytes[8] !== 0 && bytes[8] !== 2 && bytes[8] !== 3)) return null;
      const out = Uint8Array.from(bytes);
      // superblock v0: EOF address at 40; v2/v3: at 28
      const at = bytes[8] === 0 ? 40 : 28;
      new DataView(out.buffer).setBigUint64(at, random.pick([0n, 8n, BigInt(Math.floor(bytes.length / 2)), ...boundaries]), true);
      return out;
    },
  },
];
