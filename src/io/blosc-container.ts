/**
 * The payload of a blosc item file (before Blosc compression): a self-describing container of one
 * item's components, in the spirit of safetensors — an 8-byte little-endian header length, a JSON
 * header, then raw little-endian buffers. Decoding only parses JSON and copies bytes: nothing is
 * ever executed. The exact layout is in docs/formats.md.
 *
 * ```
 * offset 0        uint64 LE   N = header length in bytes (the JSON plus space padding; 8 + N is a multiple of 8)
 * offset 8        N bytes     UTF-8 JSON header, right-padded with spaces
 * offset 8 + N    data        the entries' bytes; each entry starts at a multiple of 8 (zero padding between)
 * ```
 * Header: `{"__metadata__": {"format": "batchflow-item", "version": "1", "crc32": "<hex>"},
 *           "<component>": {"dtype": "F32", "shape": [64, 64], "data_offsets": [begin, end], "kind": "ndarray", "column": "ndarray"}, …}`
 * `data_offsets` are relative to the start of the data section; `crc32` is the CRC-32 (zlib) of the
 * whole data section. dtype is one of BOOL U8 I8 U16 I16 U32 I32 F32 F64 I64 U64 (raw little-endian
 * numbers, row-major) or JSON (UTF-8 JSON text). kind says which JS value to rebuild: 'ndarray',
 * 'typedarray', 'scalar' (shape []), or 'json'; column says what the component was ('ndarray',
 * 'typedarray' or 'array') so a load rebuilds the same kind of component.
 * @module
 */
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import ndarray from 'ndarray';
import { copyNdArray, dtypeOf, isNdArray, isTypedArray, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { checkDeclaredSize } from './load-limits.js';

/** The format name in `__metadata__.format`. */
export const CONTAINER_FORMAT = 'batchflow-item';
/** The container version in `__metadata__.version`. */
export const CONTAINER_VERSION = '1';

/** What a component column was, so a load rebuilds the same kind. */
export type ColumnKind = 'ndarray' | 'typedarray' | 'array';
/** Which JS value an entry holds. */
export type EntryKind = 'ndarray' | 'typedarray' | 'scalar' | 'json';

/** One component's value for one item. */
export interface ContainerEntry {
  readonly name: string;
  readonly value: unknown;
  readonly column: ColumnKind;
}

/** A decoded entry. `dtype` is the container dtype name (e.g. 'F32', 'JSON'). */
export interface DecodedEntry {
  readonly value: unknown;
  readonly kind: EntryKind;
  readonly column: ColumnKind;
  readonly dtype: string;
}

/** Invalid container content; `reason` says what. */
export class ContainerError extends Error {
  override name = 'ContainerError';
}

type NumericConstructor = new (buffer: ArrayBufferLike, byteOffset: number, length: number) => TypedArray | BigInt64Array | BigUint64Array;

const dtypes: Record<string, { bytes: number; ctor: NumericConstructor; js: string }> = {
  BOOL: { bytes: 1, ctor: Uint8Array as unknown as NumericConstructor, js: 'uint8' },
  U8: { bytes: 1, ctor: Uint8Array as unknown as NumericConstructor, js: 'uint8' },
  I8: { bytes: 1, ctor: Int8Array as unknown as NumericConstructor, js: 'int8' },
  U16: { bytes: 2, ctor: Uint16Array as unknown as NumericConstructor, js: 'uint16' },
  I16: { bytes: 2, ctor: Int16Array as unknown as NumericConstructor, js: 'int16' },
  U32: { bytes: 4, ctor: Uint32Array as unknown as NumericConstructor, js: 'uint32' },
  I32: { bytes: 4, ctor: Int32Array as unknown as NumericConstructor, js: 'int32' },
  F32: { bytes: 4, ctor: Float32Array as unknown as NumericConstructor, js: 'float32' },
  F64: { bytes: 8, ctor: Float64Array as unknown as NumericConstructor, js: 'float64' },
  I64: { bytes: 8, ctor: BigInt64Array as unknown as NumericConstructor, js: 'int64' },
  U64: { bytes: 8, ctor: BigUint64Array as unknown as NumericConstructor, js: 'uint64' },
};

/** Container dtype name of a typed array. */
export function dtypeName(array: TypedArray | BigInt64Array | BigUint64Array): string {
  if (array instanceof Float32Array) return 'F32';
  if (array instanceof Float64Array) return 'F64';
  if (array instanceof Int32Array) return 'I32';
  if (array instanceof Uint8Array || array instanceof Uint8ClampedArray) return 'U8';
  if (array instanceof Int8Array) return 'I8';
  if (array instanceof Int16Array) return 'I16';
  if (array instanceof Uint16Array) return 'U16';
  if (array instanceof Uint32Array) return 'U32';
  if (array instanceof BigInt64Array) return 'I64';
  if (array instanceof BigUint64Array) return 'U64';
  throw new ContainerError(`unsupported typed array ${(array as object).constructor.name}`);
}

function assertLittleEndian(): void {
  if (endianness() !== 'LE') throw new ContainerError('blosc item files are little-endian; big-endian hosts are not supported');
}

/** Where a value sits inside an item: built into a path string only for an error message. */
interface JsonPlace {
  readonly value: unknown;
  readonly parent: JsonPlace | null;
  readonly key: string | number;
  readonly depth: number;
}

/** Deepest nesting a JSON value may have to be dumped (JSON.stringify recurses: deeper values would overflow the stack). */
const maxJsonDepth = 1000;

function placePath(place: JsonPlace): string {
  const parts: string[] = [];
  for (let at: JsonPlace | null = place; at !== null; at = at.parent)
    parts.push(typeof at.key === 'number' ? `[${at.key}]` : at.parent === null ? at.key : `.${at.key}`);
  return parts.reverse().join('');
}

/**
 * Checks that `value` survives JSON (plain objects/arrays of strings, finite numbers, booleans, null).
 * Iterative, so an item nested thousands of levels deep is checked without exhausting the stack.
 */
function jsonSafe(root: unknown, rootPath: string): void {
  const pending: JsonPlace[] = [{ value: root, parent: null, key: rootPath, depth: 0 }];
  for (let place = pending.pop(); place !== undefined; place = pending.pop()) {
    const value = place.value;
    if (value === null || typeof value === 'string' || typeof value === 'boolean') continue;
    if (typeof value === 'number') {
      if (!Number.isFinite(value)) throw new ContainerError(`${placePath(place)} is ${value}, which JSON cannot hold inside an object`);
      continue;
    }
    if (place.depth >= maxJsonDepth)
      throw new ContainerError(`${placePath(place).slice(0, 200)}… is nested deeper than ${maxJsonDepth} levels, more than a blosc item can store`);
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) pending.push({ value: value[i] as unknown, parent: place, key: i, depth: place.depth + 1 });
      continue;
    }
    if (typeof value === 'object') {
      const proto = Object.getPrototypeOf(value) as unknown;
      if (proto !== Object.prototype && proto !== null)
        throw new ContainerError(
          `${placePath(place)} is a ${(value as object).constructor?.name ?? 'class instance'}; only plain objects, arrays, strings, numbers, booleans, null, typed arrays and ndarrays can be stored`,
        );
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) pending.push({ value: entries[i]![1], parent: place, key: entries[i]![0], depth: place.depth + 1 });
      continue;
    }
    throw new ContainerError(`${placePath(place)} is a ${typeof value}, which cannot be stored`);
  }
}

