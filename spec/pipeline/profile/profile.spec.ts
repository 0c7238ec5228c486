/**
 * `run({ profile: true })`: every step of every batch is timed, on the calling thread and on batch
 * workers (with the transport time of batches on workers); `profileInfo()` gives the summary as data,
 * `showProfileInfo()` prints it as a table, `writeProfileChart(file)` writes a Gantt chart page. A
 * profiled run gives the same batches and variables as an unprofiled one.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, jest, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, Batch, B, Dataset, PipelineError, V, action, closeEngines, type NDArray, type RunOptions } from '../../../src/index.js';
import { splitAtVariable } from '../../fixtures/pipeline-workers/pipelines.js';
import { WorkerBatch } from '../../fixtures/worker-batches.js';

afterAll(async () => {
  await closeEngines();
});

// worker pools start slowly on a busy machine; no test asserts a duration
jest.setTimeout(60_000);

class TimedBatch extends Batch {
  static override components = ['values'] as const;
  declare values: NDArray;

  /** Works for at least `ms` milliseconds. */
  @action
  async slow(options: { ms: number }): Promise<this> {
    const until = performance.now() + options.ms;
    while (performance.now() < until);
    return this;
  }

  /** Doubles the values (a new array). */
  @action
  async double(): Promise<this> {
    const source = this.values;
    this.values = ndarray(
      Float64Array.from({ length: source.size }, (_, k) => (source.get(k) as number) * 2),
      [source.size],
    );
    return this;
  }
}

function makePipeline() {
  const dataset = new Dataset(25, {
    batchClass: TimedBatch,
    preloaded: {
      values: ndarray(
        Float64Array.from({ length: 25 }, (_, k) => k),
        [25],
      ),
    },
  });
  return dataset.p
    .initVariable('total', 0)
    .slow({ ms: 4 })
    .double()
    .update(V('total'), V<number>('total').add(B('size')));
}

