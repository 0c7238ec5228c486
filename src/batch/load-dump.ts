/**
 * The runtime of `batch.load` and `batch.dump`: in memory (no `fmt`) or through the format registry.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { getFormat } from '../io/format-registry.js';
import { columnItem, columnLength, describeKind, isColumn, setColumnItem, type Column } from '../ndarray/columns.js';
import type { BatchLike } from './batch-like.js';
import type { ComponentStore } from './component-store.js';
import type { DumpOptions, LoadOptions } from './load-dump-options.js';
import type { ItemLocator } from './source.js';

/** `batch.load(options)` on `batch`, whose data is `store`. */
export async function loadBatch(batch: BatchLike, store: ComponentStore, options: LoadOptions): Promise<void> {
  const { src, fmt, dst, ...formatOptions } = options;
  store.ensureLoaded();
  if (fmt !== undefined && fmt !== null) {
    const handler = await getFormat(fmt);
    await handler.load(batch, { src, dst, ...formatOptions });
    return;
  }
  store.loadInMemory(src, dst);
}

/** `batch.dump(options)` on `batch`, whose data is `store`; `locate` finds its items in the destination. */
export async function dumpBatch(batch: BatchLike, store: ComponentStore, locate: () => ItemLocator, options: DumpOptions): Promise<void> {
  const { dst, fmt, components, ...formatOptions } = options;
  if (fmt !== undefined && fmt !== null) {
    const handler = await getFormat(fmt);
    store.ensureLoaded();
    for (const name of typeof components === 'string' ? [components] : Array.isArray(components) ? components : []) {
      if (typeof name === 'string') store.assertComponent(name);
    }
    if ((components === undefined || components === null) && store.names === null && store.unnamed !== null) {
      const className = batch.constructor.name;
      throw new ArgumentError(
        'components',
        `${className} holds unnamed data (it has no components), and files store components by name; give the class static components, load the data with dst names (batch.load({ src, dst: [...] })), or create the batch with ${className}.fromData(index, { name: data })`,
      );
    }
    await handler.dump(batch, { dst, components, ...formatOptions });
    return;
  }
  const names = components === undefined ? (store.names ?? []) : typeof components === 'string' ? [components] : [...components];
  if (names.length > 1) throw new ArgumentError('components', `only one component can be dumped into an in-memory array, got [${names.join(', ')}]`);
  if (!isColumn(dst)) throw new ArgumentError('dst', `expected an array, typed array or ndarray to fill, got ${describeKind(dst)}`);
  const value = names.length === 1 ? batch.getComponent(names[0]!) : (batch.data as Column | null);
  if (value === null || !isColumn(value)) throw new ArgumentError('components', 'the batch holds no data to dump');
  const positions = locate().positions(columnLength(dst));
  for (let k = 0; k < positions.length; k++) setColumnItem(dst, positions[k]!, columnItem(value, k), names[0] ?? 'data');
}
