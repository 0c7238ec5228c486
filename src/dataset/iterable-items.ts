/**
 * What a dataset built from an iterable does with the values its source yields: checks each item
 * (or each batch of items, split into items), and assembles items into a batch the way per-item
 * results are assembled (numbers → a 1-D float64 ndarray, same-shape arrays → one stacked ndarray,
 * anything else → a plain array).
 * @module
 */
import { Batch } from '../batch/batch.js';
import { assembleColumn } from '../batch/assemble.js';
import { isRecordSource } from '../batch/source.js';
import { columnItem, columnLength, describeKind, isColumn, type Column } from '../ndarray/columns.js';
import { isNdArray, isTypedArray } from '../ndarray/ndarray-utils.js';
import { SourceItemError } from './iterable-errors.js';

/** One item: component name → value. */
export type ItemRecord = Record<string, unknown>;

type ValueKind = 'number' | 'ndarray' | 'typed array' | 'other';

function kindOf(value: unknown): ValueKind {
  if (typeof value === 'number') return 'number';
  if (isNdArray(value)) return 'ndarray';
  if (isTypedArray(value)) return 'typed array';
  return 'other';
}

/** The component values of a record, a Map or any other object (its own enumerable properties); null for arrays, batches and non-objects. */
function entriesOf(value: unknown): [string, unknown][] | null {
  if (value instanceof Map) return [...(value as Map<unknown, unknown>).entries()].filter((entry): entry is [string, unknown] => typeof entry[0] === 'string');
  if (isRecordSource(value)) return Object.entries(value);
  if (value === null || typeof value !== 'object' || Array.isArray(value) || ArrayBuffer.isView(value) || isNdArray(value) || value instanceof Batch)
    return null;
  return Object.entries(value);
}

/**
 * Checks the items of one run against each other: the first item fixes which components the stream
 * carries (among `declared`, when the batch class declares components) and the kind of each value
 * (number, ndarray, typed array); every later item must give the same components with the same kinds.
 */
export class ItemChecker {
  #names: string[] | null = null;
  #kinds = new Map<string, ValueKind>();

  constructor(
    private readonly declared: readonly string[] | null,
    private readonly className: string,
  ) {}

  /** The components the stream carries (known after the first item). */
  get names(): readonly string[] {
    return this.#names ?? [];
  }

  /** `value` as an item record, checked; `number` is its item number (its id). */
  item(value: unknown, number: number): ItemRecord {
    const entries = entriesOf(value);
    if (entries === null)
      throw new SourceItemError(
        number,
        null,
        `item ${number} of the source: expected a record of component values ({ name: value }), got ${describeKind(value)}`,
      );
    const record: ItemRecord = {};
    for (const [name, component] of entries) {
      if (this.declared && !this.declared.includes(name))
        throw new SourceItemError(
          number,
          name,
          `item ${number} of the source: '${name}' is not a component of ${this.className} (components: ${this.declared.join(', ')})`,
        );
      if (component !== undefined) record[name] = component;
    }
    if (this.#names === null) this.#first(record, number);
    for (const name of this.#names!) {
      if (!(name in record))
        throw new SourceItemError(number, name, `item ${number} of the source: component '${name}' is missing (earlier items have ${this.#names!.join(', ')})`);
      const expected = this.#kinds.get(name);
      const kind = kindOf(record[name]);
      if (expected !== 'other' && kind !== expected)
        throw new SourceItemError(
          number,
          name,
          `item ${number} of the source: component '${name}' is ${describeKind(record[name])}, expected a ${expected} as in item 0 of the run`,
        );
    }
    for (const name of Object.keys(record))
      if (!this.#names!.includes(name))
        throw new SourceItemError(
          number,
          name,
          `item ${number} of the source: component '${name}' was not given by earlier items (they have ${this.#names!.join(', ')})`,
        );
    return record;
  }

  #first(record: ItemRecord, number: number): void {
    const names = Object.keys(record);
    if (names.length === 0) throw new SourceItemError(number, null, `item ${number} of the source: the record has no component values`);
    this.#names = names;
    for (const name of names) this.#kinds.set(name, kindOf(record[name]));
  }

  /**
   * The items of a batch the source yielded (a Batch, or a record of component arrays of one length):
   * `first` is the number of its first item, `batch` its number among the source's batches.
   */
  itemsOfBatch(value: unknown, first: number, batch: number): ItemRecord[] {
    const where = `batch ${batch} of the source (from item ${first})`;
    let columns: [string, unknown][] | null;
    if (value instanceof Batch) {
      const data = value.data;
      columns =
        value.components === null ? null : Object.entries(data as Record<string, unknown>).filter(([, column]) => column !== null && column !== undefined);
      if (columns === null)
        throw new SourceItemError(first, null, `${where}: a batch without declared components cannot be split into items; give a record of component arrays`);
    } else {
      columns = entriesOf(value);
      if (columns === null)
        throw new SourceItemError(first, null, `${where}: expected a Batch or a record of component arrays ({ name: array }), got ${describeKind(value)}`);
    }
    let length: number | null = null;
    let lengthFrom = '';
    for (const [name, column] of columns) {
      if (!isColumn(column))
        throw new SourceItemError(first, name, `${where}: component '${name}' is ${describeKind(column)}, expected an array with one entry per item`);
      const size = columnLength(column);
      if (length === null) [length, lengthFrom] = [size, name];
      else if (size !== length)
        throw new SourceItemError(first, name, `${where}: component '${name}' has ${size} items, expected ${length} as '${lengthFrom}'`);
    }
    const items: ItemRecord[] = [];
    for (let i = 0; i < (length ?? 0); i++) {
      const item: ItemRecord = {};
      for (const [name, column] of columns) item[name] = columnItem(column as Column, i);
      items.push(this.item(item, first + i));
    }
    return items;
  }
}

/** A batch of class `batchClass` whose ids are `firstId, firstId + 1, …` holding `items` (assembled per component). */
export function assembleItems<B extends Batch>(batchClass: unknown, items: readonly ItemRecord[], names: readonly string[], firstId: number): B {
  const data: Record<string, unknown> = {};
  for (const name of names) data[name] = assembleColumn(items.map((item) => item[name]));
  const ids = Array.from({ length: items.length }, (_, k) => firstId + k);
  return (batchClass as { fromData(index: number[], data: unknown): B }).fromData(ids, data);
}
