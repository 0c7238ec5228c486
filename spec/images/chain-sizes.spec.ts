/**
 * The resize and nearest-rotation kernels at the sizes of the bench chain (a 224×224 crop of a 512×512
 * photo resized to 128×128, rotated by ±15°) and on an RGBA image (four channels: the kernels' general
 * path) equal Pillow 12.3's pixels exactly. The expected PNG files are made by
 * spec/images/python/make_chain_reference.py.
 */
import { describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import { DatasetIndex, ImagesBatch, type NDArray } from '../../src/index.js';
import { itemOf, maxDifference } from './reference.js';

const fixture = (name: string): string => fileURLToPath(new URL(`../fixtures/images/${name}`, import.meta.url));

async function loadPng(name: string): Promise<ImagesBatch> {
  const batch = new ImagesBatch(new DatasetIndex([name]));
  await batch.actions.load({ fmt: 'png', src: () => fixture(name) });
  return batch;
}

async function expectPillow(batch: ImagesBatch, expectedFile: string): Promise<void> {
  const expected = itemOf((await loadPng(expectedFile)).images);
  const actual = itemOf(batch.images);
  expect(actual.shape).toEqual(expected.shape);
  expect(maxDifference(actual, expected)).toBe(0);
}

/** The astronaut photo's 224×224 crop at row 100, column 77 (as the Python script cuts it). */
async function astronautCrop(): Promise<ImagesBatch> {
  const batch = await loadPng('astronaut.png');
  await batch.actions.crop({ origin: [100, 77], shape: [224, 224] });
  expect((batch.images as NDArray).shape).toEqual([1, 224, 224, 3]);
  return batch;
}

describe('kernels at the bench chain sizes equal Pillow', () => {
  test.each([
    ['bicubic', [128, 128], 'chain/resize-128-bicubic.png'],
    ['bilinear', [128, 128], 'chain/resize-128-bilinear.png'],
    ['lanczos', [131, 97], 'chain/resize-131x97-lanczos.png'],
  ] as const)('resize of the 224×224 RGB crop, %s to %j', async (resample, size, expected) => {
    const batch = await astronautCrop();
    await batch.actions.resize({ size: [size[0], size[1]], resample });
    await expectPillow(batch, expected);
  });

  test.each([
    [13.7, 'chain/rotate-nearest-13.7.png'],
    [-11.3, 'chain/rotate-nearest-minus-11.3.png'],
  ])('nearest rotation of the 224×224 RGB crop by %p°', async (angle, expected) => {
    const batch = await astronautCrop();
    await batch.actions.rotate({ angle, resample: 'nearest' });
    await expectPillow(batch, expected);
  });
});

describe('kernels on an RGBA image (four channels) equal Pillow band by band', () => {
  test.each([
    ['lanczos', [37, 53], 'chain/rgba-resize-37x53-lanczos.png'],
    ['bicubic', [90, 131], 'chain/rgba-resize-90x131-bicubic.png'],
  ] as const)('resize %s to %j', async (resample, size, expected) => {
    const batch = await loadPng('chain/rgba-input.png');
    expect((batch.images as NDArray).shape).toEqual([1, 61, 75, 4]);
    await batch.actions.resize({ size: [size[0], size[1]], resample });
    await expectPillow(batch, expected);
  });

  test('nearest rotation by -7.5°', async () => {
    const batch = await loadPng('chain/rgba-input.png');
    await batch.actions.rotate({ angle: -7.5, resample: 'nearest' });
    await expectPillow(batch, 'chain/rgba-rotate-nearest-minus-7.5.png');
  });
});

describe("flip 'lr' mirrors every row on each of its paths", () => {
  // RGB uint8 rows of a multiple of 4 pixels at 4-byte aligned offsets move 32-bit words; the others move bytes
  test.each([
    ['224 wide', 2, 6, 224, 3, 0],
    ['odd width', 3, 5, 7, 3, 0],
    ['a multiple of 4 wide, the data at an unaligned offset', 3, 3, 4, 3, 1],
    ['RGBA', 2, 4, 6, 4, 0],
  ])('%s', async (_name, count, rows, columns, channels, offset) => {
    const size = rows * columns * channels;
    const data = Uint8Array.from({ length: offset + count * size }, (_, k) => (k * 37 + (k >> 3)) % 256);
    const stride = [size, columns * channels, channels, 1];
    const batch = ImagesBatch.fromData(null, { images: ndarray(data, [count, rows, columns, channels], stride, offset) });
    await batch.actions.flip({ mode: 'lr' });
    const out = batch.images as NDArray;
    expect(out.shape).toEqual([count, rows, columns, channels]);
    for (let i = 0; i < count; i++)
      for (let y = 0; y < rows; y++)
        for (let x = 0; x < columns; x++)
          for (let c = 0; c < channels; c++) expect(out.get(i, y, x, c)).toBe(data[offset + i * size + (y * columns + (columns - 1 - x)) * channels + c]);
  });
});
