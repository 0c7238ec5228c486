/**
 * Where a batch finds its items in preloaded sources (see docs/differences.md, "ids and positions"):
 * ids that are positions in a source index it, consecutive ones as one run; a source too short for
 * the ids but with one entry per item is read entry by entry; anything else names the problem. Batches
 * of one index share its list of ids, so these hold for every batch and source, in any order.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, Batch, DatasetIndex, type NDArray } from '../../src/index.js';

class PairBatch extends Batch {
  static override components = ['x', 'y'] as const;
  declare x: NDArray;
  declare y: NDArray;
}

const values = (array: NDArray): number[] => Array.from({ length: array.shape[0]! }, (_, i) => array.get(i));
const source = (length: number, scale: number): NDArray =>
  ndarray(
    Float64Array.from({ length }, (_, i) => i * scale),
    [length],
  );

describe('locating a batch in preloaded sources', () => {
  test('ids that are positions in one source, and one entry per item in a shorter one, batch after batch', () => {
    const index = new DatasetIndex([5, 1, 3]);
    for (let round = 0; round < 2; round++) {
      const batch = new PairBatch(index, { preloaded: { x: source(6, 10), y: source(3, 100) } });
      expect(values(batch.x)).toEqual([50, 10, 30]);
      expect(values(batch.y)).toEqual([0, 100, 200]);
    }
  });

  test('consecutive ids read their run of rows, before and after a source they are not positions in', () => {
    const index = new DatasetIndex([2, 3, 4]);
    expect(values(new PairBatch(index, { preloaded: { x: source(5, 1), y: source(3, 7) } }).x)).toEqual([2, 3, 4]);
    expect(values(new PairBatch(index, { preloaded: { x: source(3, 1), y: source(3, 7) } }).x)).toEqual([0, 1, 2]);
    expect(values(new PairBatch(index, { preloaded: { x: source(9, 2), y: source(3, 7) } }).x)).toEqual([4, 6, 8]);
  });

  test('ids that are not positions in a source of another length name the source', () => {
    const batch = new PairBatch(new DatasetIndex(['a', 'b']), { preloaded: { x: source(5, 1) } });
    expect(() => batch.x).toThrow(ArgumentError);
    const spaced = new PairBatch(new DatasetIndex([0, 7]), { preloaded: { x: source(5, 1) } });
    expect(() => spaced.x).toThrow(/cannot locate the batch's 2 items in a source of 5 entries/);
  });
});
