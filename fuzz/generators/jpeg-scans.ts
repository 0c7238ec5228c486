/**
 * A time bomb for JPEG decoders: a valid progressive grayscale JPEG whose every coefficient is sent
 * in the most scans the format allows (the DC in one scan, each of the 63 AC coefficients in its own
 * first scan at bit position 13 and 13 refinement scans: 883 scans). The AC scans code whole runs of
 * empty blocks with one end-of-band run each, so the file stays small (about one bit per 8×8 block,
 * for the DC) while a decoder walks every block once per scan.
 * @module
 */

function segment(marker: number, body: readonly number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/** Packs bits (most significant first) into bytes, padding with 1s and stuffing 0x00 after each 0xFF. */
function packBits(bits: ReadonlyArray<readonly [value: number, count: number]>): number[] {
  const out: number[] = [];
  let byte = 0;
  let used = 0;
  const push = (bit: number): void => {
    byte = (byte << 1) | bit;
    if (++used === 8) {
      out.push(byte);
      if (byte === 0xff) out.push(0);
      byte = 0;
      used = 0;
    }
  };
  for (const [value, count] of bits) for (let k = count - 1; k >= 0; k--) push((value >> k) & 1);
  while (used !== 0) push(1);
  return out;
}

/** DC table 0: one symbol (difference category 0) with the 1-bit code '0'. */
const dcTable = [0x00, 1, ...new Array<number>(15).fill(0), 0];
/** AC table 0: the end-of-band runs EOB0…EOB14, symbol r << 4 with the 4-bit code r. */
const acTable = [0x10, 0, 0, 0, 15, ...new Array<number>(12).fill(0), ...Array.from({ length: 15 }, (_, r) => r << 4)];

/** A scan of one component over coefficients ss..se at successive approximation ah/al, with its entropy-coded bytes. */
function scan(ss: number, se: number, ah: number, al: number, data: readonly number[]): number[] {
  return [...segment(0xda, [1, 1, 0x00, ss, se, (ah << 4) | al]), ...data];
}

/** The file: a height×width mid-gray image in 883 scans (width and height up to 65535). */
export function manyScansJpeg(height: number, width: number): Uint8Array {
  const blocks = Math.ceil(height / 8) * Math.ceil(width / 8);
  // AC: end-of-band runs of up to 32767 blocks: symbol EOBr (r << 4, a 4-bit code r), then r bits of run length - 2^r
  const runs: Array<readonly [number, number]> = [];
  for (let left = blocks; left > 0;) {
    const run = Math.min(left, 32767);
    const r = Math.floor(Math.log2(run));
    runs.push([r, 4], [run - 2 ** r, r]);
    left -= run;
  }
  const acBits = packBits(runs);
  const out = [
    0xff,
    0xd8,
    ...segment(0xdb, [0x00, ...new Array<number>(64).fill(1)]),
    ...segment(0xc2, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 1, 1, 0x11, 0]),
    ...segment(0xc4, dcTable),
    ...segment(0xc4, acTable),
    ...scan(0, 0, 0, 0, packBits([[0, blocks]])),
  ];
  for (let k = 1; k <= 63; k++) {
    out.push(...scan(k, k, 0, 13, acBits));
    for (let al = 12; al >= 0; al--) out.push(...scan(k, k, al + 1, al, acBits));
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}
