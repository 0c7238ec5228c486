/**
 * Checks of the size a PNG or JPEG header declares, made before anything is decoded: against the
 * pixel limit (Pillow's decompression-bomb limit by default), the number of JPEG scans (a decoding
 * time budget), and against the compressed data the file holds — deflate expands at most 1032 times and a Huffman-coded JPEG spends at least one bit
 * per 8×8 block, so a header declaring far more pixels than its data can produce is a truncated or
 * damaged file, refused without allocating what it declares.
 * @module
 */
import { CorruptFileError, UnsupportedDataError } from '../errors.js';
import { isFrameMarker, jpegSegments, pngChunks } from './image-structure.js';

/**
 * The default most pixels (width × height) one image may have: 2 × 89,478,485, the size at which
 * Pillow (so BatchFlow) refuses an image as a decompression bomb.
 */
export const defaultMaxPixels = 2 * 89_478_485;

/** Most bytes of image data one byte of deflate stream expands to. */
const DEFLATE_MAX_RATIO = 1032;
/**
 * Most pixels one byte of Huffman-coded scan data can cover: every block of a component takes at
 * least one bit, and the component with the most blocks has at least one per 256 pixels (one per 64
 * for usual sampling; 256 with sampling factors 4×1 and 1×4 in two components).
 */
const JPEG_MAX_PIXELS_PER_BYTE = 8 * 256;
/**
 * Most scans × pixels a JPEG may take to decode (2^34): a decoder walks the whole image once per scan,
 * and a valid progressive file may hold hundreds of nearly empty scans (883 for a gray one) — a small
 * file that keeps a decoder busy for minutes. 2^34 is 96 scans at the default pixel limit (a few
 * seconds of decoding), 1,024 at 4096×4096; usual progressive files have 6–10 scans.
 */
export const maxJpegScanPixels = 2 ** 34;
/** Allowance for tiny images (headers, padding). */
const SLACK = 4096;

/** Samples per pixel of a PNG colour type (0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA). */
const pngSamples: Readonly<Record<number, number>> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Refuses an image of more than `maxPixels` pixels (an UnsupportedDataError naming the file). */
export function checkPixels(format: string, file: string, width: number, height: number, maxPixels: number): void {
  const pixels = width * height;
  if (pixels > maxPixels)
    throw new UnsupportedDataError(
      format,
      file,
      `the ${width}×${height} image has ${pixels} pixels, more than maxPixels = ${maxPixels} (a decompression bomb, as Pillow calls it); pass a larger maxPixels to load() if the file is trusted`,
    );
}

/** The PNG's compressed data (IDAT bytes present in the file) against the least pixel data its header implies. */
function checkPng(format: string, file: string, bytes: Uint8Array, width: number, height: number): void {
  if (bytes.length < 29) return; // sharp read the header, so it is there; nothing to weigh otherwise
  const depth = bytes[24]!;
  const samples = pngSamples[bytes[25]!] ?? 1;
  let compressed = 0;
  for (const chunk of pngChunks(bytes)) if (chunk.type === 'IDAT') compressed += Math.min(chunk.length, bytes.length - chunk.at - 8);
  const least = height * Math.ceil((width * samples * depth) / 8);
  if (least > DEFLATE_MAX_RATIO * compressed + SLACK)
    throw new CorruptFileError(
      format,
      file,
      `the header declares a ${width}×${height} image (at least ${least} bytes of pixel data), but the file holds ${compressed} bytes of compressed image data, which inflate to at most ${DEFLATE_MAX_RATIO * compressed} bytes: the file is truncated or damaged`,
    );
}

/** The JPEG's scans × pixels against the decoding budget, and its scan data against the pixels its frame declares (Huffman-coded frames only: arithmetic coding has no such floor). */
function checkJpeg(format: string, file: string, bytes: Uint8Array, width: number, height: number): void {
  const segments = jpegSegments(bytes);
  const frame = segments.find((segment) => isFrameMarker(segment.marker));
  if (!frame) return;
  const scans = segments.filter((segment) => segment.marker === 0xda);
  if (scans.length * width * height > maxJpegScanPixels)
    throw new UnsupportedDataError(
      format,
      file,
      `the ${width}×${height} image comes in ${scans.length} scans, each decoded over the whole image: more than the ${maxJpegScanPixels} scans × pixels one image may take (a decoding time bomb)`,
    );
  if (frame.marker >= 0xc9) return; // SOF9–SOF15: arithmetic coding
  let scanBytes = 0;
  for (const scan of scans) scanBytes += scan.dataEnd - scan.end;
  if (width * height > JPEG_MAX_PIXELS_PER_BYTE * scanBytes + SLACK)
    throw new CorruptFileError(
      format,
      file,
      `the header declares a ${width}×${height} image, but the file holds ${scanBytes} bytes of scan data, enough for at most ${JPEG_MAX_PIXELS_PER_BYTE * scanBytes} pixels: the file is truncated or damaged`,
    );
}

/** Refuses a file whose compressed data cannot produce the `width`×`height` image its header declares. */
export function checkImageData(format: string, file: string, bytes: Uint8Array, found: 'png' | 'jpeg', width: number, height: number): void {
  if (found === 'png') checkPng(format, file, bytes, width, height);
  else checkJpeg(format, file, bytes, width, height);
}
