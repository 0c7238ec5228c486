/**
 * A safe reader of Python pickles (protocols 2–5), for data files made of plain
 * values and numpy arrays (BatchFlow's blosc items, pandas' object blocks in HDF5).
 *
 * **Reading never executes anything.** The reader interprets the opcodes into an inert tree: Python
 * values become JS values ({@link PyTuple}, {@link PyDict}, `Uint8Array` for bytes, `bigint` for ints
 * beyond 2^53), a global becomes a {@link PyGlobal} name, and calling it (REDUCE) only records a
 * {@link PyCall} node with its arguments and later BUILD state. A global that is not in the caller's
 * allow-list is refused as soon as the opcode naming it is read ({@link PickleGlobalError}); opcodes
 * that construct objects in other ways (INST, OBJ, NEWOBJ, persistent ids, extensions) are refused
 * too. dill's `_load_type(name)` is read as the global `builtins.<name>` (allowed or refused as
 * such). Every declared length is checked against the bytes that are left before anything is sliced,
 * so a hostile size cannot allocate memory.
 *
 * The value classes and errors live in `pickle-values.ts`, the writer in `pickle-writer.ts`.
 * @module
 */
import { PickleError, PickleGlobalError, PyCall, PyDict, PyGlobal, PyTuple, describe, type PyValue } from './pickle-values.js';

/** Options of {@link readPickle}. */
export interface ReadPickleOptions {
  /** Globals (`module.name`) the pickle may name; any other one is a {@link PickleGlobalError}. */
  readonly globals: ReadonlySet<string>;
}

/** Python 2 module names that protocol 2 pickles use for builtins. */
const moduleAliases: Readonly<Record<string, string>> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

const MAX_LONG_BYTES = 1024;

class Reader {
  private position = 0;
  private readonly view: DataView;
  private readonly utf8 = new TextDecoder('utf-8', { fatal: true });
  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  get left(): number {
    return this.bytes.byteLength - this.position;
  }
  private take(n: number): number {
    if (!Number.isSafeInteger(n) || n < 0 || n > this.left)
      throw new PickleError(`a length of ${n} bytes at offset ${this.position} exceeds the ${this.left} bytes left: truncated or corrupted`);
    const at = this.position;
    this.position += n;
    return at;
  }
  byte(): number {
    return this.view.getUint8(this.take(1));
  }
  uint16(): number {
    return this.view.getUint16(this.take(2), true);
  }
  int32(): number {
    return this.view.getInt32(this.take(4), true);
  }
  uint32(): number {
    return this.view.getUint32(this.take(4), true);
  }
  uint64(): number {
    const at = this.take(8);
    const value = this.view.getBigUint64(at, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER))
      throw new PickleError(`a length of ${value} bytes at offset ${at} exceeds the ${this.left} bytes left: truncated or corrupted`);
    return Number(value);
  }
  float64BE(): number {
    return this.view.getFloat64(this.take(8), false);
  }
  slice(n: number): Uint8Array {
    const at = this.take(n);
    return this.bytes.subarray(at, at + n);
  }
  text(n: number, what: string): string {
    const data = this.slice(n);
    try {
      return this.utf8.decode(data);
    } catch {
      throw new PickleError(`${what} at offset ${this.position - n} is not valid UTF-8`);
    }
  }
  ascii(n: number): string {
    return String.fromCharCode(...this.slice(n));
  }
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.position);
    if (end < 0) throw new PickleError(`a text argument at offset ${this.position} has no end of line: truncated or corrupted`);
    const out = new TextDecoder('latin1').decode(this.bytes.subarray(this.position, end));
    this.position = end + 1;
    return out;
  }
}

