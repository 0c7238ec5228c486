/**
 * Python BatchFlow's own blosc item layout: the Blosc frame holds `dill.dumps({component: value})`,
 * a pickle. Reading goes through the safe numpy pickle reader (numpy-pickle.ts: nothing is executed,
 * only the globals numpy arrays/scalars are made of are honoured); writing produces a protocol 3
 * pickle of numpy arrays, numpy scalars and plain Python values that `dill.loads` (or `pickle.loads`)
 * reads back. Layout detection and the value mapping: docs/formats.md.
 * @module
 */
import ndarray from 'ndarray';
import { castNdArray, copyNdArray, dtypeOf, isNdArray, isTypedArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import type { ContainerEntry, DecodedEntry } from './blosc-container.js';
import {
  NumpyArray,
  NumpyScalar,
  numpyArrayNode,
  numpyScalarNode,
  readNumpyPickle,
  UnsupportedPickleDataError,
  type NumpyNumericType,
} from './numpy-pickle.js';
import { PickleError, PyDict, type PyValue } from './pickle-values.js';
import { writePickle } from './pickle-writer.js';
import { UnsupportedDataError } from './errors.js';
import { convertInt64, type Int64Policy } from './table.js';

const FORMAT = 'blosc';

/** True when a decompressed payload is a pickle (PROTO opcode, protocol 2–5) rather than our container. */
export function isPicklePayload(payload: Uint8Array): boolean {
  const container = new TextDecoder().decode(payload.subarray(8, 24)) === '{"__metadata__":';
  return !container && payload.byteLength >= 3 && payload[0] === 0x80 && payload[1]! >= 2 && payload[1]! <= 5;
}

const containerDtypes: Readonly<Record<string, string>> = {
  bool: 'BOOL',
  int8: 'I8',
  uint8: 'U8',
  int16: 'I16',
  uint16: 'U16',
  int32: 'I32',
  uint32: 'U32',
  int64: 'I64',
  uint64: 'U64',
  float16: 'F32',
  float32: 'F32',
  float64: 'F64',
};

/** 64-bit integer data by the int64 policy: a typed array and its container dtype. */
function applyPolicy(
  data: BigInt64Array | BigUint64Array,
  policy: Int64Policy,
  file: string,
  name: string,
): [TypedArray | BigInt64Array | BigUint64Array, string] {
  const converted = convertInt64(data, policy, FORMAT, file, name);
  if (converted instanceof BigInt64Array) return [converted, 'I64'];
  if (converted instanceof BigUint64Array) return [converted, 'U64'];
  return [converted as TypedArray, converted instanceof Int32Array ? 'I32' : 'F64'];
}

/** A Python int beyond 2^53 by the int64 policy: kept as a bigint, or an error (it fits no number exactly). */
function pythonInt(value: bigint, policy: Int64Policy, file: string, name: string): bigint {
  if (policy === 'bigint') return value;
  throw new UnsupportedDataError(
    FORMAT,
    file,
    `component '${name}' holds the integer ${value}, which does not fit ${policy === 'int32' ? 'int32' : 'a float64 exactly (|v| > 2^53)'}; load with int64: 'bigint'`,
  );
}

/** Nested JS arrays of `values` with `shape` (row-major). */
function nest(values: readonly unknown[], shape: readonly number[]): unknown {
  if (shape.length === 0) return values[0];
  if (shape.length === 1) return [...values];
  const [first, ...rest] = shape;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: first! }, (_, i) => nest(values.slice(i * size, (i + 1) * size), rest));
}

/** A numeric numpy array as a component item: an ndarray (bigint data stays a flat BigInt64Array/BigUint64Array). */
function numericItem(array: NumpyArray, policy: Int64Policy, file: string, name: string): { value: unknown; dtype: string } {
  let data = array.data as TypedArray | BigInt64Array | BigUint64Array;
  let dtype = containerDtypes[array.dtype]!;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) [data, dtype] = applyPolicy(data, policy, file, name);
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return { value: data, dtype };
  return { value: ndarray(data, [...array.shape]), dtype };
}

