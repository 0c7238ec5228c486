/**
 * `ImagesBatch`: BatchFlow's image batch. Components `images` (and optional `masks`, `labels`); an
 * image is an H×W×C or H×W ndarray of uint8 (0..255) or float32/float64 (usually 0..1). Every action
 * is written for one image (`@applyParallel`, `src: 'images'` by default, any engine, `p`); random
 * parts (origin 'random', salt, noise, elastic fields) draw from the item's own generator, so results
 * are the same on every engine. Give `src: ['images', 'masks']` to apply an action to both components
 * with the same random draws.
 * @module
 */
import { Batch } from '../batch/batch.js';
import { applyParallel } from '../decorators/apply-parallel.js';
import type { ParallelDecoratorOptions } from '../decorators/parallel-options.js';
import type { ItemContext } from '../engines/item-task.js';
import { ArgumentError } from '../errors.js';
import type { NDArray } from '../ndarray/ndarray-utils.js';
import { stackNdArrays } from '../ndarray/ndarray-utils.js';
import { imageDefaults as D } from './defaults.js';
import { enhancePixels } from './enhance.js';
import { cropPixels, fillBox, flipPixels, padPixels, pastePixels, shiftPixels, splitPixels } from './geometry.js';
import { rotatePixels } from './affine.js';
import { elasticPixels } from './elastic.js';
import { calcOrigin, type Origin } from './origin.js';
import type * as O from './options.js';
import { arithmeticPixels, clipPixels, invertPixels, noiseSampler, posterizePixels, saltPixels, type ArithmeticOptions } from './pixel-ops.js';
import { blankLike, perChannel, readImage, sizePair, toNdArray, unitInterval, type Pixels } from './pixels.js';
import { checkResample, resizePixels } from './resample.js';
import { itemImage } from './item-images.js';

/** The options of an action with its defaults filled in. */
type Filled<T, K extends keyof typeof D> = T & (typeof D)[K];

function filled<T extends object, K extends keyof typeof D>(key: K, options: T): Filled<T, K> {
  return { ...D[key], ...options } as Filled<T, K>;
}

function borders(border: NonNullable<O.PadOptions['border']>): number[] {
  const list = typeof border === 'number' ? [border, border, border, border] : border.length === 2 ? [border[0], border[1], border[0], border[1]] : [...border];
  if (list.length !== 4 || list.some((v) => !Number.isInteger(v) || v < 0))
    throw new ArgumentError('border', `expected a non-negative integer, [leftRight, topBottom] or [left, top, right, bottom], got ${JSON.stringify(border)}`);
  return list;
}

function arithmetic(options: { clip: boolean; preserveType: boolean }): ArithmeticOptions {
  return { clip: options.clip === true, preserveType: options.preserveType === true };
}

/** BatchFlow's `_preserve_shape`: the part of `image` at `origin` in a blank image of `shape`. */
function preserveShape(image: Pixels, shape: [number, number], origin: Origin, context: ItemContext): Pixels {
  const rng = (): ItemContext['rng'] => context.rng;
  const cropped = cropPixels(image, calcOrigin(shape, origin, [image.height, image.width], rng), shape, true);
  return pastePixels(blankLike(image, shape[0], shape[1]), cropped, calcOrigin([cropped.height, cropped.width], origin, shape, rng));
}

function resizeShape(size: O.ResizeOptions['size'], pixels: Pixels): [number, number] {
  const ok = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isInteger(v) && v > 0);
  if (!Array.isArray(size) || size.length !== 2 || !ok(size[0]) || !ok(size[1]) || (size[0] === null && size[1] === null))
    throw new ArgumentError('size', `expected [rows, columns] of positive integers (one may be null), got ${JSON.stringify(size)}`);
  const [rows, columns] = size;
  if (rows === null) return [Math.max(1, Math.trunc((pixels.height * columns!) / pixels.width)), columns!];
  if (columns === null) return [rows, Math.max(1, Math.trunc((pixels.width * rows) / pixels.height))];
  return [rows, columns];
}

const images = (defaults: ParallelDecoratorOptions): ParallelDecoratorOptions => ({ src: 'images', ...defaults });

