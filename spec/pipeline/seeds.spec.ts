/**
 * The seed tree of a run (issue #4 "Seeds" with the fix of bug 4): the same
 * `shuffle` seed gives the same batches and the same random values (R expressions, `p` masks,
 * `requiresRng` item generators, P(R(...)) per-item values) whatever the prefetch and the engine;
 * each epoch gets a fresh permutation; k and −k share all randomness except the order.
 */
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { B, Dataset, P, R, closeEngines, type IndexValue } from '../../src/index.js';
import { ImagesBatch, addNoise, flippedImageOf, imageOf, imagesData, toList } from './fixtures/batches.js';

afterAll(async () => {
  await closeEngines();
});

type Engine = 'for' | 'async' | 'threads';

interface BatchRecord {
  ids: IndexValue[];
  /** R('uniform') drawn in a call step. */
  r: number;
  /** R('normal', 0, 1, {size: 3}) drawn in a call step. */
  normals: number[];
  /** Per position: whether flip({axis: 1, p: 0.5}) flipped the image. */
  flipped: boolean[];
  /** jitter (requiresRng @applyParallel) minus the label. */
  jitter: number[];
  /** applyParallel(addNoise, {requiresRng: true}) minus the label. */
  noise: number[];
  /** flip({axis: 1, shift: P(R('uniform'))}) minus the flipped image: the per-item shift. */
  shift: number[];
}

const N = 12;
const dataset = (n = N): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });

/** Runs the reference pipeline and records what every yielded batch holds. */
async function runRecorded(options: { engine: Engine; prefetch: number; shuffle: number | boolean; seed?: number }): Promise<BatchRecord[]> {
  const { engine: target } = options;
  const draws = new Map<string, { r: number; normals: number[] }>();
  const p = dataset()
    .p.call(
      (ids: IndexValue[], r: number, normals: number[]) => void draws.set(ids.join(','), { r, normals: [...normals] }),
      B('indices'),
      R('uniform'),
      R('normal', 0, 1, { size: 3 }),
    )
    .flip({ axis: 1, p: 0.5, target })
    .jitter({ dst: 'jittered', target })
    .applyParallel(addNoise, { src: 'labels', dst: 'noisy', requiresRng: true, target, scale: 1 })
    .flip({ axis: 1, shift: P(R('uniform')), dst: 'shifted', target });
  const records: BatchRecord[] = [];
  const runOptions = {
    batchSize: 4,
    nEpochs: 1,
    prefetch: options.prefetch,
    shuffle: options.shuffle,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
  };
  for await (const batch of p.genBatch(runOptions)) {
    const ids = [...batch.indices];
    const images = toList(batch.images) as number[][][];
    const shifted = toList(batch.getComponent('shifted')) as number[][][];
    const labels = toList(batch.labels) as number[];
    const flipped = ids.map((id, i) => {
      const k = Number(id);
      if (JSON.stringify(images[i]) === JSON.stringify(flippedImageOf(k))) return true;
      expect(images[i]).toEqual(imageOf(k));
      return false;
    });
    records.push({
      ids,
      ...draws.get(ids.join(','))!,
      flipped,
      jitter: (toList(batch.getComponent('jittered')) as number[]).map((v, i) => v - labels[i]!),
      noise: (toList(batch.getComponent('noisy')) as number[]).map((v, i) => v - labels[i]!),
      // shifted = flip(images) + shift_i, where images may already be flipped
      shift: ids.map((_id, i) => shifted[i]![0]![0]! - images[i]![0]![2]!),
    });
  }
  return records;
}

/**
 * The random values of a run, without the ids, rounded to 1e-9: the derived values (output − label)
 * carry a rounding error that depends on the label, which differs between a shuffled and an unshuffled run.
 */
const randomness = (records: readonly BatchRecord[]): unknown =>
  JSON.parse(
    JSON.stringify(
      records.map(({ ids: _ids, ...rest }) => rest),
      (_key, value: unknown) => (typeof value === 'number' ? Math.round(value * 1e9) / 1e9 : value),
    ),
  );

