/**
 * `enhance`: Pillow's `ImageEnhance` (Color, Contrast, Brightness, Sharpness) on {@link Pixels}. Each
 * blends the image with a "degenerate" one, `degenerate + factor · (image − degenerate)`, as
 * `Image.blend` does (float32, truncated to uint8; clipped when the factor is outside [0, 1]). An alpha
 * channel (the 2nd of 2, the 4th of 4) is kept as it is.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { blankLike, copyPixels, type Pixels } from './pixels.js';

/** The enhancement letters of `layout`: h color (saturation), c contrast, b brightness, s sharpness. */
export const enhancements = { h: 'Color', c: 'Contrast', b: 'Brightness', s: 'Sharpness' } as const;

function colorChannels(image: Pixels): number {
  return image.channels === 2 || image.channels === 4 ? image.channels - 1 : image.channels;
}

/** Pillow's luminance ("L" conversion): `(299 R + 587 G + 114 B) / 1000` in 16-bit fixed point, rounded. */
function luminance(image: Pixels, pixel: number): number {
  const { data, channels } = image;
  if (channels < 3) return data[pixel * channels]!;
  const k = pixel * channels;
  if (image.dtype === 'uint8') return (data[k]! * 19595 + data[k + 1]! * 38470 + data[k + 2]! * 7471 + 0x8000) >> 16;
  return (data[k]! * 19595 + data[k + 1]! * 38470 + data[k + 2]! * 7471) / 65536;
}

function degenerate(image: Pixels, kind: keyof typeof enhancements): Pixels {
  const { height, width, channels } = image;
  const colors = colorChannels(image);
  const pixels = height * width;
  if (kind === 's') return smooth(image);
  const out = blankLike(image, height, width);
  let constant = 0;
  if (kind === 'c') {
    let sum = 0;
    for (let i = 0; i < pixels; i++) sum += luminance(image, i);
    constant = image.dtype === 'uint8' ? Math.trunc(sum / pixels + 0.5) : sum / pixels;
  }
  for (let i = 0; i < pixels; i++) {
    const value = kind === 'h' ? luminance(image, i) : constant;
    for (let c = 0; c < colors; c++) out.data[i * channels + c] = value;
  }
  return out;
}

/** Pillow's SMOOTH filter (3×3 kernel 1 1 1 / 1 5 1 / 1 1 1, divided by 13); border pixels are copied. */
function smooth(image: Pixels): Pixels {
  const out = copyPixels(image);
  const { height, width, channels, data } = image;
  const colors = colorChannels(image);
  const row = width * channels;
  const uint8 = image.dtype === 'uint8';
  for (let y = 1; y < height - 1; y++)
    for (let x = 1; x < width - 1; x++)
      for (let c = 0; c < colors; c++) {
        const k = y * row + x * channels + c;
        const sum =
          data[k - row - channels]! +
          data[k - row]! +
          data[k - row + channels]! +
          data[k - channels]! +
          5 * data[k]! +
          data[k + channels]! +
          data[k + row - channels]! +
          data[k + row]! +
          data[k + row + channels]!;
        const v = sum / 13;
        out.data[k] = uint8 ? Math.min(255, Math.max(0, Math.round(v))) : v;
      }
  return out;
}

function blend(base: Pixels, image: Pixels, factor: number): Pixels {
  const out = copyPixels(image);
  const colors = colorChannels(image);
  const alpha = Math.fround(factor);
  const inside = factor >= 0 && factor <= 1;
  for (let k = 0; k < out.data.length; k++) {
    if (k % image.channels >= colors) continue;
    const a = base.data[k]!;
    if (image.dtype !== 'uint8') {
      out.data[k] = a + factor * (image.data[k]! - a);
      continue;
    }
    const v = Math.fround(a + Math.fround(alpha * (image.data[k]! - a)));
    out.data[k] = inside ? Math.trunc(v) : v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
  }
  return out;
}

/** Applies the enhancements of `layout` in order, each with its factor (1 leaves the image as it is). */
export function enhancePixels(image: Pixels, layout: string, factors: readonly number[]): Pixels {
  if (typeof layout !== 'string' || layout.length !== factors.length)
    throw new ArgumentError('factor', `expected one factor per letter of layout '${String(layout)}' (${String(layout).length}), got ${factors.length}`);
  let out = image;
  for (let i = 0; i < layout.length; i++) {
    const letter = layout[i] as keyof typeof enhancements;
    if (!(letter in enhancements)) throw new ArgumentError('layout', `unknown enhancement '${layout[i]}' in '${layout}': expected letters of 'hcbs'`);
    const factor = factors[i]!;
    if (!Number.isFinite(factor)) throw new ArgumentError('factor', `expected finite numbers, got ${factor}`);
    out = blend(degenerate(out, letter), out, factor);
  }
  return out;
}
