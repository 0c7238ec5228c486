/**
 * One lock namespace per pipeline: `acquireLock('L')` steps and `@action({ useLock: 'L' })` calls of
 * the pipeline's batches take the same mutex, so their sections never overlap, even with prefetch.
 */
import { describe, expect, test } from '@jest/globals';
import { Batch, Dataset, action } from '../../src/index.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Counts how many critical sections run at the same time. */
class Sections {
  active = 0;
  most = 0;
  entered: string[] = [];
  async run(label: string): Promise<void> {
    this.active++;
    this.most = Math.max(this.most, this.active);
    this.entered.push(label);
    await sleep(4);
    this.active--;
  }
}

let sections = new Sections();

class LockedBatch extends Batch {
  @action({ useLock: 'L' })
  async guarded(): Promise<this> {
    await sections.run('action');
    return this;
  }

  @action({ useLock: 'other' })
  async elsewhere(): Promise<this> {
    await sections.run('other');
    return this;
  }
}

describe('locks of a pipeline and of useLock actions share names', () => {
  test("acquireLock('L') … releaseLock('L') and @action({ useLock: 'L' }) never run at the same time (prefetch 3)", async () => {
    sections = new Sections();
    const pipeline = new Dataset(24, { batchClass: LockedBatch }).p
      .acquireLock('L')
      .call(() => sections.run('steps'))
      .releaseLock('L')
      .guarded();
    await pipeline.run({ batchSize: 2, nEpochs: 1, prefetch: 3 });
    expect(sections.entered.filter((label) => label === 'steps')).toHaveLength(12);
    expect(sections.entered.filter((label) => label === 'action')).toHaveLength(12);
    expect(sections.most).toBe(1);
  });

  test('sections under different names still overlap (the run really is concurrent)', async () => {
    sections = new Sections();
    const pipeline = new Dataset(24, { batchClass: LockedBatch }).p
      .acquireLock('L')
      .call(() => sections.run('steps'))
      .releaseLock('L')
      .elsewhere();
    await pipeline.run({ batchSize: 2, nEpochs: 1, prefetch: 3 });
    expect(sections.most).toBe(2);
  });
});
