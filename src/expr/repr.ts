/**
 * The text of literals inside expression texts (`V('x') + 'a'`, `[1, 2]`, `{k: 1}`, slices).
 * @module
 */
import { Config } from '../config/config.js';
import { isPlainObject } from '../util/plain-object.js';
import { Slice } from '../util/slice.js';
import { isExpressionRef } from './expression-ref.js';

/** Text of a literal inside an expression's text. */
export function reprValue(value: unknown): string {
  if (isExpressionRef(value)) return value.toString();
  if (typeof value === 'string') return `'${value.replace(/'/gu, "\\'")}'`;
  if (typeof value === 'function') return value.name || 'function';
  if (typeof value === 'bigint') return `${value}n`;
  if (Array.isArray(value)) return `[${value.map(reprValue).join(', ')}]`;
  if (isPlainObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${k}: ${reprValue(v)}`)
      .join(', ')}}`;
  if (value instanceof Slice) return value.toString();
  if (typeof value === 'object' && value !== null && !(value instanceof Config)) return `<${(value as object).constructor?.name ?? 'object'}>`;
  return String(value);
}
