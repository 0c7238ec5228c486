/**
 * Workload CKPT (issue 15): the time to write one checkpoint of a run whose variables hold 1 MB —
 * the variables encoded, the JSON written to a temp file, flushed to disk and renamed — for two
 * kinds of variables: a Float64Array of 131,072 values (1 MB of raw data, stored as base64) and a
 * plain array of 131,072 numbers (the same 1 MB as JSON numbers). Goal: < 50 ms. Every written
 * file is read back and checked equal. `encodeMedianMs`: the CPU part alone (encoding and JSON text).
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeCheckpoint, type CheckpointWriter } from '../../src/pipeline/checkpoint/run-checkpoint.js';
import { checkpointText, parseCheckpoint } from '../../src/pipeline/checkpoint/checkpoint-file.js';
import { encodeValue } from '../../src/pipeline/checkpoint/encode-value.js';
import { assertBench, measure, round, roundStats, type BenchSettings, type Workload, type WorkloadResult } from '../harness.js';

const VALUES = 131_072; // × 8 bytes = 1 MiB
const GOAL_MS = 50;

function writerFor(file: string, variables: Array<[string, unknown]>): CheckpointWriter {
  return {
    options: { path: file, every: 1 },
    fingerprint: { records: ['load', 'update'], datasetLength: 1000, variables: variables.map(([name]) => name) },
    order: { batchSize: 10, shuffle: 42, seed: null, nEpochs: 1, nIters: null, dropLast: false },
    seeds: { root: 42, order: 1, pipeline: 2, execution: 3 },
    variables: () => variables,
  };
}

async function measureKind(settings: BenchSettings, folder: string, kind: string, value: unknown, same: (read: unknown) => boolean): Promise<WorkloadResult> {
  const file = path.join(folder, `${kind}.json`);
  const writer = writerFor(file, [
    ['weights', value],
    ['step', 12],
  ]);
  const stats = await measure(
    settings,
    () => undefined,
    () => writeCheckpoint(writer, 7, false),
    () => {
      const { state, variables } = parseCheckpoint(file, readFileSync(file, 'utf8'));
      assertBench(state.batches === 7 && variables.get('step') === 12 && same(variables.get('weights')), `checkpoint of ${kind} read back different`);
    },
  );
  // the CPU part alone (variables encoded, JSON text made): the rest of a write is the disk's
  const encoding = await measure(
    settings,
    () => undefined,
    () => checkpointText({ ...writer, batches: 7, epoch: 0, finished: false }, { weights: encodeValue(value), step: 12 }).length,
  );
  const bytes = readFileSync(file).length;
  return {
    workload: 'CKPT',
    name: `write one checkpoint with 1 MiB of variables as ${kind} (encode, temp file, fsync, rename)`,
    engine: 'none',
    unit: 'ms',
    ...roundStats(stats),
    fileMegabytes: round(bytes / 1e6, 3),
    encodeMedianMs: round(encoding.median),
    goalMs: GOAL_MS,
    meetsGoal: stats.median < GOAL_MS,
  };
}

export const workloadCheckpoint: Workload = {
  id: 'CKPT',
  title: 'checkpoint write time with 1 MiB of variables (goal < 50 ms)',
  async run(settings) {
    const folder = mkdtempSync(path.join(os.tmpdir(), 'bf-bench-checkpoint-'));
    try {
      const typed = Float64Array.from({ length: VALUES }, (_, i) => Math.sin(i) * 1000);
      const plain = Array.from(typed);
      return [
        await measureKind(settings, folder, 'a Float64Array', typed, (read) => read instanceof Float64Array && read.every((v, i) => v === typed[i])),
        await measureKind(settings, folder, 'a plain array of numbers', plain, (read) => Array.isArray(read) && read.every((v, i) => v === plain[i])),
      ];
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
};
