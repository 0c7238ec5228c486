/**
 * CSV missing values: every marker pandas reads as missing (`''`, `NaN`, `NA`, `null`, `1.#IND`, …) in
 * a column of numbers loads as NaN in a float64 column, and the numbers around it keep their values.
 */
import { afterAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Batch } from '../../src/index.js';
import { cleanup, tempDir } from './helpers.js';

afterAll(cleanup);

const markers = ['', 'NaN', 'nan', 'NAN', '-NaN', '-nan', 'NA', 'N/A', 'n/a', '<NA>', 'null', 'NULL', 'None', '#N/A', '#N/A N/A', '#NA'];
const digitMarkers = ['-1.#IND', '-1.#QNAN', '1.#IND', '1.#QNAN'];

test.each([
  ['markers starting with a letter, a sign or nothing', markers],
  ['markers starting with a digit or a signed digit', digitMarkers],
])('%s load as NaN in a float64 column of numbers', async (_name, list) => {
  const rows = list.flatMap((marker, k) => [`${2 * k},${k + 0.25}`, `${2 * k + 1},${marker}`]);
  const file = path.join(tempDir(), 'missing.csv');
  writeFileSync(file, [',x', ...rows].join('\n') + '\n');
  const ids = Array.from({ length: 2 * list.length }, (_, k) => k);
  const batch = new Batch(ids);
  await batch.load({ fmt: 'csv', src: file });
  const x = batch.getComponent('x');
  expect(x).toBeInstanceOf(Float64Array);
  expect(Array.from(x as Float64Array)).toEqual(list.flatMap((_, k) => [k + 0.25, NaN]));
});

test('a column of integers with a missing field, and one of integers then a float, load as float64 with every value', async () => {
  const file = path.join(tempDir(), 'mixed.csv');
  writeFileSync(file, ',ints,mixed\n0,1,1\n1,,2\n2,-3,-0\n3,NA,2.5\n');
  const batch = new Batch([0, 1, 2, 3]);
  await batch.load({ fmt: 'csv', src: file });
  expect(batch.getComponent('ints')).toEqual(Float64Array.of(1, NaN, -3, NaN));
  const mixed = batch.getComponent('mixed') as Float64Array;
  expect(mixed).toBeInstanceOf(Float64Array);
  expect(Array.from(mixed)).toEqual([1, 2, -0, 2.5]);
  expect(Object.is(mixed[2], -0)).toBe(true);
});
