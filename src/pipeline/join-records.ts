/**
 * Recording `join` and `merge`: their arguments checked and turned into records, and the rule that
 * only a batch action may follow a `join`.
 * @module
 */
import { Dataset } from '../dataset/dataset.js';
import { ArgumentError } from '../errors.js';
import { isPipeline } from './action-proxy.js';
import { PipelineError } from './errors.js';
import { isNamedExpression } from './expressions.js';
import type { MergeOptions } from './join-types.js';
import type { RecordOf } from './handlers/step.js';
import type { PipelineRecord } from './records.js';

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value !== 'object') return typeof value;
  return `an object of class ${(value.constructor as { name?: string } | undefined)?.name ?? 'Object'}`;
}

/** The record of `join(...sources)`. */
export function joinRecord(sources: readonly unknown[]): RecordOf<'join'> {
  if (sources.length === 0) throw new ArgumentError('sources', 'join needs at least one Dataset or Pipeline');
  sources.forEach((source, i) => {
    if (!(source instanceof Dataset) && !isPipeline(source) && !isNamedExpression(source))
      throw new ArgumentError(`sources[${i}]`, `join takes Datasets, Pipelines or named expressions giving one, got ${describeValue(source)}`);
  });
  return { kind: 'join', sources: [...sources] };
}

/** The record of `merge(...pipelines, options?)`. */
export function mergeRecord(args: readonly unknown[]): RecordOf<'merge'> {
  const last = args[args.length - 1];
  const isOptions = typeof last === 'object' && last !== null && [Object.prototype, null].includes(Object.getPrototypeOf(last) as object | null);
  const options: MergeOptions = isOptions ? (last as MergeOptions) : {};
  const pipelines = options === last ? args.slice(0, -1) : [...args];
  if (pipelines.length === 0) throw new ArgumentError('pipelines', 'merge needs at least one pipeline to take batches from');
  pipelines.forEach((pipeline, i) => {
    if (!isPipeline(pipeline)) throw new ArgumentError(`pipelines[${i}]`, `merge takes Pipelines (and an options object last), got ${describeValue(pipeline)}`);
  });
  if (options.merge !== undefined && typeof options.merge !== 'function')
    throw new ArgumentError('merge', `expected a function (batches, options) => [batch, rest], got ${describeValue(options.merge)}`);
  return { kind: 'merge', pipelines, merge: options.merge, components: options.components, batchClass: options.batchClass };
}

/** @throws PipelineError when `next` would follow a `join` (the last of `records`) and is not a batch action. */
export function checkJoinFollower(records: readonly PipelineRecord[], next: PipelineRecord): void {
  if (records[records.length - 1]?.kind === 'join' && next.kind !== 'action')
    throw new PipelineError(`join(...) must be followed by a batch action, which gets the joined batches as its first arguments; got '${next.kind}'`);
}
