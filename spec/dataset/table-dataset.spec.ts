/**
 * Dataset.fromTable: a dataset over a table file parsed once; its ids are the table's index and
 * batches are cropped from memory by id (no file read per batch).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ArgumentError, B, Batch, Dataset, MissingColumnError, V, type NDArray } from '../../src/index.js';
import { cleanup, expected, expectedColumn, fixture, tempDir, toList } from '../io/helpers.js';

afterAll(cleanup);

class RowsBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: Float64Array;
}

class TableBatch extends Batch {
  static override components = ['a', 'b', 'c', 'x', 'flag'] as const;
}

/** A CSV with customer ids 501, 503, … as its index, x0..x2 and y = 10·id. */
function writeRows(file: string, rows: number): number[] {
  const ids = Array.from({ length: rows }, (_, i) => 501 + 2 * i);
  const lines = ['id,x0,x1,x2,name,y', ...ids.map((id) => `${id},${id + 0.5},${id + 0.25},${-id},n${id},${10 * id}`)];
  writeFileSync(file, `${lines.join('\n')}\n`);
  return ids;
}

describe('Dataset.fromTable (csv)', () => {
  test('the index is the table ids and batches hold the rows of their ids', async () => {
    const src = path.join(tempDir(), 'rows.csv');
    const ids = writeRows(src, 20);
    const ds = await Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch });
    expect(ds).toBeInstanceOf(Dataset);
    expect(ds.indices).toEqual(ids);
    const batch = ds.createBatch([537, 501, 511]);
    expect(toList(batch.y)).toEqual([5370, 5010, 5110]);
    expect(batch.x.shape).toEqual([3, 3]);
    expect(toList(batch.x)).toEqual([
      [537.5, 537.25, -537],
      [501.5, 501.25, -501],
      [511.5, 511.25, -511],
    ]);
  });

  test('a pipeline run reads nothing from the file: every batch comes from memory', async () => {
    const src = path.join(tempDir(), 'rows.csv');
    const ids = writeRows(src, 50);
    const ds = await Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch });
    rmSync(src); // a per-batch load would fail now
    const pipeline = ds.p.initVariable('seen', [] as number[]).update(V('seen', 'e'), B('y'));
    await pipeline.run({ batchSize: 7, shuffle: 3, nEpochs: 1 });
    const seen = [...(pipeline.v('seen') as number[])];
    expect(seen.sort((a, b) => a - b)).toEqual(ids.map((id) => 10 * id));
  });

  test('split parts keep cropping by id from the same table', async () => {
    const src = path.join(tempDir(), 'rows.csv');
    writeRows(src, 10);
    const ds = await Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch });
    ds.split(0.8);
    const test = ds.test!;
    const batch = test.createBatch(test.indices);
    expect(toList(batch.y)).toEqual(test.indices.map((id) => 10 * (id as number)));
  });

  test('load options apply (dtypes, dst) and file ids can be strings', async () => {
    const src = fixture('table_strindex.csv');
    const ds = await Dataset.fromTable(src, { fmt: 'csv', dst: ['a'] });
    expect(ds.indices).toEqual(expected.table_strindex.index);
    const typed = await Dataset.fromTable(fixture('table.csv'), {
      fmt: 'csv',
      batchClass: TableBatch,
      dtypes: { x0: 'float32', x1: 'float32', x2: 'float32' },
    });
    expect(typed.indices).toEqual(expected.table.index);
    const batch = typed.createBatch([107, 100]);
    expect(toList(batch.getComponent('a'))).toEqual(expectedColumn('a', [107, 100]));
    expect((batch.getComponent('x') as NDArray).dtype).toBe('float32');
  });

  test('a file without an index column gives ids 0..n-1', async () => {
    const src = path.join(tempDir(), 'plain.csv');
    writeFileSync(src, 'x0,x1,y\n1,2,3\n4,5,6\n7,8,9\n');
    const ds = await Dataset.fromTable(src, { fmt: 'csv', batchClass: RowsBatch, indexCol: null });
    expect(ds.indices).toEqual([0, 1, 2]);
    expect(toList(ds.createBatch([2]).y)).toEqual([9]);
  });

  test('errors name the bad option, format or column', async () => {
    const src = path.join(tempDir(), 'rows.csv');
    writeRows(src, 3);
    await expect(Dataset.fromTable(src, { fmt: 'csv', indexcol: 'id' } as never)).rejects.toThrow(/indexcol.*unknown option of fmt 'csv'/);
    await expect(Dataset.fromTable(src, { fmt: 'blosc' as 'csv' })).rejects.toThrow(ArgumentError);
    await expect(Dataset.fromTable(src, { fmt: 'blosc' as 'csv' })).rejects.toThrow(/'blosc' is not a table format/);
    await expect(Dataset.fromTable(src, { fmt: 'csv', dst: 'nope' })).rejects.toBeInstanceOf(MissingColumnError);
  });
});

describe('Dataset.fromTable (feather, hdf5)', () => {
  test('feather written by pyarrow, with its id column as the index', async () => {
    const ds = await Dataset.fromTable(fixture('table_default.feather'), { fmt: 'feather', batchClass: TableBatch, indexCol: 'id' });
    expect(ds.indices).toEqual(expected.table.index);
    expect(toList(ds.createBatch([103, 100]).getComponent('a'))).toEqual(expectedColumn('a', [103, 100]));
  });

  test('hdf5 pandas frame and plain datasets', async () => {
    const frame = await Dataset.fromTable(fixture('frame_fixed.h5'), { fmt: 'hdf5', batchClass: TableBatch });
    expect(frame.indices).toEqual(expected.table.index);
    expect(toList(frame.createBatch([107]).getComponent('b'))).toEqual(expectedColumn('b', [107]));
    const plain = await Dataset.fromTable(fixture('plain.h5'), { fmt: 'hdf5', dst: ['labels', 'names'] });
    expect(plain.length).toBe(expected.plain_h5.labels.length);
    const last = plain.length - 1;
    const batch = plain.createBatch([last]);
    expect((batch.data as { names: unknown[] }).names).toEqual([expected.plain_h5.names[last]]);
  });
});
