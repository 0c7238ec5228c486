/**
 * The format registry behind `batch.load({fmt})` and `batch.dump({fmt})`. Each file format
 * registers one handler; an unknown `fmt` is a typed error listing the registered ones.
 * The built-in formats 'csv', 'feather', 'hdf5', 'blosc' and the image files 'image', 'png', 'jpeg' are registered here, where the registry
 * is created, so any import of the registry sees them. Each format's module (and its libraries:
 * csv-parse/csv-stringify, apache-arrow, h5wasm, numcodecs, sharp) is imported only when that format is first
 * used, so a user who never touches hdf5 never pays for h5wasm's start-up.
 * @module
 */
import { ArgumentError, UnknownFormatError } from '../errors.js';
import type { FormatDumpOptions, FormatHandler, FormatLoadOptions } from './format-handler.js';

export type { FormatHandler, FormatLoadOptions, FormatDumpOptions } from './format-handler.js';

/** Options of {@link registerFormat}. */
export interface RegisterFormatOptions {
  /** Replace a format already registered under the same name (default false: a clash is an error). */
  readonly override?: boolean;
}

/**
 * A handler typed with its own options, stored as one that takes any options: the registry is called
 * with options from untyped callers, and every handler checks the options it gets at run time.
 */
function storedLoader<Load extends object, Dump extends object>(loader: () => Promise<FormatHandler<Load, Dump>>): () => Promise<FormatHandler> {
  // loaded once: a repeated import() still goes through the loader hooks (with tsx, a synchronous round
  // trip to its hooks thread), once per load or dump call; a failed load is tried again next time
  let loading: Promise<FormatHandler> | null = null;
  return () => {
    if (loading === null) {
      loading = (loader as unknown as () => Promise<FormatHandler>)();
      loading.catch(() => (loading = null));
    }
    return loading;
  };
}

const handlers = new Map<string, () => Promise<FormatHandler>>([
  ['csv', storedLoader(async () => (await import('./csv.js')).csvFormat)],
  ['feather', storedLoader(async () => (await import('./feather.js')).featherFormat)],
  ['hdf5', storedLoader(async () => (await import('./hdf5.js')).hdf5Format)],
  ['blosc', storedLoader(async () => (await import('./blosc.js')).bloscFormat)],
  ['image', storedLoader(async () => (await import('./image/image-format.js')).imageAnyFormat)],
  ['png', storedLoader(async () => (await import('./image/image-format.js')).pngFormat)],
  ['jpeg', storedLoader(async () => (await import('./image/image-format.js')).jpegFormat)],
]);

/**
 * Registers a format; `loader` is called lazily on first use so formats cost nothing until used.
 * A name that is already registered (a built-in one included) is an ArgumentError unless
 * `options.override` is true.
 */
export function registerFormat<Load extends object = FormatLoadOptions, Dump extends object = FormatDumpOptions>(
  name: string,
  loader: () => Promise<FormatHandler<Load, Dump>>,
  options: RegisterFormatOptions = {},
): void {
  if (typeof name !== 'string' || name === '') throw new ArgumentError('name', `a format name must be a non-empty string, got ${String(name)}`);
  if (handlers.has(name) && options.override !== true) {
    throw new ArgumentError('name', `format '${name}' is already registered; pass { override: true } to replace it`);
  }
  handlers.set(name, storedLoader(loader));
}

/** Names of the registered formats. */
export function registeredFormats(): string[] {
  return [...handlers.keys()];
}

/** The handler of `fmt`; throws UnknownFormatError for names that are not registered. */
export async function getFormat(fmt: unknown): Promise<FormatHandler> {
  const loader = typeof fmt === 'string' ? handlers.get(fmt) : undefined;
  if (!loader) throw new UnknownFormatError(fmt, registeredFormats());
  return loader();
}
