/**
 * Bad options of ImagesBatch actions are typed errors that name the option and what was expected;
 * the batch keeps its images.
 */
import { describe, expect, test } from '@jest/globals';
import { ActionError, ArgumentError, ImagesBatch, zeros, type NDArray } from '../../src/index.js';

function batch(): ImagesBatch {
  return ImagesBatch.fromData(null, { images: zeros([2, 6, 8, 3], 'uint8') });
}

async function causeOf(call: (b: ImagesBatch) => Promise<unknown>): Promise<ArgumentError> {
  const b = batch();
  const before = b.images;
  const error = await call(b).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  expect(b.images).toBe(before);
  const cause = (error as ActionError).cause;
  expect(cause).toBeInstanceOf(ArgumentError);
  return cause as ArgumentError;
}

describe('ImagesBatch option errors', () => {
  test.each([
    ['flip mode', (b: ImagesBatch) => b.actions.flip({ mode: 'x' as 'lr' }), 'mode', /'lr' or 'ud'/],
    ['crop origin', (b: ImagesBatch) => b.actions.crop({ origin: 'middle' as 'center', shape: 2 }), 'origin', /'center', 'top_left'/],
    ['crop shape', (b: ImagesBatch) => b.actions.crop({ origin: 'center', shape: [0, 2] }), 'shape', /positive integer/],
    ['pad border', (b: ImagesBatch) => b.actions.pad({ border: -1 }), 'border', /non-negative/],
    ['shift offset', (b: ImagesBatch) => b.actions.shift({ offset: [1.5, 0] }), 'offset', /whole pixels/],
    ['posterize bits', (b: ImagesBatch) => b.actions.posterize({ bits: 9 }), 'bits', /1–8/],
    ['clip per channel', (b: ImagesBatch) => b.actions.clip({ low: [1, 2] }), 'low', /one number per channel \(3\)/],
    ['invert channel', (b: ImagesBatch) => b.actions.invert({ channels: [5] }), 'channels', /channel 5/],
    ['salt probability', (b: ImagesBatch) => b.actions.salt({ pNoise: 2 }), 'pNoise', /\[0, 1\]/],
    ['noise kind', (b: ImagesBatch) => b.actions.additiveNoise({ noise: { kind: 'poisson' } as never }), 'noise', /'normal' or 'uniform'/],
    ['enhance letters', (b: ImagesBatch) => b.actions.enhance({ layout: 'hx', factor: [1, 1] }), 'layout', /unknown enhancement 'x'/],
    ['patch too large', (b: ImagesBatch) => b.actions.splitToPatches({ patchShape: [7, 2] }), 'patchShape', /larger than the image/],
  ] as const)('%s', async (_name, call, argument, message) => {
    const cause = await causeOf(call);
    expect(cause.argument).toBe(argument);
    expect(cause.message).toMatch(message);
  });

  test('an image that is not H×W or H×W×C is named with its shape', async () => {
    const b = ImagesBatch.fromData(null, { images: zeros([2, 2, 3, 4, 5], 'uint8') });
    const error = (await b.actions.flip({}).catch((e: unknown) => e)) as ActionError;
    expect((error.cause as ArgumentError).message).toMatch(/image: expected an H×W or H×W×C ndarray, got shape \[2, 3, 4, 5\]/);
  });

  test('float32 images stay float32 through geometric actions', async () => {
    const b = ImagesBatch.fromData(null, { images: zeros([2, 6, 8], 'float32') });
    await b.actions.pad({ border: 1, fill: 0.5 });
    await b.actions.invert({});
    expect((b.images as NDArray).shape).toEqual([2, 8, 10]);
    expect((b.images as NDArray).data).toBeInstanceOf(Float32Array);
    expect((b.images as NDArray).get(0, 0, 0)).toBe(0.5);
    expect((b.images as NDArray).get(0, 1, 1)).toBe(1);
  });
});
