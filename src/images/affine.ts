/**
 * `rotate`: Pillow's `Image.rotate` on {@link Pixels} — the same matrix (rounded to 15 decimals), the
 * same fast paths (0°, 180°, and 90°/270° for square images or with `expand`), nearest neighbour in
 * 16.16 fixed point as Pillow's `affine_fixed`, and Pillow's bilinear/bicubic sampling (edge pixels
 * clamped, output truncated to uint8). Pixels mapped from outside the image get `fill`. Nearest
 * on RGB/RGBA uint8 runs in WebAssembly (`affine-wasm.ts`, the same integer steps) where available.
 * @module
 */
import { rotateNearestWasm, useWasmNearest } from './affine-wasm.js';
import { blankLike, type ImageAllocator, type PixelData, type Pixels } from './pixels.js';

/** Options of {@link rotatePixels}. */
export interface RotateSettings {
  readonly resample: 'nearest' | 'bilinear' | 'bicubic';
  readonly expand: boolean;
  /** Centre of rotation `[row, column]` in pixel coordinates (default: the image's centre). */
  readonly center?: readonly [number, number] | undefined;
  /** One value per channel for pixels mapped from outside the image. */
  readonly fill: readonly number[];
}

type Matrix = [number, number, number, number, number, number];

const round15 = (value: number): number => Number(value.toFixed(15));

function transposed(image: Pixels, quarterTurns: 1 | 2 | 3): Pixels {
  const { height, width, channels } = image;
  const out = quarterTurns === 2 ? blankLike(image, height, width) : blankLike(image, width, height);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      // counter-clockwise quarter turns: (y, x) goes to (W-1-x, y), (H-1-y, W-1-x), (x, H-1-y)
      const [ty, tx] = quarterTurns === 1 ? [width - 1 - x, y] : quarterTurns === 2 ? [height - 1 - y, width - 1 - x] : [x, height - 1 - y];
      const from = (y * width + x) * channels;
      const to = (ty * out.width + tx) * channels;
      for (let c = 0; c < channels; c++) out.data[to + c] = image.data[from + c]!;
    }
  return out;
}

function fillOutside(out: Pixels, fill: readonly number[]): void {
  if (fill.every((v) => v === 0)) return;
  for (let k = 0; k < out.data.length; k++) out.data[k] = fill[k % out.channels]!;
}

function copyRgb(data: PixelData, from: number, target: PixelData, to: number): void {
  target[to] = data[from]!;
  target[to + 1] = data[from + 1]!;
  target[to + 2] = data[from + 2]!;
}

/**
 * Pillow's `affine_fixed` nearest loop with 16.16 source coordinates stepped per pixel. The
 * coordinates are linear in x, so the pixels that land inside the image form one run per row: it is
 * found from both ends, then copied without per-pixel bounds checks.
 */
function nearestFixed(image: Pixels, out: Pixels, [a0, a1, a2, a3, a4, a5]: Matrix): void {
  const { width, height, channels, data } = image;
  const target = out.data;
  const outWidth = out.width;
  const limitX = width * 65536;
  const limitY = height * 65536;
  // the values stay within ±2^31 (checked by the caller): >> 16 is Pillow's floor
  const inside = (xx: number, yy: number): boolean => xx >= 0 && xx < limitX && yy >= 0 && yy < limitY;
  const words = channels === 3 && image.dtype === 'uint8';
  const sourceView = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const targetView = new DataView(target.buffer, target.byteOffset, target.byteLength);
  const lastWord = data.length - 4;
  for (let y = 0, rowX = a2, rowY = a5; y < out.height; y++, rowX += a1, rowY += a4) {
    let first = 0;
    while (first < outWidth && !inside(rowX + first * a0, rowY + first * a3)) first++;
    let last = outWidth - 1;
    while (last >= first && !inside(rowX + last * a0, rowY + last * a3)) last--;
    let xx = rowX + first * a0;
    let yy = rowY + first * a3;
    let to = (y * outWidth + first) * channels;
    if (words) {
      // a pixel moves as one 32-bit word; its 4th byte is overwritten by the next pixel (the last one
      // of the run, and a pixel whose word would pass the end of the data, move byte by byte)
      for (let x = first; x < last; x++, xx += a0, yy += a3, to += 3) {
        const from = ((yy >> 16) * width + (xx >> 16)) * 3;
        if (from <= lastWord) targetView.setUint32(to, sourceView.getUint32(from, true), true);
        else copyRgb(data, from, target, to);
      }
      if (last >= first) copyRgb(data, ((yy >> 16) * width + (xx >> 16)) * 3, target, to);
    } else if (channels === 3)
      for (let x = first; x <= last; x++, xx += a0, yy += a3, to += 3) copyRgb(data, ((yy >> 16) * width + (xx >> 16)) * 3, target, to);
    else
      for (let x = first; x <= last; x++, xx += a0, yy += a3, to += channels) {
        const from = ((yy >> 16) * width + (xx >> 16)) * channels;
        for (let c = 0; c < channels; c++) target[to + c] = data[from + c]!;
      }
  }
}

