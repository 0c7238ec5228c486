/**
 * Compile-only type tests of ImagesBatch's actions: options are checked (names, literal modes,
 * required options), the parallel options are there, and pipelines get the same typed methods.
 * Not run by jest; `tsc -p . --noEmit` checks every `@ts-expect-error` line is an error.
 */
import { Dataset, ImagesBatch, P, zeros } from '../../src/index.js';

/** Never called: tsc only type-checks it. */
export async function imagesTypeChecks(): Promise<void> {
  const batch = ImagesBatch.fromData(null, { images: zeros([2, 8, 8, 3], 'uint8') });
  await batch.actions.flip({ mode: 'ud', p: 0.5, target: 'threads' });
  await batch.actions.crop({ origin: 'random', shape: [4, 4], src: ['images', 'masks'] });
  await batch.actions.crop({ origin: [1, 2], shape: 4, cropBoundaries: true });
  await batch.actions.rotate({ angle: P([10, -10]), resample: 'bilinear' });
  await batch.actions.resize({ size: [4, null] });
  await batch.actions.additiveNoise({ noise: { kind: 'normal', scale: 3 } });
  await batch.actions.enhance({ layout: 'cb', factor: [1.2, 0.9] });
  // @ts-expect-error: 'lr' and 'ud' are the flip modes
  await batch.actions.flip({ mode: 'horizontal' });
  // @ts-expect-error: a misspelled option
  await batch.actions.flip({ mdoe: 'lr' });
  // @ts-expect-error: crop needs a shape
  await batch.actions.crop({ origin: 'center' });
  // @ts-expect-error: unknown origin name
  await batch.actions.crop({ origin: 'middle', shape: 4 });
  // @ts-expect-error: resample names are Pillow's filters
  await batch.actions.resize({ size: [4, 4], resample: 'cubic' });
  // @ts-expect-error: noise is a distribution, not a number
  await batch.actions.additiveNoise({ noise: 3 });
  await batch.actions.load({ fmt: 'image', src: 'photos', target: 'threads' });
  await batch.actions.dump({ fmt: 'jpeg', dst: (id) => `out/${String(id)}.jpg`, quality: 90 });
  // @ts-expect-error: quality is an option of dump, not of load
  await batch.actions.load({ fmt: 'png', src: 'photos', quality: 90 });
  await batch.actions.load({ fmt: 'jpeg', src: 'photos', maxPixels: Infinity });
  // @ts-expect-error: maxPixels is a number of pixels
  await batch.actions.load({ fmt: 'image', src: 'photos', maxPixels: '1e8' });
  // @ts-expect-error: maxPixels is an option of load, not of dump
  await batch.actions.dump({ fmt: 'png', dst: 'out', maxPixels: 1000 });
  // @ts-expect-error: image files hold one component
  await batch.actions.dump({ fmt: 'png', dst: 'out', components: ['images', 'masks'] });
  const dataset = new Dataset(2, { batchClass: ImagesBatch, preloaded: { images: zeros([2, 8, 8, 3], 'uint8') } });
  dataset.p.crop({ origin: 'center', shape: 4 }).rotate({ angle: 5 }).flip({ p: 0.5 });
  // @ts-expect-error: crop needs a shape in a pipeline too
  dataset.p.crop({ origin: 'center' });
  // @ts-expect-error: rotate needs an angle
  dataset.p.rotate({ expand: true });
}
