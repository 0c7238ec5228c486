/**
 * Workload IO (issue #5): file-format throughput in MB/s of raw component data.
 * - blosc: dump and load 1,000 items of 64×64 float32 (16.4 MB), one file per item, on 'for' and 'threads';
 * - tables: a 100,000-row × 16-column float64 table (12.8 MB) in csv, feather and hdf5, dump and load.
 * MB/s = raw bytes / median time (1 MB = 10^6 bytes). Files go to a temp folder removed at the end.
 * @module
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, DatasetIndex, type NDArray, type TargetName } from '../../src/index.js';
import { assertBench, measure, round, roundStats, type BenchSettings, type Stats, type Workload, type WorkloadResult } from '../harness.js';

const ITEMS = 1000;
const SIDE = 64;
const ROWS = 100_000;
const COLUMNS = 16;

class ImageBatch extends Batch {
  static override components = ['images'] as const;
}

function images(): NDArray {
  const data = new Float32Array(ITEMS * SIDE * SIDE);
  let seed = 12345;
  for (let i = 0; i < data.length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    data[i] = ((seed >>> 8) / 2 ** 24) * ((i % SIDE) / SIDE); // smooth-ish noise: compressible like real images, not trivially
  }
  return ndarray(data, [ITEMS, SIDE, SIDE]);
}

function tableColumns(): Float64Array[] {
  return Array.from({ length: COLUMNS }, (_, c) => Float64Array.from({ length: ROWS }, (_, r) => Math.sin(r * 0.001 + c) * 1000 + r / (c + 1)));
}

function result(name: string, engine: string, stats: Stats, bytes: number, extra: Record<string, unknown> = {}): WorkloadResult {
  const mbPerSecond = (ms: number): number => round(bytes / 1e6 / (ms / 1000), 3);
  return {
    workload: 'IO',
    name,
    engine,
    unit: 'ms',
    ...roundStats(stats),
    megabytes: round(bytes / 1e6, 2),
    mbPerSecond: { median: mbPerSecond(stats.median), best: mbPerSecond(stats.min) },
    ...extra,
  };
}

async function bloscResults(settings: BenchSettings, dir: string): Promise<WorkloadResult[]> {
  const data = images();
  const bytes = data.size * 4;
  const index = new DatasetIndex(ITEMS);
  const out: WorkloadResult[] = [];
  for (const target of ['for', 'threads'] as TargetName[]) {
    const folder = path.join(dir, `blosc-${target}`);
    const dump = await measure(
      settings,
      () => new ImageBatch(index, { preloaded: { images: data } }),
      (batch) => batch.dump({ fmt: 'blosc', dst: folder, target, nWorkers: 2 }),
    );
    const load = await measure(
      settings,
      () => new ImageBatch(index),
      (batch) => batch.load({ fmt: 'blosc', src: folder, target, nWorkers: 2 }),
      (batch) => {
        const loaded = batch.getComponent('images') as NDArray;
        assertBench(
          loaded.shape.join() === data.shape.join() && loaded.get(ITEMS - 1, SIDE - 1, SIDE - 1) === data.get(ITEMS - 1, SIDE - 1, SIDE - 1),
          'IO: blosc load does not match the dump',
        );
      },
    );
    out.push(result(`blosc dump, ${ITEMS} items of ${SIDE}×${SIDE} float32`, target, dump, bytes, { items: ITEMS }));
    out.push(result(`blosc load, ${ITEMS} items of ${SIDE}×${SIDE} float32`, target, load, bytes, { items: ITEMS }));
  }
  return out;
}

async function tableResults(settings: BenchSettings, dir: string): Promise<WorkloadResult[]> {
  const columns = tableColumns();
  const names = columns.map((_, c) => `c${c}`);
  const bytes = ROWS * COLUMNS * 8;
  const index = new DatasetIndex(ROWS);
  const preloaded = Object.fromEntries(names.map((name, c) => [name, columns[c]!]));
  class TableBatch extends Batch {
    static override components = names;
  }
  const out: WorkloadResult[] = [];
  for (const [fmt, ext] of [
    ['feather', 'feather'],
    ['hdf5', 'h5'],
    ['csv', 'csv'],
  ] as const) {
    const file = path.join(dir, `table.${ext}`);
    const dump = await measure(
      settings,
      () => new TableBatch(index, { preloaded }),
      (batch) => batch.dump({ fmt, dst: file }),
    );
    const load = await measure(
      settings,
      () => new TableBatch(index),
      (batch) => batch.load({ fmt, src: file }),
      (batch) => {
        const last = batch.getComponent(`c${COLUMNS - 1}`) as Float64Array;
        assertBench(last.length === ROWS && last[ROWS - 1] === columns[COLUMNS - 1]![ROWS - 1], `IO: ${fmt} load does not match the dump`);
      },
    );
    out.push(result(`${fmt} dump, ${ROWS.toLocaleString('en-US')} rows × ${COLUMNS} float64 columns`, 'for', dump, bytes, { rows: ROWS, columns: COLUMNS }));
    out.push(
      result(`${fmt} load, ${ROWS.toLocaleString('en-US')} rows × ${COLUMNS} float64 columns`, 'for', load, bytes, {
        rows: ROWS,
        columns: COLUMNS,
        ...(fmt === 'csv' ? {} : { target: { mbPerSecondAtLeast: 200, met: bytes / 1e6 / (load.median / 1000) >= 200 } }),
      }),
    );
  }
  return out;
}

export const workloadIO: Workload = {
  id: 'IO',
  title: 'File formats: blosc per-item files and csv/feather/hdf5 tables, MB/s',
  defaultRuns: 7,
  async run(settings) {
    const dir = mkdtempSync(path.join(tmpdir(), 'bf-bench-io-'));
    try {
      return [...(await bloscResults(settings, dir)), ...(await tableResults(settings, dir))];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
