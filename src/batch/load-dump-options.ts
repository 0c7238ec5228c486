/**
 * The options of `batch.load` and `batch.dump` / `batch.save`, declared once here (the Batch class,
 * its load/dump runtime and the {@link BatchLike} interface all use them).
 * @module
 */

/** Options of `batch.load`. */
export interface LoadOptions {
  /** The data: a record/Map/array-tuple of per-component data, one component's data, or (with `fmt`) a file. */
  src?: unknown;
  /** `undefined` = in memory; otherwise a registered file format ('blosc', 'csv', 'hdf5', 'feather'). */
  fmt?: string;
  /** Component(s) to load into; missing ones are created in the given order. */
  dst?: string | readonly string[];
  /** Format-specific options. */
  [option: string]: unknown;
}

/** Options of `batch.dump` / `batch.save`. */
export interface DumpOptions {
  /** Destination: an array/typed array/ndarray (in memory, filled in place at the items' positions) or a file. */
  dst?: unknown;
  /** `undefined` = in memory; otherwise a registered file format. */
  fmt?: string;
  /** Component(s) to dump (in memory: exactly one). */
  components?: string | readonly string[];
  [option: string]: unknown;
}
