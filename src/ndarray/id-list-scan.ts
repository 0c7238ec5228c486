/**
 * One scan of a list of ids that never changes (an index's ids, which every batch of that index
 * shares): whether every id is a position (a non-negative integer), the largest, and whether they are
 * consecutive. The locator, the gathering of rows and the worker engines' id encoding all ask; the
 * list is scanned once and the answer kept with it.
 * @module
 */

/** What a scan of an id list found. */
export interface IdListScan {
  /** Every id is a non-negative integer (a position in a long enough source). */
  readonly allPositions: boolean;
  /** The largest id when {@link allPositions}, -1 otherwise (or for an empty list). */
  readonly largest: number;
  /** The ids are safe integers `first, first + 1, …`, none of them -0 (which would come back as 0 from first and count). */
  readonly consecutive: boolean;
}

const scans = new WeakMap<object, IdListScan>();

/** True when `ids[start, end)` are safe integers `first, first + 1, …`, none of them -0 (not kept). */
export function isConsecutiveRun(ids: ArrayLike<unknown>, start: number, end: number): boolean {
  const count = Math.max(0, end - start);
  const first = ids[start];
  let consecutive = typeof first === 'number' && Number.isSafeInteger(first) && Number.isSafeInteger(first + count) && !Object.is(first, -0);
  for (let k = 1; consecutive && k < count; k++) {
    const id = ids[start + k];
    consecutive = id === (first as number) + k && (id !== 0 || Object.is(id, 0));
  }
  return consecutive;
}

/** The scan of `ids`, made on first use and kept: only for lists that never change. */
export function scanIdList(ids: ArrayLike<unknown>): IdListScan {
  let scan = scans.get(ids);
  if (scan !== undefined) return scan;
  let largest = -1;
  let allPositions = true;
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k];
    if (typeof id !== 'number' || !Number.isInteger(id) || id < 0) {
      allPositions = false;
      break;
    }
    if (id > largest) largest = id;
  }
  scan = { allPositions, largest: allPositions ? largest : -1, consecutive: ids.length > 0 && isConsecutiveRun(ids, 0, ids.length) };
  scans.set(ids, scan);
  return scan;
}

/** True when `ids` was scanned ({@link scanIdList}) and found consecutive; never scans (for lists that may change). */
export function knownConsecutive(ids: ArrayLike<unknown>): boolean {
  return scans.get(ids)?.consecutive === true;
}
