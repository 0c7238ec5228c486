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

/** A locator for the items `ids` of a batch taken from `dataset` (if any). */
export function createLocator(ids: readonly IndexValue[], dataset: DatasetLike | null): ItemLocator {
  const cache = new Map<number, ArrayLike<number>>();
  return {
    ids,
    positions: (sourceLength) => {
      let positions = cache.get(sourceLength);
      if (positions) return positions;
      const dataIndex = dataset?.dataIndex;
      if (dataIndex && dataIndex.length === sourceLength) positions = dataIndex.getPositions(ids);
      else {
        // scanned once per list of ids (batches of one index share it); the gathering then knows a consecutive run
        const scan = scanIdList(ids);
        if (scan.allPositions && scan.largest < sourceLength) positions = ids as readonly number[];
        else if (sourceLength === ids.length) positions = Int32Array.from({ length: ids.length }, (_, i) => i);
        else {
          throw new ArgumentError(
            'src',
            `cannot locate the batch's ${ids.length} items in a source of ${sourceLength} entries: the ids are not positions in it; create the batch from a Dataset (which maps ids to positions) or pass one entry per batch item`,
          );
        }
      }
      cache.set(sourceLength, positions);
      return positions;
    },
  };
}
