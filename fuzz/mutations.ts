/**
 * Generic byte mutations, for every format: bit flips, byte overwrites with boundary values,
 * truncations, insertions, deletions, duplicated ranges and zeroed ranges. Each returns a new array.
 * @module
 */
import type { FormatMutation, FuzzRandom } from './types.js';

/** Byte values that often hit boundaries in headers and lengths. */
const interesting = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x10, 0x20, 0x40];

function copy(bytes: Uint8Array): Uint8Array {
  return Uint8Array.from(bytes);
}

/** Positions near the start are headers in every format: bias a third of the picks there. */
function position(bytes: Uint8Array, random: FuzzRandom): number {
  if (bytes.length === 0) return 0;
  return random.chance(0.35) ? random.int(Math.min(bytes.length, 64)) : random.int(bytes.length);
}

/** The generic mutations. */
export const byteMutations: readonly FormatMutation[] = [
  {
    name: 'bit-flip',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = copy(bytes);
      const flips = random.between(1, 4);
      for (let i = 0; i < flips; i++) out[position(out, random)]! ^= 1 << random.int(8);
      return out;
    },
  },
  {
    name: 'byte-set',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = copy(bytes);
      out[position(out, random)] = random.pick(interesting);
      return out;
    },
  },
  {
    name: 'truncate',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      return bytes.slice(0, random.int(bytes.length));
    },
  },
  {
    name: 'insert',
    apply(bytes, random) {
      const at = random.int(bytes.length + 1);
      const extra = Uint8Array.from({ length: random.between(1, 16) }, () => (random.chance(0.5) ? random.pick(interesting) : random.int(256)));
      const out = new Uint8Array(bytes.length + extra.length);
      out.set(bytes.subarray(0, at));
      out.set(extra, at);
      out.set(bytes.subarray(at), at + extra.length);
      return out;
    },
  },
  {
    name: 'delete',
    apply(bytes, random) {
      if (bytes.length < 2) return null;
      const at = random.int(bytes.length);
      const count = Math.min(bytes.length - at, random.between(1, 16));
      const out = new Uint8Array(bytes.length - count);
      out.set(bytes.subarray(0, at));
      out.set(bytes.subarray(at + count), at);
      return out;
    },
  },
  {
    name: 'duplicate',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const at = random.int(bytes.length);
      const count = Math.min(bytes.length - at, random.between(1, 64));
      const out = new Uint8Array(bytes.length + count);
      out.set(bytes.subarray(0, at + count));
      out.set(bytes.subarray(at, at + count), at + count);
      out.set(bytes.subarray(at + count), at + 2 * count);
      return out;
    },
  },
  {
    name: 'zero-range',
    apply(bytes, random) {
      if (bytes.length === 0) return null;
      const out = copy(bytes);
      const at = position(out, random);
      out.fill(random.chance(0.5) ? 0 : 0xff, at, Math.min(out.length, at + random.between(1, 8)));
      return out;
    },
  },
];
