/**
 * Rows are found by their real ids whatever kind of index pandas wrote: a RangeIndex (kept in the
 * Feather schema metadata, not as a column), a MultiIndex (refused rather than guessed), an index with
 * repeated values (ambiguous ids are refused), and zstd-compressed Feather files. Fixtures written by
 * spec/io/python/make_index_fixtures.py; the values pandas reads back are in index_expected.json.
 */
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { Batch, FileFormatError, MissingRowError } from '../../src/index.js';
import { fixture, toList } from './helpers.js';

interface Frame {
  index: unknown[];
  a: number[];
  s: string[];
}
const frames = JSON.parse(readFileSync(fixture('index_expected.json'), 'utf8')) as Record<'range' | 'range_desc' | 'multi', Frame>;

/** The expected `a` and `s` of the rows whose index values are `ids`. */
function rowsOf(frame: Frame, ids: readonly unknown[]): { a: number[]; s: string[] } {
  const rows = ids.map((id) => frame.index.findIndex((value) => JSON.stringify(value) === JSON.stringify(id)));
  return { a: rows.map((row) => frame.a[row]!), s: rows.map((row) => frame.s[row]!) };
}

async function load(ids: Array<string | number>, options: Record<string, unknown>): Promise<{ a: unknown; s: unknown }> {
  const batch = new Batch(ids);
  await batch.load({ dst: ['a', 's'], ...options } as Parameters<Batch['load']>[0]);
  return { a: toList(batch.getComponent('a')), s: batch.getComponent('s') };
}

describe('feather: the pandas index in the schema metadata', () => {
  test('a RangeIndex(10, 40, 10): ids 10, 20, 30 are its rows', async () => {
    expect(frames.range.index).toEqual([10, 20, 30]);
    expect(await load([30, 10], { fmt: 'feather', src: fixture('range.feather') })).toEqual(rowsOf(frames.range, [30, 10]));
    expect(await load([20], { fmt: 'feather', src: fixture('range.feather') })).toEqual(rowsOf(frames.range, [20]));
  });

  test('ids that are row numbers but not in the RangeIndex are missing rows, never other rows', async () => {
    const error = await new Batch([0, 1]).load({ fmt: 'feather', src: fixture('range.feather'), dst: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingRowError);
    expect((error as MissingRowError).ids).toEqual([0, 1]);
    expect((error as Error).message).toContain('range.feather');
  });

  test('a named, descending RangeIndex(30, 0, -10)', async () => {
    expect(frames.range_desc.index).toEqual([30, 20, 10]);
    expect(await load([10, 30], { fmt: 'feather', src: fixture('range_desc.feather') })).toEqual(rowsOf(frames.range_desc, [10, 30]));
  });

  test('indexCol: null still reads rows by row number', async () => {
    expect(await load([0, 2], { fmt: 'feather', src: fixture('range.feather'), indexCol: null })).toEqual({
      a: [frames.range.a[0], frames.range.a[2]],
      s: [frames.range.s[0], frames.range.s[2]],
    });
  });

  test('a MultiIndex (k1, k2) is refused without indexCol, naming its levels', async () => {
    const error = await new Batch([0]).load({ fmt: 'feather', src: fixture('multi.feather'), dst: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/2 levels.*k1.*k2.*indexCol/);
  });

  test('a MultiIndex level chosen with indexCol selects by its values; repeated values are ambiguous', async () => {
    expect(await load(['y'], { fmt: 'feather', src: fixture('multi.feather'), indexCol: 'k2' })).toEqual(rowsOf(frames.multi, [[0, 'y']]));
    const error = await new Batch(['x']).load({ fmt: 'feather', src: fixture('multi.feather'), indexCol: 'k2', dst: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/"x" is on several rows.*rows 0 and 2/);
  });
});

describe('feather: zstd compression', () => {
  test("df.to_feather(path, compression='zstd') loads with the values of the uncompressed file", async () => {
    const ids = [107, 100, 103];
    const zstd = new Batch(ids);
    const plain = new Batch(ids);
    await zstd.load({ fmt: 'feather', src: fixture('table_zstd.feather'), indexCol: 'id' });
    await plain.load({ fmt: 'feather', src: fixture('table_uncompressed.feather'), indexCol: 'id' });
    expect(zstd.components).toEqual(['a', 'b', 'c', 'x0', 'x1', 'x2', 'flag']);
    for (const name of plain.components!) {
      expect(zstd.getComponent(name)?.constructor).toBe(plain.getComponent(name)?.constructor);
      expect(toList(zstd.getComponent(name))).toEqual(toList(plain.getComponent(name)));
    }
  });
});

describe('hdf5 and csv: the index pandas wrote', () => {
  test('hdf5 fixed frame with a RangeIndex(10, 40, 10): rows by id, row numbers are missing', async () => {
    expect(await load([30, 10], { fmt: 'hdf5', src: fixture('frame_range.h5') })).toEqual(rowsOf(frames.range, [30, 10]));
    await expect(new Batch([0]).load({ fmt: 'hdf5', src: fixture('frame_range.h5'), dst: 'a' })).rejects.toBeInstanceOf(MissingRowError);
  });

  test('hdf5 fixed frame with a MultiIndex: a FileFormatError naming the levels', async () => {
    const error = await new Batch([0]).load({ fmt: 'hdf5', src: fixture('frame_multi.h5'), dst: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/MultiIndex \(k1, k2\)/);
  });

  test('csv with two index columns: the first (k1) repeats 0, so id 0 is ambiguous; id 1 is its row', async () => {
    const error = await new Batch([0]).load({ fmt: 'csv', src: fixture('multi.csv'), dst: 'a' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as Error).message).toMatch(/0 is on several rows.*multi\.csv/);
    expect(await load([1], { fmt: 'csv', src: fixture('multi.csv') })).toEqual(rowsOf(frames.multi, [[1, 'x']]));
  });
});
