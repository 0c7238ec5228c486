/**
 * `repeat` and `sometimes` on a whole pipeline: the steps get a repeat count or a probability. A
 * single step carries it itself (numbers multiply); several steps are grouped in a `nested` record.
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { PipelineRecord } from './records.js';

/** `records` with `modifier` set to `value` for all of them together. */
export function withModifier(records: readonly PipelineRecord[], modifier: 'repeat' | 'probability', value: unknown): PipelineRecord[] {
  if (records.length === 0) throw new ArgumentError(modifier, 'the pipeline has no steps to apply it to');
  if (records.some((record) => record.kind === 'rebatch')) throw new ArgumentError(modifier, 'cannot repeat or sample a pipeline that contains rebatch');
  const single = records.length === 1 ? records[0]! : null;
  if (single && single.kind !== 'rebatch') {
    const previous = single[modifier];
    let combined: unknown = value;
    if (previous !== undefined) {
      if (typeof previous === 'number' && typeof value === 'number') combined = previous * value;
      else return [{ kind: 'nested', records, [modifier]: value }];
    }
    if (modifier === 'probability' && single.repeat !== undefined) return [{ kind: 'nested', records, probability: value }];
    return [{ ...single, [modifier]: combined } as PipelineRecord];
  }
  return [{ kind: 'nested', records, [modifier]: value }];
}
