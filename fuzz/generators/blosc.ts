/**
 * Fuzz cases of `fmt: 'blosc'`: item files of our container layout and of Python BatchFlow's pickle
 * layout (dumped with `layout: 'batchflow'`, and BatchFlow's own files from the interop fixtures).
 * Format-aware mutations decompress the frame, edit the container's JSON header (shapes, offsets,
 * dtypes, checksum, component names, size bombs) or the pickle bytes, and compress again, so the
 * damage reaches the decoder past the frame checks; others edit the 16-byte Blosc header.
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import Blosc from 'numcodecs/blosc';
import { Batch } from '../../src/index.js';
import type { FormatMutation, FuzzRandom, FuzzSeed } from '../types.js';
import { filesWrittenBy, fixturesDir } from './seed-files.js';

const codec = Blosc.fromConfig({ cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 });

class FuzzItems extends Batch {
  static override components = ['images', 'labels', 'names', 'codes'] as const;
}

function filledBatch(): FuzzItems {
  const batch = new FuzzItems([0, 1, 2]);
  batch.setComponent(
    'images',
    ndarray(
      Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => i / 3),
      [3, 4, 5],
    ),
  );
  batch.setComponent('labels', Int32Array.from([3, -1, 7]));
  batch.setComponent('names', ['ünï', 'two', '']);
  batch.setComponent('codes', BigInt64Array.from([1n, -2n, 2n ** 40n]));
  return batch;
}

const components = ['images', 'labels', 'names', 'codes'];

async function dumped(layout: 'container' | 'batchflow'): Promise<FuzzSeed> {
  const files = await filesWrittenBy((dir) => filledBatch().dump({ fmt: 'blosc', dst: dir, layout }));
  return { name: layout, files, load: { kind: 'batch', fmt: 'blosc', src: '.', ids: [0, 1, 2], components, options: { int64: 'bigint' } } };
}

function batchflowFiles(): FuzzSeed {
  const files = ['0', '1', '2'].map((id) => ({ name: `${id}.blosc`, bytes: Uint8Array.from(readFileSync(path.join(fixturesDir, 'batchflow_blosc', id))) }));
  return { name: 'python-batchflow', files, load: { kind: 'batch', fmt: 'blosc', src: '.', ids: [0, 1, 2], components: ['images', 'labels', 'names'] } };
}

/** The seeds: our container, our batchflow-layout pickles, and BatchFlow's own files. */
export async function bloscSeeds(): Promise<FuzzSeed[]> {
  const container = await dumped('container');
  // a batch without components loads every name a file holds, so renamed entries reach the batch
  const open: FuzzSeed = { ...container, name: 'container-any', load: { kind: 'batch', fmt: 'blosc', src: '.', ids: [0, 1, 2], components: null } };
  return [container, open, await dumped('batchflow'), batchflowFiles()];
}

async function payloadOf(bytes: Uint8Array): Promise<Uint8Array | null> {
  try {
    return await codec.decode(bytes);
  } catch {
    return null;
  }
}

const isContainer = (payload: Uint8Array): boolean => new TextDecoder().decode(payload.subarray(8, 24)) === '{"__metadata__":';

