/**
 * Writes blosc item files with `layout: 'batchflow'` for check_batchflow_blosc.py (run by hand, not by jest):
 *   npx tsx spec/io/python/write-batchflow-blosc.ts /tmp/bf-pickles
 *   /path/to/venv/bin/python spec/io/python/check_batchflow_blosc.py /tmp/bf-pickles
 * `expected.json` beside the files holds, per component, the values and numpy types Python must read.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, closeEngines } from '../../../src/index.js';

const out = path.resolve(process.argv[2] ?? '/tmp/bf-pickles');
mkdirSync(out, { recursive: true });

class Items extends Batch {
  static override components = ['images', 'f32', 'f64', 'i8', 'u8', 'i16', 'u16', 'i32', 'u32', 'i64', 'names', 'flags', 'ints', 'meta', 'ragged'] as const;
}

const ids = [0, 1, 2];
const batch = new Items(ids);
const images = ndarray(
  Float32Array.from({ length: 3 * 4 * 5 }, (_, i) => i / 8 - 2),
  [3, 4, 5],
);
const columns: Record<string, unknown> = {
  images,
  f32: Float32Array.of(0.1, -2.5, 3e-8),
  f64: Float64Array.of(Math.PI, -1e300, 0),
  i8: Int8Array.of(-128, 0, 127),
  u8: Uint8Array.of(0, 1, 255),
  i16: Int16Array.of(-32768, 2, 32767),
  u16: Uint16Array.of(0, 3, 65535),
  i32: Int32Array.of(-2147483648, 4, 2147483647),
  u32: Uint32Array.of(0, 5, 4294967295),
  i64: BigInt64Array.of(-(2n ** 62n), 6n, 2n ** 53n + 1n),
  names: ['ünï', '', 'line\nbreak'],
  flags: [true, false, true],
  ints: [1, -2, 3.5],
  meta: [{ a: [1, 2.5], b: 'x' }, null, { nested: { deep: [true, null] } }],
  ragged: [Float32Array.of(1, 2), ndarray(Int32Array.of(1, 2, 3, 4), [2, 2]), Float64Array.of(5)],
};
for (const name of Items.components) batch.setComponent(name, columns[name] as never);
await batch.dump({ fmt: 'blosc', dst: (id: string | number) => path.join(out, String(id)), layout: 'batchflow' });

const typed = (name: string, dtype: string): Array<{ dtype: string; value: unknown }> =>
  Array.from(columns[name] as ArrayLike<number | bigint>, (v) => ({ dtype, value: typeof v === 'bigint' ? String(v) : v }));
const expected = {
  ids,
  images: { dtype: 'float32', shape: [4, 5], items: ids.map((i) => Array.from((images.data as Float32Array).subarray(i * 20, (i + 1) * 20))) },
  scalars: {
    f32: typed('f32', 'float32'),
    f64: typed('f64', 'float64'),
    i8: typed('i8', 'int8'),
    u8: typed('u8', 'uint8'),
    i16: typed('i16', 'int16'),
    u16: typed('u16', 'uint16'),
    i32: typed('i32', 'int32'),
    u32: typed('u32', 'uint32'),
    i64: typed('i64', 'int64'),
  },
  plain: { names: columns.names, flags: columns.flags, ints: columns.ints, meta: columns.meta },
  ragged: [
    { dtype: 'float32', shape: [2], values: [1, 2] },
    { dtype: 'int32', shape: [2, 2], values: [1, 2, 3, 4] },
    { dtype: 'float64', shape: [1], values: [5] },
  ],
};
writeFileSync(path.join(out, 'expected.json'), JSON.stringify(expected, null, 1));
await closeEngines();
console.log(`wrote ${ids.length} item files to ${out}`);
