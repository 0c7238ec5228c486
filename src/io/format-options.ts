/**
 * The options of each built-in file format, keyed by `fmt`, and the option types of `batch.load` /
 * `batch.dump` derived from them: with a built-in `fmt` the options are that format's (a misspelled
 * or foreign option is a compile error); a format registered with `registerFormat` takes any options.
 * Types only.
 * @module
 */
import type { DumpOptions, LoadOptions } from '../batch/load-dump-options.js';
import type { BloscDumpOptions, BloscLoadOptions } from './blosc.js';
import type { CsvDumpOptions, CsvLoadOptions } from './csv.js';
import type { FeatherDumpOptions, FeatherLoadOptions } from './feather.js';
import type { Hdf5DumpOptions, Hdf5LoadOptions } from './hdf5.js';
import type { ImageDumpOptions, ImageLoadOptions } from './image/image-format.js';

/** Load and dump options of each built-in format, keyed by its `fmt` name. */
export interface FormatOptions {
  csv: { load: CsvLoadOptions; dump: CsvDumpOptions };
  feather: { load: FeatherLoadOptions; dump: FeatherDumpOptions };
  hdf5: { load: Hdf5LoadOptions; dump: Hdf5DumpOptions };
  blosc: { load: BloscLoadOptions; dump: BloscDumpOptions };
  image: { load: ImageLoadOptions; dump: ImageDumpOptions };
  png: { load: ImageLoadOptions; dump: ImageDumpOptions };
  jpeg: { load: ImageLoadOptions; dump: ImageDumpOptions };
}

/** The name of a built-in format. */
export type FormatName = keyof FormatOptions;

/**
 * The options of `batch.load` for format `F`: in memory (`F` undefined), the options of a built-in
 * format, any options for another registered format, and {@link LoadOptions} when `F` is only known
 * as a `string`.
 */
export type LoadOptionsFor<F extends string | undefined> = string extends F
  ? LoadOptions
  : [F] extends [undefined]
    ? LoadOptions & { fmt?: undefined }
    : F extends FormatName
      ? { fmt: F } & FormatOptions[F]['load']
      : LoadOptions & { fmt: F };

/** The options of `batch.dump` / `batch.save` for format `F` (see {@link LoadOptionsFor}). */
export type DumpOptionsFor<F extends string | undefined> = string extends F
  ? DumpOptions
  : [F] extends [undefined]
    ? DumpOptions & { fmt?: undefined }
    : F extends FormatName
      ? { fmt: F } & FormatOptions[F]['dump']
      : DumpOptions & { fmt: F };

/** The `fmt` option of `batch.load` / `dump` / `save`, which selects the options of that format. */
export interface FormatChoice<F extends string | undefined> {
  /** `undefined` = in memory; otherwise a registered file format ('blosc', 'csv', 'hdf5', 'feather', 'image', 'png', 'jpeg', or one added with `registerFormat`). */
  fmt?: F;
}
