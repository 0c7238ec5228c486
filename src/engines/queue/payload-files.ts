/**
 * Large payloads of the 'queue' engine through shared storage (`payloadDirectory`): the payload is
 * written to a file there (atomically) and Redis carries only a small reference to it; the reader
 * reads it and, once it is not needed, keeps it under a name of its own to write its next payload
 * over (or removes it). A reference read from Redis is honoured only for a file name of this
 * form inside the directory the reader itself was configured with or the job names, so a crafted
 * reference cannot make anyone read or delete another file. Files whose reader died are swept by age.
 * @module
 */
import { readdirSync, statSync, unlinkSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { open, readFile, rename, unlink } from 'node:fs/promises';
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
 * it is lost with the call), and a flush costs two more file system round trips per chunk. A file this
 * process read before and kept ({@link releasePayloadFile}) is written over when there is one: its
 * pages are there already (on a memory file system, a new file's pages are allocated and cleared as
 * it is written, and freed when it is removed). The temp file's name has the payload files' form, so
 * one left by a writer killed mid-write is swept by age.
 */
async function writePayloadFile(file: string, pieces: readonly Uint8Array[]): Promise<void> {
  const kept = takeKeptFile(dirname(file));
  if (kept !== null) {
    try {
      return await atomicWrite('queue payload', file, (temp) => writePieces(temp, pieces, 'r+'), { flush: false, tempPath: kept });
    } catch {
      // swept by age meanwhile: a new file
    }
  }
  const tempPath = `${file.slice(0, -'.bin'.length)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}.bin`;
  await atomicWrite('queue payload', file, (temp) => writePieces(temp, pieces, 'wx'), { flush: false, tempPath });
}

/**
 * Writes `pieces` one after the other to `file` (gathered writes: the pieces are not copied into one
 * buffer first): a new file (`wx`), or one written over from its start and cut to their length (`r+`).
 */
async function writePieces(file: string, pieces: readonly Uint8Array[], flag: 'wx' | 'r+'): Promise<void> {
  const handle = await open(file, flag);
  try {
    let rest = pieces.filter((piece) => piece.byteLength > 0);
    while (rest.length > 0) {
      let { bytesWritten } = await handle.writev(rest);
      // a short write: go on from the first byte not written
      while (rest.length > 0 && bytesWritten >= rest[0]!.byteLength) bytesWritten -= rest.shift()!.byteLength;
      if (bytesWritten > 0) rest = [rest[0]!.subarray(bytesWritten), ...rest.slice(1)];
    }
    if (flag === 'r+') await handle.truncate(pieces.reduce((sum, piece) => sum + piece.byteLength, 0));
  } finally {
    await handle.close();
  }
}

/** Payload files kept per directory to be written over, at most this many. */
const maxKeptFiles = 16;
/** Payload files this process read and keeps to write over (their names are this process's own), by directory. */
const keptFiles = new Map<string, string[]>();

function takeKeptFile(directory: string): string | null {
  return keptFiles.get(directory)?.pop() ?? null;
}

/**
 * Lets go of the payload file `file` (read by this process: it is not needed any more): it is kept
 * under a name of this process's own, to be written over by its next payload, or removed when this
 * process keeps enough. Only a payload file in `directory` is touched (a reference read from Redis may
 * name anything). Errors are ignored (the file was swept meanwhile).
 */
export async function releasePayloadFile(file: string | null, directory: string | null): Promise<void> {
  if (file === null || dirname(file) !== directory || !fileNamePattern.test(basename(file))) return;
  const kept = keptFiles.get(directory) ?? [];
  try {
    if (kept.length >= maxKeptFiles) return await unlink(file);
    const name = join(directory, `bfq-kept-${process.pid}-${randomBytes(6).toString('hex')}.bin`);
    await rename(file, name);
    kept.push(name);
    keptFiles.set(directory, kept);
  } catch {
    // swept or taken meanwhile
  }
}

/** Removes the payload files this process keeps to write over (when its engines close, and at its exit). */
export function removeKeptPayloadFiles(): void {
  for (const files of keptFiles.values())
    for (const file of files.splice(0)) {
      try {
        unlinkSync(file);
      } catch {
        // swept meanwhile
      }
    }
}
process.on('exit', removeKeptPayloadFiles);

/** The file a stored payload refers to, or null when it is the payload itself. */
export function payloadFile(stored: Buffer): string | null {
  if (stored.length <= marker.length || !stored.subarray(0, marker.length).equals(marker)) return null;
  return stored.subarray(marker.length).toString('utf8');
}

/**
 * The payload `stored` holds or refers to. `directory` is where references may point; a reference
 * elsewhere, or a file that is gone, is an Error naming it. A file is read into the memory `memory`
 * gives for its name and size when it gives enough (the payload is then a view of it), else into fresh
 * memory. The file stays: its reader lets go of it ({@link releasePayloadFile}) once it is not needed
 * (a chunk's file, once its reply is out: a job run again after its worker died reads it again).
 */
export async function loadPayload(stored: Buffer, directory: string | null, memory?: (file: string) => ReplyMemory | undefined): Promise<Buffer> {
  const file = payloadFile(stored);
  if (file === null) return stored;
  if (directory === null || dirname(file) !== directory || !fileNamePattern.test(basename(file))) {
    throw new Error(`a queue payload refers to ${JSON.stringify(file)}, which is not a payload file of the payload directory ${JSON.stringify(directory)}`);
  }
  const into = memory?.(file);
  return into === undefined ? await readFile(file) : await readInto(file, into);
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
