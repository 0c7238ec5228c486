/**
 * Where the item files of the one-file-per-item formats are (`fmt: 'blosc'`, `'image'`/`'png'`/`'jpeg'`): the file of each item from `src`/`dst` (a folder, a
 * FilesIndex-like object, or a function id → path) and the batch's index (see blosc.ts).
 * @module
 */
import path from 'node:path';
import type { BatchLike } from '../batch/batch-like.js';
import { ArgumentError } from '../errors.js';
import { MissingFileError } from './errors.js';

const FORMAT = 'blosc';

/** Where item files are: a folder, a FilesIndex-like object, or a function id → path. */
export type BloscLocation = string | { getFullpath(id: string | number): string } | ((id: string | number) => string);

interface FilesIndexLike {
  getFullpath(id: string | number): string;
  readonly dirs?: boolean;
}

function isFilesIndexLike(value: unknown): value is FilesIndexLike {
  return typeof value === 'object' && value !== null && typeof (value as FilesIndexLike).getFullpath === 'function';
}

function fullPathOf(index: FilesIndexLike, id: string | number, argument: string, format: string): string {
  try {
    const full = index.getFullpath(id);
    if (typeof full !== 'string' || full === '') throw new TypeError(`getFullpath(${JSON.stringify(id)}) returned ${String(full)}`);
    return full;
  } catch (error) {
    throw new MissingFileError(format, String(id), `item ${JSON.stringify(id)} is not in the FilesIndex given as ${argument} (${(error as Error).message})`, {
      cause: error,
    });
  }
}

/** How a format names its item files: its name (for errors) and the extension of `<folder>/<id><extension>`. */
export interface ItemFileNaming {
  readonly format: string;
  readonly extension: string;
}

/** The file of item `id` (see module docs); `naming` defaults to blosc's. */
export function itemPath(
  batch: BatchLike,
  id: string | number,
  location: unknown,
  argument: 'src' | 'dst',
  naming: ItemFileNaming = { format: FORMAT, extension: '.blosc' },
): string {
  const index = batch.index as unknown;
  if (typeof location === 'function') {
    const found = (location as (id: string | number) => unknown)(id);
    if (typeof found !== 'string' || found === '')
      throw new ArgumentError(argument, `the function returned ${String(found)} for item ${JSON.stringify(id)}; expected a file path`);
    return path.resolve(found);
  }
  if (isFilesIndexLike(location)) return path.resolve(fullPathOf(location, id, argument, naming.format));
  if (typeof location === 'string' && location !== '') {
    if (isFilesIndexLike(index)) {
      const full = fullPathOf(index, id, 'the batch index', naming.format);
      return index.dirs ? path.resolve(full, location) : path.resolve(location, path.basename(full));
    }
    const name = String(id);
    if (name === '' || name === '.' || name === '..' || /[/\\\0]/.test(name))
      throw new ArgumentError('index', `id ${JSON.stringify(id)} cannot be a file name; use a FilesIndex or pass ${argument} as a function id => path`);
    return path.resolve(location, `${name}${naming.extension}`);
  }
  if (location === undefined || location === null) {
    if (isFilesIndexLike(index)) return path.resolve(fullPathOf(index, id, 'the batch index', naming.format));
    throw new ArgumentError(
      argument,
      `file locations must be specified: pass ${argument} as a folder (files <folder>/<id>${naming.extension}), a FilesIndex or a function id => path, or use a batch whose index is a FilesIndex`,
    );
  }
  throw new ArgumentError(argument, `expected a folder path, a FilesIndex or a function id => path, got ${typeof location}`);
}
