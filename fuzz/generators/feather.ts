/**
 * Fuzz cases of `fmt: 'feather'`: a batch dumped through the public API and the pyarrow-written
 * interop files (uncompressed, LZ4, zstd, a RangeIndex, a MultiIndex). Format-aware mutations edit
 * the Arrow IPC structure at the places apache-arrow trusts: the footer length, the schema's field
 * count, the record-batch count and block offset, the first record batch's row count, the offset of
 * its message's header-type field, and the uncompressed length of a compressed buffer (size bombs).
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Batch } from '../../src/index.js';
import { arrowLayout, type ArrowLayout } from '../../spec/io/feather-layout.js';
import type { FormatMutation, FuzzRandom, FuzzSeed } from '../types.js';
import { filesWrittenBy, fillSeedColumns, fixturesDir } from './seed-files.js';

class FuzzColumns extends Batch {
  static override components = ['images', 'labels', 'names', 'flags', 'codes'] as const;
}

const components = ['images', 'labels', 'names', 'flags', 'codes'];

async function dumped(): Promise<FuzzSeed> {
  const batch = new FuzzColumns([10, 11, 12]);
  fillSeedColumns(batch);
  const files = await filesWrittenBy((dir) => batch.dump({ fmt: 'feather', dst: path.join(dir, 'batch.feather') }));
  return { name: 'dumped', files, load: { kind: 'batch', fmt: 'feather', src: 'batch.feather', ids: [10, 11, 12], components, options: { int64: 'bigint' } } };
}

function fixtureTable(name: string, options: Record<string, unknown>): FuzzSeed {
  const files = [{ name, bytes: Uint8Array.from(readFileSync(path.join(fixturesDir, name))) }];
  return { name: name.replace(/\.feather$/, ''), files, load: { kind: 'table', fmt: 'feather', src: name, options } };
}

/** The seeds: our dump (batch load) and pyarrow's files (Dataset.fromTable). */
export async function featherSeeds(): Promise<FuzzSeed[]> {
  return [
    await dumped(),
    fixtureTable('table_uncompressed.feather', { indexCol: 'id' }),
    fixtureTable('table_default.feather', { indexCol: 'id' }),
    fixtureTable('table_zstd.feather', { indexCol: 'id' }),
    fixtureTable('range.feather', {}),
    fixtureTable('multi.feather', { indexCol: null }),
  ];
}

/** A mutation that edits one structure field of a valid file (null when the file has no layout). */
function structural(name: string, edit: (view: DataView, layout: ArrowLayout, random: FuzzRandom, size: number) => boolean): FormatMutation {
  return {
    name,
    apply(bytes, random) {
      let layout: ArrowLayout;
      try {
        layout = arrowLayout(bytes);
      } catch {
        return null;
      }
      const out = Uint8Array.from(bytes);
      return edit(new DataView(out.buffer), layout, random, out.length) ? out : null;
    },
  };
}

const big = [0n, 1n, -1n, 2n ** 31n, 2n ** 32n, 2n ** 40n, 2n ** 53n, 2n ** 62n, -(2n ** 63n)];

/** The format-aware mutations of feather files. */
export const featherMutations: readonly FormatMutation[] = [
  structural('footer-length', (view, _layout, random, size) => {
    view.setInt32(size - 10, random.pick([0, -1, 1, size, size - 10, 0x7fffffff, random.int(size)]), true);
    return true;
  }),
  structural('field-count', (view, layout, random) => {
    const count = view.getUint32(layout.fieldCount, true);
    view.setUint32(layout.fieldCount, random.pick([0, count + 1, count * 2, 0xffff, 0x7fffffff, 0xffffffff]), true);
    return true;
  }),
  structural('record-batch-count', (view, layout, random) => {
    view.setUint32(layout.recordBatchCount, random.pick([0, 2, 30, 1000, 0x7fffffff, 0xffffffff]), true);
    return true;
  }),
  structural('block-offset', (view, layout, random, size) => {
    view.setBigInt64(layout.firstBlockOffset, random.pick([0n, 8n, BigInt(size), BigInt(size - 16), -8n, 2n ** 53n, BigInt(random.int(size))]), true);
    return true;
  }),
  structural('row-count', (view, layout, random) => {
    const rows = view.getBigInt64(layout.firstBatchRows, true);
    view.setBigInt64(layout.firstBatchRows, random.pick([rows + 1n, rows * 1000n, ...big]), true);
    return true;
  }),
  structural('header-type-offset', (view, layout, random) => {
    view.setUint16(layout.headerTypeEntry, random.pick([0, 1, 3, 0x7f, 0xff, 0xffff, random.int(0x10000)]), true);
    return true;
  }),
  structural('compressed-length', (view, layout, random) => {
    if (layout.firstCompressedLength === null) return false;
    view.setBigInt64(layout.firstCompressedLength, random.pick([-2n, 0n, 1n, 2n ** 30n, 2n ** 36n, 2n ** 62n]), true);
    return true;
  }),
];
