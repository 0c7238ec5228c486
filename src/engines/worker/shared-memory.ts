/**
 * The shared-memory transport of the 'mpc' engine: packed item buffers are written once to a file in
 * /dev/shm (RAM-backed), and only the file name and offsets go through the IPC pipe, which would
 * otherwise serialise and copy every byte twice.
 * @module
 */
import { closeSync, existsSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { typedArrayConstructor, type DType, type TypedArray } from '../../ndarray/ndarray-utils.js';
import { isShmRef, type EncodedList, type ShmRef } from './codec.js';

/** Buffers smaller than this stay in the message. */
export const shmThresholdBytes = 64 * 1024;

const shmDirectory = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
let fileCounter = 0;

function dtypeName(data: TypedArray): DType {
  const name = data.constructor.name.replace('Array', '').toLowerCase();
  return (name === 'uint8clamped' ? 'uint8_clamped' : name) as DType;
}

/**
 * Moves the packed buffers of `lists` that reach the threshold into one new shared-memory file and
 * replaces them by references. Returns the file's path, or null when nothing was moved.
 */
export function moveToSharedMemory(lists: readonly EncodedList[]): string | null {
  const large = lists.filter(
    (list): list is Exclude<EncodedList, { kind: 'values' }> => list.kind !== 'values' && !isShmRef(list.data) && list.data.byteLength >= shmThresholdBytes,
  );
  if (large.length === 0) return null;
  const file = join(shmDirectory, `batchflow-${process.pid}-${++fileCounter}-${Math.random().toString(36).slice(2, 8)}.bin`);
  const descriptor = openSync(file, 'w', 0o600);
  try {
    let byteOffset = 0;
    for (const list of large) {
      const data = list.data as TypedArray;
      writeSync(descriptor, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
      const ref: ShmRef = { shmFile: file, byteOffset, byteLength: data.byteLength, dtype: dtypeName(data) };
      (list as { data: TypedArray | ShmRef }).data = ref;
      byteOffset += data.byteLength;
    }
  } finally {
    closeSync(descriptor);
  }
  return file;
}

/**
 * Gives `byteLength` bytes to read a buffer into (a reused slot whose first touch is already paid), or
 * null for a new buffer.
 */
export type ByteStorage = (byteLength: number) => Uint8Array | null;

/** Replaces shared-memory references in `lists` by the buffers they point to, read into `storage` when it gives room. */
export function readFromSharedMemory(lists: readonly EncodedList[], storage: ByteStorage | null = null): void {
  const descriptors = new Map<string, number>();
  try {
    for (const list of lists) {
      if (list.kind === 'values' || !isShmRef(list.data)) continue;
      const ref = list.data;
      let descriptor = descriptors.get(ref.shmFile);
      if (descriptor === undefined) descriptors.set(ref.shmFile, (descriptor = openSync(ref.shmFile, 'r')));
      const Constructor = typedArrayConstructor(ref.dtype);
      const bytes = storage?.(ref.byteLength) ?? new Uint8Array(ref.byteLength);
      let done = 0;
      while (done < ref.byteLength) done += readSync(descriptor, bytes, done, ref.byteLength - done, ref.byteOffset + done);
      const length = ref.byteLength / (Constructor as unknown as { BYTES_PER_ELEMENT: number }).BYTES_PER_ELEMENT;
      (list as { data: TypedArray | ShmRef }).data = new (
        Constructor as unknown as new (buffer: ArrayBufferLike, offset: number, length: number) => TypedArray
      )(bytes.buffer, bytes.byteOffset, length);
    }
  } finally {
    for (const descriptor of descriptors.values()) closeSync(descriptor);
  }
}

/** Deletes a shared-memory file (ignores files that are already gone). */
export function removeSharedMemory(file: string | null): void {
  if (file) rmSync(file, { force: true });
}

/** Reads the buffer a shared-memory reference points to straight into `target` (its byte length must match). */
export function readSharedMemoryInto(ref: ShmRef, target: Uint8Array): void {
  if (target.byteLength !== ref.byteLength) throw new RangeError(`shared-memory read of ${ref.byteLength} bytes into ${target.byteLength}`);
  const descriptor = openSync(ref.shmFile, 'r');
  try {
    let done = 0;
    while (done < ref.byteLength) done += readSync(descriptor, target, done, ref.byteLength - done, ref.byteOffset + done);
  } finally {
    closeSync(descriptor);
  }
}
