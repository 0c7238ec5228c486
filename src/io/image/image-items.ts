/**
 * The per-item functions of the image formats (portable: they also run on worker engines): decode
 * one PNG/JPEG file into an H×W (grayscale) or H×W×C uint8 ndarray, and encode one such ndarray into
 * a file (written atomically). Decoding is done by sharp (libvips, on libuv's thread pool); the size
 * the file declares is checked before any pixel is decoded: against the pixel limit, the load limit,
 * and the compressed data the file actually holds (image-bounds.ts).
 * @module
 */
import ndarray from 'ndarray';
import type { NDArray } from '../../ndarray/ndarray-utils.js';
import { portable } from '../../engines/function-reference.js';
import { CorruptFileError, FileFormatError, IoError, UnsupportedDataError, toIoErrorRecord, type IoErrorRecord } from '../errors.js';
import { readFileBytes, writeFileAtomicSync } from '../files.js';
import { checkDeclaredSize } from '../load-limits.js';
import { checkImageData, checkPixels } from './image-bounds.js';

/** The encodings: 'png' and 'jpeg'; 'image' on load accepts either. */
export type ImageEncoding = 'png' | 'jpeg';

type Sharp = (typeof import('sharp'))['default'];
let sharpModule: Promise<Sharp> | undefined;

/** sharp, imported on first use (its native library costs nothing until an image is read or written). */
function loadSharp(): Promise<Sharp> {
  sharpModule ??= import('sharp').then((module) => module.default);
  return sharpModule;
}

/** A load item: the file, the encoding asked for ('image': PNG or JPEG), the byte limit of the process that started the load, the pixel limit. */
export type ImageLoadItem = [file: string, fmt: ImageEncoding | 'image', maxBytes: number, maxPixels: number];

/**
 * The decoded pixels as an ndarray with the file's own channels: libvips hands grayscale images out
 * as sRGB (three equal bands, plus alpha), so for a file with 1 or 2 channels only the first band
 * (and the alpha band) is kept.
 */
function pixelsOf(raw: Buffer, info: { width: number; height: number; channels: number }, fileChannels: number): NDArray {
  const keep = fileChannels <= 2 && info.channels >= 3 ? (info.channels === 4 ? [0, 3] : [0]) : Array.from({ length: info.channels }, (_, c) => c);
  const pixels = info.width * info.height;
  if (keep.length === info.channels) {
    const shape = keep.length === 1 ? [info.height, info.width] : [info.height, info.width, keep.length];
    return ndarray(new Uint8Array(raw.buffer, raw.byteOffset, pixels * keep.length), shape) as unknown as NDArray;
  }
  const data = new Uint8Array(pixels * keep.length);
  for (let i = 0; i < pixels; i++) for (let c = 0; c < keep.length; c++) data[i * keep.length + c] = raw[i * info.channels + keep[c]!]!;
  const shape = keep.length === 1 ? [info.height, info.width] : [info.height, info.width, keep.length];
  return ndarray(data, shape) as unknown as NDArray;
}

