/**
 * Fuzz cases of `fmt: 'png'` (and `'image'`): tiny grayscale, gray+alpha, RGB and RGBA files dumped
 * through the public API, a two-item batch, and files the dump does not write (palette with
 * transparency, 16-bit gray and RGB, Adam7-interlaced). Format-aware mutations edit IHDR fields
 * (sizes up to 2^32-1, depths, colour types, interlace) with or without fixing the CRC, damage CRCs and
 * chunk lengths (0xFFFFFFFF), truncate, drop or repeat chunks (thousands of ancillary ones), re-encode
 * the image data with bad filter bytes or the wrong length, and replace the file with size bombs: a
 * header declaring 100000×100000 or 2^31-1 wide over a tiny body, and a small zlib stream of zeros
 * that inflates to tens of megabytes.
 * @module
 */
import { crc32, deflateSync, inflateSync } from 'node:zlib';
import { pngChunks as chunksOf, type PngChunk as Chunk } from '../../src/io/image/image-structure.js';
import type { FormatMutation, FuzzRandom, FuzzSeed } from '../types.js';
import { concat, dumpedPicture, encodedPicture, imageSeed, onlyFile, picture } from './image-seeds.js';

const signature = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);

/** One chunk with its CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** A PNG of the given header fields (size, bit depth, colour type; not interlaced) and zlib stream. */
export function pngFile(width: number, height: number, depth: number, colour: number, idat: Uint8Array, extra: readonly Uint8Array[] = []): Uint8Array {
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width >>> 0);
  view.setUint32(4, height >>> 0);
  header.set([depth, colour, 0, 0, 0], 8);
  return concat([signature, chunk('IHDR', header), ...extra, chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

/** A 16-bit file (filter 0 on every row) of a picture's values scaled to 0–65535 with a low-byte pattern. */
function sixteenBit(height: number, width: number, channels: 1 | 3): Uint8Array {
  const source = picture(height, width, channels).data as Uint8Array;
  const row = 1 + width * channels * 2;
  const raw = new Uint8Array(row * height);
  for (let y = 0; y < height; y++)
    for (let i = 0; i < width * channels; i++) {
      const value = source[y * width * channels + i]! * 257 + ((i * 31) % 200);
      raw[y * row + 1 + 2 * i] = value >> 8;
      raw[y * row + 2 + 2 * i] = value & 0xff;
    }
  return pngFile(width, height, 16, channels === 1 ? 0 : 2, deflateSync(raw));
}

/** The seeds: dumped gray, gray+alpha, RGB, RGBA and a two-item batch; palette, 16-bit and interlaced files. */
export async function pngSeeds(): Promise<FuzzSeed[]> {
  const dumped = async (height: number, width: number, channels: number): Promise<Uint8Array> =>
    onlyFile(await dumpedPicture('png', picture(height, width, channels)));
  const gray = await dumped(9, 12, 1);
  return [
    imageSeed('gray', 'png', '.png', [gray]),
    imageSeed('gray-alpha', 'png', '.png', [await dumped(6, 7, 2)]),
    imageSeed('rgb', 'png', '.png', [await dumped(7, 10, 3)]),
    imageSeed('rgba', 'image', '.png', [await dumped(5, 8, 4)]),
    imageSeed('two-items', 'image', '.png', [gray, await dumped(9, 12, 1)]),
    imageSeed('palette', 'png', '.png', [await encodedPicture(picture(8, 8, 4), (s) => s.png({ palette: true, colours: 16 }))]),
    imageSeed('gray16', 'png', '.png', [sixteenBit(5, 6, 1)]),
    imageSeed('rgb16', 'png', '.png', [sixteenBit(4, 5, 3)]),
    imageSeed('interlaced', 'png', '.png', [await encodedPicture(picture(11, 13, 3), (s) => s.png({ progressive: true }))]),
  ];
}

/** The file with the chunk at `at` rebuilt from new data (its CRC fixed, unless `badCrc`). */
function replaceChunk(bytes: Uint8Array, target: Chunk, data: Uint8Array, badCrc = false): Uint8Array {
  const rebuilt = chunk(target.type, data);
  if (badCrc) rebuilt[rebuilt.length - 1]! ^= 0x5a;
  return concat([bytes.subarray(0, target.at), rebuilt, bytes.subarray(target.at + 12 + target.length)]);
}

function headerOf(bytes: Uint8Array): Chunk | null {
  const first = chunksOf(bytes)[0];
  return first && first.type === 'IHDR' && first.length === 13 && first.at + 25 <= bytes.length ? first : null;
}

const sizes = [0, 1, 2, 255, 65535, 20000, 100000, 0x7fffffff, 0x80000000, 0xffffffff];

/** Every IDAT's data, inflated (null when the stream does not inflate). */
function imageData(bytes: Uint8Array): { raw: Uint8Array; idats: Chunk[] } | null {
  const idats = chunksOf(bytes).filter((c) => c.type === 'IDAT' && c.at + 12 + c.length <= bytes.length);
  if (idats.length === 0) return null;
  try {
    return { raw: Uint8Array.from(inflateSync(concat(idats.map((c) => bytes.subarray(c.at + 8, c.at + 8 + c.length))))), idats };
  } catch {
    return null;
  }
}

let zerosBomb: Uint8Array | undefined;

/** The size bombs: headers declaring far more than the body holds, and a real stream of zeros. */
function bomb(random: FuzzRandom): Uint8Array {
  const tiny = deflateSync(new Uint8Array(64));
  switch (random.int(4)) {
    case 0:
      return pngFile(100000, 100000, 8, random.pick([0, 2, 6]), tiny);
    case 1:
      return random.chance(0.5) ? pngFile(0x7fffffff, 1, 8, 0, tiny) : pngFile(1, 0x7fffffff, 8, 0, tiny);
    case 2:
      // 20000×20000 gray: zeros for the first rows only
      return pngFile(20000, 20000, 8, 0, deflateSync(new Uint8Array(20001 * 64)));
    default:
      // 6000×6000 gray, every row there: 36 MB of zeros in ~35 KB
      zerosBomb ??= deflateSync(new Uint8Array(6001 * 6000), { level: 9 });
      return pngFile(6000, 6000, 8, 0, zerosBomb);
  }
}

/** The format-aware mutations of PNG files. */
export const pngMutations: readonly FormatMutation[] = [
  {
    name: 'ihdr-size',
    apply(bytes, random) {
      const header = headerOf(bytes);
      if (!header) return null;
      const data = Uint8Array.from(bytes.subarray(header.at + 8, header.at + 21));
      new DataView(data.buffer).setUint32(random.pick([0, 4]), random.chance(0.8) ? random.pick(sizes) : random.int(2 ** 32));
      return replaceChunk(bytes, header, data, random.chance(0.1));
    },
  },
  {
    name: 'ihdr-field',
    apply(bytes, random) {
      const header = headerOf(bytes);
      if (!header) return null;
      const data = Uint8Array.from(bytes.subarray(header.at + 8, header.at + 21));
      const field = random.between(8, 12); // depth, colour type, compression, filter, interlace
      data[field] = random.chance(0.7) ? random.pick([0, 1, 2, 3, 4, 6, 8, 16, 255]) : random.int(256);
      return replaceChunk(bytes, header, data, random.chance(0.1));
    },
  },
  {
    name: 'bad-crc',
    apply(bytes, random) {
      const chunks = chunksOf(bytes).filter((c) => c.at + 12 + c.length <= bytes.length);
      if (chunks.length === 0) return null;
      const target = random.pick(chunks);
      const out = Uint8Array.from(bytes);
      out[target.at + 8 + target.length + random.int(4)]! ^= 1 << random.int(8);
      return out;
    },
  },
  {
    name: 'chunk-length',
    apply(bytes, random) {
      const chunks = chunksOf(bytes);
      if (chunks.length === 0) return null;
      const target = random.pick(chunks);
      const out = Uint8Array.from(bytes);
      const values = [0, 1, 0xffffffff, 0x7fffffff, 0x80000000, target.length + 1, Math.max(0, target.length - 1), bytes.length];
      new DataView(out.buffer).setUint32(target.at, random.pick(values));
      return out;
    },
  },
  {
    name: 'truncate-chunk',
    apply(bytes, random) {
      const chunks = chunksOf(bytes);
      if (chunks.length === 0) return null;
      const target = random.pick(chunks);
      return bytes.slice(0, Math.min(bytes.length, target.at + random.int(12 + target.length)));
    },
  },
  {
    name: 'drop-chunk',
    apply(bytes, random) {
      const chunks = chunksOf(bytes).filter((c) => c.at + 12 + c.length <= bytes.length);
      if (chunks.length === 0) return null;
      const target = random.pick(chunks);
      return concat([bytes.subarray(0, target.at), bytes.subarray(target.at + 12 + target.length)]);
    },
  },
  {
    name: 'repeat-chunk',
    apply(bytes, random) {
      const chunks = chunksOf(bytes).filter((c) => c.at + 12 + c.length <= bytes.length && c.type !== 'IEND');
      if (chunks.length === 0) return null;
      const target = random.pick(chunks);
      const many = random.chance(0.3);
      const copy = many
        ? chunk(random.pick(['tEXt', 'zTXt', 'iTXt', 'sPLT', 'zzZz']), Uint8Array.from([107, 0, 0, 0, 120]))
        : bytes.subarray(target.at, target.at + 12 + target.length);
      const count = many ? random.between(1000, 20000) : random.between(1, 3);
      const end = target.at + 12 + target.length;
      return concat([bytes.subarray(0, end), ...Array.from({ length: count }, () => copy), bytes.subarray(end)]);
    },
  },
  {
    name: 'image-data',
    apply(bytes, random) {
      const found = imageData(bytes);
      if (!found) return null;
      let raw: Uint8Array = Uint8Array.from(found.raw);
      const edit = random.int(3);
      if (edit === 0 && raw.length > 0)
        raw[random.int(raw.length)] = random.between(5, 255); // a filter byte or a sample
      else if (edit === 1)
        raw = raw.slice(0, random.int(raw.length + 1)); // too few rows
      else raw = concat([raw, new Uint8Array(random.between(1, 4096))]); // too much data
      const first = found.idats[0]!;
      const last = found.idats[found.idats.length - 1]!;
      return concat([bytes.subarray(0, first.at), chunk('IDAT', deflateSync(raw)), bytes.subarray(last.at + 12 + last.length)]);
    },
  },
  { name: 'bomb', apply: (_bytes, random) => bomb(random) },
];
