/**
 * Hostile PNG and JPEG files end in a typed error naming the file, decided from the header and the
 * file's structure before anything is decoded, with the batch unchanged: images above the pixel limit
 * (`maxPixels`, Pillow's decompression-bomb limit by default), headers declaring far more pixels than
 * the file's compressed data can hold, and progressive JPEGs whose scans would take the decoder
 * minutes. Small files of the same shapes still load.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { ArgumentError, Batch, CorruptFileError, UnsupportedDataError, closeEngines, isNdArray, zeros, type NDArray } from '../../../src/index.js';
import { manyScansJpeg } from '../../../fuzz/generators/jpeg-scans.js';
import { pngFile } from '../../../fuzz/generators/png.js';

class Pictures extends Batch {
  static override components = ['images'] as const;
}

let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'batchflow-hostile-images-'));
  copyFileSync(fileURLToPath(new URL('../../fixtures/images/camera.png', import.meta.url)), path.join(folder, 'camera.png'));
});

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  await closeEngines();
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(folder, name);
  writeFileSync(file, bytes);
  return file;
}

/** A batch of one item whose 'images' holds a sentinel, so a failed load must leave it as it was. */
function sentinelBatch(): { batch: Pictures; sentinel: NDArray } {
  const batch = new Pictures([0]);
  const sentinel = zeros([1, 2, 2], 'uint8');
  batch.setComponent('images', sentinel);
  return { batch, sentinel };
}

async function loadFailure(file: string, fmt: 'image' | 'png' | 'jpeg', options: Record<string, unknown> = {}): Promise<Error> {
  const { batch, sentinel } = sentinelBatch();
  const error = await batch.load({ fmt, src: () => file, ...options }).then(
    () => new Error(`expected loading ${file} to fail`),
    (caught: unknown) => caught as Error,
  );
  expect(batch.getComponent('images')).toBe(sentinel);
  return error;
}

/** Zeros for every row of a bilevel (1-bit) width×height PNG, deflated: the rows are all there. */
function bilevelZeros(width: number, height: number): Uint8Array {
  const rows = new Uint8Array((1 + Math.ceil(width / 8)) * height);
  return deflateSync(rows, { level: 9 });
}

describe('the pixel limit (maxPixels)', () => {
  test('a complete 1-bit 20000×20000 PNG (a decompression bomb of 49 KB) is refused from its header, naming the file', async () => {
    const file = write('bomb.png', pngFile(20000, 20000, 1, 0, bilevelZeros(20000, 20000)));
    const error = await loadFailure(file, 'png');
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as UnsupportedDataError).file).toBe(file);
    expect(error.message).toContain('20000×20000');
    expect(error.message).toContain('maxPixels = 178956970');
  });

  test('maxPixels sets the limit: a 512×512 photo loads at 262144 pixels and is refused at one less', async () => {
    const file = path.join(folder, 'camera.png');
    const batch = new Pictures([0]);
    await batch.load({ fmt: 'png', src: () => file, maxPixels: 512 * 512 });
    expect((batch.getComponent('images') as NDArray).shape).toEqual([1, 512, 512]);
    const error = await loadFailure(file, 'png', { maxPixels: 512 * 512 - 1 });
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect(error.message).toContain('camera.png');
    const bomb = write('bilevel.png', pngFile(3000, 2000, 1, 0, bilevelZeros(3000, 2000)));
    const lifted = new Pictures([0]);
    await lifted.load({ fmt: 'png', src: () => bomb, maxPixels: Infinity });
    expect((lifted.getComponent('images') as NDArray).shape).toEqual([1, 2000, 3000]);
  });

  test.each([0, -5, 1.5, NaN, '1e8'])('maxPixels %p is an ArgumentError naming it', async (maxPixels) => {
    const error = await loadFailure(path.join(folder, 'camera.png'), 'image', { maxPixels });
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error.message).toContain('maxPixels');
  });
});

describe('headers declaring more than the file holds', () => {
  test('a 68-byte RGBA PNG declaring 30000000×5 pixels is a CorruptFileError from its structure (deflate expands at most 1032 times)', async () => {
    const file = write('wide.png', pngFile(30_000_000, 5, 8, 6, deflateSync(new Uint8Array(100))));
    const error = await loadFailure(file, 'image');
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect(error.message).toMatch(/30000000×5 image .* holds \d+ bytes of compressed image data/);
  });

  test('a progressive JPEG whose frame declares 13000×13000 over a few bytes of scans is a CorruptFileError from its structure', async () => {
    const file = write('declares.jpg', manyScansJpeg(13000, 13000).slice(0, 2000));
    const error = await loadFailure(file, 'jpeg');
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect(error.message).toMatch(/13000×13000 image, but the file holds \d+ bytes of scan data/);
  });
});

describe('progressive JPEGs in hundreds of scans', () => {
  test('a valid 8192×8192 file in 883 scans (a decoding time bomb of 240 KB) is refused before decoding, naming the file', async () => {
    const file = write('scans.jpg', manyScansJpeg(8192, 8192));
    const error = await loadFailure(file, 'image');
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as UnsupportedDataError).file).toBe(file);
    expect(error.message).toContain('883 scans');
  });

  test('a small file in 883 scans still loads (mid-gray)', async () => {
    const file = write('small-scans.jpg', manyScansJpeg(64, 80));
    const batch = new Pictures([0]);
    await batch.load({ fmt: 'jpeg', src: () => file });
    const images = batch.getComponent('images');
    expect(isNdArray(images) && images.shape).toEqual([1, 64, 80]);
    expect(new Set((images as NDArray).data as Uint8Array)).toEqual(new Set([128]));
  });
});
