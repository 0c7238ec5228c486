/**
 * What travels between the calling thread and a batch worker for one batch: its class, ids,
 * attributes and component data. A payload is an array `[meta, ...columns]`, so the worker engines
 * carry each ndarray column as one typed array (packed once and moved with a transfer list on
 * 'threads', copied in bulk on 'mpc'), never element by element; large columns take another way (see
 * column-files.ts).
 * @module
 */
import type { Batch } from '../../batch/batch.js';
import { getDefiningModule } from '../../decorators/registry.js';
import type { IndexValue } from '../../dataset/dataset-index.js';
import { isNdArray } from '../../ndarray/ndarray-utils.js';
import { cloneable } from '../../util/cloneable.js';

/** A batch's identity and layout: everything but its component data. */
export interface BatchMeta {
  readonly className: string;
  /** The module that defined the class (through the decorator registry), or undefined. */
  readonly module: string | undefined;
  readonly ids: readonly IndexValue[];
  /** Component names, or null for a batch of unnamed data. */
  readonly components: readonly string[] | null;
  /** The attributes that survive structured cloning (others stay where they are). */
  readonly attributes: Record<string, unknown>;
}

/** A meta record followed by the component columns (in `components` order; one entry for unnamed data). */
export type Payload<M> = [M, ...unknown[]];

/** A typed array that does not cover its whole buffer would drag the whole buffer along: copy its part. */
function tight(column: unknown): unknown {
  if (ArrayBuffer.isView(column) && !isNdArray(column) && column.byteLength !== column.buffer.byteLength) return (column as Uint8Array).slice();
  return column;
}

/** The meta of `batch`: class, ids, components and clonable attributes (its data is not loaded). */
export function batchMeta(batch: Batch): BatchMeta {
  const attributes: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(batch.getAttrs())) if (cloneable(value)) attributes[name] = value;
  const cls = batch.constructor as typeof Batch;
  const components = batch.components;
  return { className: cls.name, module: getDefiningModule(cls), ids: [...batch.indices], components: components ? [...components] : null, attributes };
}

/** The meta and columns of `batch` (its preloaded data is loaded first, as any access would). */
export function packBatch(batch: Batch): { meta: BatchMeta; columns: unknown[] } {
  const meta = batchMeta(batch);
  const data = batch.data;
  const columns = meta.components === null ? [tight(data)] : meta.components.map((name) => tight((data as Record<string, unknown>)[name]));
  return { meta, columns };
}

/** True when no column holds data (nothing to send). */
export function allEmpty(columns: readonly unknown[]): boolean {
  return columns.every((column) => column === null || column === undefined);
}

/**
 * Gives `batch` the components, data and attributes of a payload: components it lacks are added, then
 * all columns are set at once.
 */
export async function fillBatch(batch: Batch, meta: BatchMeta, columns: readonly unknown[]): Promise<void> {
  if (meta.components === null) {
    batch.data = columns[0] ?? null;
  } else {
    const missing = meta.components.filter((name) => !(batch.components ?? []).includes(name));
    if (missing.length > 0) await batch.addComponents(missing);
    const record: Record<string, unknown> = {};
    meta.components.forEach((name, k) => (record[name] = columns[k] ?? null));
    batch.data = record;
  }
  if (Object.keys(meta.attributes).length > 0) batch.createAttrs(meta.attributes);
}
