/**
 * Checks the structure of a Feather v2 / Arrow IPC file before apache-arrow parses it. apache-arrow
 * trusts the counts and offsets a file declares: one changed byte can make it loop for minutes over
 * millions of record batches, recurse without end through a field that is its own child, or allocate
 * gigabytes. This check reads the footer, the schema and the metadata of every record and dictionary
 * batch with bounds-checked flatbuffer reads and refuses, in time proportional to the file's size:
 * offsets or lengths outside the file, counts the bytes cannot hold, schemas nested deeper than
 * {@link MAX_FIELD_DEPTH}, more than {@link MAX_COLUMN_CHUNKS} column chunks, rows that the buffers
 * cannot hold, and declared (decompressed) sizes beyond the load limit (`configureLoadLimits`).
 * @module
 */
import { CorruptFileError } from './errors.js';
import { FlatBuffer, FlatbufferBoundsError, childTable, scalar, stringLength, tableVector, vector, type FlatTable } from './feather-flatbuffers.js';
import { checkDeclaredSize } from './load-limits.js';

const FORMAT = 'feather';
/** Deepest nesting of fields (struct of list of …) a file may declare. */
export const MAX_FIELD_DEPTH = 64;
/** Most column chunks (field nodes summed over record batches) a file may declare. */
export const MAX_COLUMN_CHUNKS = 1_000_000;
/** Bytes counted against the load limit per row of a column without buffers (the Null type). */
const BYTES_PER_NULL_ROW = 8;
const NULL_TYPE = 1;
const LAST_TYPE = 26; // LargeListView
const HEADER_DICTIONARY_BATCH = 2;
const HEADER_RECORD_BATCH = 3;
const BLOCK_SIZE = 24; // struct Block { offset: long; metaDataLength: int; (pad) bodyLength: long }
const STRUCT16 = 16; // FieldNode { length, null_count } and Buffer { offset, length }
const TRAILER = 10; // int32 footer length + "ARROW1"

interface Block {
  offset: number;
  metaDataLength: number;
  bodyLength: number;
}

/** What the schema declares: the type of each field node, in the order record batches list them. */
interface SchemaSummary {
  nodeTypes: number[];
}

function corrupt(file: string, message: string, cause?: unknown): CorruptFileError {
  return new CorruptFileError(FORMAT, file, `is damaged: ${message}`, cause === undefined ? undefined : { cause });
}

function checkMetadata(table: FlatTable, index: number, what: string): void {
  for (const entry of tableVector(table, index, `${what} metadata`)) {
    stringLength(entry, 0, `${what} metadata key`);
    stringLength(entry, 1, `${what} metadata value`);
  }
}

function checkFields(schema: FlatTable, file: string): SchemaSummary {
  const nodeTypes: number[] = [];
  const budget = schema.buffer.end - schema.buffer.start; // a field table takes more than one byte
  const visit = (field: FlatTable, depth: number, path: string): void => {
    if (depth > MAX_FIELD_DEPTH) throw corrupt(file, `field ${path} is nested more than ${MAX_FIELD_DEPTH} levels deep`);
    if (nodeTypes.length >= budget) throw corrupt(file, `the schema declares more fields than its ${budget} bytes can hold`);
    stringLength(field, 0, `the name of field ${path}`);
    const typeId = scalar(field, 2, 0, (p) => field.buffer.uint8(p));
    if (typeId < 1 || typeId > LAST_TYPE) throw corrupt(file, `field ${path} has an unknown type id ${typeId}`);
    const type = childTable(field, 3, `the type of field ${path}`);
    if (type === null) throw corrupt(file, `field ${path} has no type`);
    if (typeId === 2) {
      const bitWidth = scalar(type, 0, 0, (p) => type.buffer.int32(p));
      if (![8, 16, 32, 64].includes(bitWidth)) throw corrupt(file, `integer field ${path} has a bit width of ${bitWidth}`);
    }
    const dictionary = childTable(field, 4, `the dictionary of field ${path}`);
    if (dictionary !== null) {
      scalar(dictionary, 0, 0, (p) => dictionary.buffer.int64(p, `the dictionary id of field ${path}`));
      childTable(dictionary, 1, `the dictionary index type of field ${path}`);
    }
    checkMetadata(field, 6, `field ${path}`);
    nodeTypes.push(typeId);
    tableVector(field, 5, `the children of field ${path}`).forEach((child, k) => visit(child, depth + 1, `${path}.${k}`));
  };
  tableVector(schema, 1, 'the schema fields').forEach((field, k) => visit(field, 1, `#${k}`));
  checkMetadata(schema, 2, 'the schema');
  return { nodeTypes };
}

