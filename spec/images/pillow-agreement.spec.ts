/**
 * ImagesBatch actions against Pillow / numpy (the libraries Python BatchFlow's ImagesBatch uses), on
 * crops of real photos: exact for the actions without interpolation, within the tolerance written
 * next to each case (docs/images.md lists them) for the others.
 */
import { describe, expect, test } from '@jest/globals';
import { caseOptions, decode, inputBatch, itemOf, maxDifference, reference, type ReferenceCase } from './reference.js';

type Call = (options: Record<string, unknown>) => Promise<unknown>;

async function run(entry: ReferenceCase): Promise<number> {
  const batch = inputBatch(entry.input);
  await (batch.actions as unknown as Record<string, Call>)[entry.action]!(caseOptions(entry));
  const actual = itemOf(batch.images);
  const expected = decode(entry.expected);
  expect(actual.shape).toEqual(expected.shape);
  expect((actual.data as unknown as object).constructor.name).toBe(expected.data.constructor.name);
  return maxDifference(actual, expected);
}

const exactActions = [
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
  'enhance',
];

describe('ImagesBatch agrees with Pillow', () => {
  const cases = reference.cases.filter((entry) => exactActions.includes(entry.action));
  test.each(cases.map((entry) => [`${entry.action} ${entry.input} ${JSON.stringify(entry.options).slice(0, 80)}`, entry] as const))(
    '%s',
    async (_name, entry) => {
      expect(await run(entry)).toBeLessThanOrEqual(entry.tolerance);
    },
  );
});
