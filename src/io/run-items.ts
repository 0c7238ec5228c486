/**
 * Runs a per-item file function (portable, so it also runs on worker engines) over a list of items
 * through the batch's parallel machinery, and returns its results in item order. Used by the
 * formats that read or write one file per item (blosc, image).
 * @module
 */
import type { BatchLike } from '../batch/batch-like.js';
import type { Target } from '../engines/target.js';

/** The engine options a one-file-per-item format accepts. */
export interface ItemRunOptions {
  readonly target?: Target;
  readonly nWorkers?: number;
  readonly chunkSize?: number;
}

/** `func(item, settings)` for every item on `options.target` ('for' by default); the results in item order. */
export async function runItems(
  batch: BatchLike,
  func: (item: never, options: never) => unknown,
  items: unknown[],
  options: ItemRunOptions,
  settings: object = {},
): Promise<unknown[]> {
  let results: unknown[] = [];
  const post = (collected: unknown[]): void => {
    results = collected;
  };
  await batch.applyParallel(
    func as never,
    {
      init: items,
      post,
      target: (options.target as never) ?? 'for',
      nWorkers: options.nWorkers,
      chunkSize: options.chunkSize,
      ...settings,
    } as never,
  );
  return results;
}
