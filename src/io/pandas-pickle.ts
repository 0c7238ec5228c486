/**
 * pandas' fixed-format HDF5 frames store object (string) blocks as a pickled numpy array in a
 * VLArray. This module reads such a pickle **without executing anything**: `pickleparser` interprets
 * the opcodes and turns every global (e.g. `numpy._core.multiarray._reconstruct`) into an inert
 * placeholder object; we then read the array's shape, order and element list from the placeholder's
 * recorded state. Only arrays of strings, numbers, booleans and None are accepted.
 * @module
 */
import pickleparser from 'pickleparser';

/** A decoded numpy object array: its shape, memory order and elements (flat). */
export interface PickledObjectArray {
  readonly shape: readonly number[];
  readonly fortran: boolean;
  readonly values: ReadonlyArray<string | number | boolean | null>;
}

/** Decodes a pickled numpy object array; throws a TypeError describing what was found otherwise. */
export function decodePickledObjectArray(bytes: Uint8Array): PickledObjectArray {
  const parser = new pickleparser.Parser({ nameResolver: new pickleparser.NameRegistry() });
  const root = parser.parse<Record<string, unknown>>(bytes);
  if (typeof root !== 'object' || root === null) throw new TypeError(`expected a pickled numpy array, found ${typeof root}`);
  const proto = Object.getPrototypeOf(root) as { __module__?: unknown; __name__?: unknown } | null;
  const globalName = `${String(proto?.__module__ ?? '')}.${String(proto?.__name__ ?? '')}`;
  if (!/^numpy\.(_core|core)\.multiarray\._reconstruct$/.test(globalName)) throw new TypeError(`expected a pickled numpy array, found a pickled ${globalName}`);
  // numpy's ndarray.__setstate__ state: (version, shape, dtype, is_fortran, data)
  const shape = root['1'];
  const fortran = root['3'];
  const values = root['4'];
  if (!Array.isArray(shape) || !shape.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) throw new TypeError('the pickled array has no valid shape');
  if (!Array.isArray(values)) throw new TypeError('the pickled array is not an object (string) array');
  const size = shape.reduce((a: number, b: number) => a * b, 1);
  if (values.length !== size) throw new TypeError(`the pickled array has ${values.length} elements for shape [${shape.join(', ')}]`);
  const clean = values.map((value: unknown) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
    if (typeof value === 'bigint') return Number(value);
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    throw new TypeError(`the pickled array holds a ${typeof value === 'object' ? 'Python object' : typeof value}; only strings, numbers, booleans and None can be read`);
  });
  return { shape: shape as number[], fortran: fortran === true, values: clean };
}