/** A two's complement little-endian integer (LONG1/LONG4); a number when it is a safe integer. */
function decodeLong(data: Uint8Array): number | bigint {
  if (data.byteLength === 0) return 0;
  let value = 0n;
  for (let i = data.byteLength - 1; i >= 0; i--) value = (value << 8n) | BigInt(data[i]!);
  if (data[data.byteLength - 1]! & 0x80) value -= 1n << BigInt(8 * data.byteLength);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

function decimalInt(text: string): number | bigint {
  const clean = text.endsWith('L') ? text.slice(0, -1) : text;
  if (!/^[+-]?\d+$/.test(clean)) throw new PickleError(`'${text}' is not an integer`);
  const value = BigInt(clean);
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

const opNames: Readonly<Record<number, string>> = {
  0x69: 'INST',
  0x6f: 'OBJ',
  0x81: 'NEWOBJ',
  0x92: 'NEWOBJ_EX',
  0x50: 'PERSID',
  0x51: 'BINPERSID',
  0x82: 'EXT1',
  0x83: 'EXT2',
  0x84: 'EXT4',
  0x97: 'NEXT_BUFFER',
  0x53: 'STRING',
  0x56: 'UNICODE',
};

/**
 * Reads a pickle into an inert {@link PyValue} tree (see the module docs). Throws a
 * {@link PickleGlobalError} for a global outside `options.globals`, a {@link PickleError} otherwise.
 */
export function readPickle(bytes: Uint8Array, options: ReadPickleOptions): PyValue {
  const r = new Reader(bytes);
  let stack: PyValue[] = [];
  const marks: PyValue[][] = [];
  const memo = new Map<number, PyValue>();
  const pop = (): PyValue => {
    if (stack.length === 0) throw new PickleError('the stack is empty where a value was expected: corrupted');
    return stack.pop()!;
  };
  const top = (): PyValue => {
    if (stack.length === 0) throw new PickleError('the stack is empty where a value was expected: corrupted');
    return stack[stack.length - 1]!;
  };
  const popMark = (): PyValue[] => {
    const items = stack;
    const previous = marks.pop();
    if (!previous) throw new PickleError('a MARK is missing: corrupted');
    stack = previous;
    return items;
  };
  const global = (module: string, name: string): PyGlobal => {
    const found = new PyGlobal(moduleAliases[module] ?? module, name);
    if (!options.globals.has(found.qualified)) throw new PickleGlobalError(`${module}.${name}`);
    return found;
  };
  const list = (value: PyValue, op: string): PyValue[] => {
    if (!Array.isArray(value)) throw new PickleError(`${op} applies to a list, found ${describe(value)}`);
    return value;
  };
  const dict = (value: PyValue, op: string): PyDict => {
    if (!(value instanceof PyDict)) throw new PickleError(`${op} applies to a dict, found ${describe(value)}`);
    return value;
  };
  const memoGet = (key: number): PyValue => {
    if (!memo.has(key)) throw new PickleError(`memo entry ${key} is read before it is written: corrupted`);
    return memo.get(key)!;
  };
  while (r.left > 0) {
    const op = r.byte();
    switch (op) {
      case 0x80: {
        // PROTO
        const version = r.byte();
        if (version < 2 || version > 5) throw new PickleError(`pickle protocol ${version} is not supported (2 to 5 are)`);
        break;
      }
      case 0x95:
        r.uint64();
        break; // FRAME: its length is only a hint
      case 0x2e: {
        // STOP
        if (stack.length !== 1 || marks.length !== 0) throw new PickleError('the pickle does not end with exactly one value: corrupted');
        if (r.left !== 0) throw new PickleError(`${r.left} bytes follow the end of the pickle`);
        return stack[0]!;
      }
      case 0x28:
        marks.push(stack);
        stack = [];
        break; // MARK
      case 0x30:
        pop();
        break; // POP
      case 0x31:
        popMark();
        break; // POP_MARK
      case 0x32:
        stack.push(top());
        break; // DUP
      case 0x70:
        memo.set(Number(decimalInt(r.line())), top());
        break; // PUT
      case 0x71:
        memo.set(r.byte(), top());
        break; // BINPUT
      case 0x72:
        memo.set(r.uint32(), top());
        break; // LONG_BINPUT
      case 0x94:
        memo.set(memo.size, top());
        break; // MEMOIZE
      case 0x67:
        stack.push(memoGet(Number(decimalInt(r.line()))));
        break; // GET
      case 0x68:
        stack.push(memoGet(r.byte()));
        break; // BINGET
      case 0x6a:
        stack.push(memoGet(r.uint32()));
        break; // LONG_BINGET
      case 0x4e:
        stack.push(null);
        break; // NONE
      case 0x88:
        stack.push(true);
        break; // NEWTRUE
      case 0x89:
        stack.push(false);
        break; // NEWFALSE
      case 0x49: {
        // INT
        const text = r.line();
        stack.push(text === '01' ? true : text === '00' ? false : decimalInt(text));
        break;
      }
      case 0x4c:
        stack.push(decimalInt(r.line()));
        break; // LONG
      case 0x4a:
        stack.push(r.int32());
        break; // BININT
      case 0x4b:
        stack.push(r.byte());
        break; // BININT1
      case 0x4d:
        stack.push(r.uint16());
        break; // BININT2
      case 0x8a:
        stack.push(decodeLong(r.slice(r.byte())));
        break; // LONG1
      case 0x8b: {
        // LONG4
        const n = r.int32();
        if (n < 0 || n > MAX_LONG_BYTES) throw new PickleError(`an integer of ${n} bytes is not supported (at most ${MAX_LONG_BYTES})`);
        stack.push(decodeLong(r.slice(n)));
        break;
      }
      case 0x46: {
        // FLOAT
        const text = r.line();
        const value = Number(text);
        if (Number.isNaN(value) && !/^[+-]?nan$/i.test(text)) throw new PickleError(`'${text}' is not a float`);
        stack.push(value);
        break;
      }
      case 0x47:
        stack.push(r.float64BE());
        break; // BINFLOAT
      case 0x54:
        stack.push(r.ascii(r.int32()));
        break; // BINSTRING (Python 2 str, read as ASCII)
      case 0x55:
        stack.push(r.ascii(r.byte()));
        break; // SHORT_BINSTRING
      case 0x42:
        stack.push(r.slice(r.uint32()));
        break; // BINBYTES
      case 0x43:
        stack.push(r.slice(r.byte()));
        break; // SHORT_BINBYTES
      case 0x8e:
        stack.push(r.slice(r.uint64()));
        break; // BINBYTES8
      case 0x96:
        stack.push(r.slice(r.uint64()));
        break; // BYTEARRAY8
      case 0x98:
        break; // READONLY_BUFFER
      case 0x58:
        stack.push(r.text(r.uint32(), 'a string'));
        break; // BINUNICODE
      case 0x8c:
        stack.push(r.text(r.byte(), 'a string'));
        break; // SHORT_BINUNICODE
      case 0x8d:
        stack.push(r.text(r.uint64(), 'a string'));
        break; // BINUNICODE8
      case 0x29:
        stack.push(new PyTuple([]));
        break; // EMPTY_TUPLE
      case 0x74: {
        const items = popMark();
        stack.push(new PyTuple(items));
        break;
      } // TUPLE
      case 0x85:
        stack.push(new PyTuple([pop()]));
        break; // TUPLE1
      case 0x86: {
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b]));
        break;
      } // TUPLE2
      case 0x87: {
        const c = pop();
        const b = pop();
        const a = pop();
        stack.push(new PyTuple([a, b, c]));
        break;
      } // TUPLE3
      case 0x5d:
        stack.push([]);
        break; // EMPTY_LIST
      case 0x6c: {
        const items = popMark();
        stack.push(items);
        break;
      } // LIST
      case 0x61: {
        const value = pop();
        list(top(), 'APPEND').push(value);
        break;
      } // APPEND
      case 0x65: {
        // APPENDS
        const items = popMark();
        const target = list(top(), 'APPENDS');
        for (const item of items) target.push(item);
        break;
      }
      case 0x7d:
        stack.push(new PyDict());
        break; // EMPTY_DICT
      case 0x64: {
        // DICT
        const items = popMark();
        if (items.length % 2) throw new PickleError('DICT has an odd number of items: corrupted');
        const out = new PyDict();
        for (let i = 0; i < items.length; i += 2) out.set(items[i]!, items[i + 1]!);
        stack.push(out);
        break;
      }
      case 0x73: {
        const value = pop();
        const key = pop();
        dict(top(), 'SETITEM').set(key, value);
        break;
      } // SETITEM
      case 0x75: {
        // SETITEMS
        const items = popMark();
        if (items.length % 2) throw new PickleError('SETITEMS has an odd number of items: corrupted');
        const target = dict(top(), 'SETITEMS');
        for (let i = 0; i < items.length; i += 2) target.set(items[i]!, items[i + 1]!);
        break;
      }
      case 0x63: {
        const module = r.line();
        const name = r.line();
        stack.push(global(module, name));
        break;
      } // GLOBAL
      case 0x93: {
        // STACK_GLOBAL
        const name = pop();
        const module = pop();
        if (typeof module !== 'string' || typeof name !== 'string') throw new PickleError('STACK_GLOBAL needs two strings');
        stack.push(global(module, name));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop();
        const func = pop();
        if (!(func instanceof PyGlobal)) throw new PickleError(`REDUCE calls ${describe(func)}, not an allowed global`);
        if (!(args instanceof PyTuple)) throw new PickleError(`REDUCE of ${func.qualified} has no argument tuple`);
        if (func.qualified === 'dill._dill._load_type') {
          // dill names builtin types by name: _load_type('bytes') is the global builtins.bytes
          const [name] = args.items;
          if (typeof name !== 'string' || args.items.length !== 1) throw new PickleError('dill._dill._load_type needs one type name');
          stack.push(global('builtins', name));
          break;
        }
        stack.push(new PyCall(func, args.items));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop();
        const target = top();
        if (!(target instanceof PyCall) || target.state !== undefined)
          throw new PickleError(`BUILD sets the state of ${describe(target)}; only a freshly built allowed object can take one`);
        target.state = state;
        break;
      }
      default: {
        const name = opNames[op];
        throw new PickleError(
          name
            ? `opcode ${name} is not supported by this safe reader`
            : `unknown opcode 0x${op.toString(16).padStart(2, '0')} at offset ${bytes.byteLength - r.left - 1}: corrupted or not a pickle`,
        );
      }
    }
  }
  throw new PickleError('the pickle ends without a STOP opcode: truncated');
}
