/**
 * Helpers of the seed builders: dump a batch through the public API into a temp folder and read the
 * files back as bytes.
 * @module
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ndarray from 'ndarray';
import type { FuzzFile } from '../types.js';

/** The repository's interop fixtures folder. */
export const fixturesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../spec/fixtures/interop');

/** Runs `write(dir)` in a fresh temp folder and returns every file it wrote (names relative to it). */
export async function filesWrittenBy(write: (dir: string) => Promise<unknown>): Promise<FuzzFile[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bf-fuzz-seed-'));
  try {
    await write(dir);
    return readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const full = path.join(entry.parentPath, entry.name);
        return { name: path.relative(dir, full), bytes: Uint8Array.from(readFileSync(full)) };
      })
      .sort((a, b) => a.name.localeCompare(b.name));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills the seed batch the table formats start from: one component of each kind a table holds (images, int32 labels, strings, booleans, int64 codes). */
export function fillSeedColumns(batch: { setComponent(name: string, value: unknown): unknown }): void {
  batch.setComponent(
    'images',
    ndarray(
      Float32Array.from({ length: 12 }, (_, i) => i / 3),
      [3, 2, 2],
    ),
  );
  batch.setComponent('labels', Int32Array.from([3, -1, 7]));
  batch.setComponent('names', ['ünï', 'two', '']);
  batch.setComponent('flags', [true, false, true]);
  batch.setComponent('codes', BigInt64Array.from([1n, -2n, 2n ** 40n]));
}
