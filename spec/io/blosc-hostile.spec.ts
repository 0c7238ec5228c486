/**
 * Hostile blosc item files: absurd shapes and declared sizes are refused before anything is
 * allocated (LoadLimitError / CorruptFileError naming the file), a container without its checksum is
 * refused instead of loading unchecked data, component names that are Batch members are refused
 * naming the file, many components load in linear time (speed: `npm run bench -- --only HOSTILE`),
 * and deeply nested JSON items load. A failed load leaves the batch as it was.
 */
import { afterAll, afterEach, describe, expect, test } from '@jest/globals';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import {
  Batch,
  BatchflowError,
  CorruptFileError,
  LoadLimitError,
  UnsupportedDataError,
  closeEngines,
  configureLoadLimits,
  type NDArray,
} from '../../src/index.js';
import { cleanup, tempDir, toList } from './helpers.js';
import { editContainer, writeContainer } from './support/blosc-edit.js';

afterAll(async () => {
  cleanup();
  await closeEngines();
});
afterEach(() => configureLoadLimits({}));

class Images extends Batch {
  static override components = ['images', 'labels'] as const;
}

/** Dumps two items (images 2×3 float32, labels) and returns the folder. */
async function dumpedItems(): Promise<string> {
  const dir = tempDir('bf-blosc-hostile-');
  const batch = new Images([0, 1]);
  batch.setComponent(
    'images',
    ndarray(
      Float32Array.from({ length: 12 }, (_, i) => i / 4),
      [2, 2, 3],
    ),
  );
  batch.setComponent('labels', ['cat', 'dog']);
  await batch.dump({ fmt: 'blosc', dst: dir });
  return dir;
}

/** A batch holding known values, to check a failed load leaves it alone. */
function preparedBatch(): Images {
  const batch = new Images([0, 1]);
  batch.setComponent('images', ndarray(Float32Array.from([7, 8]), [2]));
  batch.setComponent('labels', ['before', 'before']);
  return batch;
}

function expectUnchanged(batch: Images): void {
  expect(toList(batch.getComponent('images'))).toEqual([7, 8]);
  expect(batch.getComponent('labels')).toEqual(['before', 'before']);
}

async function loadError(batch: Batch, options: object): Promise<unknown> {
  return batch.load({ fmt: 'blosc', ...options } as never).then(
    () => null,
    (error: unknown) => error,
  );
}

describe('declared shapes and sizes', () => {
  test.each([
    ['[0, 1e308]', [0, 1e308]],
    ['[1e308]', [1e308]],
    ['[2^53, 0]', [2 ** 53, 0]],
  ])('a shape %s is a CorruptFileError naming the file', async (_, shape) => {
    const dir = await dumpedItems();
    const file = path.join(dir, '1.blosc');
    await editContainer(file, (header, data) => {
      header.images!.shape = shape;
      header.images!.data_offsets = [0, 0];
      return data;
    });
    const batch = preparedBatch();
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as Error).message).toMatch(/invalid shape/);
    expectUnchanged(batch);
  });

  test('a shape with an empty axis is sized as if the axis had length 1: [0, 2^40] is over the load limit', async () => {
    const dir = await dumpedItems();
    const file = path.join(dir, '0.blosc');
    await editContainer(file, (header) => {
      header.images!.shape = [0, 2 ** 40];
      header.images!.data_offsets = [0, 0];
    });
    const batch = preparedBatch();
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(LoadLimitError);
    expect((error as LoadLimitError).file).toBe(file);
    expect((error as LoadLimitError).declaredBytes).toBe(2 ** 42);
    expectUnchanged(batch);
  });

  test('an item larger than configureLoadLimits allows is a LoadLimitError naming the file and the limit', async () => {
    const dir = await dumpedItems();
    configureLoadLimits({ maxBytes: 16 });
    const batch = preparedBatch();
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(LoadLimitError);
    expect((error as LoadLimitError).file).toBe(path.join(dir, '0.blosc'));
    expect((error as LoadLimitError).limitBytes).toBe(16);
    expect((error as Error).message).toContain('16 bytes');
    expectUnchanged(batch);
    configureLoadLimits({});
    await batch.load({ fmt: 'blosc', src: dir });
    expect((batch.getComponent('images') as NDArray).shape).toEqual([2, 2, 3]);
  });

  test('the load limit applies on worker threads too, and the LoadLimitError comes back typed', async () => {
    const dir = await dumpedItems();
    configureLoadLimits({ maxBytes: 16 });
    const error = await loadError(preparedBatch(), { src: dir, target: 'threads', nWorkers: 1 });
    expect(error).toBeInstanceOf(LoadLimitError);
    expect((error as LoadLimitError).limitBytes).toBe(16);
    expect((error as LoadLimitError).file).toBe(path.join(dir, '0.blosc'));
  }, 60_000);
});

