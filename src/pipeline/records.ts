/**
 * What a pipeline records: one immutable record per step. Records are plain data; the executor
 * interprets them when a batch runs (named expressions in their arguments are evaluated then).
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { BatchClass } from '../batch/batch-class.js';
import type { ItemView } from '../batch/item-view.js';

/** Fields every record may carry: run with a probability, or several times. */
interface Modifiers {
  /** Probability (a number in [0, 1] or an expression) of running the step for a batch. */
  readonly probability?: unknown;
  /** How many times the step runs (a non-negative integer or an expression). */
  readonly repeat?: unknown;
}

/** A custom merge for `rebatch`: joins batches into `[batch, rest]`. */
export type MergeFunction = (
  batches: readonly Batch[],
  options: { batchSize: number; components?: readonly string[] | null; batchClass?: BatchClass | null },
) => [Batch | null, Batch | null];

/**
 * The test of `filter`: true keeps the item. `item` is the item's view (one property per component, as
 * `batch.itemAt(position)` gives; the raw item for a batch without components), `position` its 0-based
 * position in the batch.
 */
export type FilterPredicate<B extends Batch = Batch> = (item: ItemView, position: number, batch: B) => boolean;

/** A pipeline step. */
export type PipelineRecord =
  | (Modifiers & { readonly kind: 'action'; readonly name: string; readonly args: readonly unknown[] })
  | (Modifiers & { readonly kind: 'update'; readonly target: unknown; readonly value: unknown })
  | (Modifiers & { readonly kind: 'call'; readonly fn: unknown; readonly args: readonly unknown[]; readonly saveTo: unknown })
  | (Modifiers & { readonly kind: 'print'; readonly args: readonly unknown[] })
  | (Modifiers & { readonly kind: 'acquireLock' | 'releaseLock'; readonly lock: string })
  | (Modifiers & { readonly kind: 'discardBatch' })
  | (Modifiers & { readonly kind: 'filter'; readonly predicate: FilterPredicate })
  | (Modifiers & { readonly kind: 'skip' | 'take'; readonly count: number })
  | (Modifiers & { readonly kind: 'nested'; readonly records: readonly PipelineRecord[] })
  | {
      readonly kind: 'rebatch';
      readonly batchSize: unknown;
      readonly merge?: MergeFunction | undefined;
      readonly components?: string | readonly string[] | null | undefined;
      readonly batchClass?: BatchClass | null | undefined;
    }
  | (Modifiers & { readonly kind: 'join'; readonly sources: readonly unknown[] })
  | (Modifiers & {
      readonly kind: 'merge';
      readonly pipelines: readonly unknown[];
      readonly merge?: MergeFunction | undefined;
      readonly components?: string | readonly string[] | null | undefined;
      readonly batchClass?: BatchClass | null | undefined;
    });

/** A short description of a record (for `toString` and errors). */
export function describeRecord(record: PipelineRecord): string {
  switch (record.kind) {
    case 'action':
      return record.name;
    case 'nested':
      return `(${record.records.map(describeRecord).join(', ')})`;
    case 'rebatch':
      return `rebatch(${String(record.batchSize)})`;
    case 'skip':
    case 'take':
      return `${record.kind}(${record.count})`;
    default:
      return record.kind;
  }
}

/** Splits records at rebatch steps: stage i runs the records between rebatch i-1 and rebatch i. */
export function splitStages(records: readonly PipelineRecord[]): {
  stages: PipelineRecord[][];
  rebatches: Array<Extract<PipelineRecord, { kind: 'rebatch' }>>;
} {
  const stages: PipelineRecord[][] = [[]];
  const rebatches: Array<Extract<PipelineRecord, { kind: 'rebatch' }>> = [];
  for (const record of records) {
    if (record.kind === 'rebatch') {
      rebatches.push(record);
      stages.push([]);
    } else {
      stages[stages.length - 1]!.push(record);
    }
  }
  return { stages, rebatches };
}

/** True when some record of `records` (nested ones too) is of kind `kind`. */
export function hasRecordKind(records: readonly PipelineRecord[], kind: PipelineRecord['kind']): boolean {
  return records.some((record) => record.kind === kind || (record.kind === 'nested' && hasRecordKind(record.records, kind)));
}