function readBlocks(footer: FlatTable, index: number, what: string): Block[] {
  const { start, length } = vector(footer, index, BLOCK_SIZE, what);
  const buffer = footer.buffer;
  return Array.from({ length }, (_, k) => {
    const at = start + k * BLOCK_SIZE;
    return {
      offset: buffer.int64(at, `the offset of ${what}[${k}]`),
      metaDataLength: buffer.int32(at + 8),
      bodyLength: buffer.int64(at + 16, `the body length of ${what}[${k}]`),
    };
  });
}

/** Sizes declared by one record batch (or the data of a dictionary batch). */
interface BatchSizes {
  bytes: number;
  chunks: number;
}

function checkRecordBatch(batch: FlatTable, bodyStart: number, bodyLength: number, nodeTypes: number[] | null, file: string, what: string): BatchSizes {
  const buffer = batch.buffer;
  const rows = scalar(batch, 0, 0, (p) => buffer.int64(p, `the row count of ${what}`));
  const nodes = vector(batch, 1, STRUCT16, `the column nodes of ${what}`);
  const buffers = vector(batch, 2, STRUCT16, `the buffers of ${what}`);
  const compression = childTable(batch, 3, `the compression of ${what}`);
  const codec = compression === null ? null : scalar(compression, 0, 0, (p) => compression.buffer.uint8(p));
  if (codec !== null && codec !== 0 && codec !== 1) throw corrupt(file, `${what} names an unknown compression codec ${codec}`);
  if (rows < 0) throw corrupt(file, `${what} declares ${rows} rows`);
  if (nodeTypes !== null && nodes.length !== nodeTypes.length)
    throw corrupt(file, `${what} has ${nodes.length} column nodes for the ${nodeTypes.length} fields of its schema`);
  const body = new DataView(buffer.bytes.buffer, buffer.bytes.byteOffset, buffer.bytes.byteLength);
  let bytes = 0;
  for (let k = 0; k < buffers.length; k++) {
    const at = buffers.start + k * STRUCT16;
    const offset = buffer.int64(at, `the offset of buffer ${k} of ${what}`);
    const length = buffer.int64(at + 8, `the length of buffer ${k} of ${what}`);
    if (offset < 0 || length < 0 || offset + length > bodyLength)
      throw corrupt(file, `buffer ${k} of ${what} (bytes ${offset}–${offset + length}) lies outside its ${bodyLength}-byte body`);
    if (codec === null || length === 0) {
      bytes += length;
      continue;
    }
    if (length < 8) throw corrupt(file, `compressed buffer ${k} of ${what} is ${length} bytes, too short for its length prefix`);
    const declared = body.getBigInt64(bodyStart + offset, true);
    if (declared < -1n || declared > BigInt(Number.MAX_SAFE_INTEGER))
      throw corrupt(file, `compressed buffer ${k} of ${what} declares ${declared} uncompressed bytes`);
    bytes += declared === -1n ? length - 8 : Number(declared);
  }
  const maxRows = 8 * bytes + 64; // every column but the Null type needs at least one bit per row
  let nullRows = 0;
  for (let k = 0; k < nodes.length; k++) {
    const at = nodes.start + k * STRUCT16;
    const length = buffer.int64(at, `the length of column node ${k} of ${what}`);
    const nulls = buffer.int64(at + 8, `the null count of column node ${k} of ${what}`);
    if (length < 0 || nulls < 0 || nulls > length) throw corrupt(file, `column node ${k} of ${what} declares ${length} rows with ${nulls} nulls`);
    if (nodeTypes?.[k] === NULL_TYPE) nullRows += length;
    else if (length > maxRows) throw corrupt(file, `column node ${k} of ${what} declares ${length} rows, more than its ${bytes} bytes of buffers can hold`);
  }
  if (rows > maxRows && rows > nullRows) throw corrupt(file, `${what} declares ${rows} rows, more than its ${bytes} bytes of buffers can hold`);
  return { bytes: bytes + nullRows * BYTES_PER_NULL_ROW, chunks: nodes.length };
}