interface Encoded {
  readonly header: Record<string, unknown>;
  readonly bytes: Uint8Array;
}

function encodeEntry(entry: ContainerEntry): Encoded {
  const { value, column } = entry;
  if (isNdArray(value)) {
    const dtype = dtypeOf(value);
    const contiguous = copyNdArray(
      dtype ? value : ndarray(Float64Array.from(value.data as ArrayLike<number>), value.shape.slice(), value.stride.slice(), value.offset),
    );
    const data = contiguous.data as TypedArray;
    return {
      header: { dtype: dtypeName(data), shape: value.shape.slice(), kind: 'ndarray', column },
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  }
  if (isTypedArray(value)) {
    const data = value as unknown as TypedArray;
    return {
      header: { dtype: dtypeName(data), shape: [data.length], kind: 'typedarray', column },
      bytes: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    };
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    const dtype = (entry as ContainerEntry & { dtype?: string }).dtype ?? (typeof value === 'bigint' ? 'I64' : 'F64');
    const spec = dtypes[dtype];
    if (!spec) throw new ContainerError(`unknown dtype ${dtype}`);
    const bytes = new Uint8Array(spec.bytes);
    const view = new spec.ctor(bytes.buffer, 0, 1);
    const isBig = dtype === 'I64' || dtype === 'U64';
    (view as unknown as unknown[])[0] = isBig ? BigInt(value) : Number(value);
    return { header: { dtype, shape: [], kind: 'scalar', column }, bytes };
  }
  jsonSafe(value, `component '${entry.name}'`);
  const text = JSON.stringify(value === undefined ? null : value);
  return { header: { dtype: 'JSON', shape: [], kind: 'json', column }, bytes: new TextEncoder().encode(text) };
}

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

/**
 * Encodes one item's components. A scalar entry may carry `dtype` (the component's element type,
 * e.g. 'F32' for an item of a Float32Array component) so it round-trips exactly.
 */
export function encodeContainer(entries: ReadonlyArray<ContainerEntry & { dtype?: string }>): Uint8Array {
  assertLittleEndian();
  const encoded: Array<[string, Encoded]> = [];
  for (const entry of entries) {
    if (entry.name === '__metadata__') throw new ContainerError("a component cannot be named '__metadata__'");
    encoded.push([entry.name, encodeEntry(entry)]);
  }
  let offset = 0;
  const header: Record<string, unknown> = {};
  const placed: Array<[number, Uint8Array]> = [];
  for (const [name, { header: entryHeader, bytes }] of encoded) {
    offset = align8(offset);
    header[name] = { ...entryHeader, data_offsets: [offset, offset + bytes.byteLength] };
    placed.push([offset, bytes]);
    offset += bytes.byteLength;
  }
  const data = new Uint8Array(offset);
  for (const [at, bytes] of placed) data.set(bytes, at);
  const metadata = { format: CONTAINER_FORMAT, version: CONTAINER_VERSION, crc32: crc32(data).toString(16).padStart(8, '0') };
  const json = new TextEncoder().encode(JSON.stringify({ __metadata__: metadata, ...header }));
  const padded = align8(8 + json.byteLength) - 8;
  const out = new Uint8Array(8 + padded + data.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.byteLength, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Decodes the container of item file `file`; every size, offset, dtype and the checksum are checked
 * (ContainerError otherwise), and each declared array size against the load limit (`maxBytes`, default
 * the configured one: LoadLimitError).
 */
export function decodeContainer(payload: Uint8Array, file: string, maxBytes?: number): Map<string, DecodedEntry> {
  assertLittleEndian();
  if (payload.byteLength < 8) throw new ContainerError(`the payload has ${payload.byteLength} bytes, less than its 8-byte header length`);
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const headerLength = view.getBigUint64(0, true);
  if (headerLength > BigInt(payload.byteLength - 8))
    throw new ContainerError(`the header length ${headerLength} exceeds the payload (${payload.byteLength} bytes)`);
  const n = Number(headerLength);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(payload.subarray(8, 8 + n)));
  } catch (error) {
    throw new ContainerError(`the header is not valid UTF-8 JSON (${(error as Error).message})`);
  }
  if (!isPlainRecord(header)) throw new ContainerError('the header is not a JSON object');
  const metadata = header.__metadata__;
  if (!isPlainRecord(metadata) || metadata.format !== CONTAINER_FORMAT) throw new ContainerError(`the header has no __metadata__.format '${CONTAINER_FORMAT}'`);
  if (metadata.version !== CONTAINER_VERSION)
    throw new ContainerError(`unsupported container version ${JSON.stringify(metadata.version)} (this reader knows ${CONTAINER_VERSION})`);
  const data = payload.subarray(8 + n);
  // our writer always stores the checksum: a container without one is damaged or forged, never skipped
  if (typeof metadata.crc32 !== 'string' || !/^[0-9a-f]{8}$/.test(metadata.crc32))
    throw new ContainerError(
      `the header's __metadata__.crc32 is ${JSON.stringify(metadata.crc32) ?? 'missing'}, expected the 8 hex digits of the data checksum`,
    );
  if (crc32(data).toString(16).padStart(8, '0') !== metadata.crc32) throw new ContainerError('the data checksum (crc32) does not match: the file is corrupted');
  const out = new Map<string, DecodedEntry>();
  for (const [name, spec] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    if (!isPlainRecord(spec)) throw new ContainerError(`entry '${name}' is not an object`);
    const { dtype, shape, data_offsets: offsets, kind, column } = spec;
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => typeof o === 'number' && Number.isInteger(o) && o >= 0) ||
      offsets[0] > offsets[1] ||
      offsets[1] > data.byteLength
    ) {
      throw new ContainerError(`entry '${name}' has invalid data_offsets ${JSON.stringify(offsets)} (data section: ${data.byteLength} bytes)`);
    }
    if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0))
      throw new ContainerError(`entry '${name}' has an invalid shape ${JSON.stringify(shape)} (expected non-negative integers below 2^53)`);
    if (kind !== 'ndarray' && kind !== 'typedarray' && kind !== 'scalar' && kind !== 'json')
      throw new ContainerError(`entry '${name}' has an unknown kind ${JSON.stringify(kind)}`);
    const columnKind: ColumnKind = column === 'ndarray' || column === 'typedarray' ? column : 'array';
    const bytes = data.subarray(offsets[0] as number, offsets[1] as number);
    if (dtype === 'JSON') {
      let value: unknown;
      try {
        value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
      } catch (error) {
        throw new ContainerError(`entry '${name}' is not valid JSON (${(error as Error).message})`);
      }
      out.set(name, { value, kind: 'json', column: columnKind, dtype });
      continue;
    }
    const numeric = typeof dtype === 'string' ? dtypes[dtype] : undefined;
    if (!numeric) throw new ContainerError(`entry '${name}' has an unknown dtype ${JSON.stringify(dtype)}`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    // a shape is sized as if its empty axes had length 1, so [0, 1e15] cannot pass as an empty array
    checkDeclaredSize(
      'blosc',
      file,
      `component '${name}' (shape [${shape.join(', ')}] of ${dtype})`,
      (shape as number[]).reduce((a, b) => a * Math.max(b, 1), numeric.bytes),
      maxBytes,
    );
    if (bytes.byteLength !== count * numeric.bytes)
      throw new ContainerError(`entry '${name}' has ${bytes.byteLength} bytes for shape [${shape.join(', ')}] of ${dtype} (${count * numeric.bytes} expected)`);
    // copy into a fresh, aligned buffer owned by the value
    const own = new Uint8Array(bytes.byteLength);
    own.set(bytes);
    let array = new numeric.ctor(own.buffer, 0, count);
    if (dtype === 'BOOL') array = Uint8Array.from(array as Uint8Array, (v) => (v ? 1 : 0));
    let value: unknown;
    if (kind === 'scalar') {
      if (count !== 1) throw new ContainerError(`scalar entry '${name}' has ${count} elements`);
      value = dtype === 'BOOL' ? array[0] !== 0 : array[0];
    } else if (kind === 'typedarray') {
      value = array;
    } else if (kind === 'ndarray') {
      if (array instanceof BigInt64Array || array instanceof BigUint64Array) value = array;
      else value = ndarray(array as TypedArray, (shape as number[]).slice()) as NDArray;
    } else {
      value = Array.from(array as ArrayLike<unknown>);
    }
    out.set(name, { value, kind: kind as EntryKind, column: columnKind, dtype: dtype as string });
  }
  return out;
}

/** The typed-array element type ('float32', …, 'int64') of a container dtype. */
export function jsDtype(dtype: string): string | undefined {
  return dtypes[dtype]?.js;
}
