/**
 * Blosc item files in Python BatchFlow's own layout (a pickled dict of numpy values): files written
 * by numpy + dill load with the right values and types, hostile pickles are refused without running
 * anything, and `layout: 'batchflow'` dumps files that load back (Python reads them too: see
 * spec/io/python/check_batchflow_blosc.py).
 */
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import Blosc from 'numcodecs/blosc';
import {
  ArgumentError,
  Batch,
  CorruptFileError,
  FilesIndex,
  UnsafePickleError,
  UnsupportedDataError,
  closeEngines,
  isNdArray,
  type DumpOptions,
  type NDArray,
} from '../../src/index.js';
import { cleanup, fixture, tempDir, toList } from './helpers.js';

afterAll(async () => {
  cleanup();
  await closeEngines();
});

const folder = fixture('batchflow_blosc');
const fromFolder =
  (dir: string) =>
  (id: string | number): string =>
    path.join(dir, String(id));

interface FolderExpected {
  images_sum_per_item: number[];
  images_first_pixel: number[][];
  images_shape: number[];
  labels: number[];
  names: string[];
  scores: Array<Array<number | null>>;
}
const expectedFolder = JSON.parse(readFileSync(path.join(folder, 'expected.json'), 'utf8')) as FolderExpected;
type Plain = { shape: number[]; values: unknown[] } | unknown;
const expectedDtypes = JSON.parse(readFileSync(path.join(folder, 'dtypes', 'expected.json'), 'utf8')) as Record<string, Plain>;

const codec = Blosc.fromConfig({ cname: 'blosclz', clevel: 9, shuffle: 1, blocksize: 0 });

/** Writes `payload` as a Blosc frame (like python-blosc's `blosc.compress`). */
async function writeFrame(file: string, payload: Uint8Array): Promise<void> {
  writeFileSync(file, await codec.encode(payload));
}

/** A protocol 2 pickle from its opcode text (latin1), framed by PROTO 2 … STOP. */
const pickle2 = (body: string): Uint8Array => Uint8Array.from(Buffer.from(`\x80\x02${body}.`, 'latin1'));

/** Flattens nested plain arrays. */
const flat = (value: unknown): unknown[] => (Array.isArray(value) ? value.flatMap(flat) : [value]);

