/**
 * File helpers shared by the formats: reading with typed errors, and atomic writes (a temp file in
 * the destination's folder, flushed to disk, then renamed over the destination — so a reader sees
 * either the old file or the complete new one, never a partial file).
 * @module
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, promises as fs, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { FileFormatError, IoError, MissingFileError } from './errors.js';

/** The absolute form of a user-given path; anything but a non-empty string is a typed error. */
export function resolvePath(format: string, file: unknown, argument: string): string {
  if (typeof file !== 'string' || file === '') {
    throw new IoError(format, String(file), `${argument} must be a file path (a non-empty string), got ${file === null ? 'null' : typeof file}`);
  }
  return path.resolve(file);
}

/** Node's file-system errors (checked by shape: under jest's VM they are not `instanceof Error`). */
function isErrnoException(error: unknown): error is NodeJS.ErrnoException {
  return (
    typeof error === 'object' && error !== null && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as Error).message === 'string'
  );
}

/** Maps a Node file-system error to a typed IoError naming `file`. */
export function fileSystemError(format: string, file: string, error: unknown, doing: string): IoError {
  if (isErrnoException(error)) {
    if (error.code === 'ENOENT') return new MissingFileError(format, file, `cannot ${doing}: no such file or directory`, { cause: error });
    if (error.code === 'EISDIR') return new FileFormatError(format, file, `cannot ${doing}: it is a directory, not a file`, { cause: error });
    if (error.code === 'ENOTDIR') return new MissingFileError(format, file, `cannot ${doing}: a part of the path is not a directory`, { cause: error });
    return new IoError(format, file, `cannot ${doing}: ${error.code} ${error.message}`, { cause: error });
  }
  const message = typeof error === 'object' && error !== null && typeof (error as Error).message === 'string' ? (error as Error).message : String(error);
  return new IoError(format, file, `cannot ${doing}: ${message}`, { cause: error });
}

/** Reads a whole file; a missing file is a MissingFileError, a folder a FileFormatError. */
export async function readFileBytes(format: string, file: string): Promise<Uint8Array> {
  try {
    const buffer = await fs.readFile(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw fileSystemError(format, file, error, 'read the file');
  }
}

/** Synchronous {@link readFileBytes} (much faster for many small files: no thread-pool round trip). */
export function readFileBytesSync(format: string, file: string): Uint8Array {
  try {
    const buffer = readFileSync(file);
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  } catch (error) {
    throw fileSystemError(format, file, error, 'read the file');
  }
}

/** Checks that `file` exists and is a regular file (without reading it). */
export async function assertReadableFile(format: string, file: string): Promise<number> {
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile()) throw new FileFormatError(format, file, 'cannot read the file: it is not a regular file');
    return stat.size;
  } catch (error) {
    if (error instanceof IoError) throw error;
    throw fileSystemError(format, file, error, 'read the file');
  }
}

/** Reads up to `length` bytes at `position` (fewer at the end of the file). */
export async function readFileHead(format: string, file: string, length: number, position = 0): Promise<Uint8Array> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, 'r');
    const out = new Uint8Array(length);
    const { bytesRead } = await handle.read(out, 0, length, position);
    return out.subarray(0, bytesRead);
  } catch (error) {
    throw fileSystemError(format, file, error, 'read the file');
  } finally {
    await handle?.close();
  }
}

/** A temp-file path next to `file` (same folder, so the final rename is atomic). */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/** Options of {@link atomicWrite}. */
export interface AtomicWriteOptions {
  /**
   * Flush the temp file to disk before the rename (default true: the file survives a power loss). Files
   * that live only as long as the process that reads them (e.g. the queue's payload files) skip it.
   */
  readonly flush?: boolean;
  /** The temp file's path (default {@link tempPathFor}); it must be in the same folder as `file`. */
  readonly tempPath?: string;
}

/**
 * Writes `file` atomically: `write(tempPath)` creates the complete content in a temp file in the same
 * folder (created if missing), the temp file is flushed to disk (unless `options.flush` is false),
 * then renamed over `file`. If anything fails the temp file is removed and `file` is left as it was. A
 * process killed mid-write may leave a stale temp file (by default `.<name>.<pid>.<random>.tmp`) beside
 * `file`, never a partial `file`.
 */
export async function atomicWrite(
  format: string,
  file: string,
  write: (tempPath: string) => Promise<void> | void,
  options: AtomicWriteOptions = {},
): Promise<void> {
  const folder = path.dirname(file);
  try {
    await fs.mkdir(folder, { recursive: true });
  } catch (error) {
    throw fileSystemError(format, folder, error, 'create the folder');
  }
  const temp = options.tempPath ?? tempPathFor(file);
  try {
    await write(temp);
    if (options.flush !== false) {
      const handle = await fs.open(temp, 'r+');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
    }
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    if (error instanceof IoError) throw error;
    throw fileSystemError(format, file, error, 'write the file');
  }
}

/** Writes bytes or text to `file` atomically (see {@link atomicWrite}). */
export async function writeFileAtomic(format: string, file: string, data: Uint8Array | string): Promise<void> {
  await atomicWrite(format, file, async (temp) => {
    await fs.writeFile(temp, data, { flag: 'wx' });
  });
}

/**
 * Synchronous atomic write of small files (the per-item blosc files): temp file in the same folder,
 * optionally flushed to disk (`fsync`, for power-loss safety; a killed process never leaves a
 * partial file either way), then renamed over `file`.
 */
export function writeFileAtomicSync(format: string, file: string, data: Uint8Array, options: { fsync?: boolean } = {}): void {
  const folder = path.dirname(file);
  try {
    mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw fileSystemError(format, folder, error, 'create the folder');
  }
  const temp = tempPathFor(file);
  try {
    const fd = openSync(temp, 'wx');
    try {
      let written = 0;
      while (written < data.byteLength) written += writeSync(fd, data, written, data.byteLength - written);
      if (options.fsync) fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    try {
      rmSync(temp, { force: true });
    } catch {
      // the temp file could not be removed: it stays as a stale .tmp file
    }
    throw fileSystemError(format, file, error, 'write the file');
  }
}
