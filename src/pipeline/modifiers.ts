/**
 * `repeat` and `sometimes` on a whole pipeline: the steps get a repeat count or a probability. A
 * single step carries it itself (numbers multiply); several steps are grouped in a `nested` record.
 * @module
 */
import { ArgumentError } from '../errors.js';
import type { PipelineRecord } from './records.js';

/** `records` with `modifier` set to `value` for all of them together (a number is checked here; an expression when it runs). */
export function withModifier(records: readonly PipelineRecord[], modifier: 'repeat' | 'probability', value: unknown): PipelineRecord[] {
  if (modifier === 'repeat' && typeof value === 'number' && (!Number.isInteger(value) || value < 0))
    throw new ArgumentError('times', `expected a non-negative integer, got ${value}`);
  if (modifier === 'probability' && typeof value === 'number' && !(value >= 0 && value <= 1))
    throw new ArgumentError('probability', `expected a number in [0, 1], got ${value}`);
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
