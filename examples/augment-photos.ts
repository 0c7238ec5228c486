/**
 * The main job (`npm run demo`): augmentation of real photos with the library's `ImagesBatch`.
 *
 * - A `FilesIndex` over the four photos of spec/fixtures/images (PNG and JPEG, RGB and grayscale,
 *   different sizes; licences in that folder's README) and a `Dataset` of `ImagesBatch`.
 * - A pipeline loads each batch from its files (`load({ fmt: 'image' })`) and augments it on the
 *   'threads' engine: a 256×256 crop at a random origin, a rotation by a random angle in ±15°
 *   (one per item, `P(R(...))`), a left/right flip with p = 0.5 and Gaussian noise with p = 0.5.
 * - Three epochs give three augmented versions of every photo, written as PNG files, and a contact
 *   sheet (one PNG: each photo, then its three versions) that a person can look at.
 * - The output folder is the first argument, or `<tmpdir>/batchflow-augment-photos`; it is replaced
 *   on every run and the program prints where the files are.
 *
 * Worker threads import this module, so the program only runs when it is the entry point (runMain).
 * @module
 */
import { mkdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import { Dataset, FilesIndex, ImagesBatch, P, R, type NDArray } from '../src/index.js';
import { runMain } from './run-main.js';

const PHOTOS = fileURLToPath(new URL('../spec/fixtures/images/', import.meta.url));
const TILE = 256;
const EPOCHS = 3;
const GAP = 8;

/** The augmentation pipeline over a dataset of photo files; every random draw comes from the run's seed. */
export function augmentation(dataset: Dataset<ImagesBatch>) {
  return dataset.p
    .load({ fmt: 'image' })
    .crop({ origin: 'random', shape: [TILE, TILE], target: 'threads' })
    .rotate({ angle: P(R('uniform', -15, 15)), resample: 'bilinear', target: 'threads' })
    .flip({ mode: 'lr', p: 0.5, target: 'threads' })
    .additiveNoise({ noise: { kind: 'normal', scale: 12 }, clip: true, preserveType: true, p: 0.5, target: 'threads' });
}

/** Item `i` of a component that is a stacked ndarray or a list of ndarrays. */
function itemOf(images: NDArray | NDArray[], i: number): NDArray {
  return Array.isArray(images) ? images[i]! : images.pick(i, null, null, null);
}

/** Copies an H×W or H×W×C uint8 image into the RGB sheet at (top, left), gray repeated in the three channels. */
function paste(sheet: NDArray, image: NDArray, top: number, left: number): void {
  const [height, width] = image.shape as [number, number];
  const gray = image.shape.length === 2;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) for (let c = 0; c < 3; c++) sheet.set(top + y, left + x, c, gray ? image.get(y, x) : image.get(y, x, c));
}

async function main(): Promise<void> {
  const out = process.argv[2] ?? path.join(os.tmpdir(), 'batchflow-augment-photos');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  const index = new FilesIndex({ path: path.join(PHOTOS, '*.{png,jpg}'), noExt: true, sort: true });
  const dataset = new Dataset(index, { batchClass: ImagesBatch });
  console.log(`augment-photos: ${index.size} photos (${index.indices.join(', ')}), ${EPOCHS} epochs of batches of 2 on 'threads'`);

  // the originals, scaled to fit a tile, for the contact sheet
  const originals = dataset.createBatch(index.indices);
  await originals.actions.load({ fmt: 'image' });
  const shapes = (originals.images as NDArray[]).map((image) => image.shape.join('×'));
  console.log(`loaded: ${shapes.join(', ')} uint8`);
  await originals.actions.resize({ size: [TILE, null], resample: 'lanczos' });
  await originals.actions.crop({ origin: 'center', shape: [TILE, TILE] });

  const started = performance.now();
  const augmented = new Map<string, NDArray[]>();
  let batches = 0;
  for await (const batch of augmentation(dataset).genBatch({ batchSize: 2, nEpochs: EPOCHS, shuffle: 7 })) {
    batches++;
    const epoch = Math.floor((batches - 1) / Math.ceil(index.size / 2));
    await batch.actions.dump({ fmt: 'png', dst: (id) => path.join(out, `${String(id)}-${epoch + 1}.png`) });
    batch.indices.forEach((id, i) => augmented.set(String(id), [...(augmented.get(String(id)) ?? []), itemOf(batch.images, i)]));
  }
  const ms = performance.now() - started;
  console.log(`augmented: ${batches} batches, ${batches * 2} images (crop 256 at random origins, rotate ±15°, flip p=0.5, noise p=0.5) in ${ms.toFixed(0)} ms`);

  const columns = 1 + EPOCHS;
  const sheet = ndarray(new Uint8Array((index.size * (TILE + GAP) + GAP) * (columns * (TILE + GAP) + GAP) * 3).fill(255), [
    index.size * (TILE + GAP) + GAP,
    columns * (TILE + GAP) + GAP,
    3,
  ]) as unknown as NDArray;
  index.indices.forEach((id, row) => {
    const top = GAP + row * (TILE + GAP);
    paste(sheet, itemOf(originals.images, row), top, GAP);
    (augmented.get(String(id)) ?? []).forEach((image, k) => paste(sheet, image, top, GAP + (k + 1) * (TILE + GAP)));
  });
  const sheetFile = path.join(out, 'contact-sheet.png');
  await ImagesBatch.fromData(null, { images: ndarray(sheet.data, [1, ...sheet.shape]) }).actions.dump({ fmt: 'png', dst: () => sheetFile });
  console.log(`wrote ${batches * 2} augmented PNG files to ${out}`);
  console.log(`contact sheet (each photo, then its ${EPOCHS} augmented versions): ${sheetFile}`);
}

await runMain(import.meta.url, main);
