/**
 * Test helpers that forge blosc item files the way an attacker would: decompress a file our dump
 * wrote, edit its container header (or write a container from scratch), compress it again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { crc32 } from 'node:zlib';
import Blosc from 'numcodecs/blosc';

const codec = Blosc.fromConfig({ cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 });

/** A container header: `__metadata__` and one record per component. */
export type ContainerHeader = Record<string, Record<string, unknown>>;

/** The container bytes of `header` and `data` (8-byte length, JSON padded to 8 bytes, data). */
export function containerBytes(header: ContainerHeader, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const out = new Uint8Array(8 + padded + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(padded), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + padded);
  out.set(data, 8 + padded);
  return out;
}

/** Writes a blosc item file holding `entries` (name → header record with data_offsets into `data`); the checksum is right. */
export async function writeContainer(file: string, entries: ContainerHeader, data: Uint8Array): Promise<void> {
  const header = { __metadata__: { format: 'batchflow-item', version: '1', crc32: crc32(data).toString(16).padStart(8, '0') }, ...entries };
  writeFileSync(file, await codec.encode(containerBytes(header, data)));
}

/** Rewrites item file `file` after `edit` changed its header and/or data (in place). */
export async function editContainer(file: string, edit: (header: ContainerHeader, data: Uint8Array) => Uint8Array | void): Promise<void> {
  const payload = await codec.decode(Uint8Array.from(readFileSync(file)));
  const length = Number(new DataView(payload.buffer, payload.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(payload.subarray(8, 8 + length))) as ContainerHeader;
  const data = Uint8Array.from(payload.subarray(8 + length));
  const edited = edit(header, data) ?? data;
  writeFileSync(file, await codec.encode(containerBytes(header, edited)));
}
