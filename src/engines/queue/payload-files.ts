/**
 * Large payloads of the 'queue' engine through shared storage (`payloadDirectory`): the payload is
 * written to a file there (atomically) and Redis carries only a small reference to it; the reader
 * takes the file and removes it. A reference read from Redis is honoured only for a file name of this
 * form inside the directory the reader itself was configured with or the job names, so a crafted
 * reference cannot make anyone read or delete another file. Files whose reader died are swept by age.
 * @module
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open, readFile, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { atomicWrite } from '../../io/files.js';
import type { ReplyMemory } from '../engine.js';
import type { Frame } from './frame.js';

const marker = Buffer.from('batchflow-queue-file:');
const fileNamePattern = /^bfq-[A-Za-z0-9._-]{1,200}\.bin$/;

/** What goes through Redis for a payload: the payload itself, or a reference to the file holding it. */
export interface StoredPayload {
  readonly frame: Frame;
  /** The payload file, or null. */
  readonly file: string | null;
}

/** A frame over the bytes of `buffer`. */
function bufferFrame(buffer: Buffer): Frame {
  return { byteLength: buffer.length, writeTo: (target, offset) => target.set(buffer, offset), pieces: () => [buffer] };
}

/** The name of the payload file of payload `name` (see {@link storePayload}). */
export function payloadFileName(name: string): string {
  return `bfq-${name.replace(/[^A-Za-z0-9._-]/g, '_')}.bin`;
}

/** The payload name of the reply to job `jobId` (a worker stores the reply under it). */
export function replyPayloadName(jobId: string): string {
  return `${jobId}.reply`;
}

/** Where a payload of `payload.byteLength` bytes goes: a reference to a new file `name` in `directory`, or the payload itself. */
export async function storePayload(payload: Frame, directory: string | null, fileBytes: number, name: string): Promise<StoredPayload> {
  if (directory === null || payload.byteLength < fileBytes) return { frame: payload, file: null };
  const file = join(directory, payloadFileName(name));
  await writePayloadFile(file, payload.pieces());
  return { frame: bufferFrame(Buffer.concat([marker, Buffer.from(file, 'utf8')])), file };
}

/**
 * Writes `pieces` to `file` atomically (a reader learns the name only after the rename, so it never sees
 * part of a payload). Not flushed to disk: a payload lives as long as one call (lost with its machine,
 * it is lost with the call), and a flush costs two more file system round trips per chunk. The temp
 * file's name has the payload files' form, so one left by a writer killed mid-write is swept by age.
 */
function writePayloadFile(file: string, pieces: readonly Uint8Array[]): Promise<void> {
  const tempPath = `${file.slice(0, -'.bin'.length)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}.bin`;
  return atomicWrite('queue payload', file, (temp) => writePieces(temp, pieces), { flush: false, tempPath });
}

/** Writes `pieces` one after the other to a new file `file` (gathered writes: the pieces are not copied into one buffer first). */
async function writePieces(file: string, pieces: readonly Uint8Array[]): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    let rest = pieces.filter((piece) => piece.byteLength > 0);
    while (rest.length > 0) {
      let { bytesWritten } = await handle.writev(rest);
      // a short write: go on from the first byte not written
      while (rest.length > 0 && bytesWritten >= rest[0]!.byteLength) bytesWritten -= rest.shift()!.byteLength;
      if (bytesWritten > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
    }
  } finally {
    await handle.close();
  }
}

/** The file a stored payload refers to, or null when it is the payload itself. */
export function payloadFile(stored: Buffer): string | null {
  if (stored.length <= marker.length || !stored.subarray(0, marker.length).equals(marker)) return null;
  return stored.subarray(marker.length).toString('utf8');
}

/**
 * The payload `stored` holds or refers to (the file is read and removed). `directory` is where
 * references may point; a reference elsewhere, or a file that is gone, is an Error naming it. A file
 * is read into the memory `memory` gives for its name and size when it gives enough (the payload is
 * then a view of it), else into fresh memory.
 */
export async function loadPayload(stored: Buffer, directory: string | null, memory?: (file: string) => ReplyMemory | undefined): Promise<Buffer> {
  const file = payloadFile(stored);
  if (file === null) return stored;
  if (directory === null || dirname(file) !== directory || !fileNamePattern.test(basename(file))) {
    throw new Error(`a queue payload refers to ${JSON.stringify(file)}, which is not a payload file of the payload directory ${JSON.stringify(directory)}`);
  }
  const into = memory?.(file);
  const payload = into === undefined ? await readFile(file) : await readInto(file, into);
  await unlink(file);
  return payload;
}

/** The bytes of `file`, read into the memory `into` gives for its size (fresh memory when it gives none, or too little). */
async function readInto(file: string, into: ReplyMemory): Promise<Buffer> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const target = into(size);
    if (target === null || target.byteLength < size) return await handle.readFile();
    for (let at = 0; at < size;) {
      const { bytesRead } = await handle.read(target, at, size - at, at);
      if (bytesRead === 0) throw new Error(`the queue payload file ${JSON.stringify(file)} ended after ${at} of its ${size} bytes`);
      at += bytesRead;
    }
    return Buffer.from(target.buffer, target.byteOffset, size);
  } finally {
    await handle.close();
  }
}

/** Removes the payload file `stored` is or refers to, if any (a withdrawn chunk); errors are ignored. */
export function discardPayload(stored: Buffer | StoredPayload | null): void {
  const file = stored === null ? null : Buffer.isBuffer(stored) ? payloadFile(stored) : stored.file;
  if (file === null || !fileNamePattern.test(basename(file))) return;
  try {
    unlinkSync(file);
  } catch {
    // already read or swept
  }
}

const lastSweep = new Map<string, number>();

/** Removes payload files older than `maxAgeMs` from `directory` (at most once per `maxAgeMs`); errors are ignored. */
export function sweepPayloadFiles(directory: string | null, maxAgeMs: number, now = Date.now()): void {
  if (directory === null || now - (lastSweep.get(directory) ?? 0) < maxAgeMs) return;
  lastSweep.set(directory, now);
  try {
    for (const name of readdirSync(directory)) {
      if (!fileNamePattern.test(name)) continue;
      const file = join(directory, name);
      try {
        if (now - statSync(file).mtimeMs > maxAgeMs) unlinkSync(file);
      } catch {
        // taken by its reader meanwhile
      }
    }
  } catch {
    // the directory is not there (yet)
  }
}