describe('the Blosc frame header', () => {
  test.each([
    ['nbytes raised to 2^28', { 4: 2 ** 28 }],
    ['nbytes and blocksize raised', { 4: 268435804, 8: 8540 }],
    ['blocksize 0', { 8: 0 }],
  ])('%s: more blocks than the file can hold is a CorruptFileError before decompressing', async (_, fields) => {
    const dir = tempDir('bf-blosc-frame-');
    const zeros = new Images([0, 1]);
    zeros.setComponent('images', ndarray(new Float32Array(2 * 32 * 32), [2, 32, 32])); // compressible: a compressed frame
    zeros.setComponent('labels', ['cat', 'dog']);
    await zeros.dump({ fmt: 'blosc', dst: dir });
    const file = path.join(dir, '1.blosc');
    const bytes = Uint8Array.from(readFileSync(file));
    expect(bytes[2]! & 0x02).toBe(0);
    const view = new DataView(bytes.buffer);
    for (const [offset, value] of Object.entries(fields)) view.setUint32(Number(offset), value, true);
    writeFileSync(file, bytes);
    const batch = preparedBatch();
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as Error).message).toMatch(/more blocks than its \d+ bytes can hold/);
    expectUnchanged(batch);
  });

  test('an uncompressed (memcpyed) frame whose sizes disagree is a CorruptFileError', async () => {
    const dir = await dumpedItems();
    const file = path.join(dir, '0.blosc');
    const bytes = Uint8Array.from(readFileSync(file));
    expect(bytes[2]! & 0x02).toBe(0x02); // small random data is stored uncompressed
    const view = new DataView(bytes.buffer);
    view.setUint32(4, view.getUint32(4, true) + 8, true);
    writeFileSync(file, bytes);
    const error = await loadError(preparedBatch(), { src: dir });
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as Error).message).toMatch(/uncompressed Blosc frame/);
  });
});

describe('the data checksum', () => {
  test.each([
    ['null', (metadata: Record<string, unknown>) => (metadata.crc32 = null)],
    ['missing', (metadata: Record<string, unknown>) => delete metadata.crc32],
    ['not hex', (metadata: Record<string, unknown>) => (metadata.crc32 = 'zzzzzzzz')],
  ])('a container whose crc32 is %s is a CorruptFileError, never loaded unchecked', async (_, edit) => {
    const dir = await dumpedItems();
    const file = path.join(dir, '0.blosc');
    await editContainer(file, (header, data) => {
      edit(header.__metadata__!);
      data[0] = data[0]! ^ 0xff; // corrupted values the checksum would have caught
    });
    const batch = preparedBatch();
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(CorruptFileError);
    expect((error as CorruptFileError).file).toBe(file);
    expect((error as Error).message).toMatch(/crc32/);
    expectUnchanged(batch);
  });
});

describe('component names', () => {
  test.each(['__proto__', 'load', 'components', 'toString'])("a component named '%s' is an UnsupportedDataError naming the file", async (name) => {
    const dir = tempDir('bf-blosc-names-');
    const data = new TextEncoder().encode('[1,2]');
    for (const id of [0, 1]) {
      await writeContainer(
        path.join(dir, `${id}.blosc`),
        {
          x: { dtype: 'JSON', shape: [], kind: 'json', column: 'array', data_offsets: [0, data.length] },
          [name]: { dtype: 'JSON', shape: [], kind: 'json', column: 'array', data_offsets: [0, data.length] },
        },
        data,
      );
    }
    const batch = new Batch([0, 1]);
    const before = Object.getOwnPropertyNames(batch);
    const error = await loadError(batch, { src: dir });
    expect(error).toBeInstanceOf(UnsupportedDataError);
    expect((error as UnsupportedDataError).file).toBe(path.join(dir, '0.blosc'));
    expect((error as Error).message).toContain(`'${name}'`);
    expect(batch.components).toBeNull();
    expect(Object.getOwnPropertyNames(batch)).toEqual(before);
    expect(typeof batch.load).toBe('function');
  });
});

