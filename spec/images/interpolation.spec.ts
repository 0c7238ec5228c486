/**
 * The interpolating ImagesBatch actions against Pillow / SciPy on crops of real photos: resize (every
 * Pillow filter), scale and rotate (nearest, bilinear, bicubic, expand, centre) equal Pillow 12.3's
 * pixels; elastic deformation's two SciPy steps (gaussian_filter, map_coordinates) agree within the
 * tolerances of docs/images.md.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ImagesBatch, gaussianFilter, warpImage, type NDArray } from '../../src/index.js';
import { caseOptions, decode, inputBatch, itemOf, maxDifference, reference, valuesOf, type EncodedArray } from './reference.js';

type Call = (options: Record<string, unknown>) => Promise<unknown>;

describe('interpolating actions agree with Pillow', () => {
  const cases = reference.cases.filter((entry) => ['resize', 'scale', 'rotate'].includes(entry.action));
  test.each(cases.map((entry) => [`${entry.action} ${entry.input} ${JSON.stringify(entry.options)}`, entry] as const))('%s', async (_name, entry) => {
    const batch = inputBatch(entry.input);
    await (batch.actions as unknown as Record<string, Call>)[entry.action]!(caseOptions(entry));
    expect(maxDifference(itemOf(batch.images), decode(entry.expected))).toBeLessThanOrEqual(entry.tolerance);
  });
});

describe('elasticTransform', () => {
  const elastic = reference.elastic as Record<string, EncodedArray> & { sigma: number };

  test("gaussianFilter equals SciPy's gaussian_filter (mode 'constant') within 1e-6", () => {
    const smoothed = gaussianFilter(decode(elastic['field']!), elastic.sigma);
    expect(maxDifference(smoothed, decode(elastic['smoothed']!))).toBeLessThan(1e-6);
  });

  test("warpImage equals SciPy's map_coordinates (order 1, mode 'reflect') within one level", () => {
    const warped = warpImage(decode(elastic['input']!), decode(elastic['dy']!), decode(elastic['dx']!));
    const expected = decode(elastic['expected']!);
    expect(maxDifference(warped, expected)).toBeLessThanOrEqual(1);
    const same = valuesOf(warped).filter((v, i) => v === valuesOf(expected)[i]).length;
    expect(same / expected.size).toBeGreaterThan(0.99);
  });

  test('alpha 0 leaves images as they are; a real deformation moves pixels but keeps the value range', async () => {
    const batch = inputBatch('rgb', 2);
    const before = valuesOf(batch.images as NDArray);
    batch.randomSeed = 3;
    await batch.actions.elasticTransform({ alpha: 0, sigma: 3 });
    expect(valuesOf(batch.images as NDArray)).toEqual(before);
    await batch.actions.elasticTransform({ alpha: 30, sigma: 4 });
    const after = valuesOf(batch.images as NDArray);
    expect(after).not.toEqual(before);
    expect(Math.max(...after)).toBeLessThanOrEqual(Math.max(...before));
    expect(Math.min(...after)).toBeGreaterThanOrEqual(Math.min(...before));
  });

  test('float32 images are deformed without rounding', async () => {
    const images = ndarray(
      Float32Array.from({ length: 2 * 10 * 12 }, (_, k) => (k % 12) / 12),
      [2, 10, 12],
    );
    const batch = ImagesBatch.fromData(null, { images });
    batch.randomSeed = 9;
    await batch.actions.elasticTransform({ alpha: 5, sigma: 2 });
    const out = batch.images as NDArray;
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(valuesOf(out).some((v) => Math.round(v * 12) !== v * 12)).toBe(true);
  });
});

describe('interpolating actions on float images and their options', () => {
  test('resize of a float32 image keeps float32 and a constant image stays constant', async () => {
    const batch = ImagesBatch.fromData(null, { images: ndarray(new Float32Array(2 * 9 * 7 * 3).fill(0.25), [2, 9, 7, 3]) });
    await batch.actions.resize({ size: [5, null], resample: 'lanczos' });
    const out = batch.images as NDArray;
    expect(out.shape).toEqual([2, 5, 3, 3]);
    expect(out.data).toBeInstanceOf(Float32Array);
    for (const v of valuesOf(out)) expect(v).toBeCloseTo(0.25, 6);
  });

  test('rotate with expand and preserveShape keeps the shape; fill colors the corners', async () => {
    const batch = inputBatch('rgb');
    await batch.actions.rotate({ angle: 30, expand: true, fill: [1, 2, 3] });
    const out = itemOf(batch.images);
    expect(out.shape).toEqual([32, 40, 3]);
    expect([out.get(0, 0, 0), out.get(0, 0, 1), out.get(0, 0, 2)]).toEqual([1, 2, 3]);
  });
});
