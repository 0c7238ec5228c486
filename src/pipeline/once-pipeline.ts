/**
 * The recorder handed to `pipeline.before(...)` / `pipeline.after(...)`: the steps that make sense
 * once per run, without a batch.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { isNamedExpression } from './expressions.js';
import type { PipelineRecord } from './records.js';

/** The steps a once-pipeline (`before` / `after`) can record. */
export interface OncePipeline {
  update(target: unknown, value: unknown): OncePipeline;
  call(fn: unknown, ...args: unknown[]): OncePipeline;
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline;
  print(...args: unknown[]): OncePipeline;
}

/** An immutable {@link OncePipeline}: every method returns a new recorder. */
export class OnceRecorder implements OncePipeline {
  constructor(readonly records: readonly PipelineRecord[]) {}
  update(target: unknown, value: unknown): OncePipeline {
    if (!isNamedExpression(target)) throw new ArgumentError('target', 'update needs a named expression to store the value in (for example V("total"))');
    return new OnceRecorder([...this.records, { kind: 'update', target, value }]);
  }
  call(fn: unknown, ...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'call', fn, args, saveTo: undefined }]);
  }
  callAndSave(saveTo: unknown, fn: unknown, ...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'call', fn, args, saveTo }]);
  }
  print(...args: unknown[]): OncePipeline {
    return new OnceRecorder([...this.records, { kind: 'print', args }]);
  }
}

/** The records `build` makes on an empty recorder. */
export function recordOnce(build: (once: OncePipeline) => OncePipeline): readonly PipelineRecord[] {
  return (build(new OnceRecorder([])) as OnceRecorder).records;
}
