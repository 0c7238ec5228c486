import { isConsecutiveRun, knownConsecutive, scanIdList } from '../../src/ndarray/id-list-scan.js';

describe('id list scan', () => {
  test('finds positions, the largest id and a consecutive run', () => {
    expect(scanIdList([3, 4, 5, 6])).toEqual({ allPositions: true, largest: 6, consecutive: true });
    expect(scanIdList([5, 1, 9])).toEqual({ allPositions: true, largest: 9, consecutive: false });
    expect(scanIdList(['a', 'b'])).toEqual({ allPositions: false, largest: -1, consecutive: false });
  });

  test('negative integers are consecutive but not positions; -0 never starts or joins a run', () => {
    expect(scanIdList([-2, -1, 0])).toEqual({ allPositions: false, largest: -1, consecutive: true });
    expect(scanIdList([-0, 1, 2]).consecutive).toBe(false);
    expect(isConsecutiveRun([-1, -0, 1], 0, 3)).toBe(false);
    expect(isConsecutiveRun([-1, 0, 1], 0, 3)).toBe(true);
  });

  test('a part of a list can be a run when the whole is not', () => {
    const ids = [9, 2, 3, 4, 0];
    expect(scanIdList(ids).consecutive).toBe(false);
    expect(isConsecutiveRun(ids, 1, 4)).toBe(true);
    expect(isConsecutiveRun(ids, 0, 2)).toBe(false);
  });

  test('the answer is kept per list, and knownConsecutive never scans', () => {
    const unscanned = [1, 2, 3];
    expect(knownConsecutive(unscanned)).toBe(false);
    const ids = [1, 2, 3];
    const first = scanIdList(ids);
    expect(scanIdList(ids)).toBe(first);
    expect(knownConsecutive(ids)).toBe(true);
  });
});
