/**
 * The pixel data the image actions work on: an H×W (grayscale) or H×W×C image as one contiguous
 * typed array in row-major order, with its layout. Actions read an item with {@link readImage},
 * compute into a {@link blankLike} image and return it with {@link toNdArray}.
 * @module
 */
import ndarray from 'ndarray';
import { ArgumentError } from '../errors.js';
import { dtypeOf, type NDArray } from '../ndarray/ndarray-utils.js';

/** Element types an image may have: 8-bit (0..255) or floating point (any range, usually 0..1). */
export type ImageDtype = 'uint8' | 'float32' | 'float64';

/** The typed array of an image's pixels. */
export type PixelData = Uint8Array | Float32Array | Float64Array;

/** An image as contiguous row-major data: `data[(y * width + x) * channels + c]`. */
export interface Pixels {
  readonly data: PixelData;
  readonly height: number;
  readonly width: number;
  /** 1 for a grayscale image. */
  readonly channels: number;
  /** True for an H×W image (no channel axis). */
  readonly flat: boolean;
  readonly dtype: ImageDtype;
}

const constructors = { uint8: Uint8Array, float32: Float32Array, float64: Float64Array } as const;

function isStandardLayout(image: NDArray): boolean {
  let expected = 1;
  for (let axis = image.shape.length - 1; axis >= 0; axis--) {
    if (image.shape[axis]! > 1 && image.stride[axis] !== expected) return false;
    expected *= image.shape[axis]!;
  }
  return true;
}

interface ClonedNdArray {
  data: PixelData;
  shape: number[];
  stride: number[];
  offset: number;
}

/**
 * An ndarray given in an action's options reaches a worker as a structured clone: a plain object with
 * its fields but no methods. This makes it an ndarray again (anything else is returned as it is).
 */
function revive(value: unknown): NDArray {
  const cloned = value as ClonedNdArray;
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as NDArray).get !== 'function' &&
    ArrayBuffer.isView(cloned.data) &&
    Array.isArray(cloned.shape)
  )
    return ndarray(cloned.data as unknown as Float64Array, cloned.shape, cloned.stride, cloned.offset) as unknown as NDArray;
  return value as NDArray;
}

/**
 * The pixels of `image` (an H×W or H×W×C ndarray of uint8, float32 or float64). The data is shared
 * when the ndarray is already contiguous, copied otherwise: never write into it.
 */
export function readImage(image: unknown, argument = 'image'): Pixels {
  const array = revive(image);
  if (typeof image !== 'object' || image === null || !Array.isArray(array.shape) || typeof array.get !== 'function')
    throw new ArgumentError(argument, `expected an H×W or H×W×C ndarray, got ${image === null ? 'null' : typeof image}`);
  const dims = array.shape.length;
  if (dims !== 2 && dims !== 3) throw new ArgumentError(argument, `expected an H×W or H×W×C ndarray, got shape [${array.shape.join(', ')}]`);
  const dtype = dtypeOf(array);
  if (dtype !== 'uint8' && dtype !== 'float32' && dtype !== 'float64')
    throw new ArgumentError(argument, `expected uint8, float32 or float64 pixels, got ${dtype ?? 'a generic array'}`);
  const [height, width] = array.shape as [number, number];
  const channels = dims === 3 ? array.shape[2]! : 1;
  const size = height * width * channels;
  let data: PixelData;
  if (isStandardLayout(array)) {
    const source = array.data as unknown as PixelData;
    data = source.subarray(array.offset, array.offset + size);
  } else {
    data = new constructors[dtype](size);
    let k = 0;
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++)
        if (dims === 2) data[k++] = array.get(y, x);
        else for (let c = 0; c < channels; c++) data[k++] = array.get(y, x, c);
  }
  return { data, height, width, channels, flat: dims === 2, dtype };
}

/** A zero-filled image with the channels and dtype of `like`. */
export function blankLike(like: Pick<Pixels, 'channels' | 'flat' | 'dtype'>, height: number, width: number): Pixels {
  const data = new constructors[like.dtype](height * width * like.channels);
  return { data, height, width, channels: like.channels, flat: like.flat, dtype: like.dtype };
}

/**
 * Gives the zero-filled image a kernel writes its result into ({@link blankLike} by default; an action
 * passes one giving the item's output row, so the result needs no copy into the batch's array).
 */
export type ImageAllocator = (like: Pick<Pixels, 'channels' | 'flat' | 'dtype'>, height: number, width: number) => Pixels;

/** A copy of `image`'s pixels (contiguous, writable). */
export function copyPixels(image: Pixels): Pixels {
  return { ...image, data: image.data.slice() };
}

/** The ndarray of `pixels` (H×W or H×W×C, sharing its data). */
export function toNdArray(pixels: Pixels): NDArray {
  const shape = pixels.flat ? [pixels.height, pixels.width] : [pixels.height, pixels.width, pixels.channels];
  return ndarray(pixels.data as unknown as Float64Array, shape) as unknown as NDArray;
}

/** The top of the dtype's usual range: 255 for uint8, 1 for floating-point images. */
export function maxValue(dtype: ImageDtype): number {
  return dtype === 'uint8' ? 255 : 1;
}

/**
 * One value per channel from a number or a per-channel list (`argument` names the option): a list
 * must have one value per channel.
 */
export function perChannel(value: number | readonly number[], channels: number, argument: string): number[] {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new ArgumentError(argument, `expected a finite number, got ${value}`);
    return new Array<number>(channels).fill(value);
  }
  if (!Array.isArray(value) || value.length !== channels || value.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
    throw new ArgumentError(argument, `expected a number or one number per channel (${channels}), got ${JSON.stringify(value)}`);
  return [...value];
}

/** A positive integer pair `[rows, columns]` from a number or a pair (`argument` names the option). */
export function sizePair(value: number | readonly [number, number], argument: string, allowZero = false): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  const ok = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v) && (allowZero ? v >= 0 : v > 0);
  if (!Array.isArray(pair) || pair.length !== 2 || !ok(pair[0]) || !ok(pair[1]))
    throw new ArgumentError(argument, `expected ${allowZero ? 'a non-negative' : 'a positive'} integer or [rows, columns], got ${JSON.stringify(value)}`);
  return [pair[0] as number, pair[1] as number];
}

/** Checks the action's probability-like option `value` is in [0, 1]. */
export function unitInterval(value: number, argument: string): number {
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw new ArgumentError(argument, `expected a number in [0, 1], got ${JSON.stringify(value)}`);
  return value;
}
