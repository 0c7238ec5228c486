/**
 * Synthetic data for the demo: grey 32×32 images with one bright square each, the square's mask,
 * and a label (0 = small square, 1 = large square). Deterministic for a given seed.
 * @module
 */
import ndarray from 'ndarray';
import { Rng, zeros, type NDArray } from '../src/index.js';

/** The generated dataset: three components with one entry per item, plus the item ids. */
export interface ShapesData {
  ids: string[];
  /** count×size×size float32, background ≈ 20 with texture, square ≈ 200. */
  images: NDArray;
  /** count×size×size uint8: 1 inside the square. */
  masks: NDArray;
  /** count float64: 0 = small square (side < 8), 1 = large square. */
  labels: NDArray;
}

/** Generates `count` images of `size`×`size` pixels. */
export function makeShapes(count = 64, size = 32, seed = 7): ShapesData {
  const rng = new Rng(seed);
  const images = zeros([count, size, size], 'float32');
  const masks = zeros([count, size, size], 'uint8');
  const labels = new Float64Array(count);
  const pixels = size * size;
  for (let i = 0; i < count; i++) {
    const side = rng.integers(4, 15);
    const top = rng.integers(0, size - side + 1);
    const left = rng.integers(0, size - side + 1);
    labels[i] = side >= 8 ? 1 : 0;
    for (let y = 0; y < size; y++) {
      for (let x = 0; x < size; x++) {
        const inside = y >= top && y < top + side && x >= left && x < left + side;
        const k = i * pixels + y * size + x;
        images.data[k] = (inside ? 200 : 20) + rng.uniform(-8, 8);
        masks.data[k] = inside ? 1 : 0;
      }
    }
  }
  const ids = Array.from({ length: count }, (_, i) => `img-${String(i).padStart(2, '0')}`);
  return { ids, images, masks, labels: ndarray(labels, [count]) };
}
