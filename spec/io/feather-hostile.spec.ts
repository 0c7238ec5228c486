/**
 * Hostile Feather files: apache-arrow trusts the counts and offsets a file declares, and one changed
 * byte could freeze the whole process inside its reader (an endless loop that no timeout can stop).
 * Every damaged file must end quickly in a value or in a typed error naming the file. Files that used
 * to freeze are loaded in a child process, which the spec kills at a generous deadline, so a freeze
 * fails the spec instead of blocking the test run.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Batch, CorruptFileError, Dataset, Rng } from '../../src/index.js';
import { arrowLayout } from './feather-layout.js';
import { cleanup, fixture, here, tempDir } from './helpers.js';

afterAll(cleanup);

const pyarrowFiles = ['range.feather', 'table_default.feather', 'table_uncompressed.feather', 'table_zstd.feather', 'multi.feather'];

/** A copy of `bytes` with `edit` applied to a DataView over it. */
function edited(bytes: Uint8Array, edit: (view: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

/** Seeded damage: 1–4 bytes overwritten, or the file cut short. */
function mutated(bytes: Uint8Array, rng: Rng): Uint8Array {
  if (rng.random() < 0.2) return bytes.slice(0, rng.integers(1, bytes.length));
  const copy = bytes.slice();
  const changes = rng.integers(1, 5);
  for (let k = 0; k < changes; k++) copy[rng.integers(0, copy.length)] = rng.integers(0, 256);
  return copy;
}

interface ProbeLine {
  file: string;
  ok: boolean;
  name?: string;
  message?: string;
  typed?: boolean;
}

/** Loads `files` in a child process (killed after `deadlineMs`); one line per file that finished. */
function loadInChild(files: readonly string[], deadlineMs: number): { lines: ProbeLine[]; status: number | null } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, 'support', 'load-probe.ts'), 'feather', ...files], {
    encoding: 'utf8',
    timeout: deadlineMs,
  });
  const lines = run.stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as ProbeLine);
  return { lines, status: run.status };
}

async function dumpedFile(dir: string): Promise<string> {
  const batch = Batch.fromData([10, 11, 12], { labels: Int32Array.from([3, -1, 7]), names: ['a', 'bb', ''], flags: [true, false, true] });
  const file = path.join(dir, 'ours.feather');
  await batch.dump({ fmt: 'feather', dst: file });
  return file;
}

describe('feather: damaged files end in a typed error naming the file, never a freeze', () => {
  test('files that froze the reader (a field offset past its message, 2^40 declared rows, an LZ4 block past its data) and seeded damage are refused in a child process', async () => {
    const dir = tempDir();
    const sources = [...pyarrowFiles.map(fixture), await dumpedFile(dir)];
    const files: string[] = [];
    const write = (name: string, bytes: Uint8Array): void => {
      const file = path.join(dir, name);
      writeFileSync(file, bytes);
      files.push(file);
    };
    for (const source of sources) {
      const bytes = new Uint8Array(readFileSync(source));
      const layout = arrowLayout(bytes);
      const base = path.basename(source, '.feather');
      // the first record batch's header_type field is given an offset past the end of its table
      write(
        `${base}-header-type.feather`,
        edited(bytes, (view) => view.setUint16(layout.headerTypeEntry, 0x7f, true)),
      );
      write(
        `${base}-rows.feather`,
        edited(bytes, (view) => view.setBigInt64(layout.firstBatchRows, 1n << 40n, true)),
      );
      if (layout.firstCompressedLength !== null && bytes[layout.firstCompressedLength + 8] === 0x04) {
        // an LZ4 frame (after the 8-byte length prefix) whose first block claims 2 GiB − 1 stored bytes
        const frame = layout.firstCompressedLength + 8;
        const blockHeader = frame + 6 + ((bytes[frame + 4]! & 0x08) !== 0 ? 8 : 0) + 1;
        write(
          `${base}-lz4-block.feather`,
          edited(bytes, (view) => view.setUint32(blockHeader, 0xffffffff, true)),
        );
      }
    }
    const rng = new Rng(13);
    for (let k = 0; k < 60; k++) {
      const source = sources[k % sources.length]!;
      write(`mutated-${k}.feather`, mutated(new Uint8Array(readFileSync(source)), rng));
    }
    const { lines, status } = loadInChild(files, 90_000);
    expect(lines.map((line) => line.file)).toEqual(files); // none froze the child
    expect(status).toBe(0);
    for (const line of lines) {
      if (line.ok) continue;
      expect({ file: line.file, typed: line.typed, namesFile: line.message?.includes(line.file) }).toEqual({ file: line.file, typed: true, namesFile: true });
    }
    const crafted = lines.filter((line) => /-(header-type|rows)\.feather$/.test(line.file));
    expect(crafted.map((line) => line.name)).toEqual(crafted.map(() => 'CorruptFileError'));
    const lz4 = lines.filter((line) => line.file.endsWith('-lz4-block.feather'));
    expect(lz4.length).toBeGreaterThan(0);
    for (const line of lz4) expect(line.message).toMatch(/damaged LZ4 frame/);
  }, 120_000);

  test('a schema whose field count is changed to 2^32 − 1 is a CorruptFileError, not a silently shorter table', async () => {
    const dir = tempDir();
    for (const source of [fixture('range.feather'), await dumpedFile(dir)]) {
      const bytes = new Uint8Array(readFileSync(source));
      const file = path.join(dir, `fields-${path.basename(source)}`);
      writeFileSync(
        file,
        edited(bytes, (view) => view.setUint32(arrowLayout(bytes).fieldCount, 0xffffffff, true)),
      );
      const error = await Dataset.fromTable(file, { fmt: 'feather' }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CorruptFileError);
      expect((error as CorruptFileError).file).toBe(file);
      expect((error as Error).message).toMatch(/schema fields declares 4294967295 entries/);
    }
  });

  test('valid files still load: the pyarrow fixtures and a dump', async () => {
    const dir = tempDir();
    for (const file of [...pyarrowFiles.map(fixture), await dumpedFile(dir)]) {
      const dataset = await Dataset.fromTable(file, { fmt: 'feather', indexCol: null });
      expect(dataset.size).toBeGreaterThan(0);
    }
  });
});
