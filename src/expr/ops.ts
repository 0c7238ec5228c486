/**
 * The value operations behind the expression algebra, with Python/numpy meanings coded on purpose:
 * floor division, the divisor's sign for `%`, negative indices, slices, elementwise arithmetic and
 * comparison on arrays (numpy style: a scalar broadcasts, arrays must have the same length), and
 * Python's `str.format` mini-language.
 * @module
 */
import ndarray from 'ndarray';
import { copyNdArray, isNdArray, isTypedArray, ndItem, takeNdRows, type NDArray, type TypedArray } from '../ndarray/ndarray-utils.js';
import { Config, MissingKeyError } from '../config/config.js';
import { Slice, slicePositions } from '../util/slice.js';

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

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (isNdArray(value)) return 'ndarray';
  if (typeof value === 'object') return (value as object).constructor?.name ?? 'object';
  return typeof value;
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

/** Text of a value: strings as they are, arrays and plain objects as JSON when possible, else `String(value)`. */
export function str(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) || (typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype)) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function normaliseIndex(index: unknown, length: number, what: string): number {
  if (typeof index !== 'number' || !Number.isInteger(index)) throw new TypeError(`${what} indices must be integers, got ${typeName(index)}`);
  const position = index < 0 ? index + length : index;
  if (position < 0 || position >= length) throw new RangeError(`index ${index} is out of range for a ${what} of length ${length}`);
  return position;
}

function take(value: unknown, positions: number[]): unknown {
  if (typeof value === 'string') return positions.map((i) => value[i]).join('');
  if (isNdArray(value)) return takeNdRows(value, positions);
  if (isTypedArray(value)) {
    const Constructor = value.constructor as new (values: ArrayLike<number>) => TypedArray;
    return new Constructor(positions.map((i) => value[i]!));
  }
  if (Array.isArray(value)) return positions.map((i) => value[i] as unknown);
  throw new TypeError(`'${typeName(value)}' cannot be sliced`);
}

function lengthOf(value: unknown): number | null {
  if (typeof value === 'string' || Array.isArray(value) || isTypedArray(value)) return value.length;
  if (isNdArray(value)) return value.shape[0]!;
  return null;
}

/**
 * `value[key]`: negative indices count from the end; a {@link Slice} slices (strings, arrays, typed
 * arrays, ndarrays along the first axis); an array of integers gathers (fancy indexing); Maps and
 * Configs look the key up; other objects read the property. Missing keys and out-of-range indices throw.
 */
export function item(value: unknown, key: unknown): unknown {
  if (value === null || value === undefined) throw new TypeError(`'${typeName(value)}' object is not subscriptable`);
  if (value instanceof Config) return value.at(key as string);
  if (value instanceof Map) {
    if (!value.has(key)) throw new MissingKeyError(String(key), `key ${JSON.stringify(key)} is not in the Map`);
    return value.get(key) as unknown;
  }
  const length = lengthOf(value);
  if (length !== null) {
    if (key instanceof Slice) return take(value, Array.from(slicePositions(key, length)));
    if (Array.isArray(key) || isTypedArray(key))
      return take(
        value,
        Array.from(key as ArrayLike<unknown>, (k) => normaliseIndex(k, length, typeName(value))),
      );
    const position = normaliseIndex(key, length, typeName(value));
    if (typeof value === 'string') return value[position];
    if (isNdArray(value)) return ndItem(value, position);
    return (value as ArrayLike<unknown>)[position];
  }
  if (typeof value === 'object' || typeof value === 'function') {
    if (typeof key !== 'string' && typeof key !== 'number' && typeof key !== 'symbol')
      throw new TypeError(`invalid key ${typeName(key)} for a ${typeName(value)}`);
    if (!(key in (value as object))) throw new MissingKeyError(String(key), `key ${JSON.stringify(String(key))} is not in the ${typeName(value)}`);
    return (value as Record<PropertyKey, unknown>)[key];
  }
  throw new TypeError(`'${typeName(value)}' object is not subscriptable`);
}

