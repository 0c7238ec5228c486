/**
 * Pipelines over a dataset built from a generator (IterableDataset): actions run on the assembled
 * batches, the source is pulled only as batches are needed (prefetch k: at most k + 1 batches ahead),
 * epochs call the source function again, the seed tree stays deterministic, and what needs an index
 * (checkpoints, createBatch, a shuffle without a buffer) is refused before any work with a typed error.
 */
import { describe, expect, test } from '@jest/globals';
import {
  ArgumentError,
  B,
  Batch,
  IterableDataset,
  IterableSourceError,
  NoIndexError,
  SourceItemError,
  StopPipeline,
  V,
  action,
  applyParallel,
  type ItemContext,
  type NDArray,
} from '../../src/index.js';

class SensorBatch extends Batch {
  static override components = ['values', 'labels'] as const;
  declare values: NDArray;
  declare labels: NDArray;

  /** Adds a uniform draw from the item's own generator to every value of the item. */
  @applyParallel({ src: 'values', requiresRng: true })
  jitter(values: NDArray, _options: {}, context: ItemContext): number[] {
    const u = context.rng.uniform();
    return Array.from({ length: values.shape[0]! }, (_, k) => values.get(k) + u);
  }

  /** Multiplies the labels by `factor`. */
  @action
  scaleLabels(factor: number): this {
    for (let k = 0; k < this.size; k++) this.labels.set(k, this.labels.get(k) * factor);
    return this;
  }
}

interface Reading {
  values: Float64Array;
  labels: number;
}

const reading = (k: number): Reading => ({ values: Float64Array.from([k, 2 * k]), labels: k });

/** A source function over `n` readings that counts pulls, calls and closes. */
function counted(n: number): { source: () => Generator<Reading>; pulled: () => number; calls: () => number; closed: () => number } {
  const counts = { pulled: 0, calls: 0, closed: 0 };
  function* gen(): Generator<Reading> {
    counts.calls++;
    try {
      for (let k = 0; k < n; k++) {
        counts.pulled++;
        yield reading(k);
      }
    } finally {
      counts.closed++;
    }
  }
  return { source: gen, pulled: () => counts.pulled, calls: () => counts.calls, closed: () => counts.closed };
}

const labelsOf = (batch: SensorBatch): number[] => Array.from({ length: batch.size }, (_, k) => batch.labels.get(k));
const wait = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function collect<T>(batches: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const batch of batches) out.push(batch);
  return out;
}

