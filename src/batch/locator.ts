/**
 * Finds a batch's items in a source of a given length (see docs/differences.md, "ids and positions"):
 * through the dataset's index when the source is dataset-sized, else ids that are positions, else
 * one entry per batch item.
 * @module
 */
import type { IndexValue } from '../dataset/dataset-index.js';
import { ArgumentError } from '../errors.js';
import { markContiguousRun } from '../ndarray/columns.js';
import type { DatasetLike } from './dataset-link.js';
import type { ItemLocator } from './source.js';

/**
 * What one scan of a list of ids found. An index never changes its ids, and batches of one index
 * share its list, so the scan is made once per list rather than once per batch and source.
 */
interface IdScan {
  /** Every id is a non-negative integer (a position in a long enough source). */
  readonly allPositions: boolean;
  /** The largest id (-1 when there is none, or when not every id is a position). */
  readonly largest: number;
  /** The ids are `first, first + 1, …`. */
  readonly consecutive: boolean;
}

const scans = new WeakMap<readonly IndexValue[], IdScan>();

function scanIds(ids: readonly IndexValue[]): IdScan {
  let scan = scans.get(ids);
  if (scan !== undefined) return scan;
  let largest = -1;
  let allPositions = true;
  let consecutive = true;
  const first = ids[0];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      allPositions = false;
      break;
    }
    if (id > largest) largest = id;
    consecutive &&= id === (first as number) + k;
  }
  scan = allPositions ? { allPositions, largest, consecutive } : { allPositions, largest: -1, consecutive: false };
  scans.set(ids, scan);
  return scan;
}

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
        const scan = scanIds(ids);
        if (scan.allPositions && scan.largest < sourceLength) {
          positions = ids as readonly number[];
          if (scan.consecutive) markContiguousRun(positions);
        } else if (sourceLength === ids.length) positions = Int32Array.from({ length: ids.length }, (_, i) => i);
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
