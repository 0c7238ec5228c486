/**
 * A small writer of Python pickles: protocol 3 (GLOBAL, BINUNICODE, BINBYTES, …; no memo), which
 * every Python 3 reads; a JS number that is a safe integer becomes a Python int, any other number a
 * float.
 * @module
 */
import { PickleError, PyCall, PyDict, PyGlobal, PyTuple, type PyValue } from './pickle-values.js';

class Writer {
  private chunks: Uint8Array[] = [];
  private current = new Uint8Array(1 << 16);
  private used = 0;
  private view = new DataView(this.current.buffer);
  private ensure(n: number): void {
    if (this.used + n <= this.current.byteLength) return;
    this.chunks.push(this.current.subarray(0, this.used));
    this.current = new Uint8Array(Math.max(1 << 16, n));
    this.view = new DataView(this.current.buffer);
    this.used = 0;
  }
  byte(b: number): void {
    this.ensure(1);
    this.current[this.used++] = b;
  }
  uint32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.used, v, true);
    this.used += 4;
  }
  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.used, v, true);
    this.used += 4;
  }
  float64BE(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.used, v, false);
    this.used += 8;
  }
  raw(bytes: Uint8Array): void {
    if (bytes.byteLength > 1 << 16) {
      this.chunks.push(this.current.subarray(0, this.used), bytes);
      this.current = new Uint8Array(1 << 16);
      this.view = new DataView(this.current.buffer);
      this.used = 0;
      return;
    }
    this.ensure(bytes.byteLength);
    this.current.set(bytes, this.used);
    this.used += bytes.byteLength;
  }
  done(): Uint8Array {
    const parts = [...this.chunks, this.current.subarray(0, this.used)];
    const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
    let at = 0;
    for (const part of parts) {
      out.set(part, at);
      at += part.byteLength;
    }
    return out;
  }
}

const MARK = 0x28;
const encoder = new TextEncoder();

function writeInt(w: Writer, value: number | bigint): void {
  if (typeof value === 'number' && Number.isInteger(value) && value >= -(2 ** 31) && value < 2 ** 31) {
    if (value >= 0 && value < 256) {
      w.byte(0x4b);
      w.byte(value);
    } else {
      w.byte(0x4a);
      w.int32(value);
    }
    return;
  }
  let big = BigInt(value);
  const bytes: number[] = [];
  for (;;) {
    const b = Number(big & 0xffn);
    bytes.push(b);
    big >>= 8n;
    if ((big === 0n && !(b & 0x80)) || (big === -1n && b & 0x80)) break;
  }
  w.byte(0x8a);
  w.byte(bytes.length);
  for (const b of bytes) w.byte(b);
}

function writeValue(w: Writer, value: PyValue, depth: number): void {
  if (depth > 1000) throw new PickleError('the value is nested more than 1000 levels deep');
  if (value === null) return w.byte(0x4e);
  if (value === true) return w.byte(0x88);
  if (value === false) return w.byte(0x89);
  if (typeof value === 'number') {
    if (Number.isSafeInteger(value) && !Object.is(value, -0)) return writeInt(w, value);
    w.byte(0x47);
    return w.float64BE(value);
  }
  if (typeof value === 'bigint') return writeInt(w, value);
  if (typeof value === 'string') {
    const bytes = encoder.encode(value);
    w.byte(0x58);
    w.uint32(bytes.byteLength);
    return w.raw(bytes);
  }
  if (value instanceof Uint8Array) {
    if (value.byteLength > 0xffffffff) throw new PickleError('a bytes value is larger than 4 GiB');
    w.byte(0x42);
    w.uint32(value.byteLength);
    return w.raw(value);
  }
  if (value instanceof PyTuple) {
    w.byte(MARK);
    for (const item of value.items) writeValue(w, item, depth + 1);
    return w.byte(0x74);
  }
  if (Array.isArray(value)) {
    w.byte(0x5d);
    for (let i = 0; i < value.length; i += 1000) {
      w.byte(MARK);
      for (const item of value.slice(i, i + 1000)) writeValue(w, item, depth + 1);
      w.byte(0x65);
    }
    return;
  }
  if (value instanceof PyDict) {
    w.byte(0x7d);
    if (value.entries.length === 0) return;
    w.byte(MARK);
    for (const [k, v] of value.entries) {
      writeValue(w, k, depth + 1);
      writeValue(w, v, depth + 1);
    }
    return w.byte(0x75);
  }
  if (value instanceof PyGlobal) {
    w.byte(0x63);
    return w.raw(encoder.encode(`${value.module}\n${value.name}\n`));
  }
  if (value instanceof PyCall) {
    writeValue(w, value.func, depth + 1);
    writeValue(w, new PyTuple(value.args), depth + 1);
    w.byte(0x52);
    if (value.state !== undefined) {
      writeValue(w, value.state, depth + 1);
      w.byte(0x62);
    }
    return;
  }
  throw new PickleError(`cannot pickle ${typeof value}`);
}

/**
 * Writes `value` as a protocol 3 pickle. A JS number that is a safe integer is written as a Python
 * int, any other number as a float; `PyGlobal`/`PyCall` (with its state) become GLOBAL/REDUCE/BUILD.
 */
export function writePickle(value: PyValue): Uint8Array {
  const w = new Writer();
  w.byte(0x80);
  w.byte(3);
  writeValue(w, value, 0);
  w.byte(0x2e);
  return w.done();
}
