/**
 * Helpers of the image seed builders: small test pictures (gradients with some texture, so every
 * filter and every JPEG block has work to do) dumped through the public API or encoded by sharp with
 * options the dump does not offer (interlacing, progressive JPEG, palettes).
 * @module
 */
import path from 'node:path';
import ndarray from 'ndarray';
import sharp, { type Sharp } from 'sharp';
import { Batch, type NDArray } from '../../src/index.js';
import type { FuzzFile, FuzzSeed } from '../types.js';
import { filesWrittenBy } from './seed-files.js';

class FuzzImages extends Batch {
  static override components = ['images'] as const;
}

/** The bytes of `parts` one after another. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A height×width×channels uint8 picture (channels 1: height×width). */
export function picture(height: number, width: number, channels: number): NDArray {
  const data = Uint8Array.from({ length: height * width * channels }, (_, i) => {
    const c = i % channels;
    const x = Math.floor(i / channels) % width;
    const y = Math.floor(i / channels / width);
    return c === 3 ? 255 - ((x * 17) % 256) : (x * 23 + y * 11 + c * 70 + ((x * y) % 7) * 9) % 256;
  });
  return ndarray(data, channels === 1 ? [height, width] : [height, width, channels]) as unknown as NDArray;
}

/** The files of one item `0` dumped through the public API (`fmt: 'png' | 'jpeg'`). */
export function dumpedPicture(fmt: 'png' | 'jpeg', image: NDArray): Promise<FuzzFile[]> {
  const batch = new FuzzImages([0]);
  batch.setComponent('images', ndarray(image.data, [1, ...image.shape]));
  return filesWrittenBy((dir) => batch.dump({ fmt, dst: dir }));
}

/** The picture encoded by sharp with the given output options (for what the dump does not write). */
export async function encodedPicture(image: NDArray, encode: (s: Sharp) => Sharp): Promise<Uint8Array> {
  const [height, width] = image.shape as [number, number];
  const channels = (image.shape[2] ?? 1) as 1 | 2 | 3 | 4;
  let pipeline = sharp(Buffer.from(image.data as Uint8Array), { raw: { width, height, channels } });
  if (channels <= 2) pipeline = pipeline.toColourspace('b-w');
  return Uint8Array.from(await encode(pipeline).toBuffer());
}

/**
 * A seed of one or two items in the case folder ('0.<ext>', '1.<ext>'), loaded with `fmt` into a
 * batch whose 'images' component holds a sentinel (so a failed load must leave it as it was).
 */
export function imageSeed(name: string, fmt: 'png' | 'jpeg' | 'image', extension: string, items: readonly Uint8Array[]): FuzzSeed {
  const files = items.map((bytes, i) => ({ name: `${i}${extension}`, bytes }));
  return { name, files, load: { kind: 'batch', fmt, src: '.', ids: items.map((_, i) => i), components: ['images'] } };
}

/** The bytes of the only file a dump wrote. */
export function onlyFile(files: readonly FuzzFile[]): Uint8Array {
  if (files.length !== 1) throw new Error(`expected one dumped file, got ${files.map((f) => path.basename(f.name)).join(', ')}`);
  return files[0]!.bytes;
}