/** `value[key] = newValue` (negative indices allowed; Maps, Configs and objects by key). */
export function setItem(value: unknown, key: unknown, newValue: unknown): void {
  if (value === null || value === undefined || typeof value !== 'object') throw new TypeError(`'${typeName(value)}' object does not support item assignment`);
  if (value instanceof Config) {
    value.set(key as string, newValue);
    return;
  }
  if (value instanceof Map) {
    value.set(key, newValue);
    return;
  }
  const length = lengthOf(value);
  if (length !== null) {
    if (key instanceof Slice || Array.isArray(key)) {
      const positions = key instanceof Slice ? Array.from(slicePositions(key, length)) : key.map((k: unknown) => normaliseIndex(k, length, typeName(value)));
      const source = newValue as ArrayLike<unknown>;
      const single = lengthOf(newValue) === null;
      if (!single && source.length !== positions.length) throw new RangeError(`cannot assign ${source.length} values to ${positions.length} positions`);
      positions.forEach((p, i) => setItem(value, p, single ? newValue : source[i]));
      return;
    }
    const position = normaliseIndex(key, length, typeName(value));
    if (isNdArray(value)) {
      if (value.shape.length !== 1) throw new TypeError('assigning a row of a multi-dimensional ndarray is not supported; assign its elements');
      value.set(position, newValue as number);
      return;
    }
    (value as unknown[])[position] = newValue;
    return;
  }
  (value as Record<PropertyKey, unknown>)[key as PropertyKey] = newValue;
}

/** `value.name`: the property (a missing one throws, as Python's AttributeError). */
export function attr(value: unknown, name: string): unknown {
  if (value === null || value === undefined) throw new TypeError(`'${typeName(value)}' has no attribute '${name}'`);
  if (!(name in Object(value))) throw new TypeError(`'${typeName(value)}' object has no attribute '${name}'`);
  return (value as Record<string, unknown>)[name];
}

/** `value.name = newValue`. */
export function setAttr(value: unknown, name: string, newValue: unknown): void {
  if (value === null || value === undefined || (typeof value !== 'object' && typeof value !== 'function'))
    throw new TypeError(`cannot set attribute '${name}' on '${typeName(value)}'`);
  (value as Record<string, unknown>)[name] = newValue;
}

// ---- str.format ----------------------------------------------------------------------------

const specPattern = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/su;

function group(digits: string, separator: string | undefined): string {
  if (!separator) return digits;
  return digits.replace(/\B(?=(\d{3})+(?!\d))/gu, separator);
}

function exponentForm(text: string): string {
  // JS: 1.5e+5 / 1.5e-7 → Python: 1.5e+05 / 1.5e-07
  return text.replace(/e([+-])(\d)$/u, 'e$10$2');
}

function generalForm(x: number, precision: number, alternate: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exponent = Number(x.toExponential(p - 1).split('e')[1]);
  const text = exponent >= -4 && exponent < p ? x.toFixed(p - 1 - exponent) : exponentForm(x.toExponential(p - 1));
  if (alternate) return text;
  const [mantissa, power] = text.split('e') as [string, string | undefined];
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/u, '').replace(/\.$/u, '') : mantissa;
  return power === undefined ? trimmed : `${trimmed}e${power}`;
}