describe('a pipeline over an IterableDataset', () => {
  test('actions and variables run on the assembled batches; dropLast and nIters apply', async () => {
    const ds = new IterableDataset(counted(10).source, { batchClass: SensorBatch });
    const pipeline = ds.p
      .initVariable('seen', 0)
      .scaleLabels(10)
      .update(V('seen'), V<number>('seen').add(B('size')));
    const batches = await collect(pipeline.genBatch({ batchSize: 4 }));
    expect(batches.map(labelsOf)).toEqual([
      [0, 10, 20, 30],
      [40, 50, 60, 70],
      [80, 90],
    ]);
    expect(pipeline.v('seen')).toBe(10);
    await pipeline.run({ batchSize: 4, nEpochs: 2, dropLast: true });
    expect(pipeline.v('seen')).toBe(26); // variables carry over from run to run (reset: 'iter')
    await pipeline.run({ batchSize: 3, nIters: 5 });
    expect(pipeline.v('seen')).toBe(41);
  });

  test('nEpochs calls the source function once per epoch; a one-shot generator with nEpochs 2 is refused before any work', async () => {
    const source = counted(6);
    const ds = new IterableDataset(source.source, { batchClass: SensorBatch });
    const pipeline = ds.p.initVariable('seen', 0).update(V('seen'), V<number>('seen').add(B('size')));
    await pipeline.run({ batchSize: 4, nEpochs: 3 });
    expect(source.calls()).toBe(3);
    expect(pipeline.v('seen')).toBe(18);

    const once = counted(6);
    const before: string[] = [];
    const oneShot = new IterableDataset(once.source(), { batchClass: SensorBatch });
    const refused = oneShot.p.before((once) => once.call(() => void before.push('before'))).scaleLabels(2);
    await expect(refused.run({ batchSize: 2, nEpochs: 2 })).rejects.toThrow(ArgumentError);
    await expect(refused.run({ batchSize: 2, nEpochs: 2 })).rejects.toThrow(/nEpochs: a one-shot iterable/);
    expect(once.pulled()).toBe(0);
    expect(before).toEqual([]);
    expect(await collect(refused.genBatch({ batchSize: 2 }))).toHaveLength(3);
    await expect(refused.run({ batchSize: 2 })).rejects.toThrow(/already consumed/);
  });

  test.each([0, 1, 3])('prefetch %i: the source is pulled at most prefetch + 1 batches ahead of the consumer', async (prefetch) => {
    const source = counted(200);
    const ds = new IterableDataset(source.source, { batchClass: SensorBatch });
    const batchSize = 4;
    const ahead: number[] = [];
    let consumed = 0;
    for await (const batch of ds.p.scaleLabels(1).genBatch({ batchSize, prefetch, nEpochs: null })) {
      consumed++;
      await wait(20); // a slow consumer: the pipeline gets every chance to run ahead
      ahead.push(source.pulled() / batchSize - consumed);
      if (batch.indices[0] === 40) break;
    }
    expect(Math.max(...ahead)).toBeLessThanOrEqual(prefetch + 1);
    expect(source.pulled()).toBeLessThan(200);
    expect(source.closed()).toBe(1); // the consumer stopped: the source's return() ran
  });

  test('the same seed gives the same batches and the same draws of each batch generator; another seed other draws', async () => {
    const draws = async (seed: number, prefetch: number): Promise<number[][]> => {
      const ds = new IterableDataset(counted(9).source, { batchClass: SensorBatch });
      const batches = await collect(ds.p.jitter().genBatch({ batchSize: 4, seed, prefetch }));
      return batches.map((batch) => {
        const values = batch.values as unknown as number[][];
        return values.map((row, k) => row[0]! - labelsOf(batch)[k]!);
      });
    };
    const first = await draws(7, 0);
    expect(first.map((batch) => batch.length)).toEqual([4, 4, 1]);
    expect(await draws(7, 2)).toEqual(first);
    expect(await draws(8, 0)).not.toEqual(first);
    for (const u of first.flat()) expect(u >= 0 && u < 1).toBe(true);
  });

  test('shuffle: k with a shuffleBuffer shuffles each epoch, the same k giving the same batches and draws', async () => {
    const run = async (shuffle: number): Promise<{ labels: number[][]; draws: number[][] }> => {
      const ds = new IterableDataset(counted(10).source, { batchClass: SensorBatch, shuffleBuffer: 4 });
      const batches = await collect(ds.p.jitter().genBatch({ batchSize: 5, nEpochs: 2, shuffle }));
      const labels = batches.map(labelsOf);
      const draws = batches.map((batch) => (batch.values as unknown as number[][]).map((row, k) => row[0]! - labelsOf(batch)[k]!));
      return { labels, draws };
    };
    const first = await run(5);
    const sorted = Array.from({ length: 10 }, (_, k) => k);
    expect([...first.labels[0]!, ...first.labels[1]!].sort((a, b) => a - b)).toEqual(sorted);
    expect([...first.labels[2]!, ...first.labels[3]!].sort((a, b) => a - b)).toEqual(sorted);
    expect(first.labels.flat()).not.toEqual([...sorted, ...sorted]);
    expect(await run(5)).toEqual(first);
    expect((await run(6)).labels).not.toEqual(first.labels);
  });

  test("target 'auto' runs on the calling thread and gives what 'for' gives", async () => {
    const run = async (target: 'for' | 'auto'): Promise<number[][]> =>
      (await collect(new IterableDataset(counted(7).source, { batchClass: SensorBatch }).p.scaleLabels(3).genBatch({ batchSize: 3, target }))).map(labelsOf);
    expect(await run('auto')).toEqual(await run('for'));
  });

  test('the progress bar counts batches without a total', async () => {
    let output = '';
    const terminal = { isTTY: true, columns: 120, write: (chunk: string) => void (output += chunk) };
    await new IterableDataset(counted(10).source, { batchClass: SensorBatch }).p.scaleLabels(1).run({ batchSize: 4, bar: { stream: terminal } });
    const last = output
      .split('\r')
      .filter((line) => line.includes('batches'))
      .pop()!;
    expect(last).toMatch(/ 3 batches \|/);
    expect(last).not.toMatch(/ \d+\/\d+ \|/); // no 'done/total'
    expect(last).not.toMatch(/ETA/);
  });
});

