/**
 * numpy values in pickles, both ways, on top of the safe reader/writer of pickle.ts. Reading turns
 * the inert tree into JS values: numpy arrays become {@link NumpyArray} (row-major, native-endian
 * data), numpy scalars {@link NumpyScalar}, dicts plain objects, lists and tuples arrays, bytes
 * `Uint8Array`. Only these globals are honoured (anything else is refused while reading):
 * `numpy._core.multiarray._reconstruct` / `scalar` (and their `numpy.core` names), `numpy.ndarray`,
 * `numpy.dtype`, `numpy._core.numeric._frombuffer`, `dill._dill._create_array`, `_codecs.encode`
 * (bytes in protocol 2) and `builtins.bytes` (also as dill's `_load_type('bytes')`).
 *
 * Element types: bool (→ 0/1 in a Uint8Array), int8…int64, uint8…uint64 (64-bit ones as
 * BigInt64Array/BigUint64Array), float16 (→ Float32Array), float32, float64, in either byte order;
 * '<U'/'|S' strings and object arrays of str/bytes/int/float/bool/None (→ JS arrays). Fortran-ordered
 * arrays are reordered to row-major.
 * @module
 */
import { endianness } from 'node:os';
import type { TypedArray } from '../ndarray/ndarray-utils.js';
import { readPickle } from './pickle.js';
import { PickleError, PyCall, PyDict, PyGlobal, PyTuple, describe, type PyValue } from './pickle-values.js';

/** Data that is a valid pickle but holds something this reader does not support (e.g. a complex dtype). */
export class UnsupportedPickleDataError extends PickleError {
  override name = 'UnsupportedPickleDataError';
}

/** Element type names of numeric numpy arrays read or written here. */
export type NumpyNumericType = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

/** A numpy array: row-major data; `dtype` is the file's element type (float16 data is a Float32Array). */
export class NumpyArray {
  constructor(
    readonly dtype: NumpyNumericType | 'str' | 'object',
    readonly shape: readonly number[],
    readonly data: TypedArray | BigInt64Array | BigUint64Array | ReadonlyArray<string | number | bigint | boolean | null | Uint8Array>,
  ) {}
}

/** A numpy scalar (`np.float32(0.5)`, `np.int64(3)`, `np.str_('a')`, …). */
export class NumpyScalar {
  constructor(
    readonly dtype: NumpyNumericType | 'str',
    readonly value: number | bigint | boolean | string,
  ) {}
}

const RECONSTRUCT = ['numpy._core.multiarray._reconstruct', 'numpy.core.multiarray._reconstruct'];
const SCALAR = ['numpy._core.multiarray.scalar', 'numpy.core.multiarray.scalar'];
const FROMBUFFER = ['numpy._core.numeric._frombuffer', 'numpy.core.numeric._frombuffer'];
const CREATE_ARRAY = 'dill._dill._create_array';

/** The globals a numpy data pickle may name. */
export const NUMPY_PICKLE_GLOBALS: ReadonlySet<string> = new Set([
  ...RECONSTRUCT,
  ...SCALAR,
  ...FROMBUFFER,
  CREATE_ARRAY,
  'dill._dill._load_type',
  'numpy.ndarray',
  'numpy.dtype',
  '_codecs.encode',
  'builtins.bytes',
]);

interface Dtype {
  readonly type: NumpyNumericType | 'unicode' | 'bytes' | 'object';
  readonly itemsize: number;
  readonly bigEndian: boolean;
  readonly name: string;
}

const numericCodes: Readonly<Record<string, NumpyNumericType>> = {
  b1: 'bool',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
};

const MAX_DEPTH = 200;

function isInt(value: PyValue | undefined): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function tupleItems(value: PyValue | undefined, what: string): readonly PyValue[] {
  if (value instanceof PyTuple) return value.items;
  throw new PickleError(`${what} should be a tuple, found ${describe(value)}`);
}

