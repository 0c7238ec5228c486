import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { Batch, DatasetIndex, applyParallel, type NDArray } from '../../src/index.js';

class SmokeBatch extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray;
  declare labels: NDArray;

  @applyParallel({ src: 'labels' })
  addOne(label: number): number {
    return label + 1;
  }
}

describe('Batch smoke', () => {
  test('a decorated per-item method runs over every item and keeps its inner form', async () => {
    const labels = ndarray(Float64Array.from([1, 2, 3]), [3]);
    const batch = new SmokeBatch(new DatasetIndex(3), { preloaded: { labels } });
    await batch.actions.addOne();
    expect(Array.from(batch.labels.data as Float64Array)).toEqual([2, 3, 4]);
    expect((batch as unknown as { _addOne_(x: number): number })._addOne_(10)).toBe(11);
  });
});
