/**
 * One `fmt: 'blosc'` item file: a Blosc (v1 format) frame, made with `numcodecs`, around our own
 * container (blosc-container.ts) or Python BatchFlow's pickle (blosc-batchflow.ts). Reading checks
 * the frame header, decompresses and decodes; writing encodes, compresses and writes atomically.
 * @module
 */
import Blosc, { type BloscShuffle } from 'numcodecs/blosc';
import { ContainerError, decodeContainer, encodeContainer, type ContainerEntry, type DecodedEntry } from './blosc-container.js';
import { decodeBatchflowItem, encodeBatchflowItem, isPicklePayload } from './blosc-batchflow.js';
import { CorruptFileError, UnsafePickleError, UnsupportedDataError } from './errors.js';
import { readFileBytesSync, writeFileAtomicSync } from './files.js';
import { checkDeclaredSize } from './load-limits.js';
import { UnsupportedPickleDataError } from './numpy-pickle.js';
import { PickleError, PickleGlobalError } from './pickle-values.js';
import type { Int64Policy } from './table.js';

const FORMAT = 'blosc';
/** Largest payload a Blosc v1 frame can hold. */
const BLOSC_MAX_BUFFERSIZE = 2 ** 31 - 1 - 16;
/** Blosc header flag: the data is stored uncompressed. */
const BLOSC_MEMCPYED = 0x02;

/** What an item file's Blosc frame holds: our own container or Python BatchFlow's pickle. */
export type BloscLayout = 'container' | 'batchflow';

/** Compression settings of a dump. */
export interface BloscSettings {
  readonly cname: string;
  readonly clevel: number;
  readonly shuffle: BloscShuffle;
  readonly fsync: boolean;
  readonly layout: BloscLayout;
}

/** Checks a Blosc v1 frame's 16-byte header against the file size (catches truncation before decoding). */
function checkBloscHeader(bytes: Uint8Array, file: string): number {
  if (bytes.byteLength < 16)
    throw new CorruptFileError(FORMAT, file, `is ${bytes.byteLength} bytes long, shorter than a Blosc header (16 bytes): truncated or not a blosc file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = bytes[0]!;
  const nbytes = view.getUint32(4, true);
  const cbytes = view.getUint32(12, true);
  if (version < 1 || version > 5) throw new CorruptFileError(FORMAT, file, `is not a Blosc frame (format version byte ${version})`);
  if (cbytes !== bytes.byteLength) {
    throw new CorruptFileError(
      FORMAT,
      file,
      cbytes > bytes.byteLength
        ? `is truncated: its Blosc header says ${cbytes} bytes, the file has ${bytes.byteLength}`
        : `has ${bytes.byteLength - cbytes} bytes after the Blosc frame (header says ${cbytes} bytes): not a single blosc frame`,
    );
  }
  if (nbytes < 8 || nbytes > BLOSC_MAX_BUFFERSIZE) throw new CorruptFileError(FORMAT, file, `has an invalid uncompressed size ${nbytes} in its Blosc header`);
  // the sizes must be able to describe this frame before the decompressor trusts them: a copied
  // (uncompressed) frame holds exactly nbytes, a compressed one a 4-byte start offset per block
  const blocksize = view.getUint32(8, true);
  if ((bytes[2]! & BLOSC_MEMCPYED) !== 0) {
    if (cbytes !== nbytes + 16)
      throw new CorruptFileError(FORMAT, file, `is an uncompressed Blosc frame of ${cbytes} bytes whose header declares ${nbytes} bytes of data: corrupted`);
  } else {
    const blocks = blocksize === 0 ? Infinity : Math.ceil(nbytes / blocksize);
    if (16 + 4 * blocks > cbytes)
      throw new CorruptFileError(
        FORMAT,
        file,
        `has a Blosc header declaring ${nbytes} bytes in blocks of ${blocksize}, more blocks than its ${cbytes} bytes can hold: corrupted`,
      );
  }
  return nbytes;
}

const codecs = new Map<string, ReturnType<typeof Blosc.fromConfig>>();

function codec(cname: string, clevel: number, shuffle: BloscShuffle): ReturnType<typeof Blosc.fromConfig> {
  const key = `${cname}/${clevel}/${shuffle}`;
  let found = codecs.get(key);
  if (!found) {
    found = Blosc.fromConfig({ cname, clevel, shuffle, blocksize: 0 });
    codecs.set(key, found);
  }
  return found;
}

/** Decodes a pickle payload (Python BatchFlow's layout), turning reader errors into typed IoErrors. */
function decodePickled(payload: Uint8Array, file: string, int64: Int64Policy): Map<string, DecodedEntry> {
  try {
    return decodeBatchflowItem(payload, file, int64);
  } catch (error) {
    if (error instanceof PickleGlobalError) throw new UnsafePickleError(FORMAT, file, error.global, { cause: error });
    if (error instanceof UnsupportedPickleDataError)
      throw new UnsupportedDataError(FORMAT, file, `its pickle cannot be read: ${error.message}`, { cause: error });
    if (error instanceof PickleError) throw new CorruptFileError(FORMAT, file, `holds a pickle that cannot be read: ${error.message}`, { cause: error });
    throw error;
  }
}

/**
 * Reads and decodes one item file (every check applied). The layout is detected from the payload: a
 * pickle (Python BatchFlow's files) or our container; `int64` applies to the 64-bit integers of pickles;
 * declared sizes are checked against `maxBytes` (default: the configured load limit).
 */
export async function readBloscFile(file: string, int64: Int64Policy = 'float64', maxBytes?: number): Promise<Map<string, DecodedEntry>> {
  const bytes = readFileBytesSync(FORMAT, file);
  const nbytes = checkBloscHeader(bytes, file);
  checkDeclaredSize(FORMAT, file, 'the Blosc frame (uncompressed size)', nbytes, maxBytes);
  let payload: Uint8Array;
  try {
    payload = await codec('lz4', 5, 1).decode(bytes);
  } catch (error) {
    throw new CorruptFileError(FORMAT, file, `cannot be decompressed: ${(error as Error).message}`, { cause: error });
  }
  if (payload.byteLength !== nbytes)
    throw new CorruptFileError(FORMAT, file, `decompressed to ${payload.byteLength} bytes, its header says ${nbytes}: corrupted`);
  if (isPicklePayload(payload)) return decodePickled(payload, file, int64);
  try {
    return decodeContainer(payload, file, maxBytes);
  } catch (error) {
    if (error instanceof ContainerError) throw new CorruptFileError(FORMAT, file, `is not a valid batchflow item: ${error.message}`, { cause: error });
    throw error;
  }
}

/** Encodes, compresses and atomically writes one item file. */
export async function writeBloscFile(file: string, entries: ReadonlyArray<ContainerEntry & { dtype?: string }>, settings: BloscSettings): Promise<void> {
  let payload: Uint8Array;
  try {
    payload = settings.layout === 'batchflow' ? encodeBatchflowItem(entries) : encodeContainer(entries);
  } catch (error) {
    if (error instanceof ContainerError || error instanceof PickleError) throw new UnsupportedDataError(FORMAT, file, error.message, { cause: error });
    throw error;
  }
  if (payload.byteLength > BLOSC_MAX_BUFFERSIZE)
    throw new UnsupportedDataError(FORMAT, file, `the item is ${payload.byteLength} bytes, more than a Blosc frame can hold (2 GiB)`);
  const compressed = await codec(settings.cname, settings.clevel, settings.shuffle).encode(payload);
  writeFileAtomicSync(FORMAT, file, compressed, { fsync: settings.fsync });
}
