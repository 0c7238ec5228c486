/**
 * The CSV syntax layer: text → records gives what `csv-parse` gives (also where it splits text without
 * quotes itself), records → text gives what `csv-stringify` writes (also where it joins plain records
 * itself), for random texts and records over an alphabet of delimiters, quotes, line breaks and spaces;
 * and a table with rows of different lengths is a FileFormatError naming the line, with or without quotes.
 */
import { afterAll, expect, test } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { Batch, FileFormatError } from '../../src/index.js';
import { csvRecords, csvText } from '../../src/io/csv-records.js';
import { cleanup, tempDir } from './helpers.js';

afterAll(cleanup);

/** A small seeded generator (xorshift32): the same cases on every run. */
function generator(seed: number): (below: number) => number {
  let state = seed >>> 0 || 1;
  return (below) => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state % below;
  };
}

const delimiters = [',', ';', '\t', '|', '::', ' '];
const pieces = ['a', 'b', '1', '2.5', '-', ' ', ',', ';', ':', '|', '\t', '\n', '\r', '\r\n', '', 'é'];

function randomText(next: (below: number) => number, withQuotes: boolean): string {
  const alphabet = withQuotes ? [...pieces, '"', '""'] : pieces;
  let text = next(4) === 0 ? '\uFEFF' : '';
  const length = next(60);
  for (let k = 0; k < length; k++) text += alphabet[next(alphabet.length)];
  return text;
}

/** What `csv-parse` reads from `text`: the records, or the message of its error. */
function parsed(text: string, delimiter: string): string[][] | string {
  try {
    return parse(text, { bom: true, delimiter, skip_empty_lines: true, relax_column_count: true }) as string[][];
  } catch (error) {
    return (error as Error).message;
  }
}

function ours(text: string, delimiter: string): string[][] | string {
  try {
    return csvRecords(text, delimiter);
  } catch (error) {
    return (error as Error).message;
  }
}

test.each([
  ['without quotes (split directly)', false],
  ['with quotes (through the parser)', true],
])('3,000 random texts %s give the records the CSV parser gives', (_name, withQuotes) => {
  const next = generator(withQuotes ? 7 : 11);
  let compared = 0;
  for (let k = 0; k < 3000; k++) {
    const text = randomText(next, withQuotes);
    const delimiter = delimiters[next(delimiters.length)]!;
    const expected = parsed(text, delimiter);
    expect([text, delimiter, ours(text, delimiter)]).toEqual([text, delimiter, expected]);
    if (Array.isArray(expected) && expected.length > 1) compared++;
  }
  expect(compared).toBeGreaterThan(withQuotes ? 150 : 1000); // most texts hold several records (many with quotes are invalid)
});

test('3,000 random tables are written as the CSV writer writes them, and read back as they were', () => {
  const next = generator(3);
  const fields = ['a', '1', '-2.5e-7', '', ' padded ', 'x,y', 'say "hi"', 'two\nlines', 'cr\r', 'a;b', 'tab\tbed', 'a::b', 'a:', '"'];
  for (let k = 0; k < 3000; k++) {
    const delimiter = delimiters[next(delimiters.length)]!;
    const width = 1 + next(4);
    const records = Array.from({ length: next(5) }, () => Array.from({ length: width }, () => fields[next(fields.length)]!));
    const text = csvText(records, delimiter);
    expect([delimiter, records, text]).toEqual([delimiter, records, stringify(records, { delimiter })]);
    // a record of one empty field is an empty line, which readers skip
    const kept = records.filter((record) => !(record.length === 1 && record[0] === ''));
    expect(csvRecords(text, delimiter)).toEqual(kept);
  }
});

test.each([
  ['without quotes', ',a,b\n0,1,2\n1,3\n'],
  ['with quotes', ',a,"b"\n0,1,2\n1,3\n'],
  ['with more fields', ',a,b\n0,1,2\n1,3,4,5\n'],
])('rows of different lengths %s are a FileFormatError naming the file and the line', async (_name, text) => {
  const file = path.join(tempDir(), 'ragged.csv');
  writeFileSync(file, text);
  const error = await new Batch([0, 1]).load({ fmt: 'csv', src: file }).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(FileFormatError);
  expect((error as Error).message).toContain(file);
  expect((error as Error).message).toMatch(/line 3 has \d fields, the header has 3/);
});
