/** What 'auto' notes about a call's items: a short shape text (part of the decision key) and a size in bytes. */
import { dtypeOf, isNdArray, isTypedArray } from '../../ndarray/ndarray-utils.js';

/** A short description of one item: `float32[256,256]`, `number`, `array(2)`, `string`, `Object`, … */
export function describeItem(item: unknown): string {
  if (isNdArray(item)) return `${dtypeOf(item) ?? 'generic'}[${item.shape.join(',')}]`;
  if (isTypedArray(item)) return `${item.constructor.name}(${item.length})`;
  if (Array.isArray(item)) return `array(${item.length}: ${item.map(describeItem).join(', ')})`;
  if (item === null) return 'null';
  if (typeof item === 'object') return (item as object).constructor?.name ?? 'object';
  return typeof item;
}

/** The bytes one item takes on its way to a worker (a rough size for objects and strings). */
export function itemBytes(item: unknown): number {
  if (isNdArray(item)) return item.size * (isTypedArray(item.data) ? item.data.BYTES_PER_ELEMENT : 8);
  if (isTypedArray(item)) return item.byteLength;
  if (Array.isArray(item)) return item.reduce((total: number, part) => total + itemBytes(part), 0);
  if (typeof item === 'string') return 2 * item.length;
  if (typeof item === 'object' && item !== null) return 64;
  return 8;
}
