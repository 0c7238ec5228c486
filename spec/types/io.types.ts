/**
 * Compile-only type tests of `batch.load` / `batch.dump` / `batch.save` with a file format: the options
 * are those of the format named by `fmt` (`FormatOptions`), a misspelled or foreign option is an error,
 * a format added with `registerFormat` takes any options. Checked by `tsc -p . --noEmit`; the function
 * is never called.
 */
import { Batch, type FormatOptions, type LoadOptions, type NDArray } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

export async function ioTypeChecks(): Promise<void> {
  class RowsBatch extends Batch {
    static override components = ['x', 'y'] as const;
    declare x: NDArray;
  }
  const batch = new RowsBatch([0, 1]);

  // each built-in format takes its own options
  const loaded: RowsBatch = await batch.load({ fmt: 'csv', src: 'rows.csv', indexCol: 'id', dtypes: { x: 'float32' }, delimiter: ';' });
  void loaded;
  await batch.load({ fmt: 'feather', src: 'rows.feather', indexCol: null, int64: 'bigint' });
  await batch.load({ fmt: 'hdf5', src: 'rows.h5', key: '/frame', dst: ['x'] });
  await batch.load({ fmt: 'blosc', src: 'items/', nWorkers: 2 });
  await batch.dump({ fmt: 'csv', dst: 'rows.csv', indexName: 'id', delimiter: ';' });
  await batch.dump({ fmt: 'feather', dst: 'rows.feather', compression: 'uncompressed' });
  await batch.save({ fmt: 'hdf5', dst: 'rows.h5', layout: 'datasets' });
  await batch.dump({ fmt: 'blosc', dst: 'items/', cname: 'zstd', clevel: 9 });
  assertType<Equal<FormatOptions['csv']['load']['delimiter'], string | undefined>>();

  // @ts-expect-error a misspelled csv option
  await batch.load({ fmt: 'csv', src: 'rows.csv', indexcol: 'id' });
  // @ts-expect-error compression is a feather option, not a csv one
  await batch.dump({ fmt: 'csv', dst: 'rows.csv', compression: 'uncompressed' });
  // @ts-expect-error delimiter is a csv option, not a feather one
  await batch.load({ fmt: 'feather', src: 'rows.feather', delimiter: ';' });
  // @ts-expect-error a csv file is a path
  await batch.load({ fmt: 'csv', src: 42 });
  // @ts-expect-error an hdf5 layout is 'pandas' or 'datasets'
  await batch.save({ fmt: 'hdf5', dst: 'rows.h5', layout: 'table' });

  // in memory, a format registered with registerFormat, and a fmt only known as a string: any options
  await batch.load({ src: { x: [1, 2], y: [3, 4] } });
  await batch.load();
  await batch.load({ fmt: 'parquet', src: 'rows.parquet', rowGroup: 3 });
  const options: LoadOptions = { fmt: 'csv' as string, src: 'rows.csv', anything: 1 };
  await batch.load(options);

  // the pipeline's load step takes the options of any format
  batch.dataset?.p.load({ fmt: 'csv', src: 'rows.csv', dst: 'x' });
}