describe('what needs an index is refused before any work', () => {
  const refusal = async (options: Record<string, unknown>): Promise<{ error: unknown; pulled: number; before: number }> => {
    const source = counted(8);
    let before = 0;
    const pipeline = new IterableDataset(source.source, { batchClass: SensorBatch }).p.before((once) => once.call(() => void before++)).scaleLabels(2);
    const error = await pipeline.run({ batchSize: 2, ...options }).then(
      () => undefined,
      (e: unknown) => e,
    );
    return { error, pulled: source.pulled(), before };
  };

  test('shuffle without a shuffle buffer is an ArgumentError (a negative shuffle only seeds the run and is accepted)', async () => {
    const { error, pulled, before } = await refusal({ shuffle: 3 });
    expect(error).toBeInstanceOf(ArgumentError);
    expect(error).toMatchObject({ argument: 'shuffle' });
    expect(String(error)).toMatch(/shuffled through a buffer of items: give it one .*shuffleBuffer/);
    expect([pulled, before]).toEqual([0, 0]);
    expect((await refusal({ shuffle: -3 })).error).toBeUndefined();
  });

  test('checkpoint is a NoIndexError that says why', async () => {
    const { error, pulled, before } = await refusal({ checkpoint: { path: '/nonexistent-dir/never-written.json', every: 1 } });
    expect(error).toBeInstanceOf(NoIndexError);
    expect(error).toMatchObject({ operation: 'checkpoint' });
    expect(String(error)).toMatch(/records a position in the index/);
    expect([pulled, before]).toEqual([0, 0]);
  });

  test('resume is a NoIndexError; pipeline.createBatch(ids) too', async () => {
    const { error } = await refusal({ resume: { path: '/nonexistent-dir/none.json', ifMissing: 'start' } });
    expect(error).toBeInstanceOf(NoIndexError);
    expect(error).toMatchObject({ operation: 'resume' });
    const pipeline = new IterableDataset(counted(4).source, { batchClass: SensorBatch }).p.scaleLabels(2);
    await expect(pipeline.createBatch([0, 1])).rejects.toThrow(NoIndexError);
    await expect(pipeline.createBatch([0, 1])).rejects.toThrow(/^createBatch: not available on a dataset built from an iterable/);
  });
});

describe("errors of the user's source end the run", () => {
  test('an error thrown by the generator is the run error, with the number of the batch being assembled', async () => {
    function* failing(): Generator<Reading> {
      for (let k = 0; k < 7; k++) yield reading(k);
      throw new Error('disk unplugged');
    }
    const error = await new IterableDataset(failing, { batchClass: SensorBatch }).p
      .scaleLabels(2)
      .run({ batchSize: 3, prefetch: 2 })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IterableSourceError);
    expect(error).toMatchObject({ batch: 2, item: 7 });
    expect(String(error)).toMatch(/batch 2 .*disk unplugged/);
  });

  test('a malformed item is a SourceItemError naming the item and the component', async () => {
    const items = [reading(0), reading(1), reading(2), { values: Float64Array.from([1, 2]) }];
    const error = await new IterableDataset(items, { batchClass: SensorBatch }).p.run({ batchSize: 2 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SourceItemError);
    expect(error).toMatchObject({ item: 3, component: 'labels' });
  });

  test.each([0, 2])("an error in an action (prefetch %i) ends the run and the async source's return() is called", async (prefetch) => {
    let closed = 0;
    let pulled = 0;
    async function* readings(): AsyncGenerator<Reading> {
      try {
        for (let k = 0; k < 100; k++) {
          pulled++;
          yield reading(k);
        }
      } finally {
        closed++;
      }
    }
    const failAt = (batch: Batch): void => {
      if (Number(batch.indices[0]) === 8) throw new RangeError('bad batch');
    };
    const run = new IterableDataset(readings, { batchClass: SensorBatch }).p.call(failAt, B()).run({ batchSize: 4, prefetch });
    await expect(run).rejects.toThrow('bad batch');
    expect(closed).toBe(1);
    expect(pulled).toBeLessThan(100);
  });

  test("StopPipeline in an action stops the run and the source's return() is called", async () => {
    const source = counted(100);
    const stop = (batch: Batch): void => {
      if (Number(batch.indices[0]) >= 8) throw new StopPipeline();
    };
    await new IterableDataset(source.source, { batchClass: SensorBatch }).p.call(stop, B()).run({ batchSize: 4, nEpochs: null });
    expect(source.closed()).toBe(1);
    expect(source.pulled()).toBeLessThan(100);
  });
});
