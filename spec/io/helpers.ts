/**
 * Helpers of the io specs: temp folders, fixture paths, and turning components into plain lists.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync } from 'node:fs';
import { isNdArray } from '../../src/index.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
export const fixtures = path.resolve(here, '../fixtures/interop');
export const fixture = (name: string): string => path.join(fixtures, name);

export interface Expected {
  table: { index: number[]; columns: Record<string, Array<number | string | boolean>> };
  table_strindex: { index: string[] };
  plain_h5: { images_shape: number[]; images_flat_first8: number[]; images_sum: number; labels: number[]; names: string[] };
}

export const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as Expected;

/** A fresh temp folder; `cleanup()` removes every folder made. */
const made: string[] = [];
export function tempDir(prefix = 'bf-io-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Nested plain arrays from an ndarray / typed array / array (bigints kept). */
export function toList(x: unknown): unknown {
  if (isNdArray(x)) {
    if (x.shape.length === 1) return Array.from({ length: x.shape[0]! }, (_, i) => x.get(i));
    return Array.from({ length: x.shape[0]! }, (_, i) => toList(x.pick(i)));
  }
  if (ArrayBuffer.isView(x)) return Array.from(x as unknown as ArrayLike<unknown>);
  if (Array.isArray(x)) return x.map(toList);
  return x;
}

/** The expected values of `column` for `ids` (table fixture). */
export function expectedColumn(column: string, ids: readonly number[]): Array<number | string | boolean> {
  return ids.map((id) => expected.table.columns[column]![expected.table.index.indexOf(id)]!);
}
