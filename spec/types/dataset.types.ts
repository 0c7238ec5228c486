/**
 * Compile-only type tests of `preloaded` (Dataset constructor) and `fromData`: with components
 * declared `as const`, a record may only use those names. Checked by `tsc -p . --noEmit`; the
 * function is never called.
 */
import { Batch, Dataset, zeros, type NDArray } from '../../src/index.js';

export function typeChecks(): void {
  class ImagesBatch extends Batch {
    static override components = ['images', 'labels'] as const;
    declare images: NDArray;
    declare labels: NDArray;
  }
  const images = zeros([4, 2, 2]);

  new Dataset(4, { batchClass: ImagesBatch, preloaded: { images, labels: zeros([4]) } });
  new Dataset(4, { batchClass: ImagesBatch, preloaded: [images] });
  new Dataset(4, { batchClass: ImagesBatch, preloaded: new Map([['images', images]]) });
  // @ts-expect-error 'imagez' is not a component of ImagesBatch
  new Dataset(4, { batchClass: ImagesBatch, preloaded: { imagez: images } });
  // @ts-expect-error one good and one misspelled key
  new Dataset(4, { batchClass: ImagesBatch, preloaded: { images, label: zeros([4]) } });

  ImagesBatch.fromData(null, { images });
  // @ts-expect-error 'imagez' is not a component of ImagesBatch
  ImagesBatch.fromData(null, { imagez: images });

  // classes without declared components take any keys
  new Dataset(4, { preloaded: { imagez: images } });
  Batch.fromData(null, { x: images });
  const dataset: Dataset<ImagesBatch> = new Dataset(4, { batchClass: ImagesBatch, preloaded: { images } });
  void dataset;
}