describe('big and deep items', () => {
  test('an item with 10,000 components loads every one of them', async () => {
    const dir = tempDir('bf-blosc-many-');
    const n = 10_000;
    const data = new Uint8Array(8 * n);
    const view = new DataView(data.buffer);
    const entries: Record<string, Record<string, unknown>> = {};
    for (let k = 0; k < n; k++) {
      view.setFloat64(8 * k, k / 2, true);
      entries[`c${k}`] = { dtype: 'F64', shape: [], kind: 'scalar', column: 'typedarray', data_offsets: [8 * k, 8 * k + 8] };
    }
    await writeContainer(path.join(dir, '0.blosc'), entries, data);
    const batch = new Batch([0]);
    await batch.load({ fmt: 'blosc', src: dir });
    expect(batch.components).toHaveLength(n);
    expect(toList(batch.getComponent('c9876'))).toEqual([9876 / 2]);
  }, 60_000);

  test("a JSON item nested 5,000 deep loads on 'for'", async () => {
    const dir = tempDir('bf-blosc-deep-');
    const depth = 5000;
    const data = new TextEncoder().encode(`${'['.repeat(depth)}1${']'.repeat(depth)}`);
    await writeContainer(
      path.join(dir, '0.blosc'),
      { deep: { dtype: 'JSON', shape: [], kind: 'json', column: 'array', data_offsets: [0, data.length] } },
      data,
    );
    const batch = new Batch([0]);
    await batch.load({ fmt: 'blosc', src: dir, target: 'for' });
    let value = (batch.getComponent('deep') as unknown[])[0];
    let found = 0;
    while (Array.isArray(value)) {
      value = value[0];
      found++;
    }
    expect(found).toBe(depth);
  });

  test('a JSON item nested 1,000 deep dumps and loads back the same; a deeper one is a typed error naming the component, no file written', async () => {
    const nest = (depth: number): unknown => {
      let value: unknown = 1;
      for (let level = 0; level < depth; level++) value = [value];
      return value;
    };
    const dir = tempDir('bf-blosc-deep-dump-');
    const batch = new Batch([0]);
    await batch.addComponents(['deep'], [[nest(999)]]);
    await batch.dump({ fmt: 'blosc', dst: dir, components: 'deep', target: 'for' });
    const loaded = new Batch([0]);
    await loaded.load({ fmt: 'blosc', src: dir, target: 'for' });
    let value = (loaded.getComponent('deep') as unknown[])[0];
    let found = 0;
    while (Array.isArray(value)) {
      value = value[0];
      found++;
    }
    expect([found, value]).toEqual([999, 1]);
    const tooDeep = new Batch([0]);
    await tooDeep.addComponents(['deep'], [[nest(5000)]]);
    const otherDir = tempDir('bf-blosc-deep-dump-');
    const error = await tooDeep.dump({ fmt: 'blosc', dst: otherDir, components: 'deep', target: 'for' }).catch((thrown: unknown) => thrown);
    expect(error).toBeInstanceOf(BatchflowError);
    expect(String(error)).toMatch(/component 'deep'\[0\].*nested deeper than 1000 levels/);
    expect(readdirSync(otherDir)).toEqual([]);
  });

  test('a value JSON cannot hold deep inside an item is named by its path', async () => {
    const dir = tempDir('bf-blosc-deep-bad-');
    const batch = new Batch([0]);
    await batch.addComponents(['bad'], [[{ a: [1, { b: Number.NaN }] }]]);
    await expect(batch.dump({ fmt: 'blosc', dst: dir, components: 'bad', target: 'for' })).rejects.toThrow(/component 'bad'\.a\[1\]\.b is NaN/);
  });
});
