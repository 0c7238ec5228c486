/**
 * Checkpoints during a run. The rule that keeps a checkpoint consistent under prefetch and batch
 * workers: batch numbers are cut into spans of `every`; a batch of the next span starts its steps only
 * once every batch before the boundary is finished and consumed and the checkpoint is on disk. The
 * variables saved are then exactly those after the first `k · every` batches. The cost: at each
 * boundary the prefetch queue drains (the batches after it wait, already read from the index).
 * @module
 */
import { writeFileAtomic } from '../../io/files.js';
import type { StageTurns } from '../ordered-stage.js';
import type { RunSeeds } from '../seeds.js';
import type { CheckpointOptions } from './options.js';
import { CheckpointError } from './checkpoint-error.js';
import { checkpointText, epochOf, type CheckpointFingerprint, type CheckpointOrder } from './checkpoint-file.js';
import { encodeValue, UnsavableValueError } from './encode-value.js';

/** What a run with checkpoints (or resumed from one) needs. */
export interface RunCheckpoint {
  /** Index batches consumed before this run started (resumed), else 0. */
  readonly firstNumber: number;
  /** The run resumed from a checkpoint (its before pipeline already ran). */
  readonly resumed: boolean;
  /** It resumed from a finished run: nothing is left to run. */
  readonly finished: boolean;
  /** The numbering and pacing of the first stage's batches. */
  readonly turns: StageTurns;
  /** Writes the final checkpoint of a run that ended with `batches` index batches consumed. */
  finish(batches: number): Promise<void>;
}

/** Where a checkpointing run writes and what describes it. */
export interface CheckpointWriter {
  readonly options: CheckpointOptions;
  readonly fingerprint: CheckpointFingerprint;
  readonly order: CheckpointOrder;
  readonly seeds: RunSeeds;
  /** The variables with a value, read when a checkpoint is written. */
  readonly variables: () => Iterable<[string, unknown]>;
}

/** The JSON form of every variable; a value that cannot be saved is a CheckpointError naming the variable. */
function encodeVariables(file: string, variables: Iterable<[string, unknown]>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of variables) {
    try {
      Object.defineProperty(out, name, { value: encodeValue(value), enumerable: true, writable: true, configurable: true });
    } catch (error) {
      if (!(error instanceof UnsavableValueError)) throw error;
      throw new CheckpointError(
        file,
        `variable '${name}' cannot be saved: ${error.message}. Checkpoints hold JSON values, NaN/±Infinity/-0/undefined, typed arrays and numeric ndarrays; keep other values out of pipeline variables, or run without checkpoint`,
        { cause: error },
      );
    }
  }
  return out;
}

/** Writes one checkpoint of `writer`'s run with `batches` consumed. */
export async function writeCheckpoint(writer: CheckpointWriter, batches: number, finished: boolean): Promise<void> {
  const { path } = writer.options;
  const variables = encodeVariables(path, writer.variables());
  const epoch = epochOf(batches, writer.fingerprint.datasetLength, writer.order);
  const text = checkpointText({ fingerprint: writer.fingerprint, order: writer.order, seeds: writer.seeds, batches, epoch, finished }, variables);
  await writeFileAtomic('checkpoint', path, text);
}

interface Gate {
  readonly promise: Promise<void>;
  readonly open: () => void;
  readonly fail: (error: unknown) => void;
}

function newGate(): Gate {
  let open!: () => void;
  let fail!: (error: unknown) => void;
  const promise = new Promise<void>((resolve, reject) => ((open = resolve), (fail = reject)));
  promise.catch(() => undefined); // a failed checkpoint ends the run through beforeTurn; waiting batches are dropped
  return { promise, open, fail };
}

/** The checkpoint side of a run: resumed at `firstNumber`, writing through `writer` when given. */
export function runCheckpoint(firstNumber: number, resumed: boolean, finished: boolean, writer: CheckpointWriter | null): RunCheckpoint {
  if (!writer) {
    const turns: StageTurns = { firstNumber, ready: () => null, beforeTurn: async () => undefined };
    return { firstNumber, resumed, finished, turns, finish: async () => undefined };
  }
  const every = writer.options.every;
  const gates = new Map<number, Gate>();
  let written = firstNumber; // the last boundary on disk (or the resumed position)
  const gate = (boundary: number): Gate => {
    let found = gates.get(boundary);
    if (!found) gates.set(boundary, (found = newGate()));
    return found;
  };
  const turns: StageTurns = {
    firstNumber,
    ready: (n) => {
      const boundary = n - (n % every);
      return boundary <= written ? null : gate(boundary).promise;
    },
    beforeTurn: async (n) => {
      if (n % every !== 0 || n <= written) return;
      try {
        await writeCheckpoint(writer, n, false);
      } catch (error) {
        gate(n).fail(error);
        throw error;
      }
      written = n;
      gate(n).open();
      gates.delete(n);
    },
  };
  return { firstNumber, resumed, finished, turns, finish: (batches) => writeCheckpoint(writer, batches, true) };
}