/**
 * Pillow's 16.16 fixed-point form of `a` for an output of `width`×`height` (offsets moved to the
 * first pixel's centre), or null when its coordinates could leave ±32768 (Pillow's floating-point loop).
 */
function fixedMatrix(width: number, height: number, a: Matrix): Matrix | null {
  const fixedOk = [
    [0, 0],
    [width, height],
    [0, height],
    [width, 0],
  ].every(([x, y]) => Math.abs(x! * a[0] + y! * a[1] + a[2]) < 32768 && Math.abs(x! * a[3] + y! * a[4] + a[5]) < 32768);
  if (!fixedOk) return null;
  const fix = (v: number): number => Math.floor(v * 65536 + 0.5);
  return [fix(a[0]), fix(a[1]), fix(a[2] + a[1] * 0.5 + a[0] * 0.5), fix(a[3]), fix(a[4]), fix(a[5] + a[4] * 0.5 + a[3] * 0.5)];
}

/** Nearest neighbour as Pillow's `affine_fixed` (16.16 fixed point), or its floating-point loop when the matrix is too large for it. */
function affineNearest(image: Pixels, out: Pixels, a: Matrix): void {
  const { channels } = image;
  const copy = (x: number, y: number, xin: number, yin: number): void => {
    if (xin < 0 || xin >= image.width || yin < 0 || yin >= image.height) return;
    const from = (yin * image.width + xin) * channels;
    const to = (y * out.width + x) * channels;
    for (let c = 0; c < channels; c++) out.data[to + c] = image.data[from + c]!;
  };
  const fixed = fixedMatrix(out.width, out.height, a);
  if (fixed !== null) {
    nearestFixed(image, out, fixed);
    return;
  }
  let xo = a[2] + a[1] * 0.5 + a[0] * 0.5;
  let yo = a[5] + a[4] * 0.5 + a[3] * 0.5;
  const coord = (v: number): number => (v < 0 ? -1 : Math.trunc(v));
  for (let y = 0; y < out.height; y++, xo += a[1], yo += a[4]) {
    let xx = xo;
    let yy = yo;
    for (let x = 0; x < out.width; x++, xx += a[0], yy += a[3]) copy(x, y, coord(xx), coord(yy));
  }
}

function cubic(v1: number, v2: number, v3: number, v4: number, d: number): number {
  const p2 = -v1 + v3;
  const p3 = 2 * (v1 - v2) + v3 - v4;
  const p4 = -v1 + v2 - v3 + v4;
  return v2 + d * (p2 + d * (p3 + d * p4));
}

