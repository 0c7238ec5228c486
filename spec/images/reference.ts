/**
 * The reference values of spec/fixtures/images/reference-values.json (made by
 * spec/images/python/make_reference.py with Pillow / numpy / SciPy) and helpers to compare images.
 */
import { readFileSync } from 'node:fs';
import ndarray from 'ndarray';
import { ImagesBatch, type NDArray } from '../../src/index.js';

/** An array as the Python script writes it. */
export interface EncodedArray {
  shape: number[];
  dtype: 'uint8' | 'float32' | 'float64';
  base64: string;
}

/** One action call and Pillow's result. */
export interface ReferenceCase {
  action: string;
  input: 'rgb' | 'gray' | 'rgba';
  options: Record<string, unknown>;
  expected: EncodedArray;
  /** Largest allowed difference of one value (0: exact). */
  tolerance: number;
}

interface ReferenceFile {
  versions: Record<string, string>;
  inputs: Record<string, EncodedArray>;
  cases: ReferenceCase[];
  elastic: Record<string, EncodedArray | number>;
}

export const reference = JSON.parse(readFileSync(new URL('../fixtures/images/reference-values.json', import.meta.url), 'utf8')) as ReferenceFile;

/** The ndarray of an encoded array. */
export function decode(encoded: EncodedArray): NDArray {
  const bytes = Buffer.from(encoded.base64, 'base64');
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  const data = encoded.dtype === 'uint8' ? copy : encoded.dtype === 'float32' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer);
  return ndarray(data as unknown as Float64Array, encoded.shape) as unknown as NDArray;
}

function isEncoded(value: unknown): value is EncodedArray {
  return typeof value === 'object' && value !== null && 'base64' in value;
}

/** The options of a case, encoded arrays decoded. */
export function caseOptions(entry: ReferenceCase): Record<string, unknown> {
  return Object.fromEntries(Object.entries(entry.options).map(([key, value]) => [key, isEncoded(value) ? decode(value) : value]));
}

/** A batch of `count` copies of the named reference input. */
export function inputBatch(input: ReferenceCase['input'], count = 1): ImagesBatch {
  const image = decode(reference.inputs[input]!);
  const size = image.size;
  const data = new Uint8Array(size * count);
  for (let i = 0; i < count; i++) data.set(image.data as unknown as Uint8Array, i * size);
  return ImagesBatch.fromData(null, { images: ndarray(data, [count, ...image.shape]) });
}

/** All values of an ndarray in row-major order. */
export function valuesOf(array: NDArray): number[] {
  const out: number[] = [];
  const walk = (prefix: number[]): void => {
    if (prefix.length === array.shape.length) {
      out.push(array.get(...prefix));
      return;
    }
    for (let i = 0; i < array.shape[prefix.length]!; i++) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

/** Largest absolute difference between two same-shaped arrays (Infinity when shapes differ). */
export function maxDifference(actual: NDArray, expected: NDArray): number {
  if (actual.shape.join() !== expected.shape.join()) return Infinity;
  const a = valuesOf(actual);
  const b = valuesOf(expected);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** Item `i` of a component that is a stacked ndarray or a list of ndarrays. */
export function itemOf(component: NDArray | NDArray[] | null, i = 0): NDArray {
  if (component === null) throw new Error('the component is empty');
  return Array.isArray(component) ? component[i]! : component.pick(i, ...new Array<null>(component.shape.length - 1).fill(null));
}
