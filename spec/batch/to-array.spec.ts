/**
 * `toArray`: shapes and dtypes of converted items, and the required `src`.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ArgumentError, Batch, type NDArray } from '../../src/index.js';
import { toList } from '../helpers/values.js';

class IB extends Batch {
  static override components = ['images', 'labels'] as const;
  declare images: NDArray | unknown[];
  declare labels: NDArray | null;
}

/** Two 2×2 int32 items: [[1,2],[3,4]] and [[5,6],[7,8]]. */
function twoByTwo(): IB {
  const batch = new IB([0, 1]);
  batch.images = ndarray(Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
  return batch;
}

const images = (batch: IB): NDArray => batch.getComponent('images') as NDArray;

describe('toArray (§6.7)', () => {
  test("§6.7 two 2×2 items, channels 'last' (default) → shape [2,2,2,1], float32", async () => {
    const batch = await twoByTwo().actions.toArray({ src: 'images' });
    expect(images(batch).shape).toEqual([2, 2, 2, 1]);
    expect(images(batch).dtype).toBe('float32');
    expect(toList(images(batch))).toEqual([
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [
        [[5], [6]],
        [[7], [8]],
      ],
    ]);
  });

  test("§6.7 two 2×2 items, channels 'first' → shape [2,1,2,2]", async () => {
    const batch = await twoByTwo().actions.toArray({ src: 'images', channels: 'first' });
    expect(images(batch).shape).toEqual([2, 1, 2, 2]);
    expect(toList(images(batch))).toEqual([
      [
        [
          [1, 2],
          [3, 4],
        ],
      ],
      [
        [
          [5, 6],
          [7, 8],
        ],
      ],
    ]);
  });

  test('§6.7 two 2×2 items, channels null → shape unchanged [2,2,2]', async () => {
    const batch = await twoByTwo().actions.toArray({ src: 'images', channels: null });
    expect(images(batch).shape).toEqual([2, 2, 2]);
    expect(images(batch).dtype).toBe('float32');
    expect(toList(images(batch))).toEqual([
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ]);
  });

  test('§6.7 dtype null keeps the item dtype (int32 here)', async () => {
    const batch = await twoByTwo().actions.toArray({ src: 'images', dtype: null });
    expect(images(batch).dtype).toBe('int32');
    expect(images(batch).shape).toEqual([2, 2, 2, 1]);
  });

  test("§6.7 dtype 'uint8' casts the values", async () => {
    const batch = await twoByTwo().actions.toArray({ src: 'images', dtype: 'uint8', channels: null });
    expect(images(batch).dtype).toBe('uint8');
    expect(Array.from(images(batch).data as Uint8Array)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  test("§6.7 4×5×3 items with channels 'first' → [2,3,4,5]: the last axis moves to the front", async () => {
    const batch = new IB([0, 1]);
    const data = Float64Array.from({ length: 2 * 4 * 5 * 3 }, (_, i) => i);
    batch.images = ndarray(data, [2, 4, 5, 3]);
    await batch.actions.toArray({ src: 'images', channels: 'first' });
    const out = images(batch);
    expect(out.shape).toEqual([2, 3, 4, 5]);
    // out[n, c, h, w] == in[n, h, w, c]
    for (const [n, c, h, w] of [
      [0, 0, 0, 0],
      [0, 2, 3, 4],
      [1, 1, 2, 3],
      [1, 2, 0, 1],
    ] as const) {
      expect(out.get(n, c, h, w)).toBe(data[((n * 4 + h) * 5 + w) * 3 + c]);
    }
  });

  test("§6.7 4×5×3 items with channels 'last' stay [2,4,5,3]", async () => {
    const batch = new IB([0, 1]);
    batch.images = ndarray(new Float64Array(120), [2, 4, 5, 3]);
    await batch.actions.toArray({ src: 'images' });
    expect(images(batch).shape).toEqual([2, 4, 5, 3]);
  });

  test('§6.7 (bug 5) items stored as nested JS arrays are converted, not spread', async () => {
    const batch = new IB([0, 1]);
    batch.images = [
      [
        [1, 2],
        [3, 4],
      ],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    await batch.actions.toArray({ src: 'images', dst: 'labels' });
    expect(batch.labels!.shape).toEqual([2, 2, 2, 1]);
    expect(toList(batch.labels)).toEqual([
      [
        [[1], [2]],
        [[3], [4]],
      ],
      [
        [[5], [6]],
        [[7], [8]],
      ],
    ]);
  });

  test('§6.7 ragged nested arrays → ActionError caused by a TypeError', async () => {
    const batch = new IB([0, 1]);
    batch.images = [
      [[1, 2], [3]],
      [
        [5, 6],
        [7, 8],
      ],
    ];
    await expect(batch.actions.toArray({ src: 'images' })).rejects.toThrow(/rectangular/);
  });

  test('§6.7 src is required: toArray() → ArgumentError naming src', async () => {
    const batch = twoByTwo();
    const error = await batch.actions.toArray().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('src');
    expect(images(batch).shape).toEqual([2, 2, 2]);
  });

  test('§6.7 the per-item form _toArray_ converts one item', () => {
    const batch = new IB([0]);
    const inner = (batch as unknown as { _toArray_(item: unknown, o: object): NDArray })._toArray_(
      [
        [1, 2],
        [3, 4],
      ],
      { channels: 'first' },
    );
    expect(inner.shape).toEqual([1, 2, 2]);
    expect(inner.dtype).toBe('float32');
  });
});
