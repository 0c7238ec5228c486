/**
 * A tiny writer of WebAssembly binaries: just what the image kernels (`resample-simd.ts`,
 * `affine-wasm.ts`, `geometry-wasm.ts`) need (one exported memory, functions of i32 parameters without results, i32 and
 * v128 locals, structured loops, integer and SIMD instructions), and their switch
 * {@link wasmKernels}. Instruction helpers return the bytes of one instruction; a function body is
 * the concatenation of their results.
 * @module
 */

/** Unsigned LEB128. */
function unsigned(value: number): number[] {
  const bytes: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    bytes.push(byte);
  } while (value !== 0);
  return bytes;
}

/** Signed LEB128 of a 32-bit integer. */
function signed(value: number): number[] {
  const bytes: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}

const I32 = 0x7f;
const V128 = 0x7b;
const EMPTY_BLOCK = 0x40;

/** `local.get index`. */
export const get = (index: number): number[] => [0x20, ...unsigned(index)];
/** `local.set index`. */
export const set = (index: number): number[] => [0x21, ...unsigned(index)];
/** `local.tee index`. */
export const tee = (index: number): number[] => [0x22, ...unsigned(index)];
/** `i32.const value`. */
export const constant = (value: number): number[] => [0x41, ...signed(value)];
/** `i32.load offset=…` (4-byte aligned). */
export const load = (offset = 0): number[] => [0x28, 2, ...unsigned(offset)];

/** Integer instructions without immediates. */
export const i32 = {
  add: 0x6a,
  sub: 0x6b,
  mul: 0x6c,
  and: 0x71,
  shiftRightSigned: 0x75,
  ltSigned: 0x48,
  ltUnsigned: 0x49,
  leSigned: 0x4c,
  geSigned: 0x4e,
  eqz: 0x45,
} as const;

/** `i32.load8_u`, `i32.store8`, `i32.store16`, `i32.load16_u`, `i32.store` (byte alignment hints) at `offset`. */
export const memory = {
  load8: (offset = 0): number[] => [0x2d, 0, ...unsigned(offset)],
  load16: (offset = 0): number[] => [0x2f, 0, ...unsigned(offset)],
  load32: (offset = 0): number[] => [0x28, 0, ...unsigned(offset)],
  store8: (offset = 0): number[] => [0x3a, 0, ...unsigned(offset)],
  store16: (offset = 0): number[] => [0x3b, 0, ...unsigned(offset)],
  store32: (offset = 0): number[] => [0x36, 0, ...unsigned(offset)],
} as const;

/** A SIMD instruction (prefix 0xfd) with its immediates. */
const simd = (opcode: number, ...immediates: number[]): number[] => [0xfd, ...unsigned(opcode), ...immediates];

/** The SIMD instructions the kernels use (memory ones take a byte offset; alignment hints are 1 byte). */
export const v128 = {
  load: (offset = 0): number[] => simd(0x00, 0, ...unsigned(offset)),
  /** 8 bytes, each widened to an unsigned 16-bit lane. */
  load8x8Unsigned: (offset = 0): number[] => simd(0x02, 0, ...unsigned(offset)),
  /** One 32-bit value in all four lanes. */
  load32Splat: (offset = 0): number[] => simd(0x09, 0, ...unsigned(offset)),
  store: (offset = 0): number[] => simd(0x0b, 0, ...unsigned(offset)),
  /** Stores 8-bit lane `lane` (1 byte). */
  store8Lane: (lane: number, offset = 0): number[] => simd(0x58, 0, ...unsigned(offset), lane),
  /** Stores 16-bit lane `lane` (2 bytes). */
  store16Lane: (lane: number, offset = 0): number[] => simd(0x59, 0, ...unsigned(offset), lane),
  /** Stores 32-bit lane `lane` (4 bytes). */
  store32Lane: (lane: number, offset = 0): number[] => simd(0x5a, 0, ...unsigned(offset), lane),
  /** Bytes of two vectors picked by 16 lane indices (0–15: the first, 16–31: the second). */
  shuffle: (lanes: readonly number[]): number[] => simd(0x0d, ...lanes),
  i32x4Splat: simd(0x11),
  /** Signed saturating narrowing of two i32x4 to one i16x8. */
  i16x8NarrowSigned: simd(0x85),
  /** Unsigned saturating narrowing of two signed i16x8 to one i8x16 (clips to 0..255). */
  i8x16NarrowUnsigned: simd(0x66),
  i16x8ExtendLowUnsigned: simd(0x89),
  i16x8ExtendHighUnsigned: simd(0x8a),
  i32x4ExtendLowUnsigned: simd(0xa9),
  i32x4ExtendHighUnsigned: simd(0xaa),
  i32x4ShiftRightSigned: simd(0xac),
  i32x4Add: simd(0xae),
  i32x4Mul: simd(0xb5),
} as const;

