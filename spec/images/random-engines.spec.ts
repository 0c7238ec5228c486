/**
 * The random ImagesBatch actions draw from each item's own generator: a chain of them gives the same
 * pixels bit for bit on 'for', 'threads' and 'mpc', and `src: ['images', 'masks']` gives both
 * components the same draws.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ImagesBatch, P, closeEngines, type NDArray, type TargetName } from '../../src/index.js';
import { decode, itemOf, reference, valuesOf } from './reference.js';

afterAll(async () => {
  await closeEngines();
});

function photoBatch(count: number): ImagesBatch {
  const image = decode(reference.inputs['rgb']!);
  const data = new Uint8Array(image.size * count);
  for (let i = 0; i < count; i++) data.set(image.data as unknown as Uint8Array, i * image.size);
  const masks = new Uint8Array(32 * 40 * count).map((_, k) => (k % 40 < 20 ? 255 : 0));
  const batch = ImagesBatch.fromData(null, { images: ndarray(data, [count, 32, 40, 3]), masks: ndarray(masks, [count, 32, 40]) });
  batch.randomSeed = 2024;
  return batch;
}

async function randomChain(target: TargetName): Promise<ImagesBatch> {
  const batch = photoBatch(6);
  await batch.actions.crop({ src: ['images', 'masks'], origin: 'random', shape: [24, 30], target });
  await batch.actions.flip({ src: ['images', 'masks'], mode: 'lr', p: 0.5, target });
  await batch.actions.rotate({ src: ['images', 'masks'], angle: P([-15, -9, -3, 3, 9, 15]), resample: 'bilinear', target });
  await batch.actions.elasticTransform({ alpha: 6, sigma: 3, p: 0.5, target });
  await batch.actions.scale({ factor: 1.2, preserveShape: true, origin: 'random', target });
  await batch.actions.salt({ pNoise: 0.05, color: [255, 0, 255], size: [2, 1], target });
  await batch.actions.cutout({ origin: 'random', shape: 5, color: 0, p: 0.5, target });
  await batch.actions.additiveNoise({ noise: { kind: 'normal', scale: 8 }, clip: true, preserveType: true, target });
  await batch.actions.multiplicativeNoise({ noise: { kind: 'uniform', low: 0.9, high: 1.1 }, target });
  await batch.actions.putOnBackground({ background: ndarray(new Float32Array(30 * 36 * 3).fill(0.5), [30, 36, 3]), origin: 'random', target });
  return batch;
}

describe('random ImagesBatch actions', () => {
  test("a random chain gives identical pixels on 'for', 'threads' and 'mpc'", async () => {
    const reference = await randomChain('for');
    const images = reference.images as NDArray;
    expect(images.shape).toEqual([6, 30, 36, 3]);
    expect(images.data).toBeInstanceOf(Float32Array);
    for (const target of ['threads', 'mpc'] as const) {
      const other = await randomChain(target);
      expect(Buffer.from((other.images as NDArray).data as Float32Array).equals(Buffer.from(images.data as Float32Array))).toBe(true);
      expect(valuesOf(other.masks as NDArray)).toEqual(valuesOf(reference.masks as NDArray));
    }
  }, 120_000);

  test('random origins differ between items and images and masks are cropped at the same place', async () => {
    const batch = photoBatch(8);
    await batch.actions.crop({ src: ['images', 'masks'], origin: 'random', shape: [8, 10] });
    const image = decode(reference.inputs['rgb']!);
    const origins = new Set<string>();
    for (let i = 0; i < 8; i++) {
      const crop = itemOf(batch.images, i);
      const mask = itemOf(batch.masks, i);
      // find where the crop came from in the photo, then check the mask's crop is the mask at that place
      let found: [number, number] | null = null;
      for (let y = 0; y <= 24 && !found; y++)
        for (let x = 0; x <= 30 && !found; x++) {
          let same = true;
          for (let r = 0; r < 8 && same; r++) for (let c = 0; c < 10 && same; c++) same = crop.get(r, c, 1) === image.get(y + r, x + c, 1);
          if (same) found = [y, x];
        }
      expect(found).not.toBeNull();
      origins.add(found!.join());
      for (let c = 0; c < 10; c++) expect(mask.get(0, c)).toBe(found![1] + c < 20 ? 255 : 0);
    }
    expect(origins.size).toBeGreaterThan(1);
  });

  test('salt sets about pNoise of the pixels to the color; p = 0 leaves every image as it was', async () => {
    const batch = photoBatch(4);
    await batch.actions.salt({ pNoise: 0.1, color: [1, 2, 3] });
    let salted = 0;
    for (let i = 0; i < 4; i++) {
      const image = itemOf(batch.images, i);
      for (let y = 0; y < 32; y++) for (let x = 0; x < 40; x++) if (image.get(y, x, 0) === 1 && image.get(y, x, 1) === 2 && image.get(y, x, 2) === 3) salted++;
    }
    expect(salted / (4 * 32 * 40)).toBeGreaterThan(0.07);
    expect(salted / (4 * 32 * 40)).toBeLessThan(0.13);
    const untouched = photoBatch(2);
    const before = valuesOf(untouched.images as NDArray);
    await untouched.actions.additiveNoise({ noise: { kind: 'normal', scale: 50 }, p: 0 });
    expect(valuesOf(untouched.images as NDArray)).toEqual(before);
  });

  test('additive noise has the asked mean and spread', async () => {
    const batch = ImagesBatch.fromData(null, { images: ndarray(new Float32Array(2 * 50 * 50), [2, 50, 50]) });
    await batch.actions.additiveNoise({ noise: { kind: 'normal', loc: 0.5, scale: 0.1 } });
    const values = valuesOf(batch.images as NDArray);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(std).toBeCloseTo(0.1, 2);
  });
});