describe('run({ profile: true })', () => {
  test('times every step of every batch on the calling thread, slowest first, with items/s', async () => {
    const pipeline = makePipeline();
    await pipeline.run({ batchSize: 10, profile: true });
    const info = pipeline.profileInfo();
    expect(info.batches).toBe(3);
    expect(info.items).toBe(25);
    expect(info.lanes).toEqual(['caller']);
    expect(info.rows.map((row) => row.name)).toEqual(expect.arrayContaining(['slow', 'double', 'update']));
    expect(info.rows[0]!.name).toBe('slow');
    const slow = info.rows.find((row) => row.name === 'slow')!;
    expect(slow.calls).toBe(3);
    expect(slow.totalMs).toBeGreaterThanOrEqual(12);
    expect(slow.maxMs).toBeGreaterThanOrEqual(slow.meanMs);
    expect(slow.itemsPerSecond).toBeCloseTo((25 / slow.totalMs) * 1000, 6);
    expect(slow.where).toBe('caller');
    expect(slow.functionMs).toBe(0);
    expect(info.rows.reduce((sum, row) => sum + row.share, 0)).toBeCloseTo(1, 9);
    expect(info.runMs).toBeGreaterThanOrEqual(slow.totalMs);
    // one event per step and batch, each inside the run
    expect(info.events.filter((event) => event.name === 'double').map((event) => event.batch)).toEqual([0, 1, 2]);
    for (const event of info.events) expect(event.start).toBeGreaterThanOrEqual(info.started);
  });

  test('gives the same batches and variables as a run without profile', async () => {
    const values = async (options: RunOptions): Promise<number[][]> => {
      const pipeline = makePipeline();
      const seen: number[][] = [];
      for await (const batch of pipeline.genBatch({ batchSize: 7, shuffle: 3, ...options })) seen.push(Array.from(batch.values.data as Float64Array));
      seen.push([pipeline.v<number>('total')]);
      return seen;
    };
    expect(await values({ profile: true })).toEqual(await values({}));
  });

  test('prints a table and writes a chart page, atomically', async () => {
    const pipeline = makePipeline();
    await pipeline.run({ batchSize: 10, profile: true });
    const log = jest.spyOn(console, 'log').mockImplementation(() => {});
    const table = pipeline.showProfileInfo();
    expect(log).toHaveBeenCalledWith(table);
    log.mockRestore();
    expect(table.split('\n')[0]).toMatch(/^step +calls +total ms +mean ms +max ms +items\/s +share +function ms on workers +where$/);
    expect(table).toMatch(/^slow +3 /m);
    expect(table).toMatch(/run: .* 3 batches, 25 items/);
    const directory = mkdtempSync(join(tmpdir(), 'batchflow-profile-'));
    try {
      const file = join(directory, 'profile.html');
      expect(await pipeline.writeProfileChart(file, 'A <run>')).toBe(file);
      const html = readFileSync(file, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain('A &#60;run&#62;');
      expect(html.match(/<rect [^>]*><title>/g)).toHaveLength(pipeline.profileInfo().events.length);
      expect(html).toContain('slow, batch 2');
      expect(readdirSync(directory)).toEqual(['profile.html']);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  test('on batch workers: worker steps in their own lanes, the caller’s tail on the caller, and the transport', async () => {
    await splitAtVariable.run({ batchSize: 8, shuffle: 7, reset: 'all', target: 'threads', nWorkers: 2, prefetch: 2, profile: true });
    const info = splitAtVariable.profileInfo();
    expect(info.batches).toBe(5);
    expect(info.items).toBe(40);
    expect(info.lanes[0]).toBe('caller');
    expect(info.lanes).toContain('transport');
    const workerLanes = info.lanes.filter((lane) => /^worker \d+\/\d+$/.test(lane));
    expect(workerLanes.length).toBeGreaterThanOrEqual(1);
    const byName = new Map(info.rows.map((row) => [row.name, row]));
    // locate runs twice per batch: once on a worker (before the stateful step), once on the calling thread
    expect(byName.get('locate')).toMatchObject({ calls: 10, where: 'caller and workers' });
    expect(byName.get('scale')).toMatchObject({ calls: 5, where: 'caller' });
    expect(byName.get('transport')!.calls).toBe(5);
    for (const event of info.events.filter((event) => event.lane !== 'caller' && event.lane !== 'transport')) expect(event.name).toBe('locate');
  });

  test.each([0, 2])('an item action on worker threads reports the time its items spent in their function there (prefetch %i)', async (prefetch) => {
    const labels = ndarray(
      Float64Array.from({ length: 24 }, (_, k) => k),
      [24],
    );
    const images = ndarray(new Float32Array(24 * 4), [24, 2, 2]);
    const pipeline = new Dataset(24, { batchClass: WorkerBatch, preloaded: { images, labels } }).p.spinDouble({ target: 'threads', nWorkers: 2 });
    await pipeline.run({ batchSize: 12, profile: true, prefetch });
    const row = pipeline.profileInfo().rows.find((candidate) => candidate.name === 'spinDouble')!;
    expect(row).toMatchObject({ calls: 2, where: 'caller' });
    // every item spins at least 1 ms in its function on a worker; with prefetch the two batches' steps overlap,
    // and each step still gets its own batch's time (at least 12 ms each)
    expect(row.functionMs).toBeGreaterThanOrEqual(24);
    const perStep = pipeline
      .profileInfo()
      .events.filter((event) => event.name === 'spinDouble')
      .map((event) => event.functionMs);
    expect(perStep).toHaveLength(2);
    for (const ms of perStep) expect(ms).toBeGreaterThanOrEqual(12);
    const steps = new Map(pipeline.profileInfo().rows.map((candidate) => [candidate.name, candidate.functionMs]));
    expect(steps.get('spinDouble')).toBe(row.functionMs);
  });

  test('refuses a profile value that is not a boolean, and a profile before any profiled run', async () => {
    const pipeline = makePipeline();
    expect(() => pipeline.profileInfo()).toThrow(PipelineError);
    // @ts-expect-error profile is true or false
    await expect(pipeline.run({ batchSize: 10, profile: 'yes' })).rejects.toThrow(ArgumentError);
    await pipeline.run({ batchSize: 10 });
    expect(() => pipeline.profileInfo()).toThrow(/profile: true/);
    expect(existsSync('profile.html')).toBe(false);
  });
});
