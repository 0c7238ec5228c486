/**
 * The `merge` step: each merged pipeline gives its next batch (`pipeline.nextBatch()`, with its lazy
 * run), and the batch merged with them (`Batch.merge`, or the record's `merge`) replaces the batch.
 * Batch number n of a run always gets the n-th batch of every merged pipeline, also with prefetch.
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import type { BatchClass } from '../../batch/batch-class.js';
import { PipelineError } from '../errors.js';
import type { RunHost } from '../run-state.js';
import type { RecordOf, StepHandler } from './step.js';

/** A pipeline as `merge` uses it. */
interface MergeablePipeline {
  nextBatch(): Promise<Batch | null>;
}

/** The pulls of one merge record in one run: pull n is made after pull n-1, whatever order batches come in. */
interface Pulls {
  next: number;
  last: Promise<unknown>;
  readonly made: Map<number, Promise<Batch[]>>;
}

/** How many batch numbers behind the newest one a pull waits for its batch (more than any prefetch in flight). */
const forgetAfter = 256;

const runs = new WeakMap<RunHost, Map<RecordOf<'merge'>, Pulls>>();

async function pullAll(record: RecordOf<'merge'>, number: number): Promise<Batch[]> {
  const batches: Batch[] = [];
  for (let position = 0; position < record.pipelines.length; position++) {
    let next: Batch | null;
    try {
      next = await (record.pipelines[position] as MergeablePipeline).nextBatch();
    } catch (error) {
      throw new PipelineError(`merge pipeline #${position} could not give its next batch: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (next === null)
      throw new PipelineError(
        `merge pipeline #${position} ran out of batches at batch ${number + 1} of this run; give it a longer lazy run (run({ ..., nEpochs: null, lazy: true }) is endless)`,
      );
    batches.push(next);
  }
  return batches;
}

/** The merged pipelines' batches for batch `number` of the run of `host`. */
function pullFor(host: RunHost, record: RecordOf<'merge'>, number: number): Promise<Batch[]> {
  let records = runs.get(host);
  if (!records) runs.set(host, (records = new Map()));
  let pulls = records.get(record);
  if (!pulls) records.set(record, (pulls = { next: 0, last: Promise.resolve(), made: new Map() }));
  // a batch that comes back to this step (repeat) takes a new pull after the others
  const wanted = pulls.made.has(number) || number >= pulls.next ? number : pulls.next;
  while (pulls.next <= wanted) {
    const index = pulls.next++;
    const pull = pulls.last.then(() => pullAll(record, index));
    pulls.last = pull.catch(() => undefined);
    pulls.made.set(index, pull);
  }
  const pull = pulls.made.get(wanted)!;
  pulls.made.delete(wanted);
  // pulls of batches that never came (skipped or dropped before this step) are forgotten once far behind
  for (const index of pulls.made.keys()) if (index < wanted - forgetAfter) pulls.made.delete(index);
  return pull;
}

/** Runs a `merge` record. */
export const runMerge: StepHandler<'merge'> = async (record, batch, context, env) => {
  if (batch === null) throw new PipelineError('merge needs a batch (it cannot run in a before/after pipeline)');
  const number = context.pipeline ? context.pipeline.iteration.current - 1 : 0;
  const batches = [batch, ...(await pullFor(env.host, record, number))];
  const components = typeof record.components === 'string' ? [record.components] : (record.components ?? null);
  const batchSize = batches.reduce((total, each) => total + each.size, 0);
  const options = { batchSize, components, batchClass: record.batchClass ?? null };
  const cls = (record.batchClass ?? batch.constructor) as BatchClass & { merge: (b: readonly Batch[], o: object) => [Batch | null, Batch | null] };
  const [merged] = record.merge ? record.merge(batches, options) : cls.merge(batches, options);
  if (merged === null) throw new PipelineError('merge: the merge function gave no batch');
  if (merged !== batch) {
    // the merged batch goes on with the batch's generator, so the next steps' randomness stays reproducible
    merged.randomSeed = batch.randomSeed;
    merged.random.restore(batch.random.snapshot());
    merged.pipeline = env.host.owner;
    context.batch = merged;
  }
  return merged;
};