describe('files written by Python BatchFlow (numpy + dill)', () => {
  test('images (uint8 4-D), labels (int64 scalars) and names (str) load with the expected values', async () => {
    class ImgBatch extends Batch {
      static override components = ['images', 'labels', 'names'] as const;
    }
    const batch = new ImgBatch([0, 1, 2]);
    await batch.load({ fmt: 'blosc', src: fromFolder(folder) });
    const images = batch.getComponent('images') as NDArray;
    expect(isNdArray(images)).toBe(true);
    expect(images.dtype).toBe('uint8');
    expect(images.shape).toEqual([3, ...expectedFolder.images_shape]);
    for (let i = 0; i < 3; i++) {
      const item = images.pick(i) as NDArray;
      expect((flat(toList(item)) as number[]).reduce((a, b) => a + b, 0)).toBe(expectedFolder.images_sum_per_item[i]);
      expect([0, 1, 2].map((c) => item.get(0, 0, c))).toEqual(expectedFolder.images_first_pixel[i]);
    }
    const labels = batch.getComponent('labels');
    expect(labels).toBeInstanceOf(Float64Array); // int64 → float64 by default (the int64 policy)
    expect(toList(labels)).toEqual(expectedFolder.labels);
    expect(batch.getComponent('names')).toEqual(expectedFolder.names);
  });

  test('a FilesIndex over the folder finds the files by their own paths; int64: bigint keeps int64', async () => {
    const index = new FilesIndex({ path: path.join(folder, '[0-9]') });
    const batch = new Batch(index);
    await batch.load({ fmt: 'blosc', dst: ['labels'], int64: 'bigint' });
    expect(batch.getComponent('labels')).toBeInstanceOf(BigInt64Array);
    expect(toList(batch.getComponent('labels'))).toEqual(index.indices.map((id) => BigInt(expectedFolder.labels[Number(id)]!)));
  });

  test('float32 with NaN, on worker threads', async () => {
    const batch = new Batch([0, 1]);
    await batch.load({ fmt: 'blosc', src: fromFolder(path.join(folder, 'scores')), target: 'threads', nWorkers: 2 });
    const scores = batch.getComponent('scores') as NDArray;
    expect(scores.dtype).toBe('float32');
    expect(scores.shape).toEqual([2, 2]);
    expect((flat(toList(scores)) as number[]).map((v) => (Number.isNaN(v) ? null : v))).toEqual(flat(expectedFolder.scores));
  }, 60_000); // worker start-up on a loaded machine

  // every numpy array of the dtype fixtures (the scalars and Python values are checked below)
  const arrays = Object.keys(expectedDtypes).filter((name) => {
    const want = expectedDtypes[name];
    return typeof want === 'object' && want !== null && 'shape' in want && 'values' in want;
  });
  test.each(arrays.flatMap((name) => [2, 4].map((protocol) => [name, protocol] as const)))('array %s, pickle protocol %i', async (name, protocol) => {
    const batch = new Batch([0]);
    await batch.load({ fmt: 'blosc', src: () => path.join(folder, 'dtypes', `${name}.p${protocol}`), int64: 'bigint' });
    const value = batch.getComponent(name);
    const { shape, values } = expectedDtypes[name] as { shape: number[]; values: unknown[] };
    const numeric = !['unicode', 'bytes', 'object_str', 'unicode_2d'].includes(name);
    if (numeric && shape.length > 0) {
      const big = name.includes('int64') || name.includes('i8');
      if (big) {
        expect(toList(value)).toEqual([values.map((v) => BigInt(v as string | number))]);
      } else {
        const array = value as NDArray;
        expect(array.shape).toEqual([1, ...shape]);
        const expectedValues = values.map((v) => (v === 'inf' ? Infinity : v === true ? 1 : v === false ? 0 : v));
        expect(flat(toList(array))).toEqual(expectedValues);
        const dtype =
          { bool: 'uint8', float16: 'float32', big_f4: 'float32', big_u2: 'uint16', fortran: 'int32', fortran3d: 'float64', empty: 'float32' }[name] ?? name;
        expect(array.dtype).toBe(dtype);
      }
    } else if (numeric) {
      expect(toList(value)).toEqual(values); // a 0-d array: one number per item
    } else {
      // strings ('S' bytes decoded as UTF-8): one JS array per item, nested by the array's shape
      expect(flat(value)).toEqual(name === 'bytes' ? values.map((v) => String.fromCharCode(...(v as number[]))) : values);
      if (shape.length === 2) expect((value as unknown[][])[0]).toEqual([values.slice(0, 2), values.slice(2)]);
    }
  });

  test('numpy scalars, Python values and containers', async () => {
    const load = async (name: string, int64: 'float64' | 'bigint' = 'float64'): Promise<unknown> => {
      const batch = new Batch([0]);
      await batch.load({ fmt: 'blosc', src: () => path.join(folder, 'dtypes', `${name}.p4`), int64 });
      return batch.getComponent(name);
    };
    expect(await load('scalar_f4')).toEqual(Float32Array.of(0.5));
    expect(await load('scalar_f8')).toEqual(Float64Array.of(-1.25));
    expect(await load('scalar_i8')).toEqual(Float64Array.of(-7));
    expect(await load('scalar_i8', 'bigint')).toEqual(BigInt64Array.of(-7n));
    expect(await load('scalar_u1')).toEqual(Uint8Array.of(200));
    expect(await load('scalar_f2')).toEqual(Float32Array.of(1.5));
    expect(await load('scalar_bool')).toEqual([true]);
    expect(await load('scalar_str')).toEqual(['numpy str']);
    expect(await load('py_str')).toEqual(['plain ü']);
    expect(await load('py_list')).toEqual([[1, 'two', 3.5, null, true]]);
    expect(await load('py_tuple')).toEqual([[1, 2]]);
    expect(await load('py_none')).toEqual([null]);
    expect(await load('py_bytes')).toEqual([Uint8Array.of(0, 1, 255)]);
    expect(await load('py_big', 'bigint')).toEqual([2n ** 70n]);
    const dict = ((await load('py_dict')) as Array<{ a: number; b: number[]; c: NDArray }>)[0]!;
    expect(dict.a).toBe(1);
    expect(dict.b).toEqual([2.5]);
    expect(dict.c.dtype).toBe('int16');
    expect(toList(dict.c)).toEqual([1, 2]);
  });

  test('int64 beyond 2^53 under the default policy is an UnsupportedDataError naming the file and component', async () => {
    const batch = new Batch([0]);
    const file = path.join(folder, 'dtypes', 'py_big.p4');
    await expect(batch.load({ fmt: 'blosc', src: () => file })).rejects.toThrow(UnsupportedDataError);
    await expect(batch.load({ fmt: 'blosc', src: () => file })).rejects.toThrow(/py_big.*1180591620717411303424.*int64: 'bigint'/);
  });
});

