/**
 * Sub-ranges of an {@link ItemTask}. Positions stay global: a slice of items `[start, end)` keeps
 * item `start` at position `start`, so its generator, `p` mask value, per-item options, index value
 * and error position are those it has in the whole task.
 * @module
 */
import type { ItemSource, ItemTask, PerItemSource, RngSeeding } from '../item-task.js';

function sliceSource(items: ItemSource, start: number, end: number): ItemSource {
  return { length: end - start, at: (local) => items.at(start + local) };
}

function slicePerItem(source: PerItemSource, start: number): PerItemSource {
  return { valueAt: (local) => source.valueAt(start + local) };
}

function sliceSeeding(seeding: RngSeeding, start: number, end: number): RngSeeding {
  if (seeding.kind !== 'perItem') return seeding;
  return { kind: 'perItem', seeds: Array.prototype.slice.call(seeding.seeds, start, end) as number[] };
}

/**
 * The items `[start, end)` of `task` (local to the task: 0 is its first item) as a task of their own
 * whose `offset` is their global position. Runs of the slice give exactly the results the same items
 * give in the whole task.
 */
export function sliceTask(task: ItemTask, start: number, end: number): ItemTask {
  const count = task.items.length;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end <= count)) {
    throw new RangeError(`sliceTask: expected 0 <= start <= end <= ${count} (the items of '${task.action}'), got [${start}, ${end})`);
  }
  return {
    ...task,
    offset: task.offset + start,
    items: sliceSource(task.items, start, end),
    perItemOptions: task.perItemOptions.map(([name, source]) => [name, slicePerItem(source, start)] as const),
    perItemArgs: task.perItemArgs.map(([index, source]) => [index, slicePerItem(source, start)] as const),
    applyMask: task.applyMask ? task.applyMask.subarray(start, end) : null,
    rngSeeding: sliceSeeding(task.rngSeeding, start, end),
    indexValues: Array.prototype.slice.call(task.indexValues, start, end) as unknown[],
  };
}
