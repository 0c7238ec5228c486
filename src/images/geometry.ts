/**
 * Geometric operations without interpolation, on {@link Pixels}: flip, crop, paste (with an optional
 * mask), pad, shift by whole pixels, fill a box, split into patches. Each returns a new image; the
 * results equal Pillow's (`ImageOps.mirror/flip/expand`, `Image.crop/paste`, `ImageChops.offset`)
 * pixel for pixel.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { mirrorWasm, useWasmMirror } from './geometry-wasm.js';
import { blankLike, copyPixels, type ImageAllocator, type Pixels } from './pixels.js';

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/**
 * Mirrors RGB uint8 rows whose length is a multiple of 4 pixels, four pixels (three 32-bit words) at
 * a time: the words of pixels p0..p3 become those of p3..p0.
 */
function mirrorRgbWords(data: Uint8Array, out: Uint8Array, height: number, width: number): void {
  const source = new Uint32Array(data.buffer, data.byteOffset, data.length >> 2);
  const target = new Uint32Array(out.buffer, out.byteOffset, out.length >> 2);
  const rowWords = (width * 3) >> 2;
  for (let rowStart = 0; rowStart < height * rowWords; rowStart += rowWords) {
    const rowEnd = rowStart + rowWords;
    for (let to = rowStart, from = rowEnd - 3; to < rowEnd; to += 3, from -= 3) {
      // bytes, low to high — in: r0 g0 b0 r1 | g1 b1 r2 g2 | b2 r3 g3 b3; out: r3 g3 b3 r2 | g2 b2 r1 g1 | b1 r0 g0 b0
      const a = source[from]!;
      const b = source[from + 1]!;
      const c = source[from + 2]!;
      target[to] = (c >>> 8) | ((b & 0xff0000) << 8);
      target[to + 1] = (b >>> 24) | ((c & 0xff) << 8) | ((a >>> 24) << 16) | ((b & 0xff) << 24);
      target[to + 2] = ((b >>> 8) & 0xff) | ((a & 0xffffff) << 8);
    }
  }
}

/** Mirrors an image left/right (`'lr'`) or upside down (`'ud'`), into an image from `allocate`. */
export function flipPixels(image: Pixels, mode: 'lr' | 'ud', allocate: ImageAllocator = blankLike): Pixels {
  if (mode !== 'lr' && mode !== 'ud') throw new ArgumentError('mode', `expected 'lr' or 'ud', got ${JSON.stringify(mode)}`);
  const { height, width, channels, data } = image;
  const out = allocate(image, height, width);
  if (mode === 'lr' && useWasmMirror(image) && mirrorWasm(data as Uint8Array, height, width, channels as 3 | 4, out.data as Uint8Array) !== null) return out;
  const row = width * channels;
  if (mode === 'ud') {
    for (let y = 0; y < height; y++) out.data.set(data.subarray((height - 1 - y) * row, (height - y) * row), y * row);
    return out;
  }
  const target = out.data;
  if (channels === 3 && image.dtype === 'uint8' && width % 4 === 0 && data.byteOffset % 4 === 0 && littleEndian) {
    mirrorRgbWords(data as Uint8Array, target as Uint8Array, height, width);
    return out;
  }
  for (let base = 0; base < height * row; base += row) {
    const end = base + row;
    if (channels === 3) {
      for (let to = base, from = end - 3; to < end; to += 3, from -= 3) {
        const r = data[from]!;
        const g = data[from + 1]!;
        const b = data[from + 2]!;
        target[to] = r;
        target[to + 1] = g;
        target[to + 2] = b;
      }
      continue;
    }
    for (let to = base, from = end - channels; to < end; to += channels, from -= channels) for (let c = 0; c < channels; c++) target[to + c] = data[from + c]!;
  }
  return out;
}

/**
 * The `rows`×`columns` box at `[top, left]` (it may reach outside the image: those pixels are 0, as
 * Pillow's `crop`). With `keepInside`, the box is first cut to the image (the result may be smaller).
 * The result is an image from `allocate`.
 */
export function cropPixels(
  image: Pixels,
  [top, left]: readonly [number, number],
  [rows, columns]: readonly [number, number],
  keepInside = false,
  allocate: ImageAllocator = blankLike,
): Pixels {
  let bottom = top + rows;
  let right = left + columns;
  if (keepInside) {
    top = Math.max(0, top);
    left = Math.max(0, left);
    bottom = Math.min(image.height, bottom);
    right = Math.min(image.width, right);
  }
  const out = allocate(image, Math.max(0, bottom - top), Math.max(0, right - left));
  return pastePixels(out, image, [-top, -left]);
}

/**
 * Pastes `image` onto a copy of `background` with its top-left corner at `[row, column]` (parts
 * outside the background are cut off). `mask` (H×W of `image`, uint8 0..255) blends as Pillow does:
 * `(image·m + background·(255 − m)) / 255`, rounded.
 */
