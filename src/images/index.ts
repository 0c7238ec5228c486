/**
 * The public names of the images folder: `ImagesBatch`, its option types and the image kernels.
 * @module
 */
export { ImagesBatch } from './images-batch.js';
export type { Origin } from './origin.js';
export type { NoiseSpec } from './pixel-ops.js';
export type { Resample } from './resample.js';
export { gaussianFilter, warpImage } from './elastic.js';
export type * from './options.js';
