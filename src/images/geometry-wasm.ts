/**
 * The left/right mirror of RGB and RGBA uint8 images in WebAssembly SIMD: four pixels (12 or 16
 * bytes) at a time, their order reversed by one byte shuffle. The image is copied into the module's
 * memory, mirrored there and copied out.
 *
 * `mirror3(src, dst, height, rowBytes)` / `mirror4(...)`: output row y, left to right, takes groups of
 * four pixels from the end of input row y. A group is loaded and stored as 16 bytes: for RGB the 4
 * bytes past the group are read from the following input (the buffer has room) and written over the
 * next output pixels, which are written after. The last `width % 4` pixels of an output row move one
 * at a time (one 4-byte word each, the same way).
 * @module
 */
import { BatchflowError } from '../errors.js';
import { constant, get, i32, instantiate, memory, copyOut, reserve, set, tee, v128, wasmKernels, whileLoop, type FunctionSpec } from './wasm-writer.js';

function mirror(channels: 3 | 4): FunctionSpec {
  const [src, dst, height, rowBytes] = [0, 1, 2, 3];
  const [y, to, from, rowEnd, groupsEnd, pixels] = [4, 5, 6, 7, 8, 9];
  const group = channels * 4;
  // output pixels 0..3 of a group are input pixels 3..0; for RGB bytes 12..15 follow as they are
  const lanes = [3, 2, 1, 0].flatMap((pixel) => Array.from({ length: channels }, (_, c) => pixel * channels + c));
  while (lanes.length < 16) lanes.push(lanes.length);
  const add = (local: number, value: number[]): number[] => [...get(local), ...value, i32.add, ...set(local)];
  const oneRow = [
    ...[...get(dst), ...get(y), ...get(rowBytes), i32.mul, i32.add, ...set(to)],
    ...[...get(to), ...get(rowBytes), i32.add, ...set(rowEnd)],
    // the groups end where fewer than four pixels are left
    ...[...get(rowEnd), ...constant(group - 1), i32.sub, ...set(groupsEnd)],
    ...[...get(src), ...get(y), ...get(rowBytes), i32.mul, i32.add, ...get(rowBytes), i32.add, ...constant(group), i32.sub, ...set(from)],
    ...whileLoop(
      [...get(to), ...get(groupsEnd), i32.ltSigned],
      [
        ...get(to),
        ...get(from),
        ...v128.load(),
        ...tee(pixels),
        ...get(pixels),
        ...v128.shuffle(lanes),
        ...v128.store(),
        ...add(to, constant(group)),
        ...add(from, constant(-group)),
      ],
    ),
    // `from` points `group` bytes before the pixels still to move: the last of them comes first
    ...add(from, constant(group - channels)),
    ...whileLoop(
      [...get(to), ...get(rowEnd), i32.ltSigned],
      [...get(to), ...get(from), ...memory.load32(), ...memory.store32(), ...add(to, constant(channels)), ...add(from, constant(-channels))],
    ),
    ...add(y, constant(1)),
  ];
  return { name: `mirror${channels}`, parameters: 4, i32Locals: 5, v128Locals: 1, body: whileLoop([...get(y), ...get(height), i32.ltSigned], oneRow) };
}

interface Kernels {
  mirror3(src: number, dst: number, height: number, rowBytes: number): void;
  mirror4(src: number, dst: number, height: number, rowBytes: number): void;
}

const kernels = instantiate<Kernels>([mirror(3), mirror(4)], 1);

/** True when `flip` may use {@link mirrorWasm} for `image` ({@link wasmKernels}). */
export const useWasmMirror = (image: { readonly channels: number; readonly dtype: string }): boolean =>
  kernels !== null && wasmKernels.enabled && image.dtype === 'uint8' && (image.channels === 3 || image.channels === 4);

/**
 * The left/right mirror of an RGB or RGBA uint8 image (`ImageOps.mirror`), written into `into` when
 * given (of the image's size) or into a new array; null when too large for the module.
 */
export function mirrorWasm(data: Uint8Array, height: number, width: number, channels: 3 | 4, into: Uint8Array | null = null): Uint8Array | null {
  if (kernels === null) throw new BatchflowError('mirrorWasm: WebAssembly SIMD is not available (check useWasmMirror() first)');
  const size = height * width * channels;
  const target = (size + 16 + 15) & ~15;
  const bytes = reserve(kernels.memory, target + size + 16);
  if (bytes === null) return null;
  bytes.set(data, 0);
  (channels === 3 ? kernels.mirror3 : kernels.mirror4)(0, target, height, width * channels);
  return copyOut(bytes, target, size, into);
}
