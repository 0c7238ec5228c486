/**
 * Compile-only type tests of the checkpoint and resume run options. Checked by `tsc -p . --noEmit`
 * (part of `npm test`); nothing here runs at import.
 */
import { CheckpointError, Dataset, type CheckpointOptions, type ResumeOptions } from '../../src/index.js';

export async function checkpointChecks(): Promise<void> {
  const p = new Dataset(10).p;
  const every: CheckpointOptions = { path: 'run.json', every: 5 };
  const resume: ResumeOptions = { path: 'run.json', ifMissing: 'start' };
  await p.run({ batchSize: 2, checkpoint: every, resume });
  await p.run({ batchSize: 2, resume: 'run.json' });
  // @ts-expect-error: checkpoint needs `every`
  await p.run({ batchSize: 2, checkpoint: { path: 'run.json' } });
  // @ts-expect-error: a misspelled checkpoint option
  await p.run({ batchSize: 2, checkpoint: { path: 'run.json', evry: 5 } });
  // @ts-expect-error: ifMissing is 'error' or 'start'
  await p.run({ batchSize: 2, resume: { path: 'run.json', ifMissing: 'skip' } });
  // @ts-expect-error: resume is a path or { path, ifMissing }
  await p.run({ batchSize: 2, resume: true });
  const error = new CheckpointError('run.json', 'bad');
  const file: string = error.file;
  void file;
}
