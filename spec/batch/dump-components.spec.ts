/**
 * Which data `dump({ fmt })` writes: a name that is not a component is refused with the batch's
 * components listed (not reported as missing from the file); `Batch.fromData(ids, { x })` makes `x`
 * a component, so such a batch can be written; a batch holding unnamed data says how to name it.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArgumentError, Batch, ComponentError, DatasetIndex, zeros, type NDArray } from '../../src/index.js';
import { nd } from '../helpers/values.js';

const dir = mkdtempSync(path.join(tmpdir(), 'bf-dump-components-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

class TableBatch extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray;
  declare labels: NDArray;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => null,
    (error: unknown) => error,
  );
}

describe('dump({ fmt, components })', () => {
  test.each(['csv', 'feather', 'hdf5', 'blosc'])('%s: a name that is not a component is a ComponentError listing the components', async (fmt) => {
    const batch = TableBatch.fromData(null, { images: nd([1, 2, 3]), labels: nd([4, 5, 6]) });
    const error = await rejection(batch.dump({ fmt, dst: path.join(dir, `x.${fmt}`), components: 'x' }));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('x');
    expect((error as Error).message).toContain("'x' is not a component of TableBatch (components: images, labels)");
    expect((error as Error).message).not.toContain('is not in the file');
  });

  test('Batch.fromData(ids, { x }) makes x a component, and it dumps', async () => {
    const batch = Batch.fromData(new DatasetIndex(3), { x: nd([10, 20, 30]) });
    expect(batch.components).toEqual(['x']);
    const file = path.join(dir, 'from-data.csv');
    await batch.dump({ fmt: 'csv', dst: file });
    expect(
      readFileSync(file, 'utf8')
        .trim()
        .split(/\r?\n/u)
        .map((line) => line.split(',').at(-1)),
    ).toEqual(['x', '10', '20', '30']);
  });

  test('a batch of unnamed data says why it cannot be written and what to do', async () => {
    const batch = new Batch([0, 1], { preloaded: zeros([2]) });
    const error = await rejection(batch.dump({ fmt: 'csv', dst: path.join(dir, 'unnamed.csv') }));
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as Error).message).toContain('holds unnamed data');
    expect((error as Error).message).toContain('fromData');
  });
});