function callOf(value: PyValue | undefined, names: readonly string[], what: string): PyCall {
  if (value instanceof PyCall && names.includes(value.func.qualified)) return value;
  throw new PickleError(`${what} should be a ${names[0]}(...) object, found ${describe(value)}`);
}

/** A `numpy.dtype(...)` call with its state → the element type. */
function decodeDtype(value: PyValue | undefined): Dtype {
  const call = callOf(value, ['numpy.dtype'], 'the array dtype');
  const code = call.args[0];
  if (typeof code !== 'string') throw new PickleError(`numpy.dtype is given ${describe(code)}, not a type code`);
  const state = call.state === undefined ? [] : tupleItems(call.state, 'the dtype state');
  const order = state[1];
  if (state.length > 0 && (state.length < 8 || (order !== '<' && order !== '>' && order !== '|' && order !== '=')))
    throw new PickleError(`the state of dtype '${code}' is not a numpy dtype state`);
  if ((state[2] ?? null) !== null || (state[3] ?? null) !== null)
    throw new UnsupportedPickleDataError(`dtype '${code}' is a structured or sub-array dtype, which is not supported`);
  const bigEndian = order === '>' || (order === '=' && endianness() === 'BE');
  const numeric = numericCodes[code];
  if (numeric) return { type: numeric, itemsize: Number(code.slice(1)), bigEndian, name: code };
  const match = /^([USO])(\d+)$/.exec(code);
  if (match?.[1] === 'O') return { type: 'object', itemsize: 0, bigEndian, name: code };
  if (match) {
    const declared = state[5];
    const itemsize = isInt(declared) && declared >= 0 ? declared : Number(match[2]) * (match[1] === 'U' ? 4 : 1);
    return { type: match[1] === 'U' ? 'unicode' : 'bytes', itemsize, bigEndian, name: code };
  }
  throw new UnsupportedPickleDataError(
    `numpy dtype '${code}' is not supported (bool, int8…int64, uint8…uint64, float16/32/64, 'U' and 'S' strings and object arrays of str are)`,
  );
}

function swapBytes(bytes: Uint8Array, size: number): void {
  for (let at = 0; at < bytes.byteLength; at += size) {
    for (let i = 0, j = size - 1; i < j; i++, j--) {
      const t = bytes[at + i]!;
      bytes[at + i] = bytes[at + j]!;
      bytes[at + j] = t;
    }
  }
}

function float16ToFloat32(halves: Uint16Array): Float32Array {
  const out = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) {
    const h = halves[i]!;
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const fraction = h & 0x3ff;
    out[i] =
      exponent === 0
        ? sign * 2 ** -14 * (fraction / 1024)
        : exponent === 31
          ? fraction
            ? NaN
            : sign * Infinity
          : sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
  }
  return out;
}

const decoderUtf8 = new TextDecoder('utf-8');

function decodeStrings(bytes: Uint8Array, count: number, dtype: Dtype): string[] {
  const out = new Array<string>(count);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let k = 0; k < count; k++) {
    const at = k * dtype.itemsize;
    if (dtype.type === 'bytes') {
      let end = at + dtype.itemsize;
      while (end > at && bytes[end - 1] === 0) end--;
      out[k] = decoderUtf8.decode(bytes.subarray(at, end));
      continue;
    }
    const points: number[] = [];
    for (let i = 0; i < dtype.itemsize / 4; i++) {
      const point = view.getUint32(at + 4 * i, !dtype.bigEndian);
      if (point > 0x10ffff) throw new PickleError(`a '${dtype.name}' string holds the invalid code point ${point}`);
      points.push(point);
    }
    while (points.length > 0 && points[points.length - 1] === 0) points.pop();
    out[k] = String.fromCodePoint(...points);
  }
  return out;
}

const ctors = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  int64: BigInt64Array,
  uint64: BigUint64Array,
  float32: Float32Array,
  float64: Float64Array,
  bool: Uint8Array,
  float16: Uint16Array,
} as const;

