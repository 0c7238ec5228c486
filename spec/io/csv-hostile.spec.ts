/**
 * CSV values at the edges: -0 keeps its sign through dump and load, integers beyond int64 load as
 * uint64 (as pandas types them) instead of wrapping, values that fit no 64-bit integer are text or a
 * typed error naming the file, wide tables load every column (speed: `npm run bench -- --only
 * HOSTILE`), and a column named like a Batch member is refused naming the file.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, Dataset, FileFormatError, UnsupportedDataError, type NDArray } from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';

afterAll(cleanup);

function csvFile(text: string): string {
  const file = path.join(tempDir('bf-csv-hostile-'), 'table.csv');
  writeFileSync(file, text);
  return file;
}

const signs = (values: ArrayLike<number>): boolean[] => Array.from(values, (v) => Object.is(v, -0));

describe('negative zero', () => {
  test('-0 in float64, float32 and ndarray components survives dump and load bit for bit', async () => {
    const batch = new Batch([0, 1, 2]);
    await batch.addComponents(
      ['f64', 'f32', 'img'],
      [Float64Array.of(-0, 1.5, 0), Float32Array.of(0, -0, 2), ndarray(Float64Array.of(-0, 1, 0, -0, 2, 3), [3, 2])],
    );
    const file = path.join(tempDir('bf-csv-zero-'), 'zeros.csv');
    await batch.dump({ fmt: 'csv', dst: file });
    expect(readFileSync(file, 'utf8')).toContain('-0.0'); // as pandas writes it, and reads it back as -0.0
    const back = new Batch([0, 1, 2]);
    await back.load({ fmt: 'csv', src: file, dst: ['f64', 'f32', 'img'], dtypes: { f32: 'float32' }, shapes: { img: [2] } });
    expect(signs(back.getComponent('f64') as Float64Array)).toEqual([true, false, false]);
    expect(back.getComponent('f32')).toBeInstanceOf(Float32Array);
    expect(signs(back.getComponent('f32') as Float32Array)).toEqual([false, true, false]);
    const img = back.getComponent('img') as NDArray;
    expect(signs((toList(img) as number[][]).flat())).toEqual([true, false, false, true, false, false]);
  });

  test("a '-0' field in a column of integers loads as a float64 -0 (the sign is kept)", async () => {
    const file = csvFile(',a\n0,-0\n1,5\n2,-00\n');
    const batch = new Batch([0, 1, 2]);
    await batch.load({ fmt: 'csv', src: file, dst: 'a' });
    expect(batch.getComponent('a')).toBeInstanceOf(Float64Array);
    expect(signs(batch.getComponent('a') as Float64Array)).toEqual([true, false, true]);
  });
});

describe('integers beyond int64', () => {
  const big = ',u\n0,18446744073709551615\n1,9223372036854775808\n2,1\n';

  test("int64: 'bigint' loads a column beyond int64 as uint64 (BigUint64Array), never wrapped to negatives", async () => {
    const batch = new Batch([0, 1, 2]);
    await batch.load({ fmt: 'csv', src: csvFile(big), dst: 'u', int64: 'bigint' });
    const values = batch.getComponent('u');
    expect(values).toBeInstanceOf(BigUint64Array);
    expect(Array.from(values as unknown as BigUint64Array)).toEqual([18446744073709551615n, 9223372036854775808n, 1n]);
  });

  test('Dataset.fromTable keeps them too, and a uint64 component dumps and loads back exactly', async () => {
    class Unsigned extends Batch {
      static override components = ['u'] as const;
    }
    const dataset = await Dataset.fromTable(csvFile(big), { fmt: 'csv', batchClass: Unsigned, int64: 'bigint' });
    const batch = dataset.createBatch([0, 2]);
    expect(Array.from(batch.getComponent('u') as unknown as BigUint64Array)).toEqual([18446744073709551615n, 1n]);
    const file = path.join(tempDir('bf-csv-u64-'), 'u64.csv');
    await batch.dump({ fmt: 'csv', dst: file });
    const back = new Batch([0, 2]);
    await back.load({ fmt: 'csv', src: file, dst: 'u', int64: 'bigint' });
    expect(Array.from(back.getComponent('u') as unknown as BigUint64Array)).toEqual([18446744073709551615n, 1n]);
  });

  test('under the default float64 policy they are an UnsupportedDataError naming the file, not rounded', async () => {
    const file = csvFile(big);
    const batch = new Batch([0, 1, 2]);
    const error = await batch.load({ fmt: 'csv', src: file, dst: 'u' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as UnsupportedDataError).file).toBe(file);
    expect((error as Error).message).toContain('18446744073709551615');
  });

  test('dtypes int64 on a value beyond int64 is a FileFormatError naming the file, column and row', async () => {
    const file = csvFile(big);
    const error = await new Batch([0, 1, 2]).load({ fmt: 'csv', src: file, dst: 'u', dtypes: { u: 'int64' }, int64: 'bigint' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FileFormatError);
    expect((error as FileFormatError).file).toBe(file);
    expect((error as Error).message).toMatch(/column 'u' row 0: "18446744073709551615" is not an integer that fits int64/);
  });

  test('integers that fit no 64-bit type (beyond uint64, or beyond int64 with negatives) load as text, like pandas', async () => {
    const file = csvFile(',a,b\n0,18446744073709551616,9223372036854775808\n1,1,-1\n');
    const batch = new Batch([0, 1]);
    await batch.load({ fmt: 'csv', src: file, dst: ['a', 'b'], int64: 'bigint' });
    expect(batch.getComponent('a')).toEqual(['18446744073709551616', '1']);
    expect(batch.getComponent('b')).toEqual(['9223372036854775808', '-1']);
  });
});

describe('wide tables and column names', () => {
  test('a table with 20,000 columns loads every column, into a batch and with Dataset.fromTable', async () => {
    const columns = 20_000;
    const header = `,${Array.from({ length: columns }, (_, k) => `c${k}`).join(',')}`;
    const rows = [0, 1].map((r) => `${r},${Array.from({ length: columns }, (_, k) => String(k * 2 + r)).join(',')}`);
    const file = csvFile(`${[header, ...rows].join('\n')}\n`);
    const batch = new Batch([1, 0]);
    await batch.load({ fmt: 'csv', src: file });
    expect(batch.components).toHaveLength(columns);
    expect(toList(batch.getComponent('c19999'))).toEqual([39999, 39998]);
    class Wide extends Batch {
      static override components = Array.from({ length: columns }, (_, k) => `c${k}`);
    }
    const dataset = await Dataset.fromTable(file, { fmt: 'csv', batchClass: Wide });
    const wide = dataset.createBatch([1]);
    expect(wide.components).toHaveLength(columns);
    expect(toList(wide.getComponent('c7'))).toEqual([15]);
  }, 60_000);

  test.each(['load', '__proto__', 'components'])("a column named '%s' is an UnsupportedDataError naming the file; the batch is unchanged", async (name) => {
    const file = csvFile(`,x,${name}\n0,1,2\n`);
    const batch = new Batch([0]);
    const before = Object.getOwnPropertyNames(batch);
    const error = await batch.load({ fmt: 'csv', src: file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as UnsupportedDataError).file).toBe(file);
    expect((error as Error).message).toContain(`'${name}'`);
    expect(batch.components).toBeNull();
    expect(Object.getOwnPropertyNames(batch)).toEqual(before);
  });
});
