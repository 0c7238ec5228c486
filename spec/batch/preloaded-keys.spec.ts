/**
 * `preloaded` records are checked against the batch class's components when the Dataset or Batch
 * is built: a misspelled name is an error naming it and listing the components. Classes without
 * components (null) accept any keys.
 */
import { describe, expect, test } from '@jest/globals';
import { Batch, ComponentError, Dataset, zeros, type NDArray } from '../../src/index.js';

class ImagesBatch extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray;
  declare labels: NDArray;
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return null;
}

describe('preloaded keys must be components', () => {
  test('new Dataset(n, { batchClass, preloaded: { imagez } }) fails at once, naming the key and the components', () => {
    const preloaded = new Map<string, unknown>([
      ['imagez', zeros([4, 2, 2])],
      ['labels', zeros([4])],
    ]);
    const error = errorOf(() => new Dataset(4, { batchClass: ImagesBatch, preloaded }));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('imagez');
    expect((error as Error).message).toContain("'imagez' is not a component of ImagesBatch");
    expect((error as Error).message).toContain('components: images, labels');
    expect((error as Error).message).toContain("'images' would get no data");
  });

  test('a record with a misspelled key is refused too (the type refuses it as well)', () => {
    const error = errorOf(
      () =>
        new Dataset(4, {
          batchClass: ImagesBatch,
          // @ts-expect-error 'imagez' is not a component of ImagesBatch
          preloaded: { imagez: zeros([4, 2, 2]), labelz: zeros([4]) },
        }),
    );
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as Error).message).toContain("'imagez', 'labelz' are not components of ImagesBatch");
  });

  test('new Batch(index, { preloaded }) checks the keys as well', () => {
    const error = errorOf(() => new ImagesBatch([0, 1], { preloaded: { images: zeros([2, 2, 2]), masks: zeros([2]) } }));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('masks');
  });

  test('extra keys next to every component are ignored (a table with more columns than the class needs)', () => {
    const preloaded = new Map<string, unknown>([
      ['images', zeros([4, 2, 2])],
      ['labels', zeros([4])],
      ['notes', zeros([4])],
    ]);
    const batch = new Dataset(4, { batchClass: ImagesBatch, preloaded }).createBatch([0, 3]);
    expect(batch.components).toEqual(['images', 'labels']);
    expect(batch.labels.shape).toEqual([2]);
  });

  test('a component name held as a non-enumerable property is not a key: a misspelled key next to it is still refused', () => {
    const preloaded: Record<string, unknown> = { images: zeros([4, 2, 2]), labelz: zeros([4]) };
    Object.defineProperty(preloaded, 'labels', { value: zeros([4]), enumerable: false });
    const error = errorOf(() => new Dataset(4, { batchClass: ImagesBatch, preloaded }));
    expect(error).toBeInstanceOf(ComponentError);
    expect((error as ComponentError).component).toBe('labelz');
    expect((error as Error).message).toContain("'labels' would get no data");
  });

  test('correct keys still load; a class without components accepts any keys', () => {
    const dataset = new Dataset(4, { batchClass: ImagesBatch, preloaded: { images: zeros([4, 2, 2]) } });
    const batch = dataset.createBatch([1, 2]);
    expect(batch.images.shape).toEqual([2, 2, 2]);
    expect(batch.labels).toBeNull();
    const free = new Dataset(3, { preloaded: { anything: zeros([3]) } }).createBatch([0, 2]);
    expect(Object.keys(free.data as object)).toEqual(['anything']);
  });
});