/** Row-major order of data stored column-major (Fortran) with `shape`. */
function fortranToC<T>(data: ArrayLike<T>, shape: readonly number[], make: (n: number) => { [i: number]: T }): { [i: number]: T } {
  const n = data.length;
  const out = make(n);
  const ndim = shape.length;
  const fStrides = new Array<number>(ndim);
  let stride = 1;
  for (let axis = 0; axis < ndim; axis++) {
    fStrides[axis] = stride;
    stride *= shape[axis]!;
  }
  const index = new Array<number>(ndim).fill(0);
  let source = 0;
  for (let c = 0; c < n; c++) {
    out[c] = data[source]!;
    for (let axis = ndim - 1; axis >= 0; axis--) {
      index[axis]!++;
      source += fStrides[axis]!;
      if (index[axis]! < shape[axis]!) break;
      source -= fStrides[axis]! * index[axis]!;
      index[axis] = 0;
    }
  }
  return out;
}

function elementCount(shape: readonly PyValue[], limit: number): number {
  let count = 1;
  for (const d of shape) {
    if (!isInt(d) || d < 0) throw new PickleError(`the array shape holds ${describe(d)}, not a size`);
    count *= d;
    if (count > limit) return count;
  }
  return count;
}

/** Builds a numpy array from its dtype, shape, order and raw data (bytes, or a list for object arrays). */
function decodeArray(dtype: Dtype, shapeItems: readonly PyValue[], fortran: boolean, raw: PyValue | undefined, convert: (v: PyValue) => unknown): NumpyArray {
  const shape = shapeItems as number[];
  const data = raw instanceof PyCall && (raw.func.qualified === '_codecs.encode' || raw.func.qualified === 'builtins.bytes') ? bytesFromCall(raw) : raw;
  if (dtype.type === 'object') {
    if (!Array.isArray(data)) throw new PickleError(`the data of an object array should be a list, found ${describe(data)}`);
    const count = elementCount(shapeItems, data.length);
    if (count !== data.length) throw new PickleError(`an object array of shape [${shape.join(', ')}] holds ${data.length} elements`);
    const values = data.map((item) => {
      const value = convert(item);
      if (
        value === null ||
        typeof value === 'string' ||
        typeof value === 'number' ||
        typeof value === 'bigint' ||
        typeof value === 'boolean' ||
        value instanceof Uint8Array
      )
        return value;
      throw new UnsupportedPickleDataError(`an object array holds ${describe(item)}; only str, bytes, int, float, bool and None elements are supported`);
    });
    return new NumpyArray('object', shape, fortran ? Object.values(fortranToC(values, shape, (n) => new Array(n))) : values);
  }
  if (!(data instanceof Uint8Array)) throw new PickleError(`the data of a '${dtype.name}' array should be bytes, found ${describe(data)}`);
  const limit = dtype.itemsize === 0 ? Number.MAX_SAFE_INTEGER : Math.floor(data.byteLength / dtype.itemsize);
  const count = elementCount(shapeItems, limit);
  if (count > limit || count * dtype.itemsize !== data.byteLength) {
    throw new PickleError(
      `a '${dtype.name}' array of shape [${shape.join(', ')}] needs ${count > limit ? 'more than ' : ''}${Math.min(count, limit + 1) * dtype.itemsize} bytes, the pickle holds ${data.byteLength}`,
    );
  }
  if (dtype.type === 'unicode' || dtype.type === 'bytes') {
    const values = decodeStrings(data, count, dtype);
    return new NumpyArray('str', shape, fortran ? Object.values(fortranToC(values, shape, (n) => new Array(n))) : values);
  }
  const own = new Uint8Array(data.byteLength);
  own.set(data);
  const nativeBig = endianness() === 'BE';
  if (dtype.itemsize > 1 && dtype.bigEndian !== nativeBig) swapBytes(own, dtype.itemsize);
  const Ctor = ctors[dtype.type];
  let typed: TypedArray | BigInt64Array | BigUint64Array = new Ctor(own.buffer, 0, count);
  if (dtype.type === 'bool') typed = Uint8Array.from(typed as Uint8Array, (v) => (v ? 1 : 0));
  if (dtype.type === 'float16') typed = float16ToFloat32(typed as Uint16Array);
  if (fortran && shape.length > 1) {
    const Same = typed.constructor as new (n: number) => TypedArray;
    typed = fortranToC(typed as ArrayLike<number>, shape, (n) => new Same(n)) as TypedArray;
  }
  return new NumpyArray(dtype.type, shape, typed);
}

