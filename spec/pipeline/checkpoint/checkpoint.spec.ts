/**
 * Checkpoint and resume through the public API, in one process: round trips (a run stopped early and
 * resumed by a new pipeline object gives the rest of the batches and the same variables), checks of
 * the pipeline and the order options, values that cannot be saved, and corrupt checkpoint files.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ndarray from 'ndarray';
import { ArgumentError, B, CheckpointError, R, V, type NDArray, type RunOptionsInput } from '../../../src/index.js';
import { dataset, describeBatch, type NoisyBatch } from '../../fixtures/checkpoint/pipelines.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-checkpoint-spec-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
let files = 0;
const newFile = (): string => path.join(folder, `run-${files++}.json`);

const build = () =>
  dataset.p
    .initVariable('sum', 0)
    .initVariable('seen', [])
    .noise({ amount: 0.5 })
    .update(V('seen', 'a'), B('indices'))
    .update(V('sum'), V<number>('sum').add(R('uniform', 0, 1)));

const ORDER = { batchSize: 4, nEpochs: 2, shuffle: 11 } as const;

async function collect(pipeline: ReturnType<typeof build>, options: RunOptionsInput, stopAfter = Infinity): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of pipeline.genBatch(options)) {
    out.push(JSON.stringify(describeBatch(batch as NoisyBatch)));
    if (out.length >= stopAfter) break;
  }
  return out;
}

describe('checkpoint and resume in one process', () => {
  test.each([0, 2])('a run stopped after 7 batches (prefetch %i) resumes from its last checkpoint to the same batches and variables', async (prefetch) => {
    const full = build();
    const expected = await collect(full, { ...ORDER, prefetch });
    const file = newFile();
    const first = await collect(build(), { ...ORDER, prefetch, checkpoint: { path: file, every: 3 } }, 7);
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { position: { batches: number }; finished: boolean };
    expect(saved.position.batches).toBe(6);
    expect(saved.finished).toBe(false);
    const resumedPipeline = build();
    const rest = await collect(resumedPipeline, { ...ORDER, prefetch, resume: file });
    expect([...first.slice(0, 6), ...rest]).toEqual(expected);
    expect(resumedPipeline.v('sum')).toBe(full.v('sum'));
    expect(resumedPipeline.v('seen')).toEqual(full.v('seen'));
  });

  test('with prefetch, a checkpoint holds the variables after exactly its batches (later batches wait for it)', async () => {
    const file = newFile();
    const pipeline = dataset.p.initVariable('n', 0).update(V('n'), V<number>('n').add(1));
    let consumed = 0;
    for await (const _batch of pipeline.genBatch({ ...ORDER, prefetch: 4, checkpoint: { path: file, every: 3 } })) if (++consumed === 7) break;
    const saved = JSON.parse(readFileSync(file, 'utf8')) as { position: { batches: number }; variables: { n: number } };
    expect(saved.position.batches).toBe(6);
    expect(saved.variables.n).toBe(6);
  });

  test("a finished run's checkpoint resumes to no batches, with the final variables", async () => {
    const file = newFile();
    const done = build();
    await done.run({ ...ORDER, checkpoint: { path: file, every: 5 } });
    expect((JSON.parse(readFileSync(file, 'utf8')) as { finished: boolean }).finished).toBe(true);
    const again = build();
    expect(await collect(again, { ...ORDER, resume: file })).toEqual([]);
    expect(again.v('sum')).toBe(done.v('sum'));
  });

  test("a missing file is a CheckpointError naming it; ifMissing: 'start' runs from the beginning", async () => {
    const file = path.join(folder, 'missing.json');
    await expect(build().run({ ...ORDER, resume: file })).rejects.toThrow(CheckpointError);
    await expect(build().run({ ...ORDER, resume: file })).rejects.toThrow(file);
    const fresh = await collect(build(), { ...ORDER, resume: { path: file, ifMissing: 'start' } });
    expect(fresh).toEqual(await collect(build(), ORDER));
  });

  test('resuming with a different order option names the option', async () => {
    const file = newFile();
    await build().run({ ...ORDER, checkpoint: { path: file, every: 2 }, nEpochs: null, nIters: 3 });
    const error = await build()
      .run({ ...ORDER, nEpochs: null, nIters: 3, batchSize: 5, resume: file })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toMatch(/run option 'batchSize' is 5 in this run but was 4/);
    await expect(build().run({ ...ORDER, nEpochs: null, nIters: 3, shuffle: 12, resume: file })).rejects.toThrow(/'shuffle'/);
  });

  test('resuming another pipeline is a CheckpointError that lists both pipelines', async () => {
    const file = newFile();
    await build().run({ ...ORDER, nEpochs: null, nIters: 2, checkpoint: { path: file, every: 1 } });
    const other = build().shift({ by: 1 });
    await expect(other.run({ ...ORDER, nEpochs: null, nIters: 2, resume: file })).rejects.toThrow(
      /different pipeline: its steps are \[.*\], this pipeline's are \[.*shift\]/,
    );
  });

  test('values JSON cannot hold exactly come back exactly', async () => {
    const file = newFile();
    const values = {
      special: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, undefined],
      floats: new Float32Array([0.1, -2.5, 3e-40]),
      grid: ndarray(new Int16Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0),
      tricky: { $bf: 'number', __proto__x: 1 },
    };
    const pipeline = dataset.p.initVariable('values', null).update(V('values'), values);
    await pipeline.run({ ...ORDER, nEpochs: null, nIters: 2, checkpoint: { path: file, every: 1 } });
    const restored = dataset.p.initVariable('values', null).update(V('values'), values);
    await restored.run({ ...ORDER, nEpochs: null, nIters: 2, resume: file });
    const got = restored.v<typeof values>('values');
    expect(got.special).toEqual([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, undefined]);
    expect(Object.is(got.special[3], -0)).toBe(true);
    expect(got.floats).toEqual(new Float32Array([0.1, -2.5, 3e-40]));
    const grid = got.grid as unknown as NDArray;
    expect(grid.shape).toEqual([3, 2]);
    expect([grid.get(0, 0), grid.get(0, 1), grid.get(2, 1)]).toEqual([1, 4, 6]);
    expect(got.tricky).toEqual({ $bf: 'number', __proto__x: 1 });
  });

  class Point {
    constructor(readonly x: number) {}
  }
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  test.each([
    ['a Map', new Map([[1, 2]]), /variable 'bad' cannot be saved: the value is a Map/],
    ['a function', { f: () => 1 }, /variable 'bad' cannot be saved: the value at \.f is a function/],
    ['a class instance', [new Point(1)], /variable 'bad' cannot be saved: the value at \[0\] is a Point/],
    ['a cycle', cyclic, /variable 'bad' cannot be saved: the value at \.self is a reference to itself/],
    ['a bigint', 10n, /variable 'bad' cannot be saved: the value is a bigint/],
  ])('a variable holding %s is a CheckpointError at checkpoint time naming it', async (_, value, message) => {
    const file = newFile();
    const pipeline = dataset.p.initVariable('bad', null);
    pipeline.setVariable('bad', value);
    const error = await pipeline.run({ ...ORDER, nEpochs: null, nIters: 3, checkpoint: { path: file, every: 2 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toMatch(message);
    expect((error as CheckpointError).file).toBe(file);
    expect(existsSync(file)).toBe(false); // nothing half-written
  });
});

describe('checkpoint files that cannot be resumed', () => {
  let good = '';
  const write = (text: string): string => {
    const file = newFile();
    writeFileSync(file, text);
    return file;
  };
  const resume = (file: string) => build().run({ ...ORDER, nEpochs: null, nIters: 5, resume: file });

  test.each([
    ['truncated', (text: string) => text.slice(0, text.length / 2), /the JSON does not parse/],
    ['empty', () => '', /the JSON does not parse/],
    ['another format', (text: string) => text.replace('batchflow-ts checkpoint', 'other'), /format is "other"/],
    ['a future version', (text: string) => text.replace('"version":1', '"version":99'), /version 99 is not supported/],
    ['a negative position', (text: string) => text.replace(/"batches":\d+/, '"batches":-3'), /position\.batches is not a non-negative integer/],
    ['an epoch that disagrees', (text: string) => text.replace(/"epoch":\d+/, '"epoch":77'), /position\.epoch 77 does not agree/],
    ['a bad seed', (text: string) => text.replace(/"execution":\d+/, '"execution":1.5'), /seeds\.execution is not a seed/],
    ['an extra field', (text: string) => text.replace('{', '{"extra":1,'), /unexpected field 'extra'/],
    [
      'a bad tagged value',
      (text: string) => text.replace('"sum":', '"sum":{"$bf":"typedarray","dtype":"float64","data":"!!!"},"x":'),
      /variable 'sum'.*not base64/,
    ],
    [
      'an ndarray shape that does not match its data',
      (text: string) => text.replace('"sum":', '"sum":{"$bf":"ndarray","dtype":"uint8","shape":[1000000,1000000],"data":"AAAA"},"x":'),
      /does not match the 3 stored elements/,
    ],
    [
      'a position past the run',
      (text: string) => text.replace(/"batches":\d+/, '"batches":5000').replace(/"epoch":\d+/, '"epoch":500'),
      /past the run's 5 batches/,
    ],
  ])('%s: a CheckpointError naming the file', async (_, corrupt, message) => {
    if (good === '') {
      const file = newFile();
      await build().run({ ...ORDER, checkpoint: { path: file, every: 3 }, nEpochs: null, nIters: 5 });
      good = readFileSync(file, 'utf8');
    }
    const file = write(corrupt(good));
    const error = await resume(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CheckpointError);
    expect(String(error)).toContain(file);
    expect(String(error)).toMatch(message);
  });
});

describe('checkpoint options', () => {
  test.each([
    [{ checkpoint: { path: '', every: 2 } }, 'checkpoint.path'],
    [{ checkpoint: { path: 'x.json', every: 0 } }, 'checkpoint.every'],
    [{ checkpoint: { path: 'x.json', every: 2, often: true } }, 'checkpoint'],
    [{ resume: { path: 'x.json', ifMissing: 'maybe' } }, 'resume.ifMissing'],
  ])('%j is an ArgumentError naming %s', async (options, argument) => {
    const error = await build()
      .run({ ...ORDER, ...(options as RunOptionsInput) })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe(argument);
  });

  test('a pipeline with rebatch is refused with a clear error', async () => {
    await expect(
      build()
        .rebatch(8)
        .run({ ...ORDER, checkpoint: { path: newFile(), every: 2 } }),
    ).rejects.toThrow(/rebatch cannot be checkpointed/);
  });
});