/** Pillow's bilinear / bicubic sampling at every output pixel centre. */
function affineFiltered(image: Pixels, out: Pixels, a: Matrix, bicubic: boolean): void {
  const { channels, width, height, data } = image;
  const uint8 = image.dtype === 'uint8';
  const xclip = (x: number): number => (x < 0 ? 0 : x < width ? x : width - 1);
  const yclip = (y: number): number => (y < 0 ? 0 : y < height ? y : height - 1);
  const at = (y: number, x: number, c: number): number => data[(yclip(y) * width + xclip(x)) * channels + c]!;
  for (let y = 0; y < out.height; y++)
    for (let x = 0; x < out.width; x++) {
      let xin = a[0] * (x + 0.5) + a[1] * (y + 0.5) + a[2];
      let yin = a[3] * (x + 0.5) + a[4] * (y + 0.5) + a[5];
      if (xin < 0 || xin >= width || yin < 0 || yin >= height) continue;
      xin -= 0.5;
      yin -= 0.5;
      const x0 = Math.floor(xin);
      const y0 = Math.floor(yin);
      const dx = xin - x0;
      const dy = yin - y0;
      const to = (y * out.width + x) * channels;
      for (let c = 0; c < channels; c++) {
        let v: number;
        if (!bicubic) {
          const top = at(y0, x0, c) + (at(y0, x0 + 1, c) - at(y0, x0, c)) * dx;
          const bottom = at(y0 + 1, x0, c) + (at(y0 + 1, x0 + 1, c) - at(y0 + 1, x0, c)) * dx;
          v = top + (bottom - top) * dy;
        } else {
          const row = (r: number): number => cubic(at(r, x0 - 1, c), at(r, x0, c), at(r, x0 + 1, c), at(r, x0 + 2, c), dx);
          v = cubic(row(y0 - 1), row(y0), row(y0 + 1), row(y0 + 2), dy);
        }
        out.data[to + c] = uint8 ? (v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v)) : v;
      }
    }
}

/**
 * `image` rotated by `angle` degrees counter-clockwise, as Pillow's `Image.rotate`; the result of a
 * rotation by other than a multiple of 90° is an image from `allocate`.
 */
export function rotatePixels(image: Pixels, angle: number, settings: RotateSettings, allocate: ImageAllocator = blankLike): Pixels {
  const turn = ((angle % 360) + 360) % 360;
  if (settings.center === undefined) {
    if (turn === 0) return { ...image, data: image.data.slice() };
    if (turn === 180) return transposed(image, 2);
    if ((turn === 90 || turn === 270) && (settings.expand || image.width === image.height)) return transposed(image, turn === 90 ? 1 : 3);
  }
  let w = image.width;
  let h = image.height;
  const [cx, cy] = settings.center ? [settings.center[1], settings.center[0]] : [w / 2, h / 2];
  const radians = -(turn * Math.PI) / 180;
  const m: Matrix = [round15(Math.cos(radians)), round15(Math.sin(radians)), 0, round15(-Math.sin(radians)), round15(Math.cos(radians)), 0];
  const apply = (x: number, y: number): [number, number] => [m[0] * x + m[1] * y + m[2], m[3] * x + m[4] * y + m[5]];
  [m[2], m[5]] = apply(-cx, -cy);
  m[2] += cx;
  m[5] += cy;
  if (settings.expand) {
    const corners = [apply(0, 0), apply(w, 0), apply(w, h), apply(0, h)];
    const xs = corners.map(([x]) => x);
    const ys = corners.map(([, y]) => y);
    const nw = Math.ceil(Math.max(...xs)) - Math.floor(Math.min(...xs));
    const nh = Math.ceil(Math.max(...ys)) - Math.floor(Math.min(...ys));
    [m[2], m[5]] = apply(-(nw - w) / 2, -(nh - h) / 2);
    w = nw;
    h = nh;
  }
  const out = allocate(image, h, w);
  if (settings.resample === 'nearest' && useWasmNearest(image)) {
    const fixed = fixedMatrix(w, h, m);
    if (fixed !== null && rotateNearestWasm(image as Pixels & { data: Uint8Array }, h, w, fixed, settings.fill, out.data as Uint8Array) !== null) return out;
  }
  fillOutside(out, settings.fill);
  if (settings.resample === 'nearest') affineNearest(image, out, m);
  else affineFiltered(image, out, m, settings.resample === 'bicubic');
  return out;
}
