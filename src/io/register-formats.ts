/**
 * Registers the file formats 'blosc', 'csv', 'hdf5' and 'feather' with the format registry. Each
 * format's module (and its libraries: numcodecs, csv-parse/csv-stringify, h5wasm, apache-arrow) is
 * imported only when that format is first used, so a user who never touches hdf5 never pays for
 * h5wasm's start-up. `src/index.ts` imports this module; it also re-exports the io error classes.
 * @module
 */
import { registerFormat } from './format-registry.js';

registerFormat('csv', async () => (await import('./csv.js')).csvFormat);
registerFormat('feather', async () => (await import('./feather.js')).featherFormat);
registerFormat('hdf5', async () => (await import('./hdf5.js')).hdf5Format);
registerFormat('blosc', async () => (await import('./blosc.js')).bloscFormat);

export { IoError, MissingFileError, FileFormatError, CorruptFileError, MissingColumnError, MissingRowError, UnsupportedDataError, UnsafePickleError } from './errors.js';