/** `while (condition) body`: `condition` leaves an i32 on the stack. */
export function whileLoop(condition: number[], body: number[]): number[] {
  return [0x02, EMPTY_BLOCK, 0x03, EMPTY_BLOCK, ...condition, i32.eqz, 0x0d, 1, ...body, 0x0c, 0, 0x0b, 0x0b];
}

/** One function: `parameters` i32 parameters, then `i32Locals` i32 and `v128Locals` v128 locals; no result. */
export interface FunctionSpec {
  readonly name: string;
  readonly parameters: number;
  readonly i32Locals: number;
  readonly v128Locals: number;
  readonly body: number[];
}

function vector(items: number[][]): number[] {
  return [...unsigned(items.length), ...items.flat()];
}

function section(id: number, items: number[][]): number[] {
  const content = vector(items);
  return [id, ...unsigned(content.length), ...content];
}

function name(text: string): number[] {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
}

/** The bytes of a module exporting its memory (`memory`, `pages` of 64 KiB at first) and `functions`. */
export function wasmModule(functions: readonly FunctionSpec[], pages: number): Uint8Array {
  const types = functions.map((f) => [0x60, ...vector(new Array<number[]>(f.parameters).fill([I32])), 0]);
  const code = functions.map((f) => {
    const locals = [
      [...unsigned(f.i32Locals), I32],
      [...unsigned(f.v128Locals), V128],
    ];
    const body = [...vector(locals), ...f.body, 0x0b];
    return [...unsigned(body.length), ...body];
  });
  const exports = [[...name('memory'), 2, 0], ...functions.map((f, index) => [...name(f.name), 0, ...unsigned(index)])];
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(
      3,
      functions.map((_, index) => unsigned(index)),
    ),
    ...section(5, [[0x00, ...unsigned(pages)]]),
    ...section(7, exports),
    ...section(10, code),
  ]);
}

/** The parts of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

/** An instance's memory: its buffer changes when it grows. */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}

const api = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/** True where the runtime has WebAssembly with SIMD (a module with a v128 local validates). */
const simdSupported = api !== undefined && api.validate(wasmModule([{ name: 'probe', parameters: 0, i32Locals: 0, v128Locals: 1, body: [] }], 0));

/**
 * The exports of a module of `functions` (see {@link wasmModule}), compiled and instantiated
 * synchronously, or null where the runtime lacks WebAssembly or its SIMD instructions. A module the
 * runtime rejects otherwise is a bug here: compiling it throws.
 */
export function instantiate<T>(functions: readonly FunctionSpec[], pages: number): (T & { memory: WasmMemory }) | null {
  if (api === undefined || !simdSupported) return null;
  return new api.Instance(new api.Module(wasmModule(functions, pages))).exports as unknown as T & { memory: WasmMemory };
}

/**
 * The most memory a kernel module may take (it never shrinks): images needing more go to the
 * JavaScript kernels.
 */
export const MAX_WASM_BYTES = 256 * 1024 * 1024;

/** Grows `memory` to at least `bytes` and returns a byte view of all of it, or null above {@link MAX_WASM_BYTES}. */
export function reserve(memory: WasmMemory, bytes: number): Uint8Array | null {
  if (bytes > MAX_WASM_BYTES) return null;
  const shortfall = bytes - memory.buffer.byteLength;
  if (shortfall > 0) memory.grow(Math.ceil(shortfall / 65536));
  return new Uint8Array(memory.buffer);
}

/**
 * A kernel's result, bytes [start, start + size) of module memory `bytes`: copied into `into` when
 * given (it must hold exactly `size` bytes), or into a new array.
 */
export function copyOut(bytes: Uint8Array, start: number, size: number, into: Uint8Array | null): Uint8Array {
  if (into === null) return bytes.slice(start, start + size);
  if (into.length !== size) throw new RangeError(`a kernel result of ${size} bytes does not fit an output of ${into.length}`);
  into.set(bytes.subarray(start, start + size));
  return into;
}

/**
 * Whether the image kernels written in WebAssembly run (uint8 `resize` passes, nearest `rotate`,
 * left/right `flip`): `available` where the runtime has WebAssembly SIMD, and `enabled` (true when
 * available, unless the environment variable `BATCHFLOW_WASM_KERNELS` is `0`, which workers inherit;
 * set it to false to run the JavaScript kernels, e.g. to compare both: they give the same bytes).
 */
export const wasmKernels: { readonly available: boolean; enabled: boolean } = {
  available: simdSupported,
  enabled: simdSupported && process.env['BATCHFLOW_WASM_KERNELS'] !== '0',
};