/** `_reconstruct(ndarray, (0,), b'b')` + state `(version, shape, dtype, is_fortran, data)`. */
function fromReconstruct(call: PyCall, state: PyValue | undefined, convert: (v: PyValue) => unknown): NumpyArray {
  const [cls] = call.args;
  if (!(cls instanceof PyGlobal) || cls.qualified !== 'numpy.ndarray')
    throw new PickleError(`${call.func.qualified} rebuilds ${describe(cls)}; only numpy.ndarray is supported`);
  const items = tupleItems(state, 'the array state');
  if (items.length !== 5 || !isInt(items[0])) throw new PickleError(`the array state has ${items.length} items (5 expected)`);
  return decodeArray(decodeDtype(items[2]), tupleItems(items[1], 'the array shape'), items[3] === true, items[4], convert);
}

/** Bytes from `_codecs.encode(text, 'latin1')` (how protocol 2 pickles bytes) or `bytes()`. */
function bytesFromCall(call: PyCall): Uint8Array {
  if (call.func.qualified === 'builtins.bytes') {
    if (call.args.length === 0) return new Uint8Array(0);
    throw new PickleError('builtins.bytes is only supported without arguments');
  }
  const [text, encoding] = call.args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1') || call.args.length !== 2)
    throw new PickleError("_codecs.encode is only supported as encode(<str>, 'latin1')");
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 255) throw new PickleError('_codecs.encode is given a character beyond latin1');
    out[i] = code;
  }
  return out;
}

class Converter {
  private readonly seen = new Map<object, unknown>();
  private depth = 0;

  convert = (value: PyValue): unknown => {
    if (value === null || typeof value !== 'object') return value;
    if (this.seen.has(value)) return this.seen.get(value);
    if (++this.depth > MAX_DEPTH) throw new PickleError(`values are nested more than ${MAX_DEPTH} levels deep`);
    try {
      const out = this.convertObject(value);
      this.seen.set(value, out);
      return out;
    } finally {
      this.depth--;
    }
  };

