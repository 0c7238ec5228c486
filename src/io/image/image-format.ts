/**
 * `fmt: 'image' | 'png' | 'jpeg'` — one image file per item, decoded and encoded by sharp (libvips).
 * Load puts an H×W (grayscale) or H×W×C (C = 2 gray+alpha, 3 RGB, 4 RGBA) uint8 ndarray per item
 * into `dst` (default 'images'): stacked into one n×H×W(×C) ndarray when every image has the same
 * shape, a plain array of ndarrays otherwise. 'image' reads PNG or JPEG (found from the content),
 * 'png'/'jpeg' only that one. Dump writes each item of one component (default 'images') as PNG or
 * JPEG (for 'image': from the file extension), atomically. File names as blosc's (blosc-paths.ts):
 * the FilesIndex's own paths, a folder, a FilesIndex, or a function id → path. A bad, truncated or
 * too large file is a typed error naming it, and the batch is unchanged.
 * @module
 */
import path from 'node:path';
import type { BatchLike } from '../../batch/batch-like.js';
import { ArgumentError } from '../../errors.js';
import { columnItem, type Column } from '../../ndarray/columns.js';
import { isNdArray, stackNdArrays, type NDArray } from '../../ndarray/ndarray-utils.js';
import { optionNames } from '../../util/option-names.js';
import { itemPath, type BloscLocation } from '../blosc-paths.js';
import { UnsupportedDataError, fromIoErrorRecord, isIoErrorRecord, type IoErrorRecord } from '../errors.js';
import type { FormatHandler } from '../format-handler.js';
import { getLoadLimits } from '../load-limits.js';
import { runItems, type ItemRunOptions } from '../run-items.js';
import { checkOptions } from '../table.js';
import { assignComponents } from '../table-load.js';
import { defaultMaxPixels } from './image-bounds.js';
import { dumpImageItem, loadImageItem, type ImageDumpItem, type ImageEncoding, type ImageLoadItem } from './image-items.js';

/** Where item files are: a folder, a FilesIndex-like object, or a function id → path. */
export type ImageLocation = BloscLocation;

/** Options of `batch.load({ fmt: 'image' | 'png' | 'jpeg', ... })`. */
export interface ImageLoadOptions extends ItemRunOptions {
  /** The files (default: the paths of the batch's FilesIndex). */
  src?: ImageLocation;
  /** The component to load into (default 'images'). */
  dst?: string;
  /**
   * Most pixels (width × height) an image may have (default 178,956,970: Pillow's decompression-bomb
   * limit); a larger one is an UnsupportedDataError naming the file, raised from its header. `Infinity`
   * lifts it (the byte limit of `configureLoadLimits` still applies).
   */
  maxPixels?: number;
}

/** Options of `batch.dump({ fmt: 'image' | 'png' | 'jpeg', ... })`. */
export interface ImageDumpOptions extends ItemRunOptions {
  /** The files (default: the paths of the batch's FilesIndex). */
  dst?: ImageLocation;
  /** The component to write (default 'images'). */
  components?: string;
  /** JPEG quality 1–100 (default 75, Pillow's). */
  quality?: number;
  /** PNG compression level 0–9 (default 6, Pillow's). */
  compressionLevel?: number;
  /** Flush each file to disk before its rename (power-loss safety; slower). Default false: a killed process still never leaves a partial file. */
  fsync?: boolean;
}

const loadOptionNames = optionNames<ImageLoadOptions>()(['src', 'dst', 'maxPixels', 'target', 'nWorkers', 'chunkSize']);
const dumpOptionNames = optionNames<ImageDumpOptions>()(['dst', 'components', 'quality', 'compressionLevel', 'fsync', 'target', 'nWorkers', 'chunkSize']);

const extensions: Record<ImageEncoding, string> = { png: '.png', jpeg: '.jpg' };

function encodingOf(fmt: ImageEncoding | 'image', file: string): ImageEncoding {
  if (fmt !== 'image') return fmt;
  const extension = path.extname(file).toLowerCase();
  if (extension === '.png') return 'png';
  if (extension === '.jpg' || extension === '.jpeg') return 'jpeg';
  throw new UnsupportedDataError(
    'image',
    file,
    `cannot tell the encoding from the extension '${extension}': name the file .png, .jpg or .jpeg, or dump with fmt 'png' or 'jpeg'`,
  );
}