/**
 * A batch of images with BatchFlow's image actions. Subclass it to add your own actions, or use it
 * as it is:
 * @example
 * ```ts
 * const batch = ImagesBatch.fromData(null, { images }); // n×H×W×C uint8
 * await batch.actions.crop({ origin: 'random', shape: [224, 224] });
 * await batch.actions.flip({ mode: 'lr', p: 0.5 });
 * ```
 */
export class ImagesBatch extends Batch {
  static override components = ['images', 'masks', 'labels'] as const;
  /** n×H×W×C (or n×H×W) images; a plain array of ndarrays when their shapes differ. */
  declare images: NDArray | NDArray[];
  /** Masks, shaped like the images (optional). */
  declare masks: NDArray | NDArray[] | null;
  /** One label per image (optional). */
  declare labels: NDArray | unknown[] | null;

  /** Mirrors images left/right or upside down (`ImageOps.mirror` / `flip`). */
  @applyParallel(images({ ...D.flip, summary: 'Flips images left/right or upside down.' }))
  flip(image: NDArray, options: O.FlipOptions, context?: ItemContext): NDArray {
    const output = itemImage(context);
    return output.result(flipPixels(readImage(image), filled('flip', options).mode, output.allocate));
  }

  /** Cuts a box of `shape` at `origin` out of each image (`Image.crop`). */
  @applyParallel(images({ ...D.crop, requiresRng: true, summary: 'Crops a box at an origin (coordinates, a name or random).' }))
  crop(image: NDArray, options: O.CropOptions, context: ItemContext): NDArray {
    const o = filled('crop', options);
    const pixels = readImage(image);
    const shape = sizePair(o.shape, 'shape');
    const origin = calcOrigin(shape, o.origin, [pixels.height, pixels.width], () => context.rng);
    const output = itemImage(context);
    return output.result(cropPixels(pixels, origin, shape, o.cropBoundaries, output.allocate));
  }

  /** Adds borders (`ImageOps.expand`). */
  @applyParallel(images({ ...D.pad, summary: 'Pads images with borders of a color.' }))
  pad(image: NDArray, options: O.PadOptions): NDArray {
    const o = filled('pad', options);
    const pixels = readImage(image);
    return toNdArray(padPixels(pixels, borders(o.border), perChannel(o.fill, pixels.channels, 'fill')));
  }

  /** Moves the content by whole pixels, filling with 0 or wrapping around. */
  @applyParallel(images({ ...D.shift, summary: 'Shifts images by whole pixels.' }))
  shift(image: NDArray, options: O.ShiftOptions): NDArray {
    const o = filled('shift', options);
    const offset = o.offset;
    if (!Array.isArray(offset) || offset.length !== 2 || !offset.every((v) => Number.isInteger(v)))
      throw new ArgumentError('offset', `expected whole pixels [rows, columns], got ${JSON.stringify(offset)}`);
    return toNdArray(shiftPixels(readImage(image), [offset[0], offset[1]], o.mode));
  }

  /** Inverts all or some channels (`ImageChops.invert`). */
  @applyParallel(images({ ...D.invert, summary: 'Inverts channels.' }))
  invert(image: NDArray, options: O.InvertOptions): NDArray {
    const { channels } = filled('invert', options);
    return toNdArray(invertPixels(readImage(image), channels === 'all' ? 'all' : typeof channels === 'number' ? [channels] : channels));
  }

  /** Keeps the high bits of each value (`ImageOps.posterize`). */
  @applyParallel(images({ ...D.posterize, summary: 'Posterizes images to 2^bits levels per channel.' }))
  posterize(image: NDArray, options: O.PosterizeOptions): NDArray {
    return toNdArray(posterizePixels(readImage(image), filled('posterize', options).bits));
  }

  /** Fills a box with a color. */
  @applyParallel(images({ requiresRng: true, summary: 'Fills a box at an origin with a color.' }))
  cutout(image: NDArray, options: O.CutoutOptions, context: ItemContext): NDArray {
    const pixels = readImage(image);
    const shape = sizePair(options.shape, 'shape');
    const origin = calcOrigin(shape, options.origin, [pixels.height, pixels.width], () => context.rng);
    return toNdArray(fillBox(pixels, origin, shape, perChannel(options.color, pixels.channels, 'color')));
  }

