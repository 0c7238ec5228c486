/**
 * Setting up a run's checkpoints: resuming from a checkpoint (read, checked against this pipeline and
 * these run options, variables restored, seeds taken over) and the writer of new checkpoints.
 * @module
 */
import { totalBatches } from '../../dataset/iteration.js';
import { ArgumentError } from '../../errors.js';
import { describeRecord, hasRecordKind, splitStages, type PipelineRecord } from '../records.js';
import type { ResolvedRunOptions } from '../run-options.js';
import type { RunSeeds } from '../seeds.js';
import { CheckpointError } from './checkpoint-error.js';
import { readCheckpoint, type CheckpointFingerprint, type CheckpointOrder } from './checkpoint-file.js';
import { runCheckpoint, type RunCheckpoint } from './run-checkpoint.js';

/** The variable store as the checkpoint sees it. */
export interface CheckpointVariables {
  clear(): void;
  set(name: string, value: unknown): void;
  entries(): Iterable<[string, unknown]>;
}

/** What a run tells the checkpoint set-up. */
export interface CheckpointSetupInput {
  readonly options: ResolvedRunOptions;
  readonly records: readonly PipelineRecord[];
  readonly datasetLength: number;
  readonly declared: readonly string[];
  readonly variables: CheckpointVariables;
  /** Starts the run afresh (seeds drawn, variables initialised), as without checkpoints. */
  readonly fresh: () => RunSeeds;
}

function fingerprintOf(input: CheckpointSetupInput): CheckpointFingerprint {
  return { records: input.records.map(describeRecord), datasetLength: input.datasetLength, variables: [...input.declared] };
}

function orderOf(options: ResolvedRunOptions): CheckpointOrder {
  const { batchSize, shuffle, seed, nEpochs, nIters, dropLast } = options;
  return { batchSize, shuffle, seed: seed ?? null, nEpochs, nIters, dropLast };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((item, k) => item === b[k]);
}

function checkSamePipeline(file: string, saved: CheckpointFingerprint, current: CheckpointFingerprint): void {
  const differs = (what: string, theirs: unknown, ours: unknown): never => {
    throw new CheckpointError(
      file,
      `was written by a different pipeline: its ${what} ${theirs}, this pipeline's ${ours}; resume with the pipeline that wrote it`,
    );
  };
  if (!sameList(saved.records, current.records)) differs('steps are', `[${saved.records.join(', ')}]`, `are [${current.records.join(', ')}]`);
  if (saved.datasetLength !== current.datasetLength) differs('dataset has', `${saved.datasetLength} items`, `has ${current.datasetLength}`);
  if (!sameList(saved.variables, current.variables))
    differs('declared variables are', `[${saved.variables.join(', ')}]`, `are [${current.variables.join(', ')}]`);
}

function checkSameOrder(file: string, saved: CheckpointOrder, current: CheckpointOrder): void {
  for (const name of ['batchSize', 'shuffle', 'seed', 'nEpochs', 'nIters', 'dropLast'] as const) {
    if (saved[name] !== current[name])
      throw new CheckpointError(
        file,
        `run option '${name}' is ${String(current[name])} in this run but was ${String(saved[name])} in the run that wrote the checkpoint: the options that decide the order of batches must be the same to resume`,
      );
  }
}

/** Sets up `input`'s run: its seeds, and its checkpoint side (null: neither checkpoint nor resume). */
export async function setUpCheckpoint(input: CheckpointSetupInput): Promise<{ seeds: RunSeeds; checkpoint: RunCheckpoint | null }> {
  const { options } = input;
  if (!options.checkpoint && !options.resume) return { seeds: input.fresh(), checkpoint: null };
  const argument = options.resume ? 'resume' : 'checkpoint';
  if (splitStages(input.records).rebatches.length > 0)
    throw new ArgumentError(
      argument,
      'a pipeline with rebatch cannot be checkpointed or resumed (its batches do not map to batches of the index); run it without checkpoint',
    );
  if (hasRecordKind(input.records, 'merge'))
    throw new CheckpointError(
      options.resume?.path ?? options.checkpoint!.path,
      'a pipeline with merge cannot be checkpointed or resumed: merge takes batches from other pipelines, whose positions a checkpoint does not hold; run it without checkpoint',
    );
  const fingerprint = fingerprintOf(input);
  const order = orderOf(options);
  const saved = options.resume ? await readCheckpoint(options.resume.path) : null;
  if (options.resume && !saved && options.resume.ifMissing === 'error')
    throw new CheckpointError(
      options.resume.path,
      "does not exist: nothing to resume from (pass resume: { path, ifMissing: 'start' } to start from the beginning when it is missing)",
    );
  let seeds: RunSeeds;
  let checkpoint: (writer: Parameters<typeof runCheckpoint>[3]) => RunCheckpoint;
  if (saved) {
    const file = options.resume!.path;
    checkSamePipeline(file, saved.state.fingerprint, fingerprint);
    checkSameOrder(file, saved.state.order, order);
    const total = totalBatches(input.datasetLength, options);
    if (total !== null && saved.state.batches > total) throw new CheckpointError(file, `position ${saved.state.batches} is past the run's ${total} batches`);
    input.variables.clear();
    for (const [name, value] of saved.variables) input.variables.set(name, value);
    seeds = saved.state.seeds;
    checkpoint = (writer) => runCheckpoint(saved.state.batches, true, saved.state.finished, writer);
  } else {
    seeds = input.fresh();
    checkpoint = (writer) => runCheckpoint(0, false, false, writer);
  }
  const writer = options.checkpoint ? { options: options.checkpoint, fingerprint, order, seeds, variables: () => input.variables.entries() } : null;
  return { seeds, checkpoint: checkpoint(writer) };
}
