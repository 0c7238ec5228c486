/**
 * An image action's result written straight into the item's output row (`context.output`): the
 * kernels get an allocator giving that row, and the action returns the row's own ndarray, so the
 * assembled `images` component needs no copy of it.
 * @module
 */
import type { ItemContext } from '../engines/item-task.js';
import type { NDArray } from '../ndarray/ndarray-utils.js';
import { blankLike, toNdArray, type ImageAllocator, type PixelData, type Pixels } from './pixels.js';

/** The output of one item of an image action. */
export interface ItemImage {
  /** Gives the image the kernel writes the result into. */
  readonly allocate: ImageAllocator;
  /** The ndarray of the kernel's result (the output row itself when the result is in it). */
  result(pixels: Pixels): NDArray;
}

/**
 * The output of the item `context` belongs to; without a context (an action's item function called
 * directly, as `_flip_`), results get arrays of their own.
 */
export function itemImage(context: ItemContext | undefined): ItemImage {
  if (context === undefined) return { allocate: blankLike, result: toNdArray };
  let given: { data: PixelData; array: NDArray } | null = null;
  return {
    allocate: (like, height, width) => {
      const shape = like.flat ? [height, width] : [height, width, like.channels];
      const array = context.output(shape, like.dtype) as unknown as NDArray;
      const size = height * width * like.channels;
      const data = (array.data as unknown as PixelData).subarray(array.offset, array.offset + size);
      given = { data, array };
      return { data, height, width, channels: like.channels, flat: like.flat, dtype: like.dtype };
    },
    result: (pixels) => (given !== null && pixels.data === given.data ? given.array : toNdArray(pixels)),
  };
}