  /** Limits values to [low, high] per channel. */
  @applyParallel(images({ ...D.clip, summary: 'Clips values to [low, high].' }))
  clip(image: NDArray, options: O.ClipOptions): NDArray {
    const o = filled('clip', options);
    const pixels = readImage(image);
    return toNdArray(clipPixels(pixels, perChannel(o.low, pixels.channels, 'low'), perChannel(o.high, pixels.channels, 'high')));
  }

  /** Adds a term to every value (float32 result unless `preserveType`). */
  @applyParallel(images({ ...D.add, summary: 'Adds a term to every value.' }))
  add(image: NDArray, options: O.AddOptions): NDArray {
    const o = filled('add', options);
    const pixels = readImage(image);
    const term = perChannel(o.term, pixels.channels, 'term');
    return toNdArray(arithmeticPixels(pixels, 'add', (k) => term[k % pixels.channels]!, arithmetic(o)));
  }

  /** Multiplies every value (float32 result unless `preserveType`). */
  @applyParallel(images({ ...D.multiply, summary: 'Multiplies every value.' }))
  multiply(image: NDArray, options: O.MultiplyOptions): NDArray {
    const o = filled('multiply', options);
    const pixels = readImage(image);
    const factor = perChannel(o.multiplier, pixels.channels, 'multiplier');
    return toNdArray(arithmeticPixels(pixels, 'multiply', (k) => factor[k % pixels.channels]!, arithmetic(o)));
  }

  /** Pastes each image on a copy of a background (`Image.paste`, with an optional mask). */
  @applyParallel(images({ ...D.putOnBackground, requiresRng: true, summary: 'Puts images on a background at an origin.' }))
  putOnBackground(image: NDArray, options: O.PutOnBackgroundOptions, context: ItemContext): NDArray {
    const o = filled('putOnBackground', options);
    const pixels = readImage(image);
    const background = readImage(o.background, 'background');
    if (background.dtype !== pixels.dtype) throw new ArgumentError('background', `expected ${pixels.dtype} pixels like the image, got ${background.dtype}`);
    const origin = calcOrigin([pixels.height, pixels.width], o.origin, [background.height, background.width], () => context.rng);
    const mask = o.mask ? readImage(o.mask, 'mask') : undefined;
    return toNdArray(pastePixels(background, pixels, origin, mask, false));
  }

  /** Cuts each image into patches; each item becomes a P×h×w(×C) stack of its patches. */
  @applyParallel(images({ ...D.splitToPatches, summary: 'Splits images into patches (one stack per item).' }))
  splitToPatches(image: NDArray, options: O.SplitToPatchesOptions): NDArray {
    const o = filled('splitToPatches', options);
    const patches = splitPixels(readImage(image), sizePair(o.patchShape, 'patchShape'), sizePair(o.stride, 'stride'), o.dropLast);
    return stackNdArrays(patches.map(toNdArray));
  }

  /** Sets random pixels to a color. */
  @applyParallel(images({ ...D.salt, requiresRng: true, summary: 'Salts random pixels with a color.' }))
  salt(image: NDArray, options: O.SaltOptions, context: ItemContext): NDArray {
    const o = filled('salt', options);
    const pixels = readImage(image);
    const color = perChannel(o.color, pixels.channels, 'color');
    return toNdArray(saltPixels(pixels, unitInterval(o.pNoise, 'pNoise'), color, sizePair(o.size, 'size'), context.rng));
  }

  /** Adds noise drawn from a distribution, one draw per value. */
  @applyParallel(images({ ...D.noise, requiresRng: true, summary: 'Adds noise from a distribution.' }))
  additiveNoise(image: NDArray, options: O.NoiseOptions, context: ItemContext): NDArray {
    const o = filled('noise', options);
    const draw = noiseSampler(o.noise, context.rng);
    return toNdArray(arithmeticPixels(readImage(image), 'add', draw, arithmetic(o)));
  }

  /** Multiplies by noise drawn from a distribution, one draw per value. */
  @applyParallel(images({ ...D.noise, requiresRng: true, summary: 'Multiplies by noise from a distribution.' }))
  multiplicativeNoise(image: NDArray, options: O.NoiseOptions, context: ItemContext): NDArray {
    const o = filled('noise', options);
    const draw = noiseSampler(o.noise, context.rng);
    return toNdArray(arithmeticPixels(readImage(image), 'multiply', draw, arithmetic(o)));
  }