/** Numbers of a numpy scalar, by the int64 policy. */
function scalarValue(scalar: NumpyScalar, policy: Int64Policy, file: string, name: string): { value: unknown; dtype: string } {
  if (typeof scalar.value !== 'bigint') return { value: scalar.value, dtype: containerDtypes[scalar.dtype] ?? 'JSON' };
  const one = scalar.dtype === 'uint64' ? BigUint64Array.of(scalar.value) : BigInt64Array.of(scalar.value);
  const [data, dtype] = applyPolicy(one, policy, file, name);
  return { value: data[0], dtype };
}

/**
 * A nested value (inside a dict or list): numpy arrays become ndarrays / JS arrays, scalars numbers.
 * Values shared through the pickle's memo are converted once (`seen`), so a hostile pickle of shared
 * references cannot make this walk exponential.
 */
function plainValue(value: unknown, policy: Int64Policy, file: string, name: string, seen: Map<object, unknown>): unknown {
  if (typeof value === 'bigint') return pythonInt(value, policy, file, name);
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return value;
  if (seen.has(value)) return seen.get(value);
  let out: unknown = value;
  if (value instanceof NumpyArray) {
    if (value.dtype === 'str' || value.dtype === 'object') out = nest(value.data as unknown[], value.shape);
    else if (value.shape.length === 0) out = plainValue(new NumpyScalar(value.dtype, value.data[0] as number | bigint), policy, file, name, seen);
    else out = numericItem(value, policy, file, name).value;
  } else if (value instanceof NumpyScalar) {
    out = value.dtype === 'str' || value.dtype === 'bool' ? value.value : scalarValue(value, policy, file, name).value;
  } else if (Array.isArray(value)) {
    out = value.map((item) => plainValue(item, policy, file, name, seen));
  } else {
    for (const key of Object.keys(value))
      (value as Record<string, unknown>)[key] = plainValue((value as Record<string, unknown>)[key], policy, file, name, seen);
  }
  seen.set(value, out);
  return out;
}

/** One component's item value → the decoded entry (value, kind, column, dtype). */
function entryOf(value: unknown, policy: Int64Policy, file: string, name: string): DecodedEntry {
  if (value instanceof NumpyArray && value.dtype !== 'str' && value.dtype !== 'object') {
    if (value.shape.length === 0) return entryOf(new NumpyScalar(value.dtype, value.data[0] as number | bigint), policy, file, name);
    const { value: item, dtype } = numericItem(value, policy, file, name);
    return { value: item, kind: 'ndarray', column: 'ndarray', dtype };
  }
  if (value instanceof NumpyScalar && value.dtype !== 'str' && value.dtype !== 'bool') {
    const { value: item, dtype } = scalarValue(value, policy, file, name);
    return { value: item, kind: 'scalar', column: 'typedarray', dtype };
  }
  return { value: plainValue(value, policy, file, name, new Map()), kind: 'json', column: 'array', dtype: 'JSON' };
}

/**
 * Decodes a BatchFlow item payload (a pickled dict) into entries, applying the int64 policy. Errors
 * are PickleError subclasses (see numpy-pickle.ts) to be turned into typed IoErrors by the caller.
 */
export function decodeBatchflowItem(payload: Uint8Array, file: string, policy: Int64Policy): Map<string, DecodedEntry> {
  const root = readNumpyPickle(payload);
  if (
    typeof root !== 'object' ||
    root === null ||
    Array.isArray(root) ||
    root instanceof NumpyArray ||
    root instanceof NumpyScalar ||
    root instanceof Uint8Array
  ) {
    throw new PickleError(
      `the pickle holds ${Array.isArray(root) ? 'a list' : root === null ? 'None' : typeof root === 'object' ? 'an array' : `a ${typeof root}`}, not a dict of components`,
    );
  }
  const out = new Map<string, DecodedEntry>();
  for (const [name, value] of Object.entries(root)) out.set(name, entryOf(value, policy, file, name));
  return out;
}

// ---- writing --------------------------------------------------------------------------------------

type WritableType = Exclude<NumpyNumericType, 'float16'>;