describe('hostile pickles are refused and nothing runs', () => {
  const dir = tempDir('bf-pickle-');
  const marker = path.join(dir, 'pwned');

  test.each([
    ['posix.system', 'cposix\nsystem\n'],
    ['__builtin__.eval', 'c__builtin__\neval\n'],
    ['builtins.exec', 'cbuiltins\nexec\n'],
    ['os.system', 'cos\nsystem\n'],
    ['subprocess.Popen', 'csubprocess\nPopen\n'],
  ])('a pickle naming %s is an UnsafePickleError naming the global and the file', async (global, opening) => {
    const command = `touch ${marker}`;
    const file = path.join(dir, `${global}.blosc`);
    const len = Buffer.alloc(4);
    len.writeUInt32LE(command.length);
    // {'x': <global>(command)}: the global, a 1-tuple of the command, REDUCE — what pickle.loads would run
    const body = `}X\x01\x00\x00\x00x${opening}X${len.toString('latin1')}${command}\x85Rs`;
    await writeFrame(file, pickle2(body));
    const batch = new Batch([0]);
    await batch.addComponents(['x'], [['before']]);
    const error = await batch.load({ fmt: 'blosc', src: () => file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafePickleError);
    expect((error as UnsafePickleError).global).toBe(global);
    expect((error as UnsafePickleError).file).toBe(file);
    expect((error as Error).message).toContain(global);
    expect(existsSync(marker)).toBe(false);
    expect(batch.getComponent('x')).toEqual(['before']);
  });

  test("dill's _load_type of a builtin function is refused as that builtin", async () => {
    const file = path.join(dir, 'load_type.blosc');
    await writeFrame(file, pickle2(`}X\x01\x00\x00\x00xcdill._dill\n_load_type\nX\x04\x00\x00\x00eval\x85RX\x01\x00\x00\x001\x85Rs`));
    const error = await new Batch([0]).load({ fmt: 'blosc', src: () => file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafePickleError);
    expect((error as UnsafePickleError).global).toBe('builtins.eval');
  });

  test('the refusal comes back typed from a worker thread too', async () => {
    const file = path.join(dir, 'worker.blosc');
    await writeFrame(file, pickle2('}X\x01\x00\x00\x00xcposix\nsystem\nX\x04\x00\x00\x00true\x85Rs'));
    const error = await new Batch([0, 1]).load({ fmt: 'blosc', src: () => file, target: 'threads' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnsafePickleError);
    expect((error as UnsafePickleError).global).toBe('posix.system');
  }, 60_000);

  test.each([
    ['REDUCE of something that is not a global', '}X\x01\x00\x00\x00xX\x01\x00\x00\x00a)Rs', /REDUCE calls a string/],
    ['INST (builds an object without REDUCE)', '}X\x01\x00\x00\x00x(inumpy\ndtype\ns', /INST is not supported/],
    ['a declared bytes length of 4 GiB', '}X\x01\x00\x00\x00xB\xff\xff\xff\xffs', /exceeds the \d+ bytes left/],
    ['a declared string length of 2 GiB', '}X\x01\x00\x00\x00xX\xff\xff\xff\x7fs', /exceeds the \d+ bytes left/],
    ['a huge LONG4', '}X\x01\x00\x00\x00x\x8b\x00\x00\x00\x40s', /integer of \d+ bytes is not supported/],
    ['BUILD on a plain value', '}X\x01\x00\x00\x00xX\x01\x00\x00\x00a}bs', /BUILD sets the state of a string/],
    ['a memo entry read before it is written', '}X\x01\x00\x00\x00xh\x07s', /memo entry 7/],
    ['lists nested 100 000 deep', `}X\x01\x00\x00\x00x${']'.repeat(100000)}${'a'.repeat(99999)}s`, /nested more than 200 levels/],
    ['a truncated pickle', '}X\x01\x00\x00\x00xX\x05\x00\x00\x00ab', /exceeds|STOP/],
  ])('%s is a CorruptFileError naming the file', async (_, body, message) => {
    const file = path.join(dir, 'corrupt.blosc');
    const bytes = pickle2(body);
    await writeFrame(file, _ === 'a truncated pickle' ? bytes.subarray(0, bytes.length - 1) : bytes);
    const batch = new Batch([0]);
    await batch.addComponents(['x'], [['before']]);
    const error = await batch.load({ fmt: 'blosc', src: () => file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as Error).message).toMatch(message);
    expect(batch.getComponent('x')).toEqual(['before']);
  });

  test('an array whose shape declares 10^15 elements over 8 bytes of data is refused before allocating', async () => {
    const file = path.join(dir, 'huge-shape.blosc');
    // numpy.core.multiarray._reconstruct(numpy.ndarray, (0,), b'b') + BUILD (1, (10**15,), dtype('f8'), False, 8 bytes)
    const dtype = 'cnumpy\ndtype\nX\x02\x00\x00\x00f8\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb';
    const huge = Buffer.alloc(8);
    huge.writeBigUInt64LE(10n ** 15n);
    const body = `}X\x01\x00\x00\x00xcnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01\x8a\x08${huge.toString('latin1')}\x85${dtype}\x89C\x08${'\x00'.repeat(8)}tbs`;
    await writeFrame(file, pickle2(body));
    const error = await new Batch([0]).load({ fmt: 'blosc', src: () => file }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toMatch(/shape \[1000000000000000\] needs more than \d+ bytes, the pickle holds 8/);
  });

  test('lists sharing references 60 levels deep (2^60 paths) load in linear time', async () => {
    const file = path.join(dir, 'shared.blosc');
    const get = (i: number): string => `h${String.fromCharCode(i)}`;
    let body = '}X\x01\x00\x00\x00x]\x940';
    for (let i = 1; i <= 60; i++) body += `(${get(i - 1)}${get(i - 1)}l\x940`;
    await writeFrame(file, pickle2(`${body}${get(60)}s`));
    const batch = new Batch([0]);
    await batch.load({ fmt: 'blosc', src: () => file });
    const top = (batch.getComponent('x') as unknown[][])[0]!;
    expect(top).toHaveLength(2);
    expect(top[0]).toBe(top[1]); // one shared value, as in Python
  }, 20_000);

  test('an unsupported dtype (complex) is an UnsupportedDataError', async () => {
    const file = path.join(dir, 'complex.blosc');
    const body =
      '}X\x01\x00\x00\x00xcnumpy.core.multiarray\nscalar\ncnumpy\ndtype\nX\x03\x00\x00\x00c16\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tbC\x10' +
      '\x00'.repeat(16) +
      '\x86Rs';
    await writeFrame(file, pickle2(body));
    await expect(new Batch([0]).load({ fmt: 'blosc', src: () => file })).rejects.toThrow(/dtype 'c16' is not supported/);
  });

  test('a failing item among good ones leaves the batch unchanged', async () => {
    const bad = path.join(dir, 'bad-item.blosc');
    await writeFrame(bad, pickle2('}X\x06\x00\x00\x00labelscposix\nsystem\nX\x04\x00\x00\x00true\x85Rs'));
    class ImgBatch extends Batch {
      static override components = ['images', 'labels', 'names'] as const;
    }
    const batch = new ImgBatch([0, 1, 2]);
    batch.setComponent('labels', Int32Array.of(9, 9, 9));
    const src = (id: string | number): string => (id === 2 ? bad : path.join(folder, String(id)));
    await expect(batch.load({ fmt: 'blosc', src })).rejects.toThrow(UnsafePickleError);
    expect(batch.getComponent('labels')).toEqual(Int32Array.of(9, 9, 9));
    expect(batch.getComponent('images')).toBeNull();
  });
});

describe("dump with layout: 'batchflow'", () => {
  class Items extends Batch {
    static override components = ['images', 'f64', 'i32', 'i64', 'u8', 'names', 'flags', 'meta'] as const;
  }
  const make = async (): Promise<Items> => {
    const batch = new Items([3, 5]);
    const values = [
      ndarray(
        Float32Array.from({ length: 2 * 2 * 3 }, (_, i) => i / 4 - 1),
        [2, 2, 3],
      ),
      Float64Array.of(Math.PI, -1e300),
      Int32Array.of(-2147483648, 7),
      BigInt64Array.of(-(2n ** 62n), 5n),
      Uint8Array.of(0, 255),
      ['ünï', ''],
      [true, false],
      [{ a: [1, 2.5], b: 'x' }, Int16Array.of(-1, 2)],
    ];
    Items.components.forEach((name, i) => batch.setComponent(name, values[i] as never));
    return batch;
  };

  test('the files hold a pickle (not our container) and load back with the same values and kinds', async () => {
    const dir = tempDir('bf-pickle-dump-');
    const batch = await make();
    await batch.dump({ fmt: 'blosc', dst: dir, layout: 'batchflow' });
    expect(readdirSync(dir).sort()).toEqual(['3.blosc', '5.blosc']);
    const payload = await codec.decode(readFileSync(path.join(dir, '3.blosc')));
    expect([payload[0], payload[1]]).toEqual([0x80, 3]); // PROTO 3
    const back = new Items([3, 5]);
    await back.load({ fmt: 'blosc', src: dir, int64: 'bigint' });
    const images = back.getComponent('images') as NDArray;
    expect(images.dtype).toBe('float32');
    expect(toList(images)).toEqual(toList(batch.getComponent('images')));
    for (const name of ['f64', 'i32', 'i64', 'u8'] as const) expect(back.getComponent(name)).toEqual(batch.getComponent(name));
    expect(back.getComponent('names')).toEqual(['ünï', '']);
    expect(back.getComponent('flags')).toEqual([true, false]);
    const meta = back.getComponent('meta') as [unknown, NDArray];
    expect(meta[0]).toEqual({ a: [1, 2.5], b: 'x' });
    expect(meta[1].dtype).toBe('int16');
    expect(toList(meta[1])).toEqual([-1, 2]);
  });

  test('a component that cannot be pickled is an UnsupportedDataError; a wrong layout an ArgumentError', async () => {
    const dir = tempDir('bf-pickle-dump-');
    const batch = new Batch([0]);
    await batch.addComponents(['when'], [[new Date(0)]]);
    await expect(batch.dump({ fmt: 'blosc', dst: dir, layout: 'batchflow' })).rejects.toThrow(/component 'when' is a Date/);
    const untyped: DumpOptions = { fmt: 'blosc', dst: dir, layout: 'pickle' }; // options built at run time (a typed literal would not compile)
    await expect(batch.dump(untyped)).rejects.toThrow(ArgumentError);
  });
});