function integerIn(value: unknown, low: number, high: number, argument: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < low || value > high)
    throw new ArgumentError(argument, `expected an integer ${low}–${high}, got ${JSON.stringify(value)}`);
  return value;
}

/** The loaded images as one component: stacked when their shapes agree. */
function assembleImages(images: NDArray[]): Column {
  const first = images[0]!;
  const same = images.every((image) => image.shape.length === first.shape.length && image.shape.every((d, i) => d === first.shape[i]));
  return same ? stackNdArrays(images, 'uint8') : images;
}

/** The handler of one of the image formats. */
export function imageFormat(fmt: ImageEncoding | 'image'): FormatHandler<ImageLoadOptions, ImageDumpOptions> {
  const naming = { format: fmt, extension: fmt === 'image' ? '.png' : extensions[fmt] };
  return {
    async load(batch: BatchLike, options: ImageLoadOptions): Promise<void> {
      checkOptions(fmt, options, loadOptionNames);
      const dst = options.dst ?? 'images';
      if (typeof dst !== 'string' || dst === '') throw new ArgumentError('dst', `expected a component name, got ${JSON.stringify(dst)}`);
      const maxPixels = options.maxPixels ?? defaultMaxPixels;
      if (typeof maxPixels !== 'number' || !(maxPixels >= 1) || !(Number.isInteger(maxPixels) || maxPixels === Infinity))
        throw new ArgumentError('maxPixels', `expected a positive integer number of pixels (or Infinity), got ${String(maxPixels)}`);
      const maxBytes = getLoadLimits().maxBytes;
      const files = batch.indices.map((id) => itemPath(batch, id, options.src, 'src', naming));
      const results = (await runItems(
        batch,
        loadImageItem,
        files.map((file): ImageLoadItem => [file, fmt, maxBytes, maxPixels]),
        options,
      )) as Array<NDArray | IoErrorRecord>;
      const failed = results.find(isIoErrorRecord);
      if (failed) throw fromIoErrorRecord(failed);
      if (results.length === 0) return;
      await assignComponents(batch, new Map([[dst, assembleImages(results as NDArray[])]]), { format: fmt, file: files[0]! });
    },

    async dump(batch: BatchLike, options: ImageDumpOptions): Promise<void> {
      checkOptions(fmt, options, dumpOptionNames);
      const name = options.components ?? 'images';
      if (typeof name !== 'string') throw new ArgumentError('components', `image files hold one component: expected its name, got ${JSON.stringify(name)}`);
      const settings = {
        quality: integerIn(options.quality ?? 75, 1, 100, 'quality'),
        compressionLevel: integerIn(options.compressionLevel ?? 6, 0, 9, 'compressionLevel'),
        fsync: options.fsync ?? false,
      };
      if (typeof settings.fsync !== 'boolean') throw new ArgumentError('fsync', `expected a boolean, got ${typeof settings.fsync}`);
      const files = batch.indices.map((id) => itemPath(batch, id, options.dst, 'dst', naming));
      const column = batch.getComponent(name);
      if (column === null || column === undefined) throw new UnsupportedDataError(fmt, files[0] ?? '', `component '${name}' holds no data to dump`);
      const items = files.map((file, position): ImageDumpItem => {
        const image = columnItem(column as Column, position);
        if (!isNdArray(image)) throw new UnsupportedDataError(fmt, file, `item ${position} of '${name}' is not an image ndarray`);
        return [file, encodingOf(fmt, file), image, `item ${position} of '${name}'`];
      });
      const results = (await runItems(batch, dumpImageItem, items, options, settings)) as Array<0 | IoErrorRecord>;
      const failed = results.find(isIoErrorRecord);
      if (failed) throw fromIoErrorRecord(failed);
    },
  };
}

/** `fmt: 'image'`: PNG or JPEG. */
export const imageAnyFormat = imageFormat('image');
/** `fmt: 'png'`. */
export const pngFormat = imageFormat('png');
/** `fmt: 'jpeg'`. */
export const jpegFormat = imageFormat('jpeg');
