/**
 * Compile-only type tests of `Dataset.fromTable`: the options are those of the chosen format, a
 * misspelled or foreign option is an error, and the dataset's batch type follows `batchClass`.
 * Checked by `tsc -p . --noEmit`; the function is never called.
 */
import { Batch, Dataset, type NDArray } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

export async function tableDatasetTypeChecks(): Promise<void> {
  class RowsBatch extends Batch {
    static override components = ['x', 'y'] as const;
    declare x: NDArray;
  }
  const rows = await Dataset.fromTable('rows.csv', { fmt: 'csv', batchClass: RowsBatch, indexCol: 'id', dtypes: { x0: 'float32' }, delimiter: ';' });
  assertType<Equal<typeof rows, Dataset<RowsBatch>>>();
  await Dataset.fromTable('rows.feather', { fmt: 'feather', indexCol: null, int64: 'bigint' });
  await Dataset.fromTable('rows.h5', { fmt: 'hdf5', key: '/frame', indexKey: null, copy: true, attributes: { source: 'lab' } });
  // @ts-expect-error a misspelled csv option
  await Dataset.fromTable('rows.csv', { fmt: 'csv', indexcol: 'id' });
  // @ts-expect-error delimiter is a csv option, not an hdf5 one
  await Dataset.fromTable('rows.h5', { fmt: 'hdf5', delimiter: ';' });
  // @ts-expect-error blosc is not a table format
  await Dataset.fromTable('items/', { fmt: 'blosc' });
  // @ts-expect-error the format is required
  await Dataset.fromTable('rows.csv', { batchClass: RowsBatch });
}
