/**
 * The LZ4 frame (`lz4js`) and zstd (`fzstd`) codecs that Feather reading registers with apache-arrow
 * (which has no codecs of its own). Both are bounded: a compressed Arrow buffer starts with its
 * uncompressed length (feather-validate.ts checks the sum against the load limit), and a codec never
 * produces more than that, so a small hostile frame cannot make the process allocate gigabytes.
 * @module
 */
import { CompressionType, compressionRegistry } from 'apache-arrow';
import { Decompress } from 'fzstd';
import lz4js from 'lz4js';
import { getLoadLimits } from './load-limits.js';

/**
 * A compressed buffer that declares more than a load may allocate (`overLimit`), or does not
 * decompress to what it declares; the reader turns it into a typed error naming the file.
 */
export class DecodedSizeError extends Error {
  override name = 'DecodedSizeError';
  constructor(
    readonly bytes: number,
    readonly overLimit: boolean,
  ) {
    super(overLimit ? `a compressed buffer declares ${bytes} bytes` : `a compressed buffer does not decompress to its declared ${bytes} bytes`);
  }
}

/** The bytes at an 8-byte aligned offset (apache-arrow views 64-bit columns on them in place). */
function aligned(bytes: Uint8Array): Uint8Array {
  return bytes.byteOffset % 8 === 0 ? bytes : bytes.slice();
}

/**
 * The uncompressed length apache-arrow's reader saw for `data`: it passes the bytes after the
 * buffer's 8-byte length prefix, a view into the same memory. Null when not available (-1: stored
 * uncompressed, which apache-arrow does not decode).
 */
function declaredLength(data: Uint8Array): number | null {
  if (data.byteOffset < 8) return null;
  const declared = new DataView(data.buffer, data.byteOffset - 8, 8).getBigInt64(0, true);
  return declared >= 0n && declared <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(declared) : null;
}

/** The most bytes `data` may decompress to: its declared length (null: unknown), checked against the load limit. */
function declaredCap(data: Uint8Array): number | null {
  const limit = getLoadLimits().maxBytes;
  const declared = declaredLength(data);
  if (declared !== null && declared > limit) throw new DecodedSizeError(declared, true);
  return declared;
}

const LZ4_MAGIC = 0x184d2204;
const LZ4_BLOCK_SIZES: Readonly<Record<number, number>> = { 4: 0x10000, 5: 0x40000, 6: 0x100000, 7: 0x400000 };

/**
 * Checks the block structure of an LZ4 frame (lz4js trusts it: a block size past the end of the data
 * makes it copy up to 2 GiB of `undefined`, for minutes). Throws a plain Error the reader wraps.
 */
function checkLz4Frame(data: Uint8Array): void {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const fail = (why: string): never => {
    throw new Error(`damaged LZ4 frame: ${why}`);
  };
  if (data.length < 7 || view.getUint32(0, true) !== LZ4_MAGIC) fail('no LZ4 frame magic');
  const flags = data[4]!;
  const maxBlock = LZ4_BLOCK_SIZES[(data[5]! >> 4) & 7] ?? fail(`unknown block size code ${(data[5]! >> 4) & 7}`);
  const blockChecksums = (flags & 0x10) !== 0;
  let at = 6 + ((flags & 0x08) !== 0 ? 8 : 0) + 1; // content size, header checksum
  for (;;) {
    if (at + 4 > data.length) fail('it ends inside a block header');
    const word = view.getUint32(at, true);
    at += 4;
    if (word === 0) return;
    const size = word & 0x7fffffff;
    if (size > maxBlock || at + size + (blockChecksums ? 4 : 0) > data.length) fail(`a block of ${size} bytes at byte ${at} does not fit`);
    at += size + (blockChecksums ? 4 : 0);
  }
}

function decodeLz4(data: Uint8Array): Uint8Array {
  const cap = declaredCap(data);
  checkLz4Frame(data);
  if (cap === null) return aligned(lz4js.decompress(data));
  // with maxSize, lz4js allocates exactly that and never writes past it: one byte more shows an overrun
  const out = lz4js.decompress(data, cap + 1);
  if (out.length !== cap) throw new DecodedSizeError(cap, false);
  return aligned(out);
}

function decodeZstd(data: Uint8Array): Uint8Array {
  const declared = declaredCap(data);
  const cap = declared ?? getLoadLimits().maxBytes;
  const chunks: Uint8Array[] = [];
  let total = 0;
  const stream = new Decompress((chunk) => {
    total += chunk.length;
    if (total > cap) throw new DecodedSizeError(cap, declared === null);
    chunks.push(chunk);
  });
  stream.push(data, true);
  if (declared !== null && total !== declared) throw new DecodedSizeError(declared, false);
  if (chunks.length === 1) return aligned(chunks[0]!);
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  return out;
}

let registered = false;

/**
 * Registers the bounded LZ4 frame and zstd codecs with apache-arrow, once; a codec the user
 * registered first is kept.
 */
export function registerCodecs(): void {
  if (registered) return;
  registered = true;
  if (!compressionRegistry.get(CompressionType.LZ4_FRAME)) compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: decodeLz4 });
  if (!compressionRegistry.get(CompressionType.ZSTD)) compressionRegistry.set(CompressionType.ZSTD, { decode: decodeZstd });
}
