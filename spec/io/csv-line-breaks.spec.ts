/**
 * CSV line breaks: a file's records end with '\n', '\r\n' or '\r' (the first line break in the file
 * decides, as pandas and the CSV parser do), also when the header is very wide, when a quoted header
 * field holds a line break, and when the last line has none.
 */
import { afterAll, expect, test } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Batch } from '../../src/index.js';
import { cleanup, tempDir } from './helpers.js';

afterAll(cleanup);

function writeCsv(lines: readonly string[], lineBreak: string, trailing = true): string {
  const file = path.join(tempDir(), 'table.csv');
  writeFileSync(file, lines.join(lineBreak) + (trailing ? lineBreak : ''));
  return file;
}

const lines = [',a,b', '0,1,x', '1,2,y'];

test.each([
  ['\\n', '\n', true],
  ['\\r\\n', '\r\n', true],
  ['\\r', '\r', true],
  ['\\r\\n without a last one', '\r\n', false],
])('records ending with %s load without line-break characters in any field', async (_name, lineBreak, trailing) => {
  const batch = new Batch([1, 0]);
  await batch.load({ fmt: 'csv', src: writeCsv(lines, lineBreak, trailing) });
  expect(batch.components).toEqual(['a', 'b']);
  expect(Array.from(batch.getComponent('a') as ArrayLike<bigint | number>, Number)).toEqual([2, 1]);
  expect(batch.getComponent('b')).toEqual(['y', 'x']);
});

test('a quoted header field holding a line break keeps it, in a file of \\r\\n records', async () => {
  const batch = new Batch([0, 1]);
  await batch.load({ fmt: 'csv', src: writeCsv([',"two\nlines",b', '0,1,x', '1,2,y'], '\r\n') });
  expect(batch.components).toEqual(['two\nlines', 'b']);
  expect(batch.getComponent('b')).toEqual(['x', 'y']);
});

test('a header of 20,000 columns with \\r\\n records: every column is read, none ends with \\r', async () => {
  const columns = 20_000;
  const header = `,${Array.from({ length: columns }, (_, k) => `c${k}`).join(',')}`;
  const row = `0,${Array.from({ length: columns }, (_, k) => String(k % 10)).join(',')}`;
  const batch = new Batch([0]);
  await batch.load({ fmt: 'csv', src: writeCsv([header, row], '\r\n') });
  expect(batch.components).toHaveLength(columns);
  expect(batch.components?.at(-1)).toBe(`c${columns - 1}`);
  expect(Number((batch.getComponent(`c${columns - 1}`) as ArrayLike<bigint | number>)[0])).toBe((columns - 1) % 10);
});