function typeOfArray(data: TypedArray | BigInt64Array | BigUint64Array): WritableType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int8Array) return 'int8';
  if (data instanceof Uint8Array || data instanceof Uint8ClampedArray) return 'uint8';
  if (data instanceof Int16Array) return 'int16';
  if (data instanceof Uint16Array) return 'uint16';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof Uint32Array) return 'uint32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof BigUint64Array) return 'uint64';
  throw new UnsupportedPickleDataError(`a ${(data as object).constructor.name} cannot be written as a numpy array`);
}

const scalarTypes: Readonly<Record<string, WritableType>> = {
  BOOL: 'bool',
  U8: 'uint8',
  I8: 'int8',
  U16: 'uint16',
  I16: 'int16',
  U32: 'uint32',
  I32: 'int32',
  F32: 'float32',
  F64: 'float64',
  I64: 'int64',
  U64: 'uint64',
};

const scalarArrays: Readonly<Record<WritableType, (v: number | bigint) => TypedArray | BigInt64Array | BigUint64Array>> = {
  bool: (v) => Uint8Array.of(v ? 1 : 0),
  uint8: (v) => Uint8Array.of(Number(v)),
  int8: (v) => Int8Array.of(Number(v)),
  uint16: (v) => Uint16Array.of(Number(v)),
  int16: (v) => Int16Array.of(Number(v)),
  uint32: (v) => Uint32Array.of(Number(v)),
  int32: (v) => Int32Array.of(Number(v)),
  float32: (v) => Float32Array.of(Number(v)),
  float64: (v) => Float64Array.of(Number(v)),
  int64: (v) => BigInt64Array.of(BigInt(v)),
  uint64: (v) => BigUint64Array.of(BigInt(v)),
};

function pyValueOf(value: unknown, where: string, depth: number): PyValue {
  if (depth > 200) throw new UnsupportedPickleDataError(`${where} is nested more than 200 levels deep`);
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'boolean' || typeof value === 'bigint') return value;
  if (typeof value === 'number') return value;
  if (isNdArray(value)) {
    const data = (dtypeOf(value) ? copyNdArray(value) : castNdArray(value, 'float64')).data;
    return numpyArrayNode(typeOfArray(data), value.shape, data);
  }
  if (isTypedArray(value) || value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const data = value as TypedArray | BigInt64Array | BigUint64Array;
    return numpyArrayNode(typeOfArray(data), [data.length], data);
  }
  if (Array.isArray(value)) return value.map((item, i) => pyValueOf(item, `${where}[${i}]`, depth + 1));
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value) as unknown;
    if (proto !== Object.prototype && proto !== null)
      throw new UnsupportedPickleDataError(
        `${where} is a ${(value as object).constructor?.name ?? 'class instance'}; only plain objects, arrays, strings, numbers, booleans, null, typed arrays and ndarrays can be written`,
      );
    const dict = new PyDict();
    for (const [key, item] of Object.entries(value)) dict.set(key, pyValueOf(item, `${where}.${key}`, depth + 1));
    return dict;
  }
  throw new UnsupportedPickleDataError(`${where} is a ${typeof value}, which cannot be written`);
}

/**
 * Encodes one item's components as BatchFlow does: a pickled dict `{component: value}`. An item of a
 * numeric component (its `dtype` given, e.g. 'F32') becomes a numpy scalar of that type, an ndarray a
 * numpy array (C order, its element type), other values plain Python values.
 */
export function encodeBatchflowItem(entries: ReadonlyArray<ContainerEntry & { dtype?: string }>): Uint8Array {
  const dict = new PyDict();
  for (const entry of entries) {
    const { value, dtype } = entry;
    const type = dtype ? scalarTypes[dtype] : undefined;
    const where = `component '${entry.name}'`;
    if (type && (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')) {
      dict.set(entry.name, numpyScalarNode(type, scalarArrays[type](typeof value === 'boolean' ? Number(value) : value)));
    } else {
      dict.set(entry.name, pyValueOf(value, where, 0));
    }
  }
  return writePickle(dict);
}
