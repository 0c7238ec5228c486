/**
 * Where the parts of an Arrow IPC (Feather v2) file are, for specs and fuzz cases that damage one
 * field on purpose: the footer, the schema's field vector, the record-batch blocks and the first
 * record batch's message. A plain reading of the flatbuffers of a valid file (no checks: it is only
 * given files written by pyarrow or by `dump`).
 */

/** Byte positions inside a valid Arrow IPC file. */
export interface ArrowLayout {
  /** Where the footer flatbuffer starts. */
  readonly footerStart: number;
  /** The uint32 count of the schema's fields (the header's field count). */
  readonly fieldCount: number;
  /** The uint32 count of record-batch blocks in the footer. */
  readonly recordBatchCount: number;
  /** The int64 offset of the first record-batch block (the position of its message). */
  readonly firstBlockOffset: number;
  /** The uint16 vtable entry of the first record batch message's `header_type` field. */
  readonly headerTypeEntry: number;
  /** The int64 row count of the first record batch. */
  readonly firstBatchRows: number;
  /** The position of the first compressed buffer's int64 uncompressed-length prefix, or null. */
  readonly firstCompressedLength: number | null;
}

/** Reads the layout of `bytes` (a valid Arrow IPC file). */
export function arrowLayout(bytes: Uint8Array): ArrowLayout {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (p: number): number => view.getUint16(p, true);
  const u32 = (p: number): number => view.getUint32(p, true);
  const table = (p: number): { at: number; field: (k: number) => number | null } => {
    const at = p + u32(p);
    const vtable = at - view.getInt32(at, true);
    const field = (k: number): number | null => {
      if (4 + 2 * k >= u16(vtable)) return null;
      const offset = u16(vtable + 4 + 2 * k);
      return offset === 0 ? null : at + offset;
    };
    return { at, field };
  };
  const vectorAt = (p: number): number => p + u32(p);
  const footerStart = bytes.length - 10 - view.getInt32(bytes.length - 10, true);
  const footer = table(footerStart);
  const schema = table(footer.field(1)!);
  const fieldCount = vectorAt(schema.field(1)!);
  const recordBatchCount = vectorAt(footer.field(3)!);
  const firstBlockOffset = recordBatchCount + 4;
  const messageAt = Number(view.getBigInt64(firstBlockOffset, true));
  const metadataStart = messageAt + 8; // continuation marker + length
  const message = table(metadataStart);
  const vtable = message.at - view.getInt32(message.at, true);
  const metadataLength = view.getInt32(messageAt + 4, true);
  const batch = table(message.field(2)!);
  const compression = batch.field(3);
  const buffers = vectorAt(batch.field(2)!);
  let firstCompressedLength: number | null = null;
  if (compression !== null) {
    for (let k = 0; k < u32(buffers); k++) {
      const length = Number(view.getBigInt64(buffers + 4 + 16 * k + 8, true));
      if (length > 8) {
        firstCompressedLength = metadataStart + metadataLength + Number(view.getBigInt64(buffers + 4 + 16 * k, true));
        break;
      }
    }
  }
  return {
    footerStart,
    fieldCount,
    recordBatchCount,
    firstBlockOffset,
    headerTypeEntry: vtable + 4 + 2 * 1,
    firstBatchRows: batch.field(0)!,
    firstCompressedLength,
  };
}
