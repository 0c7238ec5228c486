/**
 * `Batch.merge`: joins batches into one of `batchSize` items and a batch with the rest, component
 * by component (each component's parts joined by the class's `mergeComponent`).
 * @module
 */
import { DatasetIndex } from '../dataset/dataset-index.js';
import { ArgumentError, ComponentError } from '../errors.js';
import { columnLength, isColumn, takeColumn, type Column } from '../ndarray/columns.js';
import type { BatchLike } from './batch-like.js';
import type { ComponentStore } from './component-store.js';

/** The class the merged batches are made of. */
export interface MergeTarget<B extends BatchLike> {
  new (index: DatasetIndex): B;
  mergeComponent(component: string, data: readonly Column[]): Column;
}

/** Options of `Batch.merge` besides the batch class. */
export interface MergeSettings {
  readonly batchSize?: number | null | undefined;
  readonly components?: string | readonly string[] | null | undefined;
}

/** Cuts `columns` (in order) into the first `firstSize` entries and the rest. */
function splitParts(columns: readonly Column[], firstSize: number): [Column[], Column[]] {
  const head: Column[] = [];
  const tail: Column[] = [];
  let seen = 0;
  columns.forEach((column) => {
    const length = columnLength(column);
    const take = Math.max(0, Math.min(length, firstSize - seen));
    if (take === length) head.push(column);
    else if (take === 0) tail.push(column);
    else {
      head.push(
        takeColumn(
          column,
          Int32Array.from({ length: take }, (_, i) => i),
        ),
      );
      tail.push(
        takeColumn(
          column,
          Int32Array.from({ length: length - take }, (_, i) => take + i),
        ),
      );
    }
    seen += length;
  });
  return [head, tail];
}

/** `[batch, rest]` merged from `batches` into instances of `batchClass`; `storeOf` gives a new batch's storage. */
export function mergeBatches<B extends BatchLike>(
  batches: readonly BatchLike[],
  options: MergeSettings,
  batchClass: MergeTarget<B>,
  storeOf: (batch: B) => ComponentStore,
): [B | null, B | null] {
  if (batches.length === 0) return [null, null];
  const total = batches.reduce((sum, batch) => sum + batch.size, 0);
  const { batchSize } = options;
  if (batchSize !== undefined && batchSize !== null && (!Number.isInteger(batchSize) || batchSize < 1))
    throw new ArgumentError('batchSize', `expected a positive integer, got ${batchSize}`);
  const firstSize = batchSize ? Math.min(batchSize, total) : total;
  const mergeEntry = (name: string, values: ReadonlyArray<Column | null>): [Column | null, Column | null] => {
    if (values.every((value) => value === null)) return [null, null];
    if (values.some((value) => value === null)) throw new ComponentError(name, `component '${name}' is null in some batches and not in others`);
    const [head, tail] = splitParts(values as Column[], firstSize);
    return [head.length ? batchClass.mergeComponent(name, head) : null, tail.length ? batchClass.mergeComponent(name, tail) : null];
  };
  const make = (size: number, build: (store: ComponentStore) => void): B | null => {
    if (size === 0) return null;
    const batch = new batchClass(new DatasetIndex(size));
    build(storeOf(batch));
    return batch;
  };
  const names =
    options.components === undefined || options.components === null
      ? batches[0]!.components
      : typeof options.components === 'string'
        ? [options.components]
        : options.components;
  if (names === null) {
    const data = batches.map((batch) => batch.data);
    const merged = mergeEntry(
      'data',
      data.map((d) => (isColumn(d) ? d : null)),
    );
    if (data.some((d) => d !== null && !isColumn(d)))
      throw new ArgumentError('batches', 'merging unnamed data is supported for arrays; give the batch class components to merge records or tuples');
    return [make(firstSize, (store) => store.replaceUnnamed(merged[0])), make(total - firstSize, (store) => store.replaceUnnamed(merged[1]))];
  }
  const mergedColumns = names.map((name) =>
    mergeEntry(
      name,
      batches.map((batch) => batch.getComponent(name)),
    ),
  );
  const fill = (part: 0 | 1) => (store: ComponentStore) =>
    store.replaceComponents(
      names,
      mergedColumns.map((entry) => entry[part]),
    );
  return [make(firstSize, fill(0)), make(total - firstSize, fill(1))];
}
