/**
 * Hostile and unusual HDF5 files and names: every failure is a typed error naming the file (never
 * h5wasm's plain `Error` or a WASM `RuntimeError`), h5wasm keeps working after its WASM code aborted,
 * and dumps refuse names that HDF5 would silently change, before writing anything.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ArgumentError, Batch, BatchflowError, ComponentError, CorruptFileError, Dataset, UnsupportedDataError, isNdArray } from '../../src/index.js';
import { cleanup, fixture, here, tempDir, toList } from './helpers.js';

afterAll(cleanup);

const hostile = (name: string): string => path.resolve(here, '../fixtures/hostile', name);

/** The error a load of `file` rejects with (fails the test if it loads). */
async function loadError(file: string, options: Record<string, unknown> = {}): Promise<Error> {
  const batch = new Batch([0, 1, 2]);
  const error = await batch.load({ fmt: 'hdf5', src: file, ...options }).then(
    () => null,
    (e: unknown) => e as Error,
  );
  expect(error).not.toBeNull();
  return error!;
}

function expectTypedNamingFile(error: Error, file: string): void {
  expect(error).toBeInstanceOf(BatchflowError);
  expect(error.message).toContain(file);
}

describe('hdf5: damaged files are typed errors naming the file', () => {
  test('a truncated file is a CorruptFileError (not "error - name not defined!")', async () => {
    const bytes = readFileSync(fixture('plain.h5'));
    const dir = tempDir();
    for (const fraction of [0.3, 0.5, 0.8, 0.95]) {
      const file = path.join(dir, `truncated-${fraction}.h5`);
      writeFileSync(file, bytes.subarray(0, Math.floor(bytes.length * fraction)));
      const error = await loadError(file);
      expectTypedNamingFile(error, file);
      expect(error).toBeInstanceOf(CorruptFileError);
    }
  });

  test('a file that makes the HDF5 library abort is a CorruptFileError, and later loads still work', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('plain.h5')));
    bytes[2928] = 0xff; // the size of a global-heap object of the 'names' strings
    const file = path.join(tempDir(), 'aborts.h5');
    writeFileSync(file, bytes);
    const error = await loadError(file, { dst: 'names' });
    expect(error).toBeInstanceOf(CorruptFileError);
    expect(error.message).toContain(file);
    const batch = new Batch(new Dataset(10).index);
    await batch.load({ fmt: 'hdf5', src: fixture('plain.h5'), dst: ['labels', 'names'] });
    expect(toList(batch.get(undefined, 'labels'))).toHaveLength(10);
    expect(batch.get(undefined, 'names')).toHaveLength(10);
  });

  test('a damaged string heap that froze the HDF5 library is a CorruptFileError (loaded in a child process killed at a deadline)', () => {
    const bytes = new Uint8Array(readFileSync(fixture('plain.h5')));
    const dir = tempDir();
    const files = [3328, 2928].map((at) => {
      const copy = bytes.slice();
      copy[at] = 0x7f; // the declared size of a global-heap object holding one of the 'names' strings
      const file = path.join(dir, `heap-${at}.h5`);
      writeFileSync(file, copy);
      return file;
    });
    const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'load-probe.ts'), 'hdf5', ...files], {
      encoding: 'utf8',
      timeout: 90_000,
    });
    const lines = run.stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { file: string; name?: string; message?: string });
    expect(lines.map((line) => line.file)).toEqual(files); // none froze the child
    for (const line of lines) {
      expect(line.name).toBe('CorruptFileError');
      expect(line.message).toContain(line.file);
    }
  }, 120_000);

  test('a float16 dataset is an UnsupportedDataError naming the dataset; the other datasets load', async () => {
    const file = hostile('float16.h5');
    const error = await loadError(file, { dst: 'x', indexKey: null });
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect(error.message).toMatch(/dataset 'x' is float16/);
    expect(error.message).toContain(file);
    const batch = new Batch([0, 1, 2, 3, 4, 5]);
    await batch.load({ fmt: 'hdf5', src: file, dst: 'y', indexKey: null });
    expect(toList(batch.get(undefined, 'y'))).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('a (3, 0) dataset loads as an empty 3×0 array, as h5py reads it', async () => {
    const batch = new Batch([0, 1, 2]);
    await batch.load({ fmt: 'hdf5', src: hostile('empty_columns.h5'), dst: ['x', 'y'], indexKey: null });
    const x = batch.get(undefined, 'x');
    expect(isNdArray(x) && x.shape).toEqual([3, 0]);
    expect(toList(batch.get(undefined, 'y'))).toEqual([0, 1, 2]);
  });
});

describe('hdf5: dumps refuse names HDF5 would change, before writing anything', () => {
  test.each([['a/b'], ['../up'], ['.'], ['x\0y']])("layout 'datasets': component %j is a ComponentError naming it and the file", async (name) => {
    const dir = tempDir();
    const file = path.join(dir, 'out.h5');
    const batch = Batch.fromData([0, 1], { [name]: Float64Array.from([1, 2]), ok: Float64Array.from([3, 4]) });
    const error = await batch.dump({ fmt: 'hdf5', dst: file, layout: 'datasets' }).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe(name);
    expect((error as Error).message).toContain(file);
    expect(readdirSync(dir)).toEqual([]);
  });

  test("layout 'pandas' (columns are strings): '/' and '.' round-trip, NUL is refused", async () => {
    const dir = tempDir();
    const file = path.join(dir, 'frame.h5');
    const batch = Batch.fromData([0, 1], { 'a/b': Float64Array.from([1, 2]), '.': Float64Array.from([3, 4]) });
    await batch.dump({ fmt: 'hdf5', dst: file });
    const back = new Batch([0, 1]);
    await back.load({ fmt: 'hdf5', src: file });
    expect(toList(back.get(undefined, 'a/b'))).toEqual([1, 2]);
    expect(toList(back.get(undefined, '.'))).toEqual([3, 4]);
    const nul = Batch.fromData([0, 1], { 'x\0y': Float64Array.from([1, 2]) });
    await expect(nul.dump({ fmt: 'hdf5', dst: path.join(dir, 'nul.h5') })).rejects.toBeInstanceOf(ComponentError);
    expect(readdirSync(dir)).toEqual(['frame.h5']);
  });

  test('a destination path with a NUL character is an ArgumentError and leaves no stray file', async () => {
    const dir = tempDir();
    const batch = Batch.fromData([0, 1], { x: Float64Array.from([1, 2]) });
    for (const layout of ['pandas', 'datasets'] as const) {
      const error = await batch.dump({ fmt: 'hdf5', dst: path.join(dir, 'out\0.h5'), layout }).catch((e: unknown) => e as Error);
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe('dst');
      expect((error as Error).message).toContain(JSON.stringify(path.join(dir, 'out\0.h5')));
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});
