/**
 * The image kernels written in WebAssembly (uint8 `resize` passes in SIMD, nearest `rotate` and
 * left/right `flip` of RGB and RGBA) and their JavaScript fallbacks must give the same bytes: on
 * random images of 1 to 4 channels, odd sizes, up- and down-scaling, every filter, random angles,
 * centres, `expand` and fill colors, every width mod 4; and both must match Pillow's reference values.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ImagesBatch, P, R, closeEngines, type NDArray, type TargetName } from '../../src/index.js';
import { wasmKernels } from '../../src/images/wasm-writer.js';
import { caseOptions, decode, inputBatch, itemOf, maxDifference, reference } from './reference.js';

type Filter = 'bilinear' | 'bicubic' | 'lanczos' | 'box' | 'hamming';

/** A small deterministic generator (the specs need the same images on every run). */
function generator(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1103515245) + 12345) & 0x7fffffff;
    return state / 0x80000000;
  };
}

/** Random pixels with many 0 and 255 values (the clipping of negative lobes and overshoots). */
function randomImage(random: () => number, height: number, width: number, channels: number, count = 1): NDArray {
  const data = new Uint8Array(count * height * width * channels);
  for (let k = 0; k < data.length; k++) data[k] = random() < 0.3 ? (random() < 0.5 ? 0 : 255) : Math.floor(random() * 256);
  return ndarray(data, channels === 1 ? [count, height, width] : [count, height, width, channels]) as unknown as NDArray;
}

async function resized(images: NDArray, size: [number, number], resample: Filter, simd: boolean): Promise<Uint8Array> {
  wasmKernels.enabled = simd;
  const batch = ImagesBatch.fromData(null, { images });
  await batch.actions.resize({ size, resample });
  return itemOf(batch.images).data as unknown as Uint8Array;
}

afterEach(() => {
  wasmKernels.enabled = wasmKernels.available;
});

afterAll(async () => {
  await closeEngines();
});

describe('WebAssembly and JavaScript kernels', () => {
  test('the runtime has WebAssembly SIMD (Node 20)', () => {
    expect(wasmKernels.available).toBe(true);
  });

  const filters: Filter[] = ['bicubic', 'lanczos', 'bilinear', 'box', 'hamming'];
  test.each([1, 2, 3, 4])('resize gives the same bytes on random %i-channel images of random sizes', async (channels) => {
    const random = generator(channels * 7919);
    for (let round = 0; round < 40; round++) {
      const height = 1 + Math.floor(random() * 70);
      const width = 1 + Math.floor(random() * 70);
      const rows = 1 + Math.floor(random() * 90);
      const columns = 1 + Math.floor(random() * 90);
      // every fourth round keeps one axis: one pass only
      const size: [number, number] = round % 4 === 0 ? [height, columns] : round % 4 === 1 ? [rows, width] : [rows, columns];
      const images = randomImage(random, height, width, channels);
      const resample = filters[round % filters.length]!;
      const expected = await resized(images, size, resample, false);
      const actual = await resized(images, size, resample, true);
      expect({ height, width, size, resample, same: Buffer.compare(actual, expected) === 0 }).toEqual({ height, width, size, resample, same: true });
    }
  });

  test('resize gives the same bytes on the bench sizes (a 224×224 RGB image to 128×128, and back up to 300×257)', async () => {
    const images = randomImage(generator(5), 224, 224, 3);
    for (const size of [
      [128, 128],
      [300, 257],
    ] as [number, number][])
      for (const resample of filters) expect(Buffer.compare(await resized(images, size, resample, true), await resized(images, size, resample, false))).toBe(0);
  });

  test.each([3, 4])('rotate (nearest) gives the same bytes on random %i-channel images, angles, centres, expand and fills', async (channels) => {
    const random = generator(channels * 104729);
    for (let round = 0; round < 60; round++) {
      const height = 1 + Math.floor(random() * 60);
      const width = 1 + Math.floor(random() * 60);
      const images = randomImage(random, height, width, channels);
      const options = {
        angle: round % 6 === 0 ? Math.floor(random() * 8) * 45 : (random() - 0.5) * 400,
        expand: random() < 0.3,
        center: random() < 0.3 ? [random() * height * 2 - height / 2, random() * width] : undefined,
        fill: random() < 0.3 ? Array.from({ length: channels }, () => Math.floor(random() * 256)) : 0,
      };
      const rotated = async (wasm: boolean): Promise<Uint8Array> => {
        wasmKernels.enabled = wasm;
        const batch = ImagesBatch.fromData(null, { images });
        await batch.actions.rotate(options as never);
        return itemOf(batch.images).data as unknown as Uint8Array;
      };
      const expected = await rotated(false);
      expect({ height, width, options, same: Buffer.compare(await rotated(true), expected) === 0 }).toEqual({ height, width, options, same: true });
    }
  });

  test.each([3, 4])("flip 'lr' gives the same bytes on random %i-channel images of every width mod 4", async (channels) => {
    const random = generator(channels * 15485863);
    for (let round = 0; round < 40; round++) {
      const height = 1 + Math.floor(random() * 20);
      const width = 1 + Math.floor(random() * 40);
      const images = randomImage(random, height, width, channels, 2);
      const flipped = async (wasm: boolean): Promise<Uint8Array> => {
        wasmKernels.enabled = wasm;
        const batch = ImagesBatch.fromData(null, { images });
        await batch.actions.flip({ mode: 'lr' });
        return (batch.images as NDArray).data as unknown as Uint8Array;
      };
      const expected = await flipped(false);
      expect({ height, width, same: Buffer.compare(await flipped(true), expected) === 0 }).toEqual({ height, width, same: true });
    }
  });

  test("the bench chain (random crop, nearest rotate, flip p = 0.5, bicubic resize) gives the same bytes on 'for', 'threads' and 'mpc' as the JavaScript kernels", async () => {
    const images = randomImage(generator(11), 96, 112, 3, 6);
    const chain = async (target: TargetName, wasm: boolean): Promise<Uint8Array> => {
      wasmKernels.enabled = wasm;
      const batch = ImagesBatch.fromData(null, { images });
      batch.randomSeed = 77;
      await batch.actions.crop({ origin: 'random', shape: [64, 72], target, nWorkers: 2 });
      await batch.actions.rotate({ angle: P(R('uniform', -15, 15)), target, nWorkers: 2 });
      await batch.actions.flip({ mode: 'lr', p: 0.5, target, nWorkers: 2 });
      await batch.actions.resize({ size: [40, 36], target, nWorkers: 2 });
      return (batch.images as NDArray).data as unknown as Uint8Array;
    };
    const expected = await chain('for', false);
    for (const target of ['for', 'threads', 'mpc'] as const)
      expect({ target, same: Buffer.compare(await chain(target, true), expected) === 0 }).toEqual({ target, same: true });
  }, 120_000);

  const cases = reference.cases.filter((entry) => ['resize', 'scale', 'rotate', 'flip'].includes(entry.action));
  test.each(
    cases.flatMap((entry) =>
      [true, false].map(
        (simd) => [`${simd ? 'WebAssembly' : 'JavaScript'} ${entry.action} ${entry.input} ${JSON.stringify(entry.options)}`, entry, simd] as const,
      ),
    ),
  )('%s equals Pillow', async (_name, entry, simd) => {
    wasmKernels.enabled = simd;
    const batch = inputBatch(entry.input);
    await (batch.actions as unknown as Record<string, (options: Record<string, unknown>) => Promise<unknown>>)[entry.action]!(caseOptions(entry));
    expect(maxDifference(itemOf(batch.images), decode(entry.expected))).toBe(0);
  });
});