  /** Pillow's `ImageEnhance` Color (h), Contrast (c), Brightness (b) and Sharpness (s), in `layout` order. */
  @applyParallel(images({ ...D.enhance, summary: 'Enhances color, contrast, brightness and sharpness.' }))
  enhance(image: NDArray, options: O.EnhanceOptions): NDArray {
    const o = filled('enhance', options);
    const factors = typeof o.factor === 'number' ? new Array<number>(o.layout.length).fill(o.factor) : [...o.factor];
    return toNdArray(enhancePixels(readImage(image), o.layout, factors));
  }

  /** Resizes images with one of Pillow's filters (`Image.resize`). */
  @applyParallel(images({ ...D.resize, summary: 'Resizes images (Pillow filters).' }))
  resize(image: NDArray, options: O.ResizeOptions, context?: ItemContext): NDArray {
    const o = filled('resize', options);
    const pixels = readImage(image);
    const output = itemImage(context);
    return output.result(resizePixels(pixels, resizeShape(o.size, pixels), checkResample(o.resample), output.allocate));
  }

  /** Scales images by a factor, optionally back into the original shape. */
  @applyParallel(images({ ...D.scale, requiresRng: true, summary: 'Scales images by a factor.' }))
  scale(image: NDArray, options: O.ScaleOptions, context: ItemContext): NDArray {
    const o = filled('scale', options);
    const pixels = readImage(image);
    const factors = typeof o.factor === 'number' ? [o.factor, o.factor] : o.factor;
    if (!Array.isArray(factors) || factors.length !== 2 || factors.some((f) => typeof f !== 'number' || !(f > 0) || !Number.isFinite(f)))
      throw new ArgumentError('factor', `expected a positive number or [rows, columns] factors, got ${JSON.stringify(o.factor)}`);
    const shape: [number, number] = [Math.ceil(pixels.height * factors[0]!), Math.ceil(pixels.width * factors[1]!)];
    const scaled = resizePixels(pixels, shape, checkResample(o.resample));
    return toNdArray(o.preserveShape ? preserveShape(scaled, [pixels.height, pixels.width], o.origin, context) : scaled);
  }

  /** Rotates images counter-clockwise (`Image.rotate`). */
  @applyParallel(images({ ...D.rotate, summary: 'Rotates images by an angle.' }))
  rotate(image: NDArray, options: O.RotateOptions, context: ItemContext): NDArray {
    const o = filled('rotate', options);
    const pixels = readImage(image);
    if (typeof o.angle !== 'number' || !Number.isFinite(o.angle))
      throw new ArgumentError('angle', `expected a finite number of degrees, got ${JSON.stringify(o.angle)}`);
    const center = o.center;
    if (center !== undefined && (!Array.isArray(center) || center.length !== 2 || !center.every((v) => typeof v === 'number' && Number.isFinite(v))))
      throw new ArgumentError('center', `expected [row, column], got ${JSON.stringify(center)}`);
    const resample = checkResample(o.resample, ['nearest', 'bilinear', 'bicubic']) as O.RotateOptions['resample'] & string;
    const output = itemImage(o.preserveShape && o.expand ? undefined : context);
    const rotated = rotatePixels(pixels, o.angle, { resample, expand: o.expand, center, fill: perChannel(o.fill, pixels.channels, 'fill') }, output.allocate);
    const keep = o.preserveShape && (rotated.height !== pixels.height || rotated.width !== pixels.width);
    return output.result(keep ? preserveShape(rotated, [pixels.height, pixels.width], 'center', context) : rotated);
  }

  /** Elastic deformation: random displacement fields smoothed by a Gaussian (Simard et al. 2003). */
  @applyParallel(images({ requiresRng: true, summary: 'Deforms images with smooth random displacement fields.' }))
  elasticTransform(image: NDArray, options: O.ElasticTransformOptions, context: ItemContext): NDArray {
    return toNdArray(elasticPixels(readImage(image), options.alpha, options.sigma, context.rng));
  }
}
