/**
 * The container structure of PNG and JPEG files, walked without decoding anything: PNG chunks (by
 * their length fields) and JPEG segments (by their length fields, and for a scan, where its
 * entropy-coded data ends). Both stop where a length leads past the end of the bytes.
 * @module
 */

/** A PNG chunk: where it starts (its length field), its data length and its type. */
export interface PngChunk {
  readonly at: number;
  readonly length: number;
  readonly type: string;
}

/** The chunks after the 8-byte signature; the last one may run past the end when the file is truncated. */
export function pngChunks(bytes: Uint8Array): PngChunk[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: PngChunk[] = [];
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    out.push({ at, length, type: String.fromCharCode(...bytes.subarray(at + 4, at + 8)) });
    if (at + 12 + length > bytes.length) break;
    at += 12 + length;
  }
  return out;
}

/** A JPEG segment: its marker, where it starts and ends; for a scan (SOS), where its entropy-coded data ends. */
export interface JpegSegment {
  readonly marker: number;
  readonly at: number;
  readonly end: number;
  readonly dataEnd: number;
}

/** Markers without a length field: SOI, EOI, TEM and the restart markers. */
export function isStandaloneMarker(marker: number): boolean {
  return marker === 0xd8 || marker === 0xd9 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7);
}

/** A frame header (SOF0–SOF15; not DHT, JPG or DAC, which share the range). */
export function isFrameMarker(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The end of a scan's entropy-coded data: the next marker that is not a stuffed 0xFF00 or a restart marker. */
function scanEnd(bytes: Uint8Array, from: number): number {
  for (let at = from; at + 1 < bytes.length; at++) {
    const next = bytes[at + 1]!;
    if (bytes[at] === 0xff && next !== 0 && !(next >= 0xd0 && next <= 0xd7)) return at;
  }
  return bytes.length;
}

/** The segments after SOI up to EOI, as far as their lengths lead (none when the file does not start with SOI). */
export function jpegSegments(bytes: Uint8Array): JpegSegment[] {
  const out: JpegSegment[] = [];
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return out;
  for (let at = 2; at + 1 < bytes.length && bytes[at] === 0xff;) {
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (isStandaloneMarker(marker)) {
      out.push({ marker, at, end: at + 2, dataEnd: at + 2 });
      if (marker === 0xd9) break;
      at += 2;
      continue;
    }
    if (at + 4 > bytes.length) break;
    const end = at + 2 + ((bytes[at + 2]! << 8) | bytes[at + 3]!);
    if (end > bytes.length) break;
    const dataEnd = marker === 0xda ? scanEnd(bytes, end) : end;
    out.push({ marker, at, end, dataEnd });
    at = dataEnd;
  }
  return out;
}
