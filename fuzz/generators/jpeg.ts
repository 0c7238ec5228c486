/**
 * Fuzz cases of `fmt: 'jpeg'`: tiny RGB (4:2:0) and grayscale files dumped through the public API and
 * files the dump does not write (4:4:4, progressive). Format-aware mutations set the frame header's
 * sizes (up to 65535×65535) and component fields, damage segment lengths and Huffman/quantisation
 * tables, drop segments, truncate a scan, put garbage after the start marker, repeat a progressive
 * file's last scan thousands of times over a frame enlarged to 2048×2048, and replace the file with a
 * valid progressive one in 883 scans (jpeg-scans.ts: a time bomb for a decoder that walks the whole
 * image once per scan).
 * @module
 */
import {
  isFrameMarker as isFrame,
  isStandaloneMarker as standalone,
  jpegSegments as segmentsOf,
  type JpegSegment as Segment,
} from '../../src/io/image/image-structure.js';
import type { FormatMutation, FuzzRandom, FuzzSeed } from '../types.js';
import { concat, dumpedPicture, encodedPicture, imageSeed, onlyFile, picture } from './image-seeds.js';
import { manyScansJpeg } from './jpeg-scans.js';

/** The seeds: dumped RGB and gray; 4:4:4 and progressive files. */
export async function jpegSeeds(): Promise<FuzzSeed[]> {
  const dumped = async (height: number, width: number, channels: number): Promise<Uint8Array> =>
    onlyFile(await dumpedPicture('jpeg', picture(height, width, channels)));
  return [
    imageSeed('rgb', 'jpeg', '.jpg', [await dumped(16, 24, 3)]),
    imageSeed('gray', 'jpeg', '.jpg', [await dumped(13, 9, 1)]),
    imageSeed('rgb-444', 'jpeg', '.jpg', [await encodedPicture(picture(10, 12, 3), (s) => s.jpeg({ chromaSubsampling: '4:4:4', quality: 90 }))]),
    imageSeed('progressive', 'jpeg', '.jpg', [await encodedPicture(picture(20, 17, 3), (s) => s.jpeg({ progressive: true }))]),
    imageSeed('progressive-gray', 'jpeg', '.jpg', [await encodedPicture(picture(9, 14, 1), (s) => s.jpeg({ progressive: true }))]),
  ];
}

function pickSegment(bytes: Uint8Array, random: FuzzRandom, which: (marker: number) => boolean): Segment | null {
  const found = segmentsOf(bytes).filter((s) => which(s.marker));
  return found.length === 0 ? null : random.pick(found);
}

const sizes = [0, 1, 2, 8, 2048, 8192, 65500, 65535];

/** The file with its frame header declaring `height`×`width`. */
function resized(bytes: Uint8Array, frame: Segment, height: number, width: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  const view = new DataView(out.buffer);
  view.setUint16(frame.at + 5, height);
  view.setUint16(frame.at + 7, width);
  return out;
}

/** The format-aware mutations of JPEG files. */
export const jpegMutations: readonly FormatMutation[] = [
  {
    name: 'sof-size',
    apply(bytes, random) {
      const frame = pickSegment(bytes, random, isFrame);
      if (!frame || frame.end - frame.at < 11) return null;
      const size = (): number => (random.chance(0.8) ? random.pick(sizes) : random.int(65536));
      const height = random.chance(0.7) ? size() : (bytes[frame.at + 5]! << 8) | bytes[frame.at + 6]!;
      return resized(bytes, frame, height, random.chance(0.7) ? size() : (bytes[frame.at + 7]! << 8) | bytes[frame.at + 8]!);
    },
  },
  {
    name: 'sof-components',
    apply(bytes, random) {
      const frame = pickSegment(bytes, random, isFrame);
      if (!frame || frame.end - frame.at < 11) return null;
      const out = Uint8Array.from(bytes);
      // precision, component count, or one component's id / sampling factors / quantisation table
      const field = random.chance(0.3) ? frame.at + random.pick([4, 9]) : frame.at + 10 + random.int(Math.max(1, frame.end - frame.at - 10));
      out[field] = random.chance(0.6) ? random.pick([0, 1, 2, 3, 4, 8, 12, 16, 0x11, 0x22, 0x44, 0xff]) : random.int(256);
      return out;
    },
  },
  {
    name: 'segment-length',
    apply(bytes, random) {
      const segment = pickSegment(bytes, random, (marker) => !standalone(marker));
      if (!segment) return null;
      const out = Uint8Array.from(bytes);
      const length = segment.end - segment.at - 2;
      new DataView(out.buffer).setUint16(segment.at + 2, random.pick([0, 1, 2, 3, 0xffff, length + 1, length - 1, random.int(65536)]));
      return out;
    },
  },
  {
    name: 'damage-table',
    apply(bytes, random) {
      const table = pickSegment(bytes, random, (marker) => marker === 0xc4 || marker === 0xdb);
      if (!table || table.end - table.at <= 5) return null;
      const out = Uint8Array.from(bytes);
      // a DHT's class/id or code counts (a count sum above 256), or a DQT's precision/id or values (0)
      const at = table.at + 4 + random.int(Math.min(17, table.end - table.at - 4));
      out[at] = random.pick([0, 0xff, 0x10, 0x13, 0x40, random.int(256)]);
      return out;
    },
  },
  {
    name: 'drop-segment',
    apply(bytes, random) {
      const segment = pickSegment(bytes, random, (marker) => marker !== 0xd9);
      if (!segment) return null;
      return concat([bytes.subarray(0, segment.at), bytes.subarray(segment.dataEnd)]);
    },
  },
  {
    name: 'truncate-scan',
    apply(bytes, random) {
      const scan = pickSegment(bytes, random, (marker) => marker === 0xda);
      if (!scan) return null;
      const cut = scan.end + random.int(Math.max(1, scan.dataEnd - scan.end));
      const tail = random.chance(0.5) ? Uint8Array.from([0xff, 0xd9]) : new Uint8Array(0); // with or without an end marker
      return concat([bytes.subarray(0, cut), tail]);
    },
  },
  {
    name: 'garbage-after-soi',
    apply(bytes, random) {
      if (bytes.length < 2) return null;
      const garbage = Uint8Array.from({ length: random.between(1, 64) }, () => (random.chance(0.3) ? 0xff : random.int(256)));
      return concat([bytes.subarray(0, 2), garbage, bytes.subarray(2)]);
    },
  },
  {
    // a valid progressive file in 883 scans: cheap at 64×64, seconds at 1024×1024, refused at 8192×8192
    name: 'scan-bomb',
    apply: (_bytes, random) => {
      const side = random.pick([64, 1024, 8192]);
      return manyScansJpeg(side, side);
    },
  },
  {
    name: 'repeat-scans',
    apply(bytes, random) {
      const segments = segmentsOf(bytes);
      const scans = segments.filter((s) => s.marker === 0xda);
      const frame = segments.find((s) => isFrame(s.marker));
      const end = segments.find((s) => s.marker === 0xd9);
      if (scans.length < 2 || !frame || !end) return null;
      // the last scan (an AC refinement in a progressive file) repeated, over a frame of up to 2048×2048
      const last = scans[scans.length - 1]!;
      const scan = bytes.subarray(last.at, last.dataEnd);
      const count = random.between(500, 5000);
      const side = random.pick([0, 512, 2048]);
      const body = side === 0 ? bytes : resized(bytes, frame, side, side);
      return concat([body.subarray(0, end.at), ...Array.from({ length: count }, () => scan), body.subarray(end.at)]);
    },
  },
];
