/**
 * `rotate`'s nearest-neighbour loop (Pillow's `affine_fixed`, 16.16 fixed point) in WebAssembly for
 * RGB and RGBA uint8 images: the same integer steps as `nearestFixed` of `affine.ts`, so the same
 * pixels. The image is copied into the module's memory, the output is prepared there (zeros or the
 * fill color), the loop runs, and the output is copied out.
 *
 * `nearest(src, width, channels, dst, outWidth, outHeight, a0, a1, a2, a3, a4, a5, limitX, limitY)`:
 * per output row, the pixels whose source lies inside the image form one run (the coordinates are
 * linear in x), found from both ends; a pixel of the run moves as one 32-bit word (the 4th byte of an
 * RGB word lands on the next pixel of the run, written after it), the run's last pixel byte by byte.
 * "Inside" is `0 <= xx < limitX` and `0 <= yy < limitY` as unsigned comparisons (limits below 2^31).
 * @module
 */
import { BatchflowError } from '../errors.js';
import { constant, get, i32, instantiate, memory, copyOut, reserve, set, wasmKernels, whileLoop } from './wasm-writer.js';

const nearest = (() => {
  const [src, width, channels, dst, outWidth, outHeight, a0, a1, a2, a3, a4, a5, limitX, limitY] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13];
  const [y, rowX, rowY, first, last, xx, yy, to, from, x, c, rowOut] = [14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24, 25];
  const inside = (px: number, py: number): number[] => [...get(px), ...get(limitX), i32.ltUnsigned, ...get(py), ...get(limitY), i32.ltUnsigned, i32.and];
  const increment = (local: number, by: number[]): number[] => [...get(local), ...by, i32.add, ...set(local)];
  const decrement = (local: number, by: number[]): number[] => [...get(local), ...by, i32.sub, ...set(local)];
  const source = [
    ...[...get(yy), ...constant(16), i32.shiftRightSigned, ...get(width), i32.mul],
    ...[...get(xx), ...constant(16), i32.shiftRightSigned, i32.add, ...get(channels), i32.mul, ...get(src), i32.add, ...set(from)],
  ];
  const step = [...increment(to, get(channels)), ...increment(xx, get(a0)), ...increment(yy, get(a3)), ...increment(x, constant(1))];
  const oneRow = [
    // the run's first pixel
    ...[...constant(0), ...set(first), ...get(rowX), ...set(xx), ...get(rowY), ...set(yy)],
    ...whileLoop(
      [...get(first), ...get(outWidth), i32.ltSigned, ...inside(xx, yy), i32.eqz, i32.and],
      [...increment(first, constant(1)), ...increment(xx, get(a0)), ...increment(yy, get(a3))],
    ),
    // its last pixel (x and c hold its source coordinates meanwhile)
    ...[...get(outWidth), ...constant(1), i32.sub, ...set(last)],
    ...[...get(rowX), ...get(last), ...get(a0), i32.mul, i32.add, ...set(x), ...get(rowY), ...get(last), ...get(a3), i32.mul, i32.add, ...set(c)],
    ...whileLoop(
      [...get(last), ...get(first), i32.geSigned, ...inside(x, c), i32.eqz, i32.and],
      [...decrement(last, constant(1)), ...decrement(x, get(a0)), ...decrement(c, get(a3))],
    ),
    // the run
    ...[...get(rowOut), ...get(first), ...get(channels), i32.mul, i32.add, ...set(to), ...get(first), ...set(x)],
    ...whileLoop([...get(x), ...get(last), i32.ltSigned], [...source, ...get(to), ...get(from), ...memory.load32(), ...memory.store32(), ...step]),
    ...whileLoop(
      [...get(x), ...get(last), i32.leSigned],
      [
        ...source,
        ...[...constant(0), ...set(c)],
        ...whileLoop(
          [...get(c), ...get(channels), i32.ltSigned],
          [...get(to), ...get(c), i32.add, ...get(from), ...get(c), i32.add, ...memory.load8(), ...memory.store8(), ...increment(c, constant(1))],
        ),
        ...step,
      ],
    ),
    ...[
      ...increment(rowOut, [...get(outWidth), ...get(channels), i32.mul]),
      ...increment(rowX, get(a1)),
      ...increment(rowY, get(a4)),
      ...increment(y, constant(1)),
    ],
  ];
  const body = [
    ...get(a2),
    ...set(rowX),
    ...get(a5),
    ...set(rowY),
    ...get(dst),
    ...set(rowOut),
    ...whileLoop([...get(y), ...get(outHeight), i32.ltSigned], oneRow),
  ];
  return { name: 'nearest', parameters: 14, i32Locals: 12, v128Locals: 0, body };
})();

interface Kernels {
  nearest(...values: number[]): void;
}

const kernels = instantiate<Kernels>([nearest], 1);

/** An RGB or RGBA uint8 image for {@link rotateNearestWasm}. */
export interface Rgb8Image {
  readonly data: Uint8Array;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
}

/** True when `rotate` may use {@link rotateNearestWasm} for `image` ({@link wasmKernels}). */
export const useWasmNearest = (image: { readonly channels: number; readonly dtype: string; readonly width: number; readonly height: number }): boolean =>
  kernels !== null &&
  wasmKernels.enabled &&
  image.dtype === 'uint8' &&
  (image.channels === 3 || image.channels === 4) &&
  image.width < 32768 &&
  image.height < 32768;

/**
 * The `outHeight`×`outWidth` nearest-neighbour affine image of `image` for the 16.16 fixed-point
 * matrix `matrix` (as Pillow's `affine_fixed`, offsets included), pixels from outside being `fill`,
 * written into `into` when given (of the result's size) or into a new array; null when the images are
 * too large for the module.
 */
export function rotateNearestWasm(
  image: Rgb8Image,
  outHeight: number,
  outWidth: number,
  matrix: readonly number[],
  fill: readonly number[],
  into: Uint8Array | null = null,
): Uint8Array | null {
  if (kernels === null) throw new BatchflowError('rotateNearestWasm: WebAssembly is not available (check useWasmNearest() first)');
  const { channels, width, height } = image;
  const size = outHeight * outWidth * channels;
  const target = (image.data.length + 4 + 15) & ~15;
  const bytes = reserve(kernels.memory, target + size + 16);
  if (bytes === null) return null;
  bytes.set(image.data, 0);
  if (fill.every((v) => v === 0)) bytes.fill(0, target, target + size);
  else for (let k = 0; k < size; k++) bytes[target + k] = fill[k % channels]!;
  kernels.nearest(0, width, channels, target, outWidth, outHeight, ...matrix, width * 65536, height * 65536);
  return copyOut(bytes, target, size, into);
}