/** Checks the message a block points to; returns the sizes its batch declares. */
function checkBlock(bytes: Uint8Array, block: Block, bodyEnd: number, nodeTypes: number[], file: string, what: string, dictionary: boolean): BatchSizes {
  if (block.offset < 8 || block.metaDataLength <= 0 || block.bodyLength < 0 || block.offset + block.metaDataLength + block.bodyLength > bodyEnd)
    throw corrupt(file, `${what} (at byte ${block.offset}, ${block.metaDataLength} + ${block.bodyLength} bytes) lies outside the file's data`);
  const prefix = new FlatBuffer(bytes, block.offset, bodyEnd, what);
  const continued = prefix.int32(block.offset) === -1;
  const metadataLength = prefix.int32(block.offset + (continued ? 4 : 0));
  const metadataStart = block.offset + (continued ? 8 : 4);
  if (metadataLength <= 0 || metadataStart + metadataLength > bodyEnd)
    throw corrupt(file, `the message of ${what} declares ${metadataLength} bytes of metadata, which the file does not hold`);
  const message = new FlatBuffer(bytes, metadataStart, metadataStart + metadataLength, `the message of ${what}`).root(`the message of ${what}`);
  const headerType = scalar(message, 1, 0, (p) => message.buffer.uint8(p));
  const expected = dictionary ? HEADER_DICTIONARY_BATCH : HEADER_RECORD_BATCH;
  if (headerType !== expected) throw corrupt(file, `the message of ${what} has header type ${headerType}, expected ${expected}`);
  const bodyLength = scalar(message, 3, 0, (p) => message.buffer.int64(p, `the body length of ${what}`));
  const bodyStart = metadataStart + metadataLength;
  if (bodyLength < 0 || bodyStart + bodyLength > bodyEnd)
    throw corrupt(file, `the body of ${what} (${bodyLength} bytes at byte ${bodyStart}) lies outside the file`);
  const header = childTable(message, 2, `the header of ${what}`);
  if (header === null) throw corrupt(file, `the message of ${what} has no header`);
  if (!dictionary) return checkRecordBatch(header, bodyStart, bodyLength, nodeTypes, file, what);
  scalar(header, 0, 0, (p) => header.buffer.int64(p, `the id of ${what}`));
  const data = childTable(header, 1, `the data of ${what}`);
  if (data === null) throw corrupt(file, `${what} has no data`);
  return checkRecordBatch(data, bodyStart, bodyLength, null, file, what);
}

/**
 * Checks an Arrow IPC file (its magic already checked) before it is parsed: throws a
 * CorruptFileError naming `file` for a damaged structure, a LoadLimitError for declared sizes
 * beyond the load limit.
 */
export function validateArrowFile(bytes: Uint8Array, file: string): void {
  try {
    const size = bytes.length;
    if (size < 8 + TRAILER) throw corrupt(file, `it is ${size} bytes, too short for an Arrow IPC file`);
    const footerLength = new DataView(bytes.buffer, bytes.byteOffset, size).getInt32(size - TRAILER, true);
    const footerStart = size - TRAILER - footerLength;
    if (footerLength <= 0 || footerStart < 8) throw corrupt(file, `its footer length ${footerLength} does not fit in its ${size} bytes`);
    const footer = new FlatBuffer(bytes, footerStart, size - TRAILER, 'the footer').root('the footer');
    const schema = childTable(footer, 1, 'the schema');
    if (schema === null) throw corrupt(file, 'its footer has no schema');
    const { nodeTypes } = checkFields(schema, file);
    const dictionaries = readBlocks(footer, 2, 'dictionary batch');
    const recordBatches = readBlocks(footer, 3, 'record batch');
    let declared = 0;
    let chunks = 0;
    const add = (sizes: BatchSizes): void => {
      declared += sizes.bytes;
      chunks += sizes.chunks;
      if (chunks > MAX_COLUMN_CHUNKS) throw corrupt(file, `it declares more than ${MAX_COLUMN_CHUNKS} column chunks`);
    };
    dictionaries.forEach((block, k) => add(checkBlock(bytes, block, footerStart, nodeTypes, file, `dictionary batch ${k}`, true)));
    recordBatches.forEach((block, k) => add(checkBlock(bytes, block, footerStart, nodeTypes, file, `record batch ${k}`, false)));
    checkDeclaredSize(FORMAT, file, `its ${recordBatches.length} record batch(es)`, declared);
  } catch (error) {
    if (error instanceof FlatbufferBoundsError) throw corrupt(file, error.message, error);
    throw error;
  }
}
