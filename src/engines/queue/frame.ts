/**
 * The binary form of the 'queue' engine's chunks and replies: one frame holding the message's
 * structure (V8 serialization) with its large typed arrays out of line, after the structure, as their
 * raw bytes. Encoding sizes the frame first; its bytes go out as pieces (the header and structure in
 * one small buffer, then the typed arrays' own memory), written to a socket or a file with gathered
 * writes — no serialization buffer that grows and is copied as it grows, no copy of the payload into
 * a buffer of the frame's size, no concatenation by the Redis client. Decoding gives typed arrays over
 * the received bytes where they allow it, or over copies (never a view of bytes that live in the Redis
 * client's shared pool); a queue worker's copies are shared memory, which its thread reads in place and
 * which is not counted as the decoding thread's own (large payloads passing through do not set off its
 * garbage collections).
 * @module
 */
import { Deserializer, Serializer } from 'node:v8';

/** 'BFQ1', read as a little-endian u32: the frame's first four bytes. */
const frameMagic = 0x31514642;
/** Typed arrays of at least this many bytes go out of line (smaller ones stay inside the structure). */
const outOfLineBytes = 4096;
/** Magic, structure length, segment count, reserved: then one float64 byte length per segment. */
const fixedHeaderBytes = 16;

/** `length` rounded up to a multiple of 8: the structure and every segment start 8-aligned in the frame. */
function padded(length: number): number {
  return Math.ceil(length / 8) * 8;
}

type ViewConstructor = { new (buffer: ArrayBufferLike, byteOffset: number, length: number): ArrayBufferView; readonly BYTES_PER_ELEMENT?: number };

/** The view types a frame carries, by the index written for them (`Buffer` after them). */
const viewTypes: readonly ViewConstructor[] = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
  DataView,
];
const bufferType = viewTypes.length;
const typeIndexByTag = new Map(viewTypes.map((type, index) => [type.name, index]));

function typeIndexOf(view: ArrayBufferView): number {
  if (Buffer.isBuffer(view)) return bufferType;
  const tag = view instanceof DataView ? 'DataView' : (view as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
  const index = typeIndexByTag.get(tag);
  if (index === undefined) throw new TypeError(`a queue message cannot carry a ${tag} (not a typed array of the platform)`);
  return index;
}

function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}

/** V8's serializer with typed arrays as host objects: small ones inline, large ones as a segment number. */
class FrameSerializer extends Serializer {
  readonly segments: ArrayBufferView[] = [];

  constructor() {
    super();
    (this as unknown as { _setTreatArrayBufferViewsAsHostObjects(flag: boolean): void })._setTreatArrayBufferViewsAsHostObjects(true);
  }

  _writeHostObject(object: object): void {
    if (!ArrayBuffer.isView(object)) throw new TypeError('a queue message can carry no host objects but typed arrays');
    this.writeUint32(typeIndexOf(object));
    if (object.byteLength >= outOfLineBytes) {
      this.writeUint32(1);
      this.writeUint32(this.segments.push(object) - 1);
    } else {
      this.writeUint32(0);
      this.writeUint32(object.byteLength);
      this.writeRawBytes(bytesOf(object));
    }
  }
}

/** A message ready to be written: its size is known, its bytes are written where the caller says. */
export interface Frame {
  readonly byteLength: number;
  /** Writes the frame's bytes into `target` from `offset` (`byteLength` of them). */
  writeTo(target: Uint8Array, offset: number): void;
  /**
   * The frame's bytes as pieces to write one after the other (`byteLength` in all): the header and
   * structure, then each large typed array's own bytes (views, not copies) with its padding, so a
   * socket can send them without the frame being copied anywhere first.
   */
  pieces(): readonly Uint8Array[];
}

const zeros = new Uint8Array(8);

