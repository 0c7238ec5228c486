/**
 * Bad input gets typed errors naming the file (issue #5, item 4), and a failed load leaves the batch
 * as it was.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import {
  ArgumentError,
  Batch,
  ComponentError,
  CorruptFileError,
  FileFormatError,
  IoError,
  MissingColumnError,
  MissingFileError,
  MissingIdError,
  MissingRowError,
  UnsupportedDataError,
  type LoadOptions,
} from '../../src/index.js';
import { cleanup, fixture, tempDir } from './helpers.js';

afterAll(cleanup);

class Two extends Batch {
  static override components = ['a', 'b'] as const;
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

function filled(ids: Array<string | number> = [1, 2, 3]): Two {
  const batch = new Two(ids);
  batch.setComponent(
    'a',
    Float64Array.from(ids, (_, i) => i + 0.5),
  );
  batch.setComponent(
    'b',
    ids.map((id) => `v${id}`),
  );
  return batch;
}

describe('missing files', () => {
  test.each([['csv'], ['feather'], ['hdf5']])('%s: a missing file is a MissingFileError naming it', async (fmt) => {
    const file = path.join(tempDir(), `nope.${fmt}`);
    const error = await rejection(new Batch([1]).load({ fmt, src: file }));
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as MissingFileError).file).toBe(file);
    expect(error.message).toContain(file);
  });

  test('blosc: a missing item file is named; nothing is loaded', async () => {
    const dir = tempDir();
    await filled().dump({ fmt: 'blosc', dst: dir });
    const batch = new Two([1, 2, 3, 4]);
    const error = await rejection(batch.load({ fmt: 'blosc', src: dir }));
    expect(error).toBeInstanceOf(MissingFileError);
    expect((error as IoError).file).toBe(path.join(dir, '4.blosc'));
    // the message is the format, what went wrong (also on its own in `detail`) and the file
    expect((error as IoError).message).toBe(`blosc: ${(error as IoError).detail} (file: ${path.join(dir, '4.blosc')})`);
    expect((error as IoError).detail).toMatch(/no such file/);
    expect(batch.getComponent('a')).toBeNull();
  });
});

describe('wrong formats', () => {
  test.each([
    ['a CSV file given as hdf5', 'hdf5', 'table.csv'],
    ['a Feather file given as hdf5', 'hdf5', 'table_default.feather'],
    ['an HDF5 file given as feather', 'feather', 'plain.h5'],
    ['a CSV file given as feather', 'feather', 'table.csv'],
    ['an HDF5 file given as csv', 'csv', 'plain.h5'],
  ])('%s is a FileFormatError naming it', async (_, fmt, name) => {
    const error = await rejection(new Batch([100]).load({ fmt, src: fixture(name) }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).file).toBe(fixture(name));
  });

  test('a CSV file given as blosc is a CorruptFileError (a FileFormatError)', async () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, '100.blosc'), readFileSync(fixture('table.csv')));
    const error = await rejection(new Batch([100]).load({ fmt: 'blosc', src: dir, dst: 'a' }));
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error).toBeInstanceOf(FileFormatError);
  });
});

describe('truncated and corrupted blosc files', () => {
  async function dumped(): Promise<string> {
    const dir = tempDir();
    const batch = new Batch([1]);
    await batch.addComponents(
      'x',
      ndarray(
        Float32Array.from({ length: 64 * 64 }, (_, i) => Math.sin(i)),
        [1, 64, 64],
      ),
    );
    await batch.dump({ fmt: 'blosc', dst: dir });
    return path.join(dir, '1.blosc');
  }

  test.each([
    ['truncated to half', (b: Buffer) => b.subarray(0, b.length >> 1)],
    ['truncated to 10 bytes', (b: Buffer) => b.subarray(0, 10)],
    ['empty', () => Buffer.alloc(0)],
    [
      'with bytes flipped in the compressed data',
      (b: Buffer) => {
        const c = Buffer.from(b);
        for (let i = 64; i < 96; i++) c.writeUInt8(c.readUInt8(i) ^ 0x5a, i);
        return c;
      },
    ],
    [
      'with the last byte changed',
      (b: Buffer) => {
        const c = Buffer.from(b);
        c.writeUInt8(c.readUInt8(c.length - 1) ^ 0xff, c.length - 1);
        return c;
      },
    ],
    ['with garbage appended', (b: Buffer) => Buffer.concat([b, Buffer.from('junk')])],
    [
      'with a wrong size in the Blosc header',
      (b: Buffer) => {
        const c = Buffer.from(b);
        c.writeUInt32LE(c.readUInt32LE(4) + 8, 4);
        return c;
      },
    ],
  ])('%s → CorruptFileError naming the file; nothing loaded', async (_, damage) => {
    const file = await dumped();
    writeFileSync(file, damage(readFileSync(file)));
    const batch = new Batch([1]);
    const error = await rejection(batch.load({ fmt: 'blosc', src: path.dirname(file), dst: 'x' }));
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect(batch.components).toBeNull();
  });
});

describe('missing columns, components and keys', () => {
  test('csv/feather/hdf5: a dst name that is not in the file', async () => {
    for (const [fmt, name, extra] of [
      ['csv', 'table.csv', {}],
      ['feather', 'table_default.feather', { indexCol: 'id' }],
      ['hdf5', 'frame_fixed.h5', {}],
      ['hdf5', 'plain.h5', {}],
    ] as const) {
      const error = await rejection(
        new Batch([100, 101].map((id) => (name === 'plain.h5' ? id - 100 : id))).load({ fmt, src: fixture(name), dst: ['a', 'nope'], ...extra }),
      );
      expect(error).toBeInstanceOf(MissingColumnError);
      expect((error as MissingColumnError).column).toBe(name === 'plain.h5' ? 'a' : 'nope');
      expect((error as MissingColumnError).file).toBe(fixture(name));
    }
  });

  test('hdf5: a key that is not in the file', async () => {
    const error = await rejection(new Batch([100]).load({ fmt: 'hdf5', src: fixture('frame_fixed.h5'), key: 'other' }));
    expect(error).toBeInstanceOf(MissingColumnError);
    expect(error.message).toContain("'other'");
  });

  test('feather/csv: an indexCol that is not in the file', async () => {
    expect(await rejection(new Batch([1]).load({ fmt: 'feather', src: fixture('table_default.feather'), indexCol: 'key' }))).toBeInstanceOf(MissingColumnError);
    expect(await rejection(new Batch([1]).load({ fmt: 'csv', src: fixture('table.csv'), indexCol: 'key' }))).toBeInstanceOf(MissingColumnError);
  });

  test('blosc: a requested component missing from an item file names that file', async () => {
    const dir = tempDir();
    await filled().dump({ fmt: 'blosc', dst: dir, components: 'a' });
    const error = await rejection(new Batch([1, 2]).load({ fmt: 'blosc', src: dir, dst: ['a', 'b'] }));
    expect(error).toBeInstanceOf(MissingColumnError);
    expect((error as MissingColumnError).column).toBe('b');
    expect((error as MissingColumnError).file).toBe(path.join(dir, '1.blosc'));
  });

  test('dump: components that are not components of the batch', async () => {
    const file = path.join(tempDir(), 'x.csv');
    const error = await rejection(filled().dump({ fmt: 'csv', dst: file, components: ['a', 'zzz'] }));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('zzz');
    expect(existsSync(file)).toBe(false);
  });
});

describe('batch ids missing from the table', () => {
  test.each([
    ['csv', 'table.csv', {}],
    ['feather', 'table_uncompressed.feather', { indexCol: 'id' }],
    ['hdf5', 'frame_fixed.h5', {}],
  ] as const)('%s: a MissingRowError listing the ids and the file', async (fmt, name, extra) => {
    const batch = new Two([100, 5, 109, 'x']);
    const error = await rejection(batch.load({ fmt, src: fixture(name), ...extra }));
    expect(error).toBeInstanceOf(MissingRowError);
    expect(error).toBeInstanceOf(MissingIdError);
    expect((error as MissingRowError).ids).toEqual([5, 'x']);
    expect((error as MissingRowError).file).toBe(fixture(name));
    expect(error.message).toContain(fixture(name));
    expect(batch.getComponent('a')).toBeNull();
  });

  test('hdf5 plain file: ids beyond its rows', async () => {
    const error = await rejection(new Batch([3, 12]).load({ fmt: 'hdf5', src: fixture('plain.h5') }));
    expect(error).toBeInstanceOf(MissingRowError);
    expect((error as MissingRowError).ids).toEqual([12]);
  });
});

describe('nothing is half-loaded', () => {
  test.each([['csv'], ['feather'], ['hdf5']])('%s: a load that fails on its second component leaves the first untouched', async (fmt) => {
    const file = path.join(tempDir(), `t.${fmt}`);
    const source = filled();
    await source.dump({ fmt, dst: file, ...(fmt === 'hdf5' ? { layout: 'datasets' } : {}) }); // 'b' holds strings: h5py-style datasets
    const batch = new Two([1, 2, 3]);
    batch.setComponent('a', Float64Array.from([7, 7, 7]));
    const error = await rejection(batch.load({ fmt, src: file, dst: ['a', 'c'] }));
    expect(error).toBeInstanceOf(MissingColumnError);
    expect(batch.getComponent('a')).toEqual(Float64Array.from([7, 7, 7]));
    expect(batch.components).toEqual(['a', 'b']);
  });

  test('int64 values beyond 2^53 are an UnsupportedDataError by default, exact with int64: "bigint"', async () => {
    const file = path.join(tempDir(), 'big.feather');
    const source = new Batch([1, 2]);
    await source.addComponents('big', BigInt64Array.from([1n, 2n ** 60n]));
    await source.dump({ fmt: 'feather', dst: file });
    const batch = new Batch([1, 2]);
    expect(await rejection(batch.load({ fmt: 'feather', src: file }))).toBeInstanceOf(UnsupportedDataError);
    expect(batch.components).toBeNull();
    await batch.load({ fmt: 'feather', src: file, int64: 'bigint' });
    expect(batch.getComponent('big')).toEqual(BigInt64Array.from([1n, 2n ** 60n]));
  });
});

describe('bad arguments and data', () => {
  test('an unknown option is an ArgumentError naming it', async () => {
    const untyped: LoadOptions = { fmt: 'csv', src: fixture('table.csv'), indexcol: 0 }; // options built at run time (a typed literal would not compile)
    const error = await rejection(new Batch([1]).load(untyped));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('indexcol');
  });

  test('objects cannot go into a table: UnsupportedDataError, and no file is written', async () => {
    const dir = tempDir();
    const batch = new Batch([1, 2]);
    await batch.addComponents('o', [{ a: 1 }, { b: 2 }]);
    for (const fmt of ['csv', 'feather', 'hdf5']) {
      const error = await rejection(batch.dump({ fmt, dst: path.join(dir, `o.${fmt}`) }));
      expect(error).toBeInstanceOf(UnsupportedDataError);
    }
    expect(readdirSync(dir)).toEqual([]);
  });

  test('blosc needs a location: a folder, a FilesIndex or a function', async () => {
    expect(await rejection(filled().dump({ fmt: 'blosc' }))).toBeInstanceOf(ArgumentError);
    expect(await rejection(new Two(['../x']).dump({ fmt: 'blosc', dst: tempDir() }))).toBeInstanceOf(ArgumentError);
  });

  test('blosc: a function id → path names the files', async () => {
    const dir = tempDir();
    await filled([1, 2]).dump({ fmt: 'blosc', dst: (id: string | number) => path.join(dir, `item-${id}.bin`) });
    expect(readdirSync(dir).sort()).toEqual(['item-1.bin', 'item-2.bin']);
    const back = new Two([2]);
    await back.load({ fmt: 'blosc', src: (id: string | number) => path.join(dir, `item-${id}.bin`) });
    expect(back.getComponent('b')).toEqual(['v2']);
  });
});