/** Formats one value with a Python format spec (`'5.2f'`, `'>10'`, `'+,d'`, `'.1%'`, `'08.3e'`, …). */
export function formatValue(value: unknown, spec: string): string {
  const match = specPattern.exec(spec);
  if (!match) throw new RangeError(`invalid format specifier '${spec}'`);
  const [, fillChar, alignChar, signChar, alternate, zero, widthText, separator, precisionText, type] = match;
  const width = widthText ? Number(widthText) : 0;
  const precision = precisionText === undefined ? undefined : Number(precisionText);
  let fill = fillChar ?? ' ';
  let align = alignChar;
  const isNumber = typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean';
  if (zero && !alignChar) {
    fill = '0';
    align = '=';
  }
  let body: string;
  let sign = '';
  // Python: with no type, ints format as 'd', floats with a precision as 'g', other floats as their repr ('r' here).
  let kind = type;
  if (kind === undefined && isNumber && typeof value !== 'boolean')
    kind = precision !== undefined ? 'g' : typeof value === 'number' && !Number.isInteger(value) ? 'r' : 'd';
  if (kind === undefined || kind === 's') {
    if (kind === 's' && typeof value !== 'string') throw new TypeError(`format code 's' needs a string, got ${typeName(value)}`);
    body = str(value);
    if (precision !== undefined) body = body.slice(0, precision);
    if (!isNumber) align ??= '<';
  } else {
    if (!isNumber) throw new TypeError(`format code '${kind}' needs a number, got ${typeName(value)}`);
    const x = Number(value);
    if (x < 0 || Object.is(x, -0)) sign = '-';
    else if (signChar === '+') sign = '+';
    else if (signChar === ' ') sign = ' ';
    const magnitude = Math.abs(x);
    switch (kind) {
      case 'd':
      case 'n':
        if (!Number.isInteger(x)) throw new TypeError(`format code 'd' needs an integer, got ${x}`);
        body = group(String(magnitude), separator);
        break;
      case 'b':
      case 'o':
      case 'x':
      case 'X': {
        if (!Number.isInteger(x)) throw new TypeError(`format code '${kind}' needs an integer, got ${x}`);
        const base = kind === 'b' ? 2 : kind === 'o' ? 8 : 16;
        body = magnitude.toString(base);
        if (kind === 'X') body = body.toUpperCase();
        if (alternate) body = `0${kind === 'X' ? 'X' : kind}${body}`;
        break;
      }
      case 'c':
        body = String.fromCodePoint(x);
        sign = '';
        break;
      case 'r':
        body = Number.isFinite(magnitude) ? String(magnitude) : Number.isNaN(magnitude) ? 'nan' : 'inf';
        break;
      case 'e':
      case 'E':
        body = Number.isFinite(magnitude) ? exponentForm(magnitude.toExponential(precision ?? 6)) : String(magnitude).toLowerCase().replace('infinity', 'inf');
        if (kind === 'E') body = body.toUpperCase();
        break;
      case '%':
        body = `${(magnitude * 100).toFixed(precision ?? 6)}%`;
        break;
      case 'g':
      case 'G':
        body = Number.isFinite(magnitude) ? generalForm(magnitude, precision ?? 6, Boolean(alternate)) : 'inf';
        if (kind === 'G') body = body.toUpperCase();
        break;
      default: // f, F
        body = Number.isFinite(magnitude) ? magnitude.toFixed(precision ?? 6) : Number.isNaN(magnitude) ? 'nan' : 'inf';
        if (kind === 'F') body = body.toUpperCase();
        break;
    }
    if (Number.isNaN(x)) {
      body = kind === 'E' || kind === 'F' || kind === 'G' ? 'NAN' : 'nan';
      sign = '';
    }
    if (separator && /^[\d]/u.test(body) && kind !== 'd' && kind !== 'n' && 'eEfFgG%r'.includes(kind)) {
      const [intPart, rest] = [body.replace(/^(\d+).*$/su, '$1'), body.replace(/^\d+/u, '')];
      body = group(intPart, separator) + rest;
    }
  }
  align ??= '>';
  const text = sign + body;
  const padding = Math.max(0, width - text.length);
  if (padding === 0) return text;
  const pad = (n: number): string => fill.repeat(n);
  switch (align) {
    case '<':
      return text + pad(padding);
    case '^':
      return pad(Math.floor(padding / 2)) + text + pad(Math.ceil(padding / 2));
    case '=':
      return sign + pad(padding) + body;
    default:
      return pad(padding) + text;
  }
}

/** Python's `template.format(value)` for one value: `{}`, `{0}`, `{:spec}`, `{0:spec}`, `{{` and `}}`. */
export function formatTemplate(template: string, value: unknown): string {
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/gu, (whole, field: string | undefined) => {
    if (whole === '{{') return '{';
    if (whole === '}}') return '}';
    const colon = field!.indexOf(':');
    const name = colon < 0 ? field! : field!.slice(0, colon);
    if (name !== '' && name !== '0') throw new RangeError(`format: only one positional value is given, field '{${field}}' is not supported`);
    return colon < 0 ? str(value) : formatValue(value, field!.slice(colon + 1));
  });
}
