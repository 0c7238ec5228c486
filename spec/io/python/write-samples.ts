/**
 * Writes files with every batchflow-ts dump format for check_interop.py (run by hand, not by jest):
 *   npx tsx spec/io/python/write-samples.ts /tmp/bf-samples
 *   /path/to/venv/bin/python spec/io/python/check_interop.py /tmp/bf-samples
 * `expected.json` beside the files holds the values the Python tools must read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, type NDArray } from '../../../src/index.js';

class Sample extends Batch {
  static override components = ['f32', 'f64', 'i32', 'i64', 'names', 'flags', 'img'] as const;
}

const out = path.resolve(process.argv[2] ?? '/tmp/bf-samples');
mkdirSync(out, { recursive: true });
const expected: Record<string, unknown> = {};

for (const [label, ids] of [
  ['int', [10, 3, 7]],
  ['str', ['k10', 'k3', 'b-7']],
] as const) {
  const batch = new Sample([...ids]);
  const img = ndarray(
    Float32Array.from({ length: 3 * 2 * 3 }, (_, i) => i / 8),
    [3, 2, 3],
  );
  batch.setComponent('f32', Float32Array.from([0.1, -2.5, 3.25]));
  batch.setComponent('f64', Float64Array.from([Math.PI, -0.5, 1e300]));
  batch.setComponent('i32', Int32Array.from([1, -2, 2147483647]));
  batch.setComponent('i64', BigInt64Array.from([1n, -2n, 2n ** 60n]));
  batch.setComponent('names', ['alpha', 'bé "quoted", comma', 'line\nbreak']);
  batch.setComponent('flags', [true, false, true]);
  batch.setComponent('img', img);
  await batch.dump({ fmt: 'csv', dst: path.join(out, `${label}.csv`) });
  await batch.dump({ fmt: 'feather', dst: path.join(out, `${label}.feather`) });
  await batch.dump({ fmt: 'feather', dst: path.join(out, `${label}_named.feather`), indexName: 'id' });
  await batch.dump({ fmt: 'hdf5', dst: path.join(out, `${label}.h5`), layout: 'datasets' });
  const numeric = ['f32', 'f64', 'i32', 'i64', 'flags', 'img']; // the pandas layout holds no strings
  await batch.dump({ fmt: 'hdf5', dst: path.join(out, `${label}_pandas.h5`), components: numeric });
  await batch.dump({ fmt: 'hdf5', dst: path.join(out, `${label}_pandas_key.h5`), components: numeric, key: 'df', compression: 4 });
  await batch.dump({ fmt: 'blosc', dst: path.join(out, `${label}_blosc`) });
  const ragged = new Batch([...ids]);
  await ragged.addComponents(
    ['obj', 'arr'],
    [
      [{ a: 1 }, 'two', [3, 4]],
      [Float32Array.from([1, 2]), ndarray(Int32Array.from([1, 2, 3, 4]), [2, 2]), Float64Array.from([5])],
    ],
  );
  await ragged.dump({ fmt: 'blosc', dst: path.join(out, `${label}_ragged`) });
  expected[label] = {
    ids,
    f32: Array.from(batch.getComponent('f32') as Float32Array),
    f64: Array.from(batch.getComponent('f64') as Float64Array),
    i32: Array.from(batch.getComponent('i32') as Int32Array),
    i64: Array.from(batch.getComponent('i64') as unknown as BigInt64Array, String),
    names: batch.getComponent('names'),
    flags: batch.getComponent('flags'),
    img: Array.from((batch.getComponent('img') as NDArray).data as Float32Array),
    img_shape: [3, 2, 3],
    obj: [{ a: 1 }, 'two', [3, 4]],
    arr: [
      [1, 2],
      [
        [1, 2],
        [3, 4],
      ],
      [5],
    ],
  };
}
writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 1));
console.log(`wrote samples to ${out}`);
