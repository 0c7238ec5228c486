/**
 * `pipeline.resume(checkpoint, options)`: the method form of `run({ ...options, resume: checkpoint })`.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { B, CheckpointError, V } from '../../../src/index.js';
import { dataset, describeBatch, type NoisyBatch } from '../../fixtures/checkpoint/pipelines.js';

const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-resume-method-spec-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const ORDER = { batchSize: 4, nEpochs: 2, shuffle: 3 } as const;
const build = () =>
  dataset.p
    .initVariable('seen', [])
    .initVariable('digests', [])
    .noise({ amount: 0.5 })
    .update(V('seen', 'a'), B('indices'))
    .call((batch: NoisyBatch, digests: string[]) => void digests.push(describeBatch(batch).digest), B(), V('digests'));

describe('resume', () => {
  test('continues a run stopped after its checkpoint: the same batches and variables as a full run', async () => {
    const full = build();
    await full.run(ORDER);
    const file = path.join(folder, 'stopped.json');
    const stopped = build();
    let consumed = 0;
    for await (const _batch of stopped.genBatch({ ...ORDER, checkpoint: { path: file, every: 5 } })) if (++consumed === 6) break;
    const resumed = build();
    await expect(resumed.resume(file, ORDER)).resolves.toBe(resumed);
    expect(resumed.v('seen')).toEqual(full.v('seen'));
    expect(resumed.v('digests')).toEqual(full.v('digests'));
  });

  test("a missing checkpoint is a CheckpointError; { ifMissing: 'start' } runs from the beginning", async () => {
    const file = path.join(folder, 'missing.json');
    await expect(build().resume(file, ORDER)).rejects.toThrow(CheckpointError);
    const fresh = await build().resume({ path: file, ifMissing: 'start' }, ORDER);
    const full = await build().run(ORDER);
    expect(fresh.v('digests')).toEqual(full.v('digests'));
  });
});
