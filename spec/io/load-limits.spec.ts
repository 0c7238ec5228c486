/**
 * The load limit (`configureLoadLimits`, default 4 GiB): a small file that declares a huge dataset
 * is refused from its declared sizes, before anything is allocated, with a LoadLimitError naming the
 * file and the limit; a contiguous dataset larger than the whole file is a CorruptFileError.
 */
import { afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ArgumentError, Batch, CorruptFileError, Dataset, LoadLimitError, configureLoadLimits, getLoadLimits } from '../../src/index.js';
import { arrowLayout } from './feather-layout.js';
import { fixture, here, tempDir } from './helpers.js';

const hostile = (name: string): string => path.resolve(here, '../fixtures/hostile', name);
const MB = 1e6;

afterEach(() => configureLoadLimits({}));

/** The error `load` rejects with, and how much the resident set grew meanwhile. */
async function refusal(load: () => Promise<unknown>): Promise<{ error: Error; grewBytes: number }> {
  const before = process.memoryUsage().rss;
  const error = await load().then(
    () => null,
    (e: unknown) => e as Error,
  );
  const grewBytes = process.memoryUsage().rss - before;
  expect(error).not.toBeNull();
  return { error: error!, grewBytes };
}

describe('hdf5: declared sizes are checked before allocating', () => {
  test('a 1.4 KB file declaring a 12 GiB dataset is a LoadLimitError naming the file, the dataset and the limit', async () => {
    const file = hostile('declares_12gib.h5');
    await new Batch([0]).load({ fmt: 'hdf5', src: fixture('plain.h5'), dst: 'labels', indexKey: null }).catch(() => undefined); // h5wasm started
    const { error, grewBytes } = await refusal(() => new Batch([0, 1, 2]).load({ fmt: 'hdf5', src: file, indexKey: null }));
    expect(error).toBeInstanceOf(LoadLimitError);
    const limitError = error as LoadLimitError;
    expect(limitError.file).toBe(file);
    expect(limitError.declaredBytes).toBe(3 * 2 ** 29 * 8);
    expect(limitError.limitBytes).toBe(4 * 1024 ** 3);
    expect(error.message).toContain("dataset 'x'");
    expect(error.message).toContain(String(4 * 1024 ** 3));
    expect(grewBytes).toBeLessThan(100 * MB);
  });

  test('a 1.4 KB file declaring 805 MB of contiguous float64 is a CorruptFileError (the file cannot hold it), without allocating', async () => {
    const file = hostile('declares_800mb.h5');
    const { error, grewBytes } = await refusal(() => Dataset.fromTable(file, { fmt: 'hdf5' }));
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect(error.message).toMatch(/declares 805306368 bytes of contiguous data/);
    expect(grewBytes).toBeLessThan(100 * MB);
  });

  test('a lower limit refuses a valid file that declares more; the default restored, it loads', async () => {
    configureLoadLimits({ maxBytes: 64 });
    const { error } = await refusal(() => Dataset.fromTable(fixture('plain.h5'), { fmt: 'hdf5' }));
    expect(error).toBeInstanceOf(LoadLimitError);
    expect((error as LoadLimitError).limitBytes).toBe(64);
    configureLoadLimits({});
    expect((await Dataset.fromTable(fixture('plain.h5'), { fmt: 'hdf5' })).size).toBe(10);
  });
});

describe('feather: declared sizes are checked before allocating', () => {
  test('a compressed buffer declaring 64 GiB uncompressed is a LoadLimitError naming the file, without allocating', async () => {
    const bytes = new Uint8Array(readFileSync(fixture('table_default.feather')));
    const at = arrowLayout(bytes).firstCompressedLength!;
    new DataView(bytes.buffer).setBigInt64(at, 1n << 36n, true);
    const file = path.join(tempDir(), 'bomb.feather');
    writeFileSync(file, bytes);
    const { error, grewBytes } = await refusal(() => Dataset.fromTable(file, { fmt: 'feather' }));
    expect(error).toBeInstanceOf(LoadLimitError);
    expect((error as LoadLimitError).file).toBe(file);
    expect((error as LoadLimitError).limitBytes).toBe(4 * 1024 ** 3);
    expect(grewBytes).toBeLessThan(100 * MB);
  });
});

describe('configureLoadLimits', () => {
  test.each([[0], [-1], [Number.NaN], [Number.POSITIVE_INFINITY], ['1GB']])('maxBytes %p is an ArgumentError naming maxBytes', (maxBytes) => {
    expect(() => configureLoadLimits({ maxBytes: maxBytes as number })).toThrow(ArgumentError);
    try {
      configureLoadLimits({ maxBytes: maxBytes as number });
    } catch (error) {
      expect((error as ArgumentError).argument).toBe('maxBytes');
    }
    expect(getLoadLimits().maxBytes).toBe(4 * 1024 ** 3);
  });
});
