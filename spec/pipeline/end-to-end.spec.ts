/**
 * End-to-end pipelines over a Batch subclass with decorated actions (issue #4 "Tests"): an
 * @applyParallel action with options and `p`, an @action, `applyParallel(portableFn, {requiresRng})`
 * and P(R(...)) per-item option values, run over a Dataset on 'for' and on the 'threads' worker
 * engine (the class lives in spec/pipeline/fixtures/), checking the actual data.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { threadId } from 'node:worker_threads';
import { ActionError, B, C, Dataset, F, NotPortableError, P, R, V, closeEngines, type IndexValue } from '../../src/index.js';
import { ImagesBatch, addNoise, addOffset, failAt, flippedImageOf, imagesData, toList } from './fixtures/batches.js';

afterAll(async () => {
  await closeEngines();
});

const N = 12;

interface Snapshot {
  ids: IndexValue[];
  images: number[][][];
  labels: number[];
  noisy: number[];
  offsets: number[];
  threads: number[];
}

async function runEndToEnd(target: 'for' | 'threads', prefetch: number): Promise<{ snapshots: Snapshot[]; sums: number[] }> {
  const ds = new Dataset(N, { batchClass: ImagesBatch, preloaded: imagesData(N) });
  const p = ds
    .pipeline({ offset: 100, axis: 1 })
    .initVariable('sums', [])
    .flip({ axis: C('axis'), shift: 0.5, target })
    .addToLabels(C('offset'))
    .flip({ axis: 0, p: 0.5, target, nWorkers: 2 })
    .applyParallel(addNoise, { src: 'labels', dst: 'noisy', requiresRng: true, target, scale: 0.5 })
    .applyParallel(addOffset, { src: 'labels', dst: 'offsetted', offset: P(R('integers', 0, 1000)), target })
    .whereAmI({ dst: 'thread', target })
    .update(
      V('sums', 'a'),
      B('labels').apply((labels: unknown) => (toList(labels) as number[]).reduce((a, b) => a + b, 0)),
    );
  const snapshots: Snapshot[] = [];
  for await (const b of p.genBatch({ batchSize: 4, shuffle: 7, prefetch })) {
    const labels = toList(b.labels) as number[];
    snapshots.push({
      ids: [...b.indices],
      images: toList(b.images) as number[][][],
      labels,
      noisy: toList(b.getComponent('noisy')) as number[],
      offsets: (toList(b.getComponent('offsetted')) as number[]).map((v, i) => v - labels[i]!),
      threads: toList(b.getComponent('thread')) as number[],
    });
  }
  return { snapshots, sums: p.v('sums') as number[] };
}

describe.each([
  ['for', 0],
  ['threads', 0],
  ['threads', 2],
] as const)("ImagesBatch pipeline on '%s' (prefetch %i)", (target, prefetch) => {
  let result: Awaited<ReturnType<typeof runEndToEnd>>;
  beforeAll(async () => {
    result = await runEndToEnd(target, prefetch);
  }, 30_000);

  test('runs every batch of the epoch, shuffled, each id once; a variable sees every batch', () => {
    expect(result.snapshots.map((s) => s.ids.length)).toEqual([4, 4, 4]);
    const ids = result.snapshots.flatMap((s) => s.ids.map(Number));
    expect([...ids].sort((a, b) => a - b)).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(ids).not.toEqual(Array.from({ length: N }, (_, i) => i));
    expect([...result.sums].sort((a, b) => a - b)).toEqual(result.snapshots.map((s) => s.labels.reduce((a, b) => a + b, 0)).sort((a, b) => a - b));
    expect(result.sums.reduce((a, b) => a + b, 0)).toBe(Array.from({ length: N }, (_, i) => i + 100).reduce((a, b) => a + b, 0));
  });

  test("@applyParallel flip with options (axis from C('axis'), shift) and then with p: 0.5 gives the right images", () => {
    let rowFlipped = 0;
    for (const s of result.snapshots) {
      s.ids.forEach((id, i) => {
        const once = flippedImageOf(Number(id), 0.5);
        const twice = [...once].reverse();
        const image = s.images[i]!;
        if (JSON.stringify(image) === JSON.stringify(twice)) rowFlipped++;
        else expect(image).toEqual(once);
      });
    }
    expect(rowFlipped).toBeGreaterThan(0);
    expect(rowFlipped).toBeLessThan(N);
  });

  test("@action addToLabels(C('offset')) adds the config value to every label", () => {
    for (const s of result.snapshots) expect(s.labels).toEqual(s.ids.map((id) => Number(id) + 100));
  });

  test('applyParallel(portable addNoise, {requiresRng: true, scale: 0.5}) adds U[0, 0.5) per item', () => {
    const noise = result.snapshots.flatMap((s) => s.noisy.map((v, i) => v - s.labels[i]!));
    expect(noise.every((v) => v >= 0 && v < 0.5)).toBe(true);
    expect(new Set(noise).size).toBe(N);
  });

  test("P(R('integers', 0, 1000)) gives each item its own offset", () => {
    const offsets = result.snapshots.flatMap((s) => s.offsets);
    expect(offsets.every((v) => Number.isInteger(v) && v >= 0 && v < 1000)).toBe(true);
    expect(new Set(offsets).size).toBeGreaterThan(N / 2);
  });

  test(`the item functions ran ${target === 'threads' ? 'in worker threads' : 'in the main thread'}`, () => {
    const threads = result.snapshots.flatMap((s) => s.threads);
    if (target === 'threads') expect(threads.every((t) => t !== threadId)).toBe(true);
    else expect(threads.every((t) => t === threadId)).toBe(true);
  });
});

test("the same run on 'for' and on 'threads' (with and without prefetch) gives bit-identical data", async () => {
  const strip = ({ snapshots }: Awaited<ReturnType<typeof runEndToEnd>>) => snapshots.map(({ threads: _t, ...rest }) => rest);
  const reference = strip(await runEndToEnd('for', 0));
  expect(strip(await runEndToEnd('threads', 0))).toEqual(reference);
  expect(strip(await runEndToEnd('threads', 3))).toEqual(reference);
  expect(strip(await runEndToEnd('for', 3))).toEqual(reference);
}, 30_000);

describe('errors of parallel actions inside a pipeline', () => {
  const ds = () => new Dataset(N, { batchClass: ImagesBatch, preloaded: imagesData(N) });

  test.each(['for', 'threads'] as const)(
    "a failing item ('%s') fails the run with an ActionError carrying the cause",
    async (target) => {
      const p = ds()
        .p.applyParallel(addOffset, { src: 'labels', dst: 'x', target, offset: P(R('integers', 0, 10)) })
        .flip({
          axis: 1,
          target,
          shift: F(() => {
            throw new RangeError('bad shift');
          }),
        });
      const error = await p.run({ batchSize: 4 }).catch((e: unknown) => e);
      const chain: unknown[] = [];
      for (let e = error; e && chain.length < 10; e = (e as { cause?: unknown }).cause) chain.push(e);
      expect(chain.some((e) => e instanceof RangeError && e.message === 'bad shift')).toBe(true);
      const itemError = await ds()
        .p.applyParallel(failAt, { src: 'labels', target, bad: 5 })
        .run({ batchSize: 4 })
        .catch((e: unknown) => e);
      expect(itemError).toBeInstanceOf(ActionError);
      expect((itemError as ActionError).indexValue).toBe(5);
      expect(((itemError as ActionError).cause as Error).message).toBe('label 5 is bad');
    },
    30_000,
  );

  test("a closure on 'threads' inside a pipeline fails the run with NotPortableError before any item runs", async () => {
    let calls = 0;
    const p = ds().p.applyParallel((label: number) => label + ++calls, { src: 'labels', dst: 'out', target: 'threads' });
    await expect(p.run({ batchSize: 4 })).rejects.toThrow(NotPortableError);
    expect(calls).toBe(0);
  });
});
