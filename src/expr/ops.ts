/**
 * The value operations behind the expression algebra, with Python/numpy meanings coded on purpose:
 * floor division, the divisor's sign for `%`, elementwise arithmetic and comparison on arrays (numpy
 * style: a scalar broadcasts, arrays must have the same length). Item and attribute access (negative
 * indices, slices) are in `item-access.ts`, Python's `str.format` language in `format-spec.ts`.
 * @module
 */
import ndarray from 'ndarray';
import { copyNdArray, isNdArray, isTypedArray, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { str, typeName } from './value-text.js';

/** Binary operations of the algebra. */
export type BinaryOp =
  | 'add'
  | 'sub'
  | 'mul'
  | 'div'
  | 'floorDiv'
  | 'mod'
  | 'pow'
  | 'lshift'
  | 'rshift'
  | 'and'
  | 'or'
  | 'xor'
  | 'eq'
  | 'ne'
  | 'lt'
  | 'le'
  | 'gt'
  | 'ge'
  | 'is'
  | 'isNot';

/** Unary operations of the algebra. */
export type UnaryOp = 'neg' | 'pos' | 'abs' | 'invert' | 'not' | 'str';

const symbols: Record<BinaryOp, string> = {
  add: '+',
  sub: '-',
  mul: '*',
  div: '/',
  floorDiv: '//',
  mod: '%',
  pow: '**',
  lshift: '<<',
  rshift: '>>',
  and: '&',
  or: '|',
  xor: '^',
  eq: '==',
  ne: '!=',
  lt: '<',
  le: '<=',
  gt: '>',
  ge: '>=',
  is: 'is',
  isNot: 'is not',
};

/** The Python operator symbol of a binary operation (used in expression texts). */
export function opSymbol(op: BinaryOp): string {
  return symbols[op];
}

function unsupported(op: string, a: unknown, b?: unknown): TypeError {
  const types = b === undefined && op !== 'binary' ? `'${typeName(a)}'` : `'${typeName(a)}' and '${typeName(b)}'`;
  return new TypeError(`unsupported operand type(s) for ${op}: ${types}`);
}

type Scalar = number | bigint;

function numeric(value: unknown, op: string, a: unknown, b: unknown): Scalar {
  if (typeof value === 'number' || typeof value === 'bigint') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw unsupported(op, a, b);
}

function pythonMod(x: number, y: number): number {
  const r = x % y;
  return r !== 0 && r < 0 !== y < 0 ? r + y : r;
}

function integer(value: Scalar, op: string, a: unknown, b: unknown): number | bigint {
  if (typeof value === 'bigint' || Number.isInteger(value)) return value;
  throw unsupported(op, a, b);
}

function scalarBinary(op: BinaryOp, a: unknown, b: unknown): unknown {
  const symbol = symbols[op];
  switch (op) {
    case 'eq':
      return a === b;
    case 'ne':
      return a !== b;
    case 'lt':
    case 'le':
    case 'gt':
    case 'ge': {
      const comparable = (v: unknown): boolean => typeof v === 'number' || typeof v === 'bigint' || typeof v === 'boolean';
      if (!((comparable(a) && comparable(b)) || (typeof a === 'string' && typeof b === 'string'))) throw unsupported(symbol, a, b);
      const x = a as number;
      const y = b as number;
      return op === 'lt' ? x < y : op === 'le' ? x <= y : op === 'gt' ? x > y : x >= y;
    }
    case 'add':
      if (typeof a === 'string' || typeof b === 'string') {
        if (typeof a === 'string' && typeof b === 'string') return a + b;
        throw unsupported(symbol, a, b);
      }
      break;
    case 'mul':
      if (typeof a === 'string' && Number.isInteger(b)) return a.repeat(Math.max(0, b as number));
      if (typeof b === 'string' && Number.isInteger(a)) return b.repeat(Math.max(0, a as number));
      break;
    case 'and':
    case 'or':
    case 'xor':
      if (typeof a === 'boolean' && typeof b === 'boolean') return op === 'and' ? a && b : op === 'or' ? a || b : a !== b;
      break;
    default:
      break;
  }
  const x = numeric(a, symbol, a, b);
  const y = numeric(b, symbol, a, b);
  if (typeof x === 'bigint' || typeof y === 'bigint') {
    if (typeof x !== 'bigint' || typeof y !== 'bigint') throw unsupported(symbol, a, b);
    switch (op) {
      case 'add':
        return x + y;
      case 'sub':
        return x - y;
      case 'mul':
        return x * y;
      case 'div':
        return Number(x) / Number(y);
      case 'floorDiv': {
        const q = x / y;
        return x % y !== 0n && x < 0n !== y < 0n ? q - 1n : q;
      }
      case 'mod': {
        const r = x % y;
        return r !== 0n && r < 0n !== y < 0n ? r + y : r;
      }
      case 'pow':
        return x ** y;
      case 'lshift':
        return x << y;
      case 'rshift':
        return x >> y;
      case 'and':
        return x & y;
      case 'or':
        return x | y;
      case 'xor':
        return x ^ y;
      default:
        throw unsupported(symbol, a, b);
    }
  }
  switch (op) {
    case 'add':
      return x + y;
    case 'sub':
      return x - y;
    case 'mul':
      return x * y;
    case 'div':
      return x / y;
    case 'floorDiv':
      return Math.floor(x / y);
    case 'mod':
      return pythonMod(x, y);
    case 'pow':
      return x ** y;
    case 'lshift':
      return Number(integer(x, symbol, a, b)) * 2 ** Number(integer(y, symbol, a, b));
    case 'rshift':
      return Math.floor(Number(integer(x, symbol, a, b)) / 2 ** Number(integer(y, symbol, a, b)));
    case 'and':
      return Number(integer(x, symbol, a, b)) & Number(integer(y, symbol, a, b));
    case 'or':
      return Number(integer(x, symbol, a, b)) | Number(integer(y, symbol, a, b));
    case 'xor':
      return Number(integer(x, symbol, a, b)) ^ Number(integer(y, symbol, a, b));
    default:
      throw unsupported(symbol, a, b);
  }
}

/** JS arrays and typed arrays (elementwise operands). */
function isSequence(value: unknown): value is unknown[] | TypedArray {
  return Array.isArray(value) || isTypedArray(value);
}

/** Packs results: typed input + all-number results → Float64Array, all-boolean → plain booleans. */
function pack(results: unknown[], typed: boolean): unknown[] | TypedArray {
  if (typed && results.every((r) => typeof r === 'number')) return Float64Array.from(results as number[]);
  return results;
}

function ndElementwise(a: unknown, b: unknown, f: (x: unknown, y: unknown) => unknown, op: string): NDArray<TypedArray> {
  const shape = (isNdArray(a) ? a : (b as NDArray)).shape.slice();
  const flat = (v: unknown): ArrayLike<number> | number => {
    if (isNdArray(v)) {
      if (v.shape.length !== shape.length || v.shape.some((d, i) => d !== shape[i]))
        throw new TypeError(`operands could not be broadcast together with shapes [${shape}] and [${v.shape}] (${op})`);
      return copyNdArray(v).data as TypedArray;
    }
    if (typeof v === 'number' || typeof v === 'boolean') return Number(v);
    throw unsupported(op, a, b);
  };
  const x = flat(a);
  const y = flat(b);
  const size = shape.reduce((p, d) => p * d, 1);
  const results = new Array<unknown>(size);
  for (let i = 0; i < size; i++) results[i] = f(typeof x === 'number' ? x : x[i], typeof y === 'number' ? y : y[i]);
  const data = results.every((r) => typeof r === 'boolean') ? Uint8Array.from(results as boolean[], Number) : Float64Array.from(results as number[]);
  return ndarray(data, shape);
}

/** Applies `f` elementwise: scalars broadcast; arrays (nested JS arrays, typed arrays, ndarrays) pair up by position. */
function elementwise(a: unknown, b: unknown, f: (x: unknown, y: unknown) => unknown, op: string): unknown {
  if (isNdArray(a) || isNdArray(b)) return ndElementwise(a, b, f, op);
  const seqA = isSequence(a);
  const seqB = isSequence(b);
  if (!seqA && !seqB) return f(a, b);
  const typed = isTypedArray(a) || isTypedArray(b);
  if (seqA && seqB) {
    const la = a.length;
    const lb = b.length;
    if (la !== lb && la !== 1 && lb !== 1) throw new TypeError(`operands could not be broadcast together: lengths ${la} and ${lb} (${op})`);
    const n = Math.max(la, lb);
    return pack(
      Array.from({ length: n }, (_, i) => elementwise(a[la === 1 ? 0 : i], b[lb === 1 ? 0 : i], f, op)),
      typed,
    );
  }
  if (seqA)
    return pack(
      Array.from(a as ArrayLike<unknown>, (x) => elementwise(x, b, f, op)),
      typed,
    );
  return pack(
    Array.from(b as ArrayLike<unknown>, (y) => elementwise(a, y, f, op)),
    typed,
  );
}

/** `a <op> b` with Python meanings; arrays work elementwise (`==` too); `is`/`isNot` are identity. */
export function binary(op: BinaryOp, a: unknown, b: unknown): unknown {
  if (op === 'is') return Object.is(a, b);
  if (op === 'isNot') return !Object.is(a, b);
  if (op === 'add' && typeof a === 'string' && typeof b === 'string') return a + b;
  return elementwise(a, b, (x, y) => scalarBinary(op, x, y), symbols[op]);
}

function scalarUnary(op: UnaryOp, a: unknown): unknown {
  switch (op) {
    case 'neg':
      if (typeof a === 'bigint') return -a;
      return -numeric(a, 'unary -', a, undefined);
    case 'pos':
      if (typeof a === 'bigint') return a;
      return numeric(a, 'unary +', a, undefined);
    case 'abs':
      if (typeof a === 'bigint') return a < 0n ? -a : a;
      return Math.abs(numeric(a, 'abs()', a, undefined) as number);
    case 'invert':
      if (typeof a === 'boolean') return !a;
      if (typeof a === 'bigint') return ~a;
      return ~Number(integer(numeric(a, 'unary ~', a, undefined), 'unary ~', a, undefined));
    default:
      throw new TypeError(`unknown operation ${op}`);
  }
}

/** A unary operation: `-x`, `+x`, `abs(x)`, `~x` elementwise; `not x` and `str(x)` on the whole value. */
export function unary(op: UnaryOp, a: unknown): unknown {
  if (op === 'not') return !truthy(a);
  if (op === 'str') return str(a);
  if (isNdArray(a)) return ndElementwise(a, 0, (x) => scalarUnary(op, x), op);
  if (isSequence(a))
    return pack(
      Array.from(a as ArrayLike<unknown>, (x) => unary(op, x)),
      isTypedArray(a),
    );
  return scalarUnary(op, a);
}

/** Truthiness used by `not` and `IF`: JavaScript's (so empty arrays are true). */
export function truthy(value: unknown): boolean {
  return Boolean(value);
}
