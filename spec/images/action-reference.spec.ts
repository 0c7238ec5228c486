/**
 * The generated action reference documents every ImagesBatch action with its summary and its
 * defaults (BatchFlow's, camelCased).
 */
import { beforeAll, describe, expect, test } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { buildActionReference, type ClassDoc } from '../../src/docs/index.js';
import * as library from '../../src/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let images: ClassDoc;

beforeAll(async () => {
  const reference = await buildActionReference([{ path: fileURLToPath(new URL('../../src/index.ts', import.meta.url)), exports: library }], { root });
  images = reference.classes.find((cls) => cls.name === 'ImagesBatch')!;
}, 120_000);

const actions = [
  'flip',
  'crop',
  'pad',
  'shift',
  'invert',
  'posterize',
  'cutout',
  'clip',
  'add',
  'multiply',
  'putOnBackground',
  'splitToPatches',
  'salt',
  'additiveNoise',
  'multiplicativeNoise',
  'enhance',
  'resize',
  'scale',
  'rotate',
  'elasticTransform',
];

describe('ImagesBatch in the action reference', () => {
  test('every image action is there, own, with a summary and src images', () => {
    for (const name of actions) {
      const doc = images.actions.find((entry) => entry.name === name);
      expect([name, doc?.inherited, typeof doc?.summary]).toEqual([name, false, 'string']);
      expect([name, doc!.defaults.find((entry) => entry.name === 'src')?.display]).toEqual([name, "'images'"]);
    }
  });

  test("BatchFlow's defaults are listed with the options", () => {
    const option = (action: string, name: string): string | undefined =>
      images.actions.find((entry) => entry.name === action)?.options?.find((entry) => entry.name === name)?.default;
    expect(option('flip', 'mode')).toBe("'lr'");
    expect(option('salt', 'pNoise')).toBe('0.015');
    expect(option('resize', 'resample')).toBe("'bicubic'");
    expect(option('rotate', 'resample')).toBe("'nearest'");
    expect(option('enhance', 'factor')).toBe('[1, 1, 1, 1]');
    expect(option('posterize', 'bits')).toBe('4');
    expect(option('crop', 'origin')).toBeUndefined(); // required: no default
  });
});
