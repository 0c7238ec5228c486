/**
 * The state rule of batches on workers: which records of a pipeline may run on a batch worker. A record
 * is *stateful* when it reads or changes pipeline state that lives in the calling thread (variables,
 * config expressions, the iteration, locks, console output, user callbacks) or regroups batches
 * (`rebatch`). Records before the first stateful one (of the first stage) run on workers; that record and
 * everything after it run on the calling thread, in batch order.
 * @module
 */
import { ConfigExpression, isNamedExpression, IterationExpression, VariableExpression } from '../expressions.js';
import { describeRecord, type PipelineRecord } from '../records.js';

/** True when `value` holds a V(), C() or I() expression anywhere (in arrays, plain objects or other expressions). */
function holdsStateExpression(value: unknown, seen: Set<object>): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (value instanceof VariableExpression || value instanceof ConfigExpression || value instanceof IterationExpression) return true;
  if (ArrayBuffer.isView(value)) return false;
  if (Array.isArray(value)) return value.some((entry) => holdsStateExpression(entry, seen));
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (!isNamedExpression(value) && prototype !== Object.prototype && prototype !== null) return false;
  return Object.values(value).some((entry) => holdsStateExpression(entry, seen));
}

/** Why `record` must run on the calling thread, or null when it may run on a batch worker. */
export function statefulReason(record: PipelineRecord): string | null {
  const seen = new Set<object>();
  switch (record.kind) {
    case 'rebatch':
      return 'rebatch regroups batches';
    case 'join':
    case 'merge':
      return `${record.kind} makes batches from other datasets or pipelines of the calling thread`;
    case 'update':
    case 'call':
      return `${record.kind === 'update' ? 'update/saveTo' : 'call'} changes pipeline state or runs a callback`;
    case 'print':
      return 'print writes to the console in batch order';
    case 'acquireLock':
    case 'releaseLock':
      return `${record.kind} uses a pipeline lock`;
    case 'skip':
    case 'take':
      return `${record.kind} counts the run's batches in order`;
    case 'filter':
      return 'filter runs a predicate and changes the batch';
    default:
  }
  if (holdsStateExpression(record.probability, seen) || holdsStateExpression(record.repeat, seen))
    return `${describeRecord(record)} has a probability or repeat that reads V(), C() or I()`;
  if (record.kind === 'nested') {
    for (const inner of record.records) {
      const reason = statefulReason(inner);
      if (reason !== null) return `a nested step: ${reason}`;
    }
    return null;
  }
  if (record.kind === 'action' && holdsStateExpression(record.args, seen)) return `action '${record.name}' has an argument that reads V(), C() or I()`;
  return null;
}

/** Stage 0's records split by the state rule: those for workers, the rest, and why the rest starts where it does. */
export interface WorkerSplit {
  readonly onWorkers: readonly PipelineRecord[];
  readonly onCaller: readonly PipelineRecord[];
  /** Why the first record on the calling thread is stateful (null when every record runs on workers). */
  readonly reason: string | null;
}

/** Splits the records of the first stage (those before any rebatch) at the first stateful record. */
export function splitForWorkers(stageRecords: readonly PipelineRecord[]): WorkerSplit {
  for (let i = 0; i < stageRecords.length; i++) {
    const reason = statefulReason(stageRecords[i]!);
    if (reason !== null) return { onWorkers: stageRecords.slice(0, i), onCaller: stageRecords.slice(i), reason: `step #${i} (${reason})` };
  }
  return { onWorkers: stageRecords, onCaller: [], reason: null };
}