/** Per-item load function: the decoded image, or the record of the typed error naming the file. */
export async function loadImageItem(item: ImageLoadItem): Promise<NDArray | IoErrorRecord> {
  const [file, fmt, maxBytes, maxPixels] = item;
  const name = fmt;
  try {
    const bytes = await readFileBytes(name, file);
    const sharp = await loadSharp();
    let meta: Awaited<ReturnType<ReturnType<Sharp>['metadata']>>;
    try {
      meta = await sharp(bytes, { limitInputPixels: false }).metadata(); // the header only: its size is checked below
    } catch (error) {
      throw new FileFormatError(name, file, `not a readable image file (${(error as Error).message})`, { cause: error });
    }
    const found = meta.format === 'jpeg' || meta.format === 'png' ? meta.format : undefined;
    if (!found || (fmt !== 'image' && fmt !== found))
      throw new FileFormatError(
        name,
        file,
        `expected ${fmt === 'image' ? 'a PNG or JPEG' : `a ${fmt.toUpperCase()}`} file, found ${meta.format ?? 'an unknown format'}`,
      );
    const width = meta.width ?? 0;
    const height = meta.height ?? 0;
    const channels = meta.channels ?? 0;
    if (!(width > 0 && height > 0 && channels > 0))
      throw new CorruptFileError(name, file, `the header declares an empty image (${width}×${height}×${channels})`);
    checkDeclaredSize(name, file, `the ${width}×${height} image with ${channels} channel(s)`, width * height * channels, maxBytes);
    checkPixels(name, file, width, height, maxPixels);
    checkImageData(name, file, bytes, found, width, height);
    let decoded: { data: Buffer; info: { width: number; height: number; channels: number } };
    try {
      // ignoreIcc: the stored values, as Pillow (and so BatchFlow) reads them, not converted through an embedded colour profile
      let decoder = sharp(bytes, { limitInputPixels: width * height, failOn: 'warning', ignoreIcc: true });
      // 8-bit gray stays one band (libvips would make it three sRGB bands: 3× the memory, then a copy of one band)
      if (channels === 1 && meta.depth === 'uchar') decoder = decoder.toColourspace('b-w');
      decoded = await decoder.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
    } catch (error) {
      throw new CorruptFileError(name, file, `the image data cannot be decoded, the file is truncated or damaged (${(error as Error).message})`, {
        cause: error,
      });
    }
    return pixelsOf(decoded.data, decoded.info, channels);
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(loadImageItem, import.meta.url);

/** Encoder settings of a dump. */
export interface ImageEncodeSettings {
  /** JPEG quality 1–100. */
  readonly quality: number;
  /** PNG zlib level 0–9. */
  readonly compressionLevel: number;
  /** Flush each file to disk before the rename (a killed process never leaves a partial file either way). */
  readonly fsync: boolean;
}

/** The image's values in row-major order: its own storage when it is contiguous, else a copy. */
function rowMajorBytes(image: NDArray, size: number): Buffer {
  const data = image.data as unknown as Uint8Array;
  let contiguous = true;
  let expected = 1;
  for (let axis = image.shape.length - 1; axis >= 0; axis--) {
    if (image.shape[axis]! > 1 && image.stride[axis] !== expected) contiguous = false;
    expected *= image.shape[axis]!;
  }
  if (contiguous) return Buffer.from(data.buffer, data.byteOffset + image.offset, size);
  const out = Buffer.alloc(size);
  let k = 0;
  const [height, width] = image.shape as [number, number];
  const channels = image.shape.length === 2 ? 1 : image.shape[2]!;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      if (channels === 1 && image.shape.length === 2) out[k++] = image.get(y, x);
      else for (let c = 0; c < channels; c++) out[k++] = image.get(y, x, c);
  return out;
}

/** A dump item: the file, its encoding, the image and where it comes from (for errors). */
export type ImageDumpItem = [file: string, fmt: ImageEncoding, image: NDArray, what: string];

/** Per-item dump function: 0, or the record of the typed error naming the file. */
export async function dumpImageItem(item: ImageDumpItem, settings: ImageEncodeSettings): Promise<0 | IoErrorRecord> {
  const [file, fmt, image, what] = item;
  try {
    const shape = image.shape;
    const channels = shape.length === 2 ? 1 : shape[2]!;
    const data = image.data as unknown;
    if (!(data instanceof Uint8Array) || (shape.length !== 2 && shape.length !== 3) || channels < 1 || channels > 4)
      throw new UnsupportedDataError(
        fmt,
        file,
        `${what}: expected an H×W or H×W×C (C = 1–4) uint8 image, got ${data?.constructor?.name ?? typeof data} of shape [${shape.join(', ')}]`,
      );
    if (fmt === 'jpeg' && (channels === 2 || channels === 4))
      throw new UnsupportedDataError(
        fmt,
        file,
        `${what}: JPEG has no alpha channel (the image has ${channels} channels); dump it as PNG or drop the alpha channel`,
      );
    const [height, width] = shape as [number, number];
    const pixels = rowMajorBytes(image, height * width * channels);
    const sharp = await loadSharp();
    let encoder = sharp(pixels, { raw: { width, height, channels: channels as 1 | 2 | 3 | 4 } });
    if (channels <= 2) encoder = encoder.toColourspace('b-w'); // keep grayscale files grayscale (libvips would write sRGB)
    const bytes =
      fmt === 'png'
        ? await encoder.png({ compressionLevel: settings.compressionLevel }).toBuffer()
        : await encoder.jpeg({ quality: settings.quality, optimiseCoding: false }).toBuffer(); // Pillow's defaults: no Huffman optimisation, 4:2:0
    writeFileAtomicSync(fmt, file, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), { fsync: settings.fsync });
    return 0;
  } catch (error) {
    if (error instanceof IoError) return toIoErrorRecord(error);
    throw error;
  }
}
portable(dumpImageItem, import.meta.url);
