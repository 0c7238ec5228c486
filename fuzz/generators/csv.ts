/**
 * Fuzz cases of `fmt: 'csv'`: a small table dumped through the public API and the pandas-written
 * interop tables, loaded into a batch and with `Dataset.fromTable`. Format-aware mutations replace a
 * field with a hostile value (huge integers, -0, broken quotes, odd markers), add or drop fields,
 * change line ends, and widen the table to thousands of columns (a time bomb for a parser that is
 * not linear in the number of columns).
 * @module
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch } from '../../src/index.js';
import type { FormatMutation, FuzzSeed } from '../types.js';
import { filesWrittenBy, fixturesDir } from './seed-files.js';

class FuzzRows extends Batch {
  static override components = ['x', 'count', 'name', 'flag'] as const;
}

async function dumpedTable(): Promise<FuzzSeed> {
  const batch = new FuzzRows([0, 1, 2, 3]);
  batch.setComponent('x', ndarray(Float64Array.from([0.5, -0, 1e300, NaN, 2, 3, -4.25, 5]), [4, 2]));
  batch.setComponent('count', BigInt64Array.from([1n, -2n, 2n ** 40n, 0n]));
  batch.setComponent('name', ['a', 'b "q", c', '', 'line\nbreak']);
  batch.setComponent('flag', [true, false, true, false]);
  const files = await filesWrittenBy((dir) => batch.dump({ fmt: 'csv', dst: path.join(dir, 'table.csv') }));
  return { name: 'dumped', files, load: { kind: 'batch', fmt: 'csv', src: 'table.csv', ids: [0, 1, 2, 3], components: ['x', 'count', 'name', 'flag'] } };
}

function fixtureTable(name: string, ids: ReadonlyArray<string | number>, components: readonly string[] | null): FuzzSeed {
  const files = [{ name, bytes: Uint8Array.from(readFileSync(path.join(fixturesDir, name))) }];
  return { name: name.replace(/\.csv$/, ''), files, load: { kind: 'batch', fmt: 'csv', src: name, ids, components } };
}

/** The seeds: a dumped table (batch load), pandas' tables (batch load and Dataset.fromTable). */
export async function csvSeeds(): Promise<FuzzSeed[]> {
  const dumped = await dumpedTable();
  const pandas = fixtureTable('table.csv', [0, 1], null);
  return [
    dumped,
    { ...dumped, name: 'dumped-table', load: { kind: 'table', fmt: 'csv', src: 'table.csv' } },
    pandas,
    { ...pandas, name: 'table-fromTable', load: { kind: 'table', fmt: 'csv', src: 'table.csv', options: { int64: 'bigint' } } },
    { ...dumped, name: 'dumped-any', load: { kind: 'batch', fmt: 'csv', src: 'table.csv', ids: [0, 1, 2, 3], components: null, options: { int64: 'bigint' } } },
  ];
}

const hostileFields = [
  '-0',
  '18446744073709551615',
  '9223372036854775808',
  '-9223372036854775809',
  '1e400',
  '-1e-400',
  'nan',
  'inf',
  '"',
  '"a""b',
  'True',
  '',
  '0x10',
  '１２',
  '\u0000',
  'a'.repeat(1000),
  '1,2',
  '"x\ny"',
  '__proto__',
  'load',
  'constructor',
];

const text = (bytes: Uint8Array): string => new TextDecoder().decode(bytes);
const bytesOf = (value: string): Uint8Array => new TextEncoder().encode(value);

/** The format-aware mutations of csv files. */
export const csvMutations: readonly FormatMutation[] = [
  {
    name: 'field',
    apply(bytes, random) {
      const lines = text(bytes).split('\n');
      const row = random.int(lines.length);
      const fields = lines[row]!.split(',');
      fields[random.int(fields.length)] = random.pick(hostileFields);
      lines[row] = fields.join(',');
      return bytesOf(lines.join('\n'));
    },
  },
  {
    name: 'fields-count',
    apply(bytes, random) {
      const lines = text(bytes).split('\n');
      const row = random.int(lines.length);
      const fields = lines[row]!.split(',');
      if (random.chance(0.5)) fields.push(...Array.from({ length: random.between(1, 3) }, () => random.pick(hostileFields)));
      else fields.splice(random.int(fields.length), 1);
      lines[row] = fields.join(',');
      return bytesOf(lines.join('\n'));
    },
  },
  {
    name: 'line-ends',
    apply(bytes, random) {
      const body = text(bytes);
      return bytesOf(random.pick([body.replace(/\n/g, '\r\n'), body.replace(/\n/g, '\r'), `\ufeff${body}`, body.replace(/,/g, ';'), body.trimEnd()]));
    },
  },
  {
    name: 'wide',
    apply(bytes, random) {
      const lines = text(bytes)
        .split('\n')
        .filter((line) => line !== '');
      const extra = random.between(1000, 20000);
      const header = `${lines[0]},${Array.from({ length: extra }, (_, k) => `w${k}`).join(',')}`;
      const rows = lines.slice(1).map((line) => `${line}${',1'.repeat(extra)}`);
      return bytesOf([header, ...rows].join('\n') + '\n');
    },
  },
  {
    name: 'long',
    apply(bytes, random) {
      const lines = text(bytes)
        .split('\n')
        .filter((line) => line !== '');
      const rows = lines.slice(1);
      const copies = random.between(100, 5000);
      const out = [lines[0]!];
      for (let k = 0; k < copies; k++) out.push(rows[k % rows.length]!.replace(/^[^,]*/, String(1000 + k)));
      return bytesOf(out.join('\n') + '\n');
    },
  },
];
