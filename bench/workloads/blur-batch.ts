/**
 * Workload B (issue #2): 200 items of 256×256 float32, each blurred 5 times with an edge-padded 3×3
 * box filter (`./blur.ts`), on the 'for' engine; results are assembled into a float32 200×256×256
 * component.
 * @module
 */
import { Batch, DatasetIndex, Rng, zeros, type NDArray } from '../../src/index.js';
import { baseline, ratioOf } from '../baseline.js';
import { assertBench, measure, round, roundStats, type Workload } from '../harness.js';
import { blur, referenceBlur } from './blur.js';

const ITEMS = 200;
const SIZE = 256;
const REPEATS = 5;

/** A batch of images. */
class ImageBatch extends Batch {
  static override components = ['images'] as const;
  declare images: NDArray;
}

/** `count` random float32 images of `size`×`size` (values in [0, 255)). */
export function randomImages(count: number, size: number, seed = 2): NDArray {
  const images = zeros([count, size, size], 'float32');
  const rng = new Rng(seed);
  const data = images.data;
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(0, 255);
  return images;
}

/** Compares item 0 of the blurred batch with the slow reference implementation. */
function checkAgainstReference(source: NDArray, result: NDArray): void {
  assertBench(result.shape.join('x') === `${ITEMS}x${SIZE}x${SIZE}`, `B: images has shape [${result.shape.join(', ')}]`);
  assertBench(result.data instanceof Float32Array, 'B: images are not float32');
  const first = (source.data as Float32Array).subarray(0, SIZE * SIZE);
  const expected = referenceBlur(first, SIZE, SIZE, REPEATS);
  const got = (result.data as Float32Array).subarray(result.offset, result.offset + SIZE * SIZE);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(expected[i]! - got[i]!));
  assertBench(worst < 1e-3, `B: blur differs from the reference by ${worst}`);
}

export const workloadB: Workload = {
  id: 'B',
  title: "200 × 256×256 float32, 3×3 box blur ×5 per item, target 'for'",
  async run(settings) {
    const source = randomImages(ITEMS, SIZE);
    const index = new DatasetIndex(ITEMS);
    let checked = false;
    const stats = await measure(
      settings,
      // the batch shares the source array (copy: false) and the action replaces the component, so the source stays intact
      () => new ImageBatch(index, { preloaded: { images: source } }),
      (batch) => batch.applyParallel(blur, { src: 'images', target: 'for', repeats: REPEATS }),
      (batch) => {
        if (checked) return;
        checkAgainstReference(source, batch.images);
        checked = true;
      },
    );
    return [
      {
        workload: 'B',
        name: `box blur 3×3 ×${REPEATS}, ${ITEMS} × ${SIZE}×${SIZE} float32 items`,
        engine: 'for',
        unit: 'ms/batch',
        ...roundStats(stats),
        items: ITEMS,
        perItemMs: round(stats.median / ITEMS),
        batchflow: { median: baseline.B_for.value, unit: baseline.B_for.unit },
        ratio: round(ratioOf(baseline.B_for, stats.median), 3),
      },
    ];
  },
};
