/**
 * A bounds-checked reader of the FlatBuffers that Arrow IPC files are made of (footer, schema,
 * messages). Every offset, table, vector and string is checked against the region it must lie in
 * before it is read, so a hostile file gives a {@link FlatbufferBoundsError} instead of reading
 * outside its bytes. Used by feather-validate.ts to check a file before apache-arrow parses it.
 * @module
 */

/** A flatbuffer position or length that points outside its region (converted to a typed error by the caller). */
export class FlatbufferBoundsError extends Error {
  override name = 'FlatbufferBoundsError';
}

/** A table of a flatbuffer: its position and the field offsets of its vtable. */
export interface FlatTable {
  readonly buffer: FlatBuffer;
  readonly position: number;
  readonly fieldOffsets: readonly number[];
}

/** A region `[start, end)` of the file bytes that holds one flatbuffer. */
export class FlatBuffer {
  private readonly view: DataView;

  constructor(
    readonly bytes: Uint8Array,
    readonly start: number,
    readonly end: number,
    private readonly what: string,
  ) {
    if (!(start >= 0 && end <= bytes.length && start <= end)) throw new FlatbufferBoundsError(`${what} lies outside the file`);
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(position: number, size: number, what: string): void {
    if (!(Number.isSafeInteger(position) && position >= this.start && position + size <= this.end))
      throw new FlatbufferBoundsError(`${this.what}: ${what} at byte ${position} lies outside bytes ${this.start}–${this.end}`);
  }

  uint8(position: number): number {
    this.need(position, 1, 'a byte');
    return this.view.getUint8(position);
  }

  int16(position: number): number {
    this.need(position, 2, 'a 16-bit value');
    return this.view.getInt16(position, true);
  }

  uint16(position: number): number {
    this.need(position, 2, 'a 16-bit value');
    return this.view.getUint16(position, true);
  }

  int32(position: number): number {
    this.need(position, 4, 'a 32-bit value');
    return this.view.getInt32(position, true);
  }

  uint32(position: number): number {
    this.need(position, 4, 'a 32-bit value');
    return this.view.getUint32(position, true);
  }

  /** A 64-bit integer that must be a safe JS integer (`what` names it in the error). */
  int64(position: number, what: string): number {
    this.need(position, 8, what);
    const value = this.view.getBigInt64(position, true);
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER))
      throw new FlatbufferBoundsError(`${this.what}: ${what} is ${value}, beyond a safe integer`);
    return Number(value);
  }

  /** The table an offset at `position` points to (`position` itself holds a uoffset). */
  tableAt(position: number, what: string): FlatTable {
    const target = position + this.uint32(position);
    this.need(target, 4, what);
    const vtable = target - this.int32(target);
    this.need(vtable, 4, `the vtable of ${what}`);
    const vtableSize = this.uint16(vtable);
    const tableSize = this.uint16(vtable + 2);
    if (vtableSize < 4 || vtableSize % 2 !== 0) throw new FlatbufferBoundsError(`${this.what}: ${what} has a vtable of ${vtableSize} bytes`);
    this.need(vtable, vtableSize, `the vtable of ${what}`);
    this.need(target, Math.max(4, tableSize), what);
    const fieldOffsets: number[] = [];
    for (let k = 4; k < vtableSize; k += 2) {
      const offset = this.uint16(vtable + k);
      if (offset !== 0 && offset >= Math.max(4, tableSize)) throw new FlatbufferBoundsError(`${this.what}: a field of ${what} lies outside its table`);
      fieldOffsets.push(offset);
    }
    return { buffer: this, position: target, fieldOffsets };
  }

  /** The root table of this flatbuffer. */
  root(what: string): FlatTable {
    return this.tableAt(this.start, what);
  }
}

/** The position of field `index` of `table`, or null when the field is absent. */
export function fieldPosition(table: FlatTable, index: number): number | null {
  const offset = table.fieldOffsets[index] ?? 0;
  return offset === 0 ? null : table.position + offset;
}

/** A scalar field (`read` at its position), or `fallback` when absent. */
export function scalar<T>(table: FlatTable, index: number, fallback: T, read: (position: number) => T): T {
  const position = fieldPosition(table, index);
  return position === null ? fallback : read(position);
}

/** A table field, or null when absent. */
export function childTable(table: FlatTable, index: number, what: string): FlatTable | null {
  const position = fieldPosition(table, index);
  return position === null ? null : table.buffer.tableAt(position, what);
}

/** A vector field: the position of its first element and its length, checked to fit (empty when absent). */
export function vector(table: FlatTable, index: number, elementSize: number, what: string): { start: number; length: number } {
  const position = fieldPosition(table, index);
  if (position === null) return { start: 0, length: 0 };
  const buffer = table.buffer;
  const target = position + buffer.uint32(position);
  const length = buffer.uint32(target);
  const start = target + 4;
  if (start + length * elementSize > buffer.end)
    throw new FlatbufferBoundsError(`${what} declares ${length} entries, more than the ${buffer.end - start} bytes left can hold`);
  return { start, length };
}

/** A vector of tables, each checked. */
export function tableVector(table: FlatTable, index: number, what: string): FlatTable[] {
  const { start, length } = vector(table, index, 4, what);
  return Array.from({ length }, (_, k) => table.buffer.tableAt(start + 4 * k, `${what}[${k}]`));
}

/** A string field's byte length (checked to fit), or -1 when absent. */
export function stringLength(table: FlatTable, index: number, what: string): number {
  return fieldPosition(table, index) === null ? -1 : vector(table, index, 1, what).length;
}
