/**
 * Checks the global heap collections of an HDF5 file (where variable-length data such as strings
 * live) before HDF5 reads them. HDF5 trusts the object sizes inside a collection: one damaged size
 * makes its reader walk the collection in a cycle that never ends, blocking the process. A
 * collection ("GCOL", version 1) holds objects (16-byte header: index, reference count, size; data
 * padded to 8 bytes) that must tile it exactly; the free space (index 0) takes the rest.
 * @module
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CorruptFileError } from './errors.js';
import { fileSystemError } from './files.js';

const FORMAT = 'hdf5';
const SIGNATURE = 'GCOL'; // searched as a 4-byte string: much faster than a needle with zero bytes
const VERSION = 1;
const HEADER = 16; // signature 4, version 1, reserved 3, collection size 8
const OBJECT_HEADER = 16; // index 2, references 2, reserved 4, size 8
const MIN_COLLECTION = 4096;
const CHUNK = 8 * 1024 * 1024;

/** Why the collection at `start` of `bytes` is damaged, or null when its objects tile it. */
function collectionProblem(bytes: Buffer, start: number, size: number): string | null {
  const end = start + size;
  let at = start + HEADER;
  while (at < end) {
    if (at + OBJECT_HEADER > end) return null; // a tail too short for an object is free space
    const index = bytes.readUInt16LE(at);
    const declared = bytes.readBigUInt64LE(at + 8);
    if (declared > BigInt(size)) return `object ${index} declares ${declared} bytes, more than its ${size}-byte collection`;
    const objectSize = Number(declared);
    const need = index > 0 ? OBJECT_HEADER + Math.ceil(objectSize / 8) * 8 : objectSize;
    if (need <= 0 || at + need > end) return `object ${index} (${objectSize} bytes at byte ${at}) runs past the end of its collection`;
    at += need;
  }
  return null;
}

/**
 * Throws a CorruptFileError naming `file` when a global heap collection in it is damaged. The file
 * is scanned for collection signatures in chunks; a collection is checked when its declared size
 * is plausible (at least 4 KiB, within the file).
 */
export function checkGlobalHeaps(file: string, fileSize: number): void {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (error) {
    throw fileSystemError(FORMAT, file, error, 'read the file');
  }
  try {
    const buffer = Buffer.allocUnsafe(Math.min(CHUNK, fileSize)); // only the `length` bytes read are looked at
    for (let offset = 0; offset < fileSize; offset += CHUNK - SIGNATURE.length - HEADER) {
      const length = readSync(fd, buffer, 0, buffer.length, offset);
      for (let hit = buffer.indexOf(SIGNATURE, 0); hit !== -1 && hit < length; hit = buffer.indexOf(SIGNATURE, hit + 1)) {
        if (hit + HEADER > length) break;
        if (buffer[hit + 4] !== VERSION || buffer.readUIntLE(hit + 5, 3) !== 0) continue;
        const declared = buffer.readBigUInt64LE(hit + 8);
        const position = offset + hit;
        if (declared < BigInt(MIN_COLLECTION) || declared > BigInt(fileSize - position)) continue;
        const size = Number(declared);
        const collection = Buffer.alloc(size);
        readSync(fd, collection, 0, size, position);
        const problem = collectionProblem(collection, 0, size);
        if (problem !== null) throw new CorruptFileError(FORMAT, file, `is damaged: the global heap collection at byte ${position}: ${problem}`);
      }
      if (length < buffer.length) break;
    }
  } finally {
    closeSync(fd);
  }
}
