/**
 * The option types of the `ImagesBatch` actions (each also takes the parallel options: `src`, `dst`,
 * `p`, `target`, …). Sizes and positions are `[rows, columns]`, as numpy indexes an image.
 * @module
 */
import type { NDArray } from '../ndarray/ndarray-utils.js';
import type { Origin } from './origin.js';
import type { NoiseSpec } from './pixel-ops.js';
import type { Resample } from './resample.js';

/** A size: `[rows, columns]`, or one number for a square. */
export type SizeOption = number | readonly [number, number];
/** A value for every channel, or one value per channel. */
export type ColorOption = number | readonly number[];

/** Options of `flip`. */
export interface FlipOptions {
  /** 'lr' mirrors left/right, 'ud' upside down (default 'lr'). */
  mode?: 'lr' | 'ud';
}
/** Options of `crop`. */
export interface CropOptions {
  /** Where the box is: a name ('center', 'top_left', 'top_right', 'bottom_left', 'bottom_right', 'random'), `[row, column]`, or fractions in [0, 1) of the free room. */
  origin: Origin;
  /** The crop's `[rows, columns]`. */
  shape: SizeOption;
  /** Cut the box to the image (the crop may be smaller) instead of filling outside pixels with 0 (default false). */
  cropBoundaries?: boolean;
}
/** Options of `pad`. */
export interface PadOptions {
  /** Border widths: one for all sides, `[leftRight, topBottom]` or `[left, top, right, bottom]` (default 0). */
  border?: number | readonly [number, number] | readonly [number, number, number, number];
  /** The border's color (default 0). */
  fill?: ColorOption;
}
/** Options of `shift`. */
export interface ShiftOptions {
  /** Whole pixels `[rows, columns]` to move the content by (positive: down, right). */
  offset: readonly [number, number];
  /** 'const' fills the uncovered part with 0, 'wrap' rolls the image around (default 'const'). */
  mode?: 'const' | 'wrap';
}
/** Options of `invert`. */
export interface InvertOptions {
  /** 'all' or the channel indices to invert (default 'all'). */
  channels?: 'all' | number | readonly number[];
}
/** Options of `posterize`. */
export interface PosterizeOptions {
  /** Bits kept per 8-bit value, 1–8 (default 4). */
  bits?: number;
}
/** Options of `cutout`. */
export interface CutoutOptions {
  /** Where the box is (see `crop`). */
  origin: Origin;
  /** The box's `[rows, columns]`. */
  shape: SizeOption;
  /** The fill color. */
  color: ColorOption;
}
/** Options of `clip`. */
export interface ClipOptions {
  /** Lower bound, per channel or for all (default 0). */
  low?: ColorOption;
  /** Upper bound, per channel or for all (default 255). */
  high?: ColorOption;
}
/** Options of `add`. */
export interface AddOptions {
  /** Added to every value; one per channel or one for all (default 1). */
  term?: ColorOption;
  /** Keep values in the input dtype's range ([0, 255] for uint8, [0, 1] for float images; default false). */
  clip?: boolean;
  /** Keep the input dtype (default false: the result is float32). */
  preserveType?: boolean;
}
/** Options of `multiply`. */
export interface MultiplyOptions {
  /** Every value is multiplied by it; one per channel or one for all (default 1). */
  multiplier?: ColorOption;
  /** See `add` (default false). */
  clip?: boolean;
  /** See `add` (default false). */
  preserveType?: boolean;
}
/** Options of `putOnBackground`. */
export interface PutOnBackgroundOptions {
  /** The background (H×W×C or H×W, same channels and dtype as the images); each item is pasted on a copy. */
  background: NDArray;
  /** Where the image goes on the background (see `crop`). */
  origin: Origin;
  /** An H×W uint8 mask of the image's size (0: background, 255: image), as Pillow's `paste` (default none). */
  mask?: NDArray | null;
}
/** Options of `splitToPatches`. */
export interface SplitToPatchesOptions {
  /** Each patch's `[rows, columns]`. */
  patchShape: SizeOption;
  /** Step of the moving window (default 1). */
  stride?: SizeOption;
  /** Drop what the stride leaves at the right/bottom instead of adding a window flush with the edge (default false). */
  dropLast?: boolean;
}
/** Options of `salt`. */
export interface SaltOptions {
  /** Probability that a pixel is salted (default 0.015). */
  pNoise?: number;
  /** The salt's color (default 255). */
  color?: ColorOption;
  /** The salt's `[rows, columns]` from each chosen pixel (default 1). */
  size?: SizeOption;
}
/** Options of `additiveNoise` / `multiplicativeNoise`. */
export interface NoiseOptions {
  /** The distribution, drawn once per value from the item's generator. */
  noise: NoiseSpec;
  /** See `add` (default false). */
  clip?: boolean;
  /** See `add` (default false). */
  preserveType?: boolean;
}
/** Options of `enhance`. */
export interface EnhanceOptions {
  /** Enhancements in order: h color, c contrast, b brightness, s sharpness (default 'hcbs'). */
  layout?: string;
  /** One factor per letter of `layout`, or one for all (1 changes nothing; default [1, 1, 1, 1]). */
  factor?: number | readonly number[];
}
/** Options of `resize`. */
export interface ResizeOptions {
  /** The new `[rows, columns]`; one of them may be null to keep the aspect ratio. */
  size: readonly [number | null, number | null];
  /** Pillow's filter: 'nearest', 'box', 'bilinear', 'hamming', 'bicubic' or 'lanczos' (default 'bicubic', Pillow's default). */
  resample?: Resample;
}
/** Options of `scale`. */
export interface ScaleOptions {
  /** The new shape is `ceil(shape · factor)`; one factor or `[rows, columns]`. */
  factor: number | readonly [number, number];
  /** Crop or pad the result back to the original shape (default false). */
  preserveShape?: boolean;
  /** Where the scaled image sits in the original shape with `preserveShape` (default 'center'). */
  origin?: Origin;
  /** Pillow's filter (default 'nearest'). */
  resample?: Resample;
}
/** Options of `rotate`. */
export interface RotateOptions {
  /** Degrees, counter-clockwise. */
  angle: number;
  /** 'nearest' (default), 'bilinear' or 'bicubic'. */
  resample?: 'nearest' | 'bilinear' | 'bicubic';
  /** Make the output large enough for the whole rotated image (default false). */
  expand?: boolean;
  /** With `expand`, cut the result back to the original shape around its centre (default true). */
  preserveShape?: boolean;
  /** Centre of rotation `[row, column]` (default: the image's centre). */
  center?: readonly [number, number];
  /** Color of the corners that come from outside the image (default 0). */
  fill?: ColorOption;
}
/** Options of `elasticTransform`. */
export interface ElasticTransformOptions {
  /** Largest displacement scale, in pixels. */
  alpha: number;
  /** Smoothness of the displacement fields (the Gaussian's sigma, in pixels). */
  sigma: number;
}