describe('the same shuffle seed gives the same batches and random values whatever prefetch and engine', () => {
  let reference: BatchRecord[];
  beforeAll(async () => {
    reference = await runRecorded({ engine: 'for', prefetch: 0, shuffle: 5 });
  });

  test('reference run (for, prefetch 0, shuffle 5) is shuffled and really random', () => {
    expect(reference).toHaveLength(3);
    const ids = reference.flatMap((r) => r.ids);
    expect([...ids].sort((a, b) => Number(a) - Number(b))).toEqual(Array.from({ length: N }, (_, i) => i));
    expect(ids).not.toEqual(Array.from({ length: N }, (_, i) => i));
    const flips = reference.flatMap((r) => r.flipped);
    expect(flips).toContain(true);
    expect(flips).toContain(false);
    for (const r of reference) {
      expect(r.jitter.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(r.noise.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(r.shift.every((v) => v >= 0 && v < 1)).toBe(true);
      expect(new Set(r.shift).size).toBe(r.ids.length);
      expect(r.jitter).not.toEqual(r.noise);
    }
    expect(new Set(reference.map((r) => r.r)).size).toBe(3);
  });

  const cases: Array<[Engine, number]> = (['for', 'async', 'threads'] as const).flatMap((engine) =>
    [0, 1, 3].map((prefetch) => [engine, prefetch] as [Engine, number]),
  );
  test.each(cases)(
    'engine %s, prefetch %i: same ids, R values, p masks, requiresRng outputs and P(R) values as the reference',
    async (engine, prefetch) => {
      const records = await runRecorded({ engine, prefetch, shuffle: 5 });
      expect(records).toEqual(reference);
    },
    30_000,
  );

  test('a different seed gives different batches and values (so the comparison can fail)', async () => {
    const other = await runRecorded({ engine: 'for', prefetch: 0, shuffle: 6 });
    expect(other.map((r) => r.ids)).not.toEqual(reference.map((r) => r.ids));
    expect(other.map((r) => r.r)).not.toEqual(reference.map((r) => r.r));
    expect(other.map((r) => r.jitter)).not.toEqual(reference.map((r) => r.jitter));
  });

  test('seed overrides the root: {shuffle: true, seed: 5} is the run {shuffle: 5}', async () => {
    expect(await runRecorded({ engine: 'for', prefetch: 0, shuffle: true, seed: 5 })).toEqual(reference);
  });

  test('shuffle: true without a seed draws a fresh root each run', async () => {
    const a = await runRecorded({ engine: 'for', prefetch: 0, shuffle: true });
    const b = await runRecorded({ engine: 'for', prefetch: 0, shuffle: true });
    expect(a.map((r) => r.r)).not.toEqual(b.map((r) => r.r));
  });

  test('k and −k give the same random values, but only k shuffles (−k keeps the dataset order)', async () => {
    const negative = await runRecorded({ engine: 'for', prefetch: 0, shuffle: -5 });
    expect(negative.map((r) => r.ids)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(reference.map((r) => r.ids)).not.toEqual(negative.map((r) => r.ids));
    expect(randomness(negative)).toEqual(randomness(reference));
  });

  test('shuffle: false and shuffle: -k keep the order; false draws fresh randomness each run', async () => {
    const a = await runRecorded({ engine: 'for', prefetch: 0, shuffle: false });
    const b = await runRecorded({ engine: 'for', prefetch: 0, shuffle: false });
    expect(a.map((r) => r.ids)).toEqual([
      [0, 1, 2, 3],
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    expect(a.map((r) => r.r)).not.toEqual(b.map((r) => r.r));
  });
});

describe('epochs (bug 4 fixed)', () => {
  async function epochs(shuffle: number | boolean, n = 20, nEpochs = 3): Promise<number[][]> {
    const ids: number[] = [];
    await dataset(n)
      .p.call((batchIds: IndexValue[]) => void ids.push(...batchIds.map(Number)), B('indices'))
      .run({ batchSize: 5, nEpochs, shuffle });
    return Array.from({ length: nEpochs }, (_, e) => ids.slice(e * n, (e + 1) * n));
  }

  test('each epoch of a shuffled run is a permutation, and every epoch gets a fresh one (not the previous order permuted again)', async () => {
    const [e1, e2, e3] = await epochs(11);
    const identity = Array.from({ length: 20 }, (_, i) => i);
    for (const epoch of [e1!, e2!, e3!]) expect([...epoch].sort((a, b) => a - b)).toEqual(identity);
    expect(e1).not.toEqual(identity);
    expect(e2).not.toEqual(e1);
    expect(e3).not.toEqual(e1);
    expect(e3).not.toEqual(e2);
    // the reference's cyclic epochs: order_{e+1}[i] = order_e[P[i]] with the same P every epoch
    const cyclic = e1!.map((id) => e1![id]!);
    expect(e2).not.toEqual(cyclic);
  });

  test('the epochs repeat exactly with the same seed; shuffle: true gives new ones per run', async () => {
    expect(await epochs(11)).toEqual(await epochs(11));
    expect(await epochs(true)).not.toEqual(await epochs(true));
  });

  test('with a small dataset the epochs do not cycle with a short period (5 items, 8 epochs, shuffle 3)', async () => {
    const all = await epochs(3, 5, 8);
    const distinct = new Set(all.map((e) => e.join(',')));
    // the reference cycles with period 3 here (3 distinct orders); fresh permutations of 5 items give more
    expect(distinct.size).toBeGreaterThan(3);
  });
});

describe('random variable defaults', () => {
  test('a default drawn with R(...) comes from the run seed: same seed → same value, other seed → another', async () => {
    const draw = async (shuffle: number): Promise<unknown> => {
      const pipeline = new Dataset(6).p.initVariable('start', R('uniform'));
      await pipeline.run({ batchSize: 3, shuffle });
      return pipeline.v('start');
    };
    const first = await draw(5);
    expect(typeof first).toBe('number');
    expect(await draw(5)).toBe(first);
    expect(await draw(6)).not.toBe(first);
  });
});