  private convertObject(value: Exclude<PyValue, null | boolean | number | bigint | string>): unknown {
    if (value instanceof Uint8Array) return value.slice();
    if (Array.isArray(value)) return value.map(this.convert);
    if (value instanceof PyTuple) return value.items.map(this.convert);
    if (value instanceof PyDict) {
      const out: Record<string, unknown> = {};
      for (const [key, item] of value.entries) {
        if (typeof key !== 'string' && !(typeof key === 'number' || typeof key === 'bigint'))
          throw new UnsupportedPickleDataError(`a dict key is ${describe(key)}; only str and int keys are supported`);
        Object.defineProperty(out, String(key), { value: this.convert(item), enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    if (value instanceof PyGlobal) throw new PickleError(`the global ${value.qualified} appears as a value; only calls of it are supported`);
    return this.convertCall(value);
  }

  private convertCall(call: PyCall): unknown {
    const name = call.func.qualified;
    if (name === '_codecs.encode' || name === 'builtins.bytes') return bytesFromCall(call);
    if (RECONSTRUCT.includes(name)) return fromReconstruct(call, call.state, this.convert);
    if (name === CREATE_ARRAY) {
      // dill._dill._create_array(f, args, state, npdict=None): f(*args).__setstate__(state)
      const [f, args, state, npdict] = call.args;
      if (!(f instanceof PyGlobal) || !RECONSTRUCT.includes(f.qualified))
        throw new PickleError(`${CREATE_ARRAY} is given ${describe(f)}; only numpy's _reconstruct is supported`);
      if (npdict !== undefined && npdict !== null && !(npdict instanceof PyDict && npdict.entries.length === 0))
        throw new UnsupportedPickleDataError('an ndarray subclass with attributes (dill npdict) is not supported');
      return fromReconstruct(new PyCall(f, tupleItems(args, 'the array arguments')), state, this.convert);
    }
    if (FROMBUFFER.includes(name)) {
      const [buffer, dtype, shape, order] = call.args;
      return decodeArray(decodeDtype(dtype), tupleItems(shape, 'the array shape'), order === 'F', buffer, this.convert);
    }
    if (SCALAR.includes(name)) {
      const dtype = decodeDtype(call.args[0]);
      if (dtype.type === 'object') throw new UnsupportedPickleDataError('numpy object scalars are not supported');
      const array = decodeArray(dtype, [], false, call.args[1], this.convert);
      const element = array.data[0]!;
      if (dtype.type === 'bool') return new NumpyScalar('bool', element !== 0);
      return new NumpyScalar(array.dtype as NumpyNumericType | 'str', element as number | bigint | string);
    }
    if (name === 'numpy.dtype') throw new UnsupportedPickleDataError('a bare numpy dtype is not supported as a value');
    throw new PickleError(`${name}(...) cannot be used as a value`);
  }
}

/**
 * Reads a pickle of plain values and numpy arrays/scalars (see the module docs). Throws a
 * `PickleGlobalError` for any other global, an {@link UnsupportedPickleDataError} for unsupported
 * dtypes and values, and a `PickleError` for malformed data.
 */
export function readNumpyPickle(bytes: Uint8Array): unknown {
  return new Converter().convert(readPickle(bytes, { globals: NUMPY_PICKLE_GLOBALS }));
}

// ---- writing --------------------------------------------------------------------------------------

const writeCodes: Readonly<Record<string, [code: string, order: '<' | '|']>> = {
  bool: ['b1', '|'],
  int8: ['i1', '|'],
  uint8: ['u1', '|'],
  int16: ['i2', '<'],
  uint16: ['u2', '<'],
  int32: ['i4', '<'],
  uint32: ['u4', '<'],
  int64: ['i8', '<'],
  uint64: ['u8', '<'],
  float32: ['f4', '<'],
  float64: ['f8', '<'],
};

function dtypeCall(type: string): PyCall {
  const found = writeCodes[type];
  if (!found) throw new UnsupportedPickleDataError(`cannot write numpy dtype ${type}`);
  const call = new PyCall(new PyGlobal('numpy', 'dtype'), [found[0], false, true]);
  call.state = new PyTuple([3, found[1], null, null, null, -1, -1, 0]);
  return call;
}

function littleEndianBytes(data: TypedArray | BigInt64Array | BigUint64Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (endianness() === 'LE' || data.BYTES_PER_ELEMENT === 1) return bytes;
  const copy = bytes.slice();
  swapBytes(copy, data.BYTES_PER_ELEMENT);
  return copy;
}

/** The pickle node of a row-major numpy array of `type` (a key of the numeric types, not float16) holding `data`. */
export function numpyArrayNode(
  type: Exclude<NumpyNumericType, 'float16'>,
  shape: readonly number[],
  data: TypedArray | BigInt64Array | BigUint64Array,
): PyCall {
  const call = new PyCall(new PyGlobal('numpy.core.multiarray', '_reconstruct'), [new PyGlobal('numpy', 'ndarray'), new PyTuple([0]), new Uint8Array([0x62])]);
  call.state = new PyTuple([1, new PyTuple([...shape]), dtypeCall(type), false, littleEndianBytes(data)]);
  return call;
}

/** The pickle node of a numpy scalar of `type` (its single element in `data`). */
export function numpyScalarNode(type: Exclude<NumpyNumericType, 'float16'>, data: TypedArray | BigInt64Array | BigUint64Array): PyCall {
  return new PyCall(new PyGlobal('numpy.core.multiarray', 'scalar'), [dtypeCall(type), littleEndianBytes(data)]);
}
