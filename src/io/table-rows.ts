/**
 * Which rows of a table belong to a batch: by the table's index, by row number, or by the batch's
 * dataset positions; and gathering those rows from a column.
 * @module
 */
import type { BatchLike } from '../batch/batch-like.js';
import { takeColumn, type Column } from '../ndarray/columns.js';
import { MissingIdError } from '../errors.js';
import { FileFormatError, MissingRowError } from './errors.js';
import type { IndexKey, TableSource, TableValues } from './table.js';

const numericString = /^[+-]?\d+(\.\d+)?([eE][+-]?\d+)?$/;

/**
 * Positions of the batch's rows in the table, in batch order; null means "all rows, in order"
 * (the table has exactly the batch's rows). Missing ids are a MissingRowError listing them.
 */
export function selectRows(table: TableSource, batch: BatchLike): Int32Array | null {
  const ids = batch.indices;
  const out = new Int32Array(ids.length);
  if (table.index !== null) {
    const byKey = new Map<IndexKey, number>();
    const repeated = new Map<IndexKey, number>(); // an index value on several rows → its second row
    for (let row = 0; row < table.index.length; row++) {
      const key = table.index[row]!;
      if (!byKey.has(key)) byKey.set(key, row);
      else if (!repeated.has(key)) repeated.set(key, row);
    }
    const missing: unknown[] = [];
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]!;
      let key: IndexKey = id;
      if (!byKey.has(key) && typeof id === 'string' && numericString.test(id)) key = Number(id);
      if (!byKey.has(key) && typeof id === 'number') key = String(id);
      const row = byKey.get(key);
      if (row === undefined) missing.push(id);
      else if (repeated.has(key)) {
        throw new FileFormatError(
          table.format,
          table.file,
          `the id ${JSON.stringify(id)} is on several rows of the index (rows ${row} and ${repeated.get(key)!}), so its row is ambiguous; ids must be unique in the index (choose another index column)`,
        );
      } else out[k] = row;
    }
    if (missing.length > 0) throw new MissingRowError(table.format, table.file, missing, `${missing.length} of the batch's ${ids.length} ids`);
    return isIdentity(out, table.rowCount) ? null : out;
  }
  const asPositions = ids.every((id) => typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount);
  if (table.positional === 'range') {
    if (!asPositions) {
      const missing = ids.filter((id) => !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount));
      throw new MissingRowError(
        table.format,
        table.file,
        missing,
        `the file has no index column, so ids are row numbers 0..${table.rowCount - 1}; pass indexCol to select rows by id`,
      );
    }
  } else {
    const dataset = batch.dataset;
    if (dataset && dataset.index.length === table.rowCount) {
      try {
        out.set(dataset.index.getPositions(ids));
      } catch (error) {
        if (error instanceof MissingIdError) throw new MissingRowError(table.format, table.file, error.ids, "the batch's dataset does not hold them");
        throw error;
      }
      return isIdentity(out, table.rowCount) ? null : out;
    }
    if (!asPositions) {
      if (table.rowCount === ids.length) return null;
      throw new MissingRowError(
        table.format,
        table.file,
        ids.filter((id) => !(typeof id === 'number' && Number.isInteger(id) && id >= 0 && id < table.rowCount)),
        `the file has ${table.rowCount} rows and no index dataset; ids must be row numbers, or the batch must come from a dataset of ${table.rowCount} items`,
      );
    }
  }
  for (let k = 0; k < ids.length; k++) out[k] = ids[k] as number;
  return isIdentity(out, table.rowCount) ? null : out;
}

function isIdentity(positions: Int32Array, rowCount: number): boolean {
  if (positions.length !== rowCount) return false;
  for (let k = 0; k < positions.length; k++) if (positions[k] !== k) return false;
  return true;
}

/** The rows at `positions` of `values` (all of them when null). */
export function gatherRows(values: TableValues, positions: Int32Array | null): TableValues {
  if (positions === null) return values;
  return takeColumn(values as Column, positions) as TableValues;
}
