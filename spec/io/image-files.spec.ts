/**
 * Image files (`fmt: 'image' | 'png' | 'jpeg'`): real photos load through a FilesIndex with the pixels
 * Pillow decodes, dump to PNG (lossless round trip) and JPEG atomically, run on 'threads', and bad,
 * truncated or oversized files are typed errors naming the file with the batch unchanged.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import {
  CorruptFileError,
  Dataset,
  FileFormatError,
  FilesIndex,
  ImagesBatch,
  LoadLimitError,
  UnsupportedDataError,
  closeEngines,
  configureLoadLimits,
  type NDArray,
} from '../../src/index.js';
import { decode, itemOf, maxDifference, reference, valuesOf, type EncodedArray } from '../images/reference.js';

const photos = fileURLToPath(new URL('../fixtures/images/', import.meta.url));
const decoded = (reference as unknown as { decoded: Record<string, { shape: number[]; md5: string; crop: EncodedArray }> }).decoded;
let folder: string;

beforeAll(() => {
  folder = mkdtempSync(path.join(tmpdir(), 'batchflow-image-files-'));
  for (const name of ['astronaut.png', 'camera.png', 'chelsea.png', 'rocket.jpg']) copyFileSync(path.join(photos, name), path.join(folder, name));
});

afterAll(async () => {
  rmSync(folder, { recursive: true, force: true });
  configureLoadLimits({});
  await closeEngines();
});

function md5(image: NDArray): string {
  return createHash('md5')
    .update(Uint8Array.from(valuesOf(image)))
    .digest('hex');
}

function photosBatch(glob = '*.{png,jpg}'): ImagesBatch {
  const index = new FilesIndex({ path: path.join(folder, glob), noExt: true, sort: true });
  return new Dataset(index, { batchClass: ImagesBatch }).createBatch(index.indices);
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error as Error,
  );
}

describe('loading image files', () => {
  test.each(['for', 'threads'] as const)(
    "photos load through a FilesIndex with Pillow's pixels (%s)",
    async (target) => {
      const batch = photosBatch();
      await batch.actions.load({ fmt: 'image', target });
      expect(batch.indices).toEqual(['astronaut', 'camera', 'chelsea', 'rocket']);
      const images = batch.images as NDArray[];
      expect(Array.isArray(images)).toBe(true); // different shapes: a list of ndarrays
      for (const [i, name] of ['astronaut.png', 'camera.png', 'chelsea.png'].entries()) {
        expect(images[i]!.shape).toEqual(decoded[name]!.shape);
        expect(md5(images[i]!)).toBe(decoded[name]!.md5);
      }
      const rocket = images[3]!;
      expect(rocket.shape).toEqual(decoded['rocket.jpg']!.shape);
      const crop = rocket.hi(216, 316, 3).lo(200, 300, 0);
      expect(maxDifference(crop, decode(decoded['rocket.jpg']!.crop))).toBe(0); // the stored values, no colour-profile conversion (as Pillow)
    },
    60_000,
  );

  test('same-shaped images are stacked into one n×H×W×C uint8 ndarray; dst names the component', async () => {
    const batch = photosBatch('{astronaut,camera}.png');
    await batch.actions.load({ fmt: 'png', dst: 'masks' });
    expect(Array.isArray(batch.masks)).toBe(true); // gray 512×512 and RGB 512×512×3 differ
    const rgb = photosBatch('astronaut.png');
    await rgb.actions.load({ fmt: 'png' });
    expect((rgb.images as NDArray).shape).toEqual([1, 512, 512, 3]);
    expect((rgb.images as NDArray).data).toBeInstanceOf(Uint8Array);
  });

  test("'png' refuses a JPEG file, naming it", async () => {
    const batch = photosBatch('rocket.jpg');
    const error = await failure(batch.actions.load({ fmt: 'png' }));
    expect(error).toBeInstanceOf(FileFormatError);
    expect(error.message).toContain(path.join(folder, 'rocket.jpg'));
    expect(error.message).toMatch(/expected a PNG file, found jpeg/);
  });

  test.each([
    ['a truncated PNG', 'cut.png', () => readFileSync(path.join(photos, 'chelsea.png')).subarray(0, 60_000), CorruptFileError],
    ['a truncated JPEG', 'cut.jpg', () => readFileSync(path.join(photos, 'rocket.jpg')).subarray(0, 30_000), CorruptFileError],
    ['a garbage file', 'junk.png', () => Buffer.from('this is not an image at all, just some text'.repeat(20)), FileFormatError],
    ['an empty file', 'empty.png', () => Buffer.alloc(0), FileFormatError],
  ] as const)('%s is a typed error naming the file; the batch is unchanged', async (_name, file, bytes, ErrorClass) => {
    const bad = mkdtempSync(path.join(tmpdir(), 'batchflow-image-bad-'));
    try {
      copyFileSync(path.join(photos, 'camera.png'), path.join(bad, 'a.png'));
      writeFileSync(path.join(bad, file), bytes());
      const index = new FilesIndex({ path: path.join(bad, '*'), sort: true });
      const batch = new Dataset(index, { batchClass: ImagesBatch }).createBatch(index.indices);
      const error = await failure(batch.actions.load({ fmt: 'image' }));
      expect(error).toBeInstanceOf(ErrorClass);
      expect((error as CorruptFileError).file).toBe(path.join(bad, file));
      expect(batch.images).toBeNull();
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });

  test('the size a PNG declares is checked before decoding (LoadLimitError), and so is the configured limit', async () => {
    const bad = mkdtempSync(path.join(tmpdir(), 'batchflow-image-huge-'));
    try {
      // a real PNG whose header claims 60000×60000 pixels (IHDR patched, CRC recomputed)
      const png = Buffer.from(readFileSync(path.join(photos, 'camera.png')));
      png.writeUInt32BE(60_000, 16);
      png.writeUInt32BE(60_000, 20);
      png.writeInt32BE(crc32(png.subarray(12, 29)), 29);
      writeFileSync(path.join(bad, 'huge.png'), png);
      const index = new FilesIndex({ path: path.join(bad, '*.png') });
      const batch = new Dataset(index, { batchClass: ImagesBatch }).createBatch(index.indices);
      configureLoadLimits({ maxBytes: 1024 ** 3 });
      const error = await failure(batch.actions.load({ fmt: 'image' }));
      expect(error).toBeInstanceOf(LoadLimitError);
      expect((error as LoadLimitError).declaredBytes).toBe(60_000 * 60_000);
      expect(error.message).toContain('huge.png');
      configureLoadLimits({ maxBytes: 1000 });
      const small = photosBatch('camera.png');
      expect(await failure(small.actions.load({ fmt: 'image' }))).toBeInstanceOf(LoadLimitError);
      expect(small.images).toBeNull();
    } finally {
      configureLoadLimits({});
      rmSync(bad, { recursive: true, force: true });
    }
  });
});

function crc32(bytes: Uint8Array): number {
  let crc = -1;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = (crc >>> 1) ^ (0xedb88320 & -(crc & 1));
  }
  return ~crc;
}

describe('dumping image files', () => {
  test.each([
    ['gray', [3, 9, 11]],
    ['rgb', [3, 9, 11, 3]],
    ['gray+alpha', [3, 9, 11, 2]],
    ['rgba', [3, 9, 11, 4]],
  ] as const)('PNG round trip of %s images is exact; files are written atomically into a folder', async (_name, shape) => {
    const out = mkdtempSync(path.join(tmpdir(), 'batchflow-image-dump-'));
    try {
      const size = shape.reduce((a, b) => a * b, 1);
      const images = ndarray(
        Uint8Array.from({ length: size }, (_, k) => (k * 37) % 256),
        [...shape],
      );
      const batch = ImagesBatch.fromData(null, { images });
      await batch.actions.dump({ fmt: 'png', dst: out });
      expect(readdirSync(out).sort()).toEqual(['0.png', '1.png', '2.png']);
      const back = ImagesBatch.fromData(null, { images: ndarray(new Uint8Array(size), [...shape]) });
      await back.actions.load({ fmt: 'png', src: out });
      expect(valuesOf(back.images as NDArray)).toEqual(valuesOf(images as unknown as NDArray));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test("JPEG dump of a photo reloads close to the original; 'image' picks the encoding from the extension", async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'batchflow-image-jpeg-'));
    try {
      const batch = photosBatch('chelsea.png');
      await batch.actions.load({ fmt: 'image' });
      await batch.actions.dump({ fmt: 'image', dst: (id) => path.join(out, `${String(id)}.jpg`), quality: 95 });
      const back = photosBatch('chelsea.png');
      await back.actions.load({ fmt: 'jpeg', src: (id) => path.join(out, `${String(id)}.jpg`) });
      const a = valuesOf(itemOf(batch.images));
      const b = valuesOf(itemOf(back.images));
      expect(b.length).toBe(a.length);
      const meanError = a.reduce((sum, v, i) => sum + Math.abs(v - b[i]!), 0) / a.length;
      expect(meanError).toBeLessThan(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  test('float images, JPEG with alpha and unknown extensions are typed errors naming the file; nothing is written', async () => {
    const out = mkdtempSync(path.join(tmpdir(), 'batchflow-image-refuse-'));
    try {
      const floats = ImagesBatch.fromData(null, { images: ndarray(new Float32Array(2 * 4 * 4), [2, 4, 4]) });
      const error = await failure(floats.actions.dump({ fmt: 'png', dst: out }));
      expect(error).toBeInstanceOf(UnsupportedDataError);
      expect(error.message).toMatch(/expected an H×W or H×W×C \(C = 1–4\) uint8 image, got Float32Array/);
      const rgba = ImagesBatch.fromData(null, { images: ndarray(new Uint8Array(2 * 4 * 4 * 4), [2, 4, 4, 4]) });
      expect((await failure(rgba.actions.dump({ fmt: 'jpeg', dst: out }))).message).toMatch(/JPEG has no alpha channel/);
      const named = await failure(rgba.actions.dump({ fmt: 'image', dst: (id) => path.join(out, `${String(id)}.bmp`) }));
      expect(named.message).toMatch(/cannot tell the encoding from the extension '\.bmp'/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
