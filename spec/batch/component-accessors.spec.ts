/**
 * Property access to components added at run time (`batch.name`): batches that add components of the
 * same names (each batch of a pipeline loading the same table) read and write their own data through
 * them, whatever the order the names were added in.
 */
import { expect, test } from '@jest/globals';
import { Batch } from '../../src/index.js';

type Dynamic = Batch & Record<string, unknown>;

test('two batches adding the same names in different orders read and write their own columns through the accessors', async () => {
  const names = Array.from({ length: 200 }, (_, k) => `column${k}`);
  const first = new Batch([0, 1]) as Dynamic;
  const second = new Batch([0, 1]) as Dynamic;
  await first.addComponents(
    names,
    names.map((_, k) => Float64Array.of(k, k + 0.5)),
  );
  await second.addComponents(
    [...names].reverse(),
    [...names].reverse().map((_, k) => Float64Array.of(-k, -k - 0.5)),
  );
  for (const [k, name] of names.entries()) {
    expect(first[name]).toEqual(Float64Array.of(k, k + 0.5));
    expect(second[name]).toEqual(Float64Array.of(-(names.length - 1 - k), -(names.length - 1 - k) - 0.5));
  }
  first.column7 = Float64Array.of(70, 71);
  expect(first.getComponent('column7')).toEqual(Float64Array.of(70, 71));
  expect(second.getComponent('column7')).toEqual(Float64Array.of(-(names.length - 8), -(names.length - 8) - 0.5));
  expect(Object.keys(first)).not.toContain('column7'); // accessors, not own data properties
});