/** Our container's header and data section. */
function splitContainer(payload: Uint8Array): { header: Record<string, Record<string, unknown>>; data: Uint8Array } {
  const length = Number(new DataView(payload.buffer, payload.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(payload.subarray(8, 8 + length))) as Record<string, Record<string, unknown>>;
  return { header, data: payload.subarray(8 + length) };
}

function joinContainer(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

/** Values that break sizes, shapes and offsets. */
const hostileNumbers: readonly unknown[] = [0, -1, 1e308, 2 ** 53, 2 ** 31, 2 ** 32 + 8, 1.5, null, '8', [], 3e9];
const hostileShapes: readonly unknown[] = [[0, 1e308], [2 ** 26, 2 ** 26], [-1, 4], [1.5], null, 'x', [2 ** 40], [3, 4, 5, 6], [], [0]];
const hostileNames = ['__proto__', 'load', 'constructor', 'components', 'index', 'toString', '', '__metadata__'];

/** Edits one field of one entry of the container header. */
function editHeader(header: Record<string, Record<string, unknown>>, random: FuzzRandom): void {
  const names = Object.keys(header).filter((n) => n !== '__metadata__');
  const name = random.pick(names);
  const entry = header[name]!;
  switch (random.int(7)) {
    case 0:
      entry.shape = random.pick(hostileShapes);
      break;
    case 1: {
      const offsets = entry.data_offsets as number[];
      entry.data_offsets = random.chance(0.5) ? [offsets[0], random.pick(hostileNumbers)] : [random.pick(hostileNumbers), offsets[1]];
      break;
    }
    case 2:
      entry.dtype = random.pick(['F16', 'U64', 'I64', 'BOOL', 'JSON', 'F64', 'bogus', null, 7]);
      break;
    case 3:
      entry.kind = random.pick(['scalar', 'json', 'typedarray', 'ndarray', 'table', null]);
      break;
    case 4: {
      const metadata = header.__metadata__!;
      const edit = random.int(3);
      if (edit === 0) metadata.crc32 = null;
      else if (edit === 1) delete metadata.crc32;
      else metadata.crc32 = random.pick(['00000000', 0, 'zz', '']);
      break;
    }
    case 5: {
      const renamed = random.pick(hostileNames);
      const entries = Object.entries(header).map(([key, value]) => [key === name ? renamed : key, value] as const);
      for (const key of Object.keys(header)) delete header[key];
      for (const [key, value] of entries) Object.defineProperty(header, key, { value, enumerable: true, writable: true, configurable: true });
      break;
    }
    default:
      entry.column = random.pick(['array', 'ndarray', 'typedarray', 7]);
  }
}

/** The format-aware mutations of blosc item files. */
export const bloscMutations: readonly FormatMutation[] = [
  {
    name: 'container-header',
    async apply(bytes, random) {
      const payload = await payloadOf(bytes);
      if (!payload || !isContainer(payload)) return null;
      const { header, data } = splitContainer(payload);
      editHeader(header, random);
      return codec.encode(joinContainer(header, data));
    },
  },
  {
    // a time bomb for a loader that is not linear in the number of components
    name: 'many-entries',
    async apply(bytes, random) {
      const payload = await payloadOf(bytes);
      if (!payload || !isContainer(payload)) return null;
      const { header, data } = splitContainer(payload);
      const [name, entry] = Object.entries(header).find(([key]) => key !== '__metadata__')!;
      const count = random.between(1000, 10000);
      for (let k = 0; k < count; k++) header[`${name}_${k}`] = { ...entry };
      return codec.encode(joinContainer(header, data));
    },
  },
  {
    name: 'payload-byte',
    async apply(bytes, random) {
      const payload = await payloadOf(bytes);
      if (!payload || payload.length === 0) return null;
      const out = Uint8Array.from(payload);
      const count = random.between(1, 3);
      for (let i = 0; i < count; i++) out[random.int(out.length)] = random.int(256);
      return codec.encode(out);
    },
  },
  {
    name: 'payload-truncate',
    async apply(bytes, random) {
      const payload = await payloadOf(bytes);
      if (!payload || payload.length < 9) return null;
      return codec.encode(payload.slice(0, random.between(8, payload.length - 1)));
    },
  },
  {
    name: 'blosc-header',
    apply(bytes, random) {
      if (bytes.length < 16) return null;
      const out = Uint8Array.from(bytes);
      const view = new DataView(out.buffer);
      const field = random.pick([0, 1, 2, 3, 4, 8, 12]);
      if (field >= 4) view.setUint32(field, random.pick([0, 1, 8, 16, 0x7fffffff, 0xffffffff, view.getUint32(field, true) + random.between(-8, 8)]), true);
      else out[field] = random.int(256);
      return out;
    },
  },
];