/** The frame of `value` (anything `v8.serialize` takes); its large typed arrays are read when it is written. */
export function encodeFrame(value: unknown): Frame {
  const serializer = new FrameSerializer();
  serializer.writeHeader();
  serializer.writeValue(value);
  const structure = serializer.releaseBuffer();
  const segments = serializer.segments;
  const headerBytes = fixedHeaderBytes + 8 * segments.length;
  const byteLength = segments.reduce((sum, segment) => sum + padded(segment.byteLength), headerBytes + padded(structure.length));
  const writeHeader = (target: Uint8Array, offset: number): void => {
    const header = new DataView(target.buffer, target.byteOffset + offset, headerBytes);
    header.setUint32(0, frameMagic, true);
    header.setUint32(4, structure.length, true);
    header.setUint32(8, segments.length, true);
    header.setUint32(12, 0, true);
    segments.forEach((segment, k) => header.setFloat64(fixedHeaderBytes + 8 * k, segment.byteLength, true));
    target.set(structure, offset + headerBytes);
    target.fill(0, offset + headerBytes + structure.length, offset + headerBytes + padded(structure.length));
  };
  return {
    byteLength,
    writeTo(target, offset) {
      writeHeader(target, offset);
      let at = offset + headerBytes + padded(structure.length);
      for (const segment of segments) {
        target.set(bytesOf(segment), at);
        target.fill(0, at + segment.byteLength, at + padded(segment.byteLength));
        at += padded(segment.byteLength);
      }
    },
    pieces() {
      const head = new Uint8Array(headerBytes + padded(structure.length));
      writeHeader(head, 0);
      const pieces: Uint8Array[] = [head];
      for (const segment of segments) {
        pieces.push(bytesOf(segment));
        const padding = padded(segment.byteLength) - segment.byteLength;
        if (padding > 0) pieces.push(zeros.subarray(0, padding));
      }
      return pieces;
    },
  };
}

/** A typed array of type `type` over a copy of `source` in memory of its own (shared memory with `shared`). */
function copyOf(type: number, source: Uint8Array, shared: boolean): ArrayBufferView {
  const buffer = shared ? new SharedArrayBuffer(source.length) : new ArrayBuffer(source.length);
  new Uint8Array(buffer).set(source);
  if (type === bufferType) return Buffer.from(buffer, 0, source.length);
  const constructor = viewTypes[type];
  if (constructor === undefined) throw new TypeError(`a queue frame names an unknown typed array type ${type}`);
  return new constructor(buffer, 0, source.length / (constructor.BYTES_PER_ELEMENT ?? 1));
}

/** A typed array of type `type` over the bytes of `source` (no copy), or null when they are not aligned for it. */
function viewOf(type: number, source: Uint8Array): ArrayBufferView | null {
  if (type === bufferType) return Buffer.from(source.buffer, source.byteOffset, source.length);
  const constructor = viewTypes[type];
  const size = constructor?.BYTES_PER_ELEMENT ?? 1;
  if (constructor === undefined || source.byteOffset % size !== 0) return null;
  return new constructor(source.buffer, source.byteOffset, source.length / size);
}

class FrameDeserializer extends Deserializer {
  constructor(
    structure: Buffer,
    private readonly segments: readonly Uint8Array[],
    private readonly options: DecodeOptions,
  ) {
    super(structure);
  }

  _readHostObject(): ArrayBufferView {
    const type = this.readUint32();
    const { copy, shared } = this.options;
    if (this.readUint32() === 1) {
      const segment = this.segments[this.readUint32()];
      if (segment === undefined) throw new TypeError('a queue frame refers to a segment it does not hold');
      return copy ? copyOf(type, segment, shared) : (viewOf(type, segment) ?? copyOf(type, segment, shared));
    }
    return copyOf(type, this.readRawBytes(this.readUint32()), shared);
  }
}

/** How {@link decodeFrame} gives a frame's typed arrays. */
export interface DecodeOptions {
  /** Every typed array a copy (else large ones are views of the frame's bytes where their alignment allows). */
  readonly copy: boolean;
  /** Copies in shared memory (for a thread to read in place), else in memory of their own. */
  readonly shared: boolean;
}

/**
 * The message `bytes` holds (written by {@link encodeFrame}); a truncated or foreign payload is an
 * Error saying so. Its typed arrays are copies, or views of `bytes` (which they keep alive), as
 * `options` say.
 */
export function decodeFrame(bytes: Uint8Array, options: DecodeOptions): unknown {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < fixedHeaderBytes || view.getUint32(0, true) !== frameMagic) {
    throw new Error('a queue payload is not a frame of this version of batchflow-ts (do the caller and its workers run the same version?)');
  }
  const structureLength = view.getUint32(4, true);
  const count = view.getUint32(8, true);
  let at = fixedHeaderBytes + 8 * count;
  if (at + structureLength > bytes.byteLength) throw new Error(`a queue payload of ${bytes.byteLength} bytes is truncated`);
  const structure = Buffer.from(bytes.buffer, bytes.byteOffset + at, structureLength);
  at += padded(structureLength);
  const segments: Uint8Array[] = [];
  for (let k = 0; k < count; k++) {
    const length = view.getFloat64(fixedHeaderBytes + 8 * k, true);
    if (at + length > bytes.byteLength) throw new Error(`a queue payload of ${bytes.byteLength} bytes is truncated`);
    segments.push(bytes.subarray(at, at + length));
    at += padded(length);
  }
  const deserializer = new FrameDeserializer(structure, segments, options);
  deserializer.readHeader();
  return deserializer.readValue() as unknown;
}