export function pastePixels(background: Pixels, image: Pixels, [row, column]: readonly [number, number], mask?: Pixels, inPlace = true): Pixels {
  if (image.channels !== background.channels)
    throw new ArgumentError('background', `the image has ${image.channels} channel(s) and the background ${background.channels}: they must match`);
  if (mask && (mask.height !== image.height || mask.width !== image.width || mask.channels !== 1))
    throw new ArgumentError(
      'mask',
      `expected an H×W mask of the image's size ${image.height}×${image.width}, got ${mask.height}×${mask.width}×${mask.channels}`,
    );
  const out = inPlace ? background : copyPixels(background);
  const channels = image.channels;
  const y0 = Math.max(0, row);
  const y1 = Math.min(background.height, row + image.height);
  const x0 = Math.max(0, column);
  const x1 = Math.min(background.width, column + image.width);
  if (y1 <= y0 || x1 <= x0) return out;
  const uint8 = out.dtype === 'uint8';
  for (let y = y0; y < y1; y++) {
    const source = ((y - row) * image.width + (x0 - column)) * channels;
    const target = (y * background.width + x0) * channels;
    const count = (x1 - x0) * channels;
    if (!mask) {
      out.data.set(image.data.subarray(source, source + count), target);
      continue;
    }
    const maskBase = (y - row) * image.width + (x0 - column);
    for (let x = 0; x < x1 - x0; x++) {
      const m = mask.dtype === 'uint8' ? mask.data[maskBase + x]! : Math.round(mask.data[maskBase + x]! * 255);
      for (let c = 0; c < channels; c++) {
        const k = x * channels + c;
        const a = image.data[source + k]!;
        const b = out.data[target + k]!;
        if (uint8) {
          const t = a * m + b * (255 - m) + 128;
          out.data[target + k] = ((t >> 8) + t) >> 8;
        } else out.data[target + k] = (a * m + b * (255 - m)) / 255;
      }
    }
  }
  return out;
}

/** Adds borders: `[left, top, right, bottom]` pixels filled with `fill` (one value per channel), as `ImageOps.expand`. */
export function padPixels(image: Pixels, [left, top, right, bottom]: readonly number[], fill: readonly number[]): Pixels {
  const out = blankLike(image, image.height + top! + bottom!, image.width + left! + right!);
  if (fill.some((v) => v !== 0)) for (let k = 0; k < out.data.length; k++) out.data[k] = fill[k % image.channels]!;
  return pastePixels(out, image, [top!, left!]);
}

/**
 * Moves the content by `[rows, columns]` whole pixels (positive: down/right). `'const'` fills the
 * uncovered part with 0 (Pillow's affine shift), `'wrap'` rolls the image around (`ImageChops.offset`).
 */
export function shiftPixels(image: Pixels, [rows, columns]: readonly [number, number], mode: 'const' | 'wrap'): Pixels {
  if (mode === 'const') return pastePixels(blankLike(image, image.height, image.width), image, [rows, columns]);
  if (mode !== 'wrap') throw new ArgumentError('mode', `expected 'const' or 'wrap', got ${JSON.stringify(mode)}`);
  const { height, width, channels } = image;
  const out = blankLike(image, height, width);
  const dy = ((rows % height) + height) % height;
  const dx = ((columns % width) + width) % width;
  const row = width * channels;
  for (let y = 0; y < height; y++) {
    const from = y * row;
    const to = ((y + dy) % height) * row;
    out.data.set(image.data.subarray(from, from + (width - dx) * channels), to + dx * channels);
    out.data.set(image.data.subarray(from + (width - dx) * channels, from + row), to);
  }
  return out;
}

/** Fills the `rows`×`columns` box at `[top, left]` (cut to the image) with `color` (one value per channel). */
export function fillBox(image: Pixels, [top, left]: readonly [number, number], [rows, columns]: readonly [number, number], color: readonly number[]): Pixels {
  const out = copyPixels(image);
  const { channels, width } = image;
  for (let y = Math.max(0, top); y < Math.min(image.height, top + rows); y++)
    for (let x = Math.max(0, left); x < Math.min(width, left + columns); x++)
      for (let c = 0; c < channels; c++) out.data[(y * width + x) * channels + c] = color[c]!;
  return out;
}

/** Window starts along one axis: every `stride`, plus (unless `dropLast`) one flush with the end. */
function windowStarts(length: number, patch: number, stride: number, dropLast: boolean, axis: string): number[] {
  if (patch > length) throw new ArgumentError('patchShape', `the patch (${patch} ${axis}) is larger than the image (${length} ${axis})`);
  const starts: number[] = [];
  for (let start = 0; start <= length - patch; start += stride) starts.push(start);
  if (!dropLast && starts[starts.length - 1]! + patch !== length) starts.push(length - patch);
  return starts;
}

/**
 * Patches of `[rows, columns]` cut with a moving window of step `stride`, rows first. Without
 * `dropLast`, a last window flush with the right/bottom edge covers what the stride leaves over.
 */
export function splitPixels(image: Pixels, patch: readonly [number, number], stride: readonly [number, number], dropLast: boolean): Pixels[] {
  const patches: Pixels[] = [];
  for (const top of windowStarts(image.height, patch[0], stride[0], dropLast, 'rows'))
    for (const left of windowStarts(image.width, patch[1], stride[1], dropLast, 'columns')) patches.push(cropPixels(image, [top, left], patch));
  return patches;
}
