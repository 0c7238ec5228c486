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
 * A compressed buffer that declares more than a load may allocate (`overLimit`), or decompresses to
 * more than it declares; the reader turns it into a typed error naming the file.
 */
export class DecodedSizeError extends Error {
  override name = 'DecodedSizeError';
  constructor(
    readonly bytes: number,
    readonly overLimit: boolean,
  ) {
    super(overLimit ? `a compressed buffer declares ${bytes} bytes` : `a compressed buffer decompresses to more than its declared ${bytes} bytes`);
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

function decodeLz4(data: Uint8Array): Uint8Array {
  const cap = declaredCap(data);
  // with maxSize, lz4js allocates exactly that and never writes past it
  return aligned(cap === null ? lz4js.decompress(data) : lz4js.decompress(data, cap));
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
