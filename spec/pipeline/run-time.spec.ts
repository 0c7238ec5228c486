/**
 * `pipeline.runTime`: when the last run started and how long it took, set once the run is used up.
 */
import { describe, expect, test } from '@jest/globals';
import { Dataset } from '../../src/index.js';
import { ImagesBatch, imagesData } from './fixtures/batches.js';

const dataset = (): Dataset<ImagesBatch> => new Dataset(8, { batchClass: ImagesBatch, preloaded: imagesData(8) });

describe('runTime', () => {
  test('is null before a run and set by run(): a start inside the call and a duration up to its end', async () => {
    const p = dataset().p.delay(2);
    expect(p.runTime).toBeNull();
    const before = Date.now();
    await p.run({ batchSize: 4, nEpochs: 1 });
    const after = Date.now();
    const runTime = p.runTime!;
    expect(runTime.startedAt).toBeInstanceOf(Date);
    expect(runTime.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1);
    expect(runTime.startedAt.getTime() + runTime.elapsedMs).toBeLessThanOrEqual(after + 1);
    expect(runTime.elapsedMs).toBeGreaterThan(0);
  });

  test('a genBatch run sets it when used up, and a run left early leaves it null', async () => {
    const p = dataset().p;
    for await (const _batch of p.genBatch({ batchSize: 2, nEpochs: 1 })) expect(p.runTime).toBeNull();
    const done = p.runTime;
    expect(done).not.toBeNull();
    for await (const _batch of p.genBatch({ batchSize: 2, nEpochs: 1 })) break;
    expect(p.runTime).toBeNull();
  });

  test('a nextBatch sequence sets it at its end', async () => {
    const p = dataset().p;
    while ((await p.nextBatch({ batchSize: 4, nEpochs: 1 })) !== null) expect(p.runTime).toBeNull();
    expect(p.runTime?.elapsedMs).toBeGreaterThanOrEqual(0);
  });
});
