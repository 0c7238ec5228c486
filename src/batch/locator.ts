/**
 * Finds a batch's items in a source of a given length (see docs/differences.md, "ids and positions"):
 * through the dataset's index when the source is dataset-sized, else ids that are positions, else
 * one entry per batch item.
 * @module
 */
import type { IndexValue } from '../dataset/dataset-index.js';
import { ArgumentError } from '../errors.js';
import { scanIdList } from '../ndarray/id-list-scan.js';
import type { DatasetLike } from './dataset-link.js';
import type { ItemLocator } from './source.js';

/** The positions of a batch's items, found once per source length (a batch's components are usually all dataset-sized). */
class BatchItemLocator implements ItemLocator {
  #lastLength = -1;
  #lastPositions: ArrayLike<number> | null = null;
  #others: Map<number, ArrayLike<number>> | null = null;

  constructor(
    readonly ids: readonly IndexValue[],
    private readonly dataset: DatasetLike | null,
  ) {}

  positions(sourceLength: number): ArrayLike<number> {
    if (sourceLength === this.#lastLength) return this.#lastPositions!;
    const known = this.#others?.get(sourceLength);
    if (known) return known;
    const positions = this.#find(sourceLength);
    if (this.#lastPositions !== null) (this.#others ??= new Map()).set(this.#lastLength, this.#lastPositions);
    this.#lastLength = sourceLength;
    this.#lastPositions = positions;
    return positions;
  }

  #find(sourceLength: number): ArrayLike<number> {
    const ids = this.ids;
    const dataIndex = this.dataset?.dataIndex;
    if (dataIndex && dataIndex.length === sourceLength) return dataIndex.getPositions(ids);
    // scanned once per list of ids (batches of one index share it); the gathering then knows a consecutive run
    const scan = scanIdList(ids);
    if (scan.allPositions && scan.largest < sourceLength) return ids as readonly number[];
    if (sourceLength === ids.length) return Int32Array.from({ length: ids.length }, (_, i) => i);
    throw new ArgumentError(
      'src',
      `cannot locate the batch's ${ids.length} items in a source of ${sourceLength} entries: the ids are not positions in it; create the batch from a Dataset (which maps ids to positions) or pass one entry per batch item`,
    );
  }
}

/** A locator for the items `ids` of a batch taken from `dataset` (if any). */
export function createLocator(ids: readonly IndexValue[], dataset: DatasetLike | null): ItemLocator {
  return new BatchItemLocator(ids, dataset);
}
