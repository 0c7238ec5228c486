/**
 * Workload HOSTILE: files shaped to make a loader quadratic, each at two sizes so the report shows how
 * the time grows (`growth` = time at the full size / time at a quarter of it: 4 when linear, 16 when
 * quadratic):
 * - a blosc item holding 60,000 scalar components, loaded into a batch without components;
 * - a CSV table of 50,000 columns × 2 rows (~440 KB), loaded into a batch and with Dataset.fromTable.
 * Files go to a temp folder removed at the end.
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import Blosc from 'numcodecs/blosc';
import { Batch, Dataset } from '../../src/index.js';
import { assertBench, measure, round, roundStats, type BenchSettings, type Stats, type Workload, type WorkloadResult } from '../harness.js';

const BLOSC_ENTRIES = 60_000;
const CSV_COLUMNS = 50_000;

/** A blosc item file (our container) with `n` float64 scalar components c0…c(n-1) = k / 2. */
async function writeManyEntries(dir: string, n: number): Promise<void> {
  const data = new Uint8Array(8 * n);
  const view = new DataView(data.buffer);
  const entries: Record<string, unknown> = {};
  for (let k = 0; k < n; k++) {
    view.setFloat64(8 * k, k / 2, true);
    entries[`c${k}`] = { dtype: 'F64', shape: [], kind: 'scalar', column: 'typedarray', data_offsets: [8 * k, 8 * k + 8] };
  }
  const metadata = { format: 'batchflow-item', version: '1', crc32: crc32(data).toString(16).padStart(8, '0') };
  const json = new TextEncoder().encode(JSON.stringify({ __metadata__: metadata, ...entries }));
  const padded = Math.ceil((8 + json.length) / 8) * 8 - 8;
  const payload = new Uint8Array(8 + padded + data.length);
  new DataView(payload.buffer).setBigUint64(0, BigInt(padded), true);
  payload.set(json, 8);
  payload.fill(0x20, 8 + json.length, 8 + padded);
  payload.set(data, 8 + padded);
  mkdirSync(dir, { recursive: true });
  const codec = Blosc.fromConfig({ cname: 'lz4', clevel: 5, shuffle: 1, blocksize: 0 });
  writeFileSync(path.join(dir, '0.blosc'), await codec.encode(payload));
}

/** A CSV of `columns` integer columns c0… and 2 rows. */
function writeWide(file: string, columns: number): void {
  const header = `,${Array.from({ length: columns }, (_, k) => `c${k}`).join(',')}`;
  const rows = [0, 1].map((r) => `${r},${Array.from({ length: columns }, (_, k) => String((k + r) % 10)).join(',')}`);
  writeFileSync(file, `${[header, ...rows].join('\n')}\n`);
}

function result(name: string, stats: Stats, quarter: Stats, limitMs: number): WorkloadResult {
  const growth = round(stats.median / quarter.median, 3);
  return {
    workload: 'HOSTILE',
    name,
    engine: 'for',
    unit: 'ms',
    ...roundStats(stats),
    quarterSizeMedian: round(quarter.median),
    growth,
    target: { text: `growth < 6 (linear: 4) and < ${limitMs} ms`, met: growth < 6 && stats.median < limitMs },
  };
}

async function run(settings: BenchSettings): Promise<WorkloadResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-hostile-'));
  try {
    const results: WorkloadResult[] = [];
    const bloscLoad = async (n: number): Promise<Stats> => {
      const folder = path.join(dir, `blosc-${n}`);
      await writeManyEntries(folder, n);
      return measure(
        settings,
        () => new Batch([0]),
        (batch) => batch.load({ fmt: 'blosc', src: folder }),
        (batch) => assertBench(batch.components?.length === n, `HOSTILE: ${batch.components?.length} components loaded, expected ${n}`),
      );
    };
    const bloscQuarter = await bloscLoad(BLOSC_ENTRIES / 4);
    results.push(result(`blosc: load one item of ${BLOSC_ENTRIES} components into a Batch`, await bloscLoad(BLOSC_ENTRIES), bloscQuarter, 5000));

    const csvLoad = async (columns: number, how: 'batch' | 'table'): Promise<Stats> => {
      const file = path.join(dir, `wide-${columns}.csv`);
      writeWide(file, columns);
      if (how === 'table')
        return measure(
          settings,
          () => null,
          async () => assertBench((await Dataset.fromTable(file, { fmt: 'csv' })).size === 2, 'HOSTILE: the table has 2 rows'),
        );
      return measure(
        settings,
        () => new Batch([1, 0]),
        (batch) => batch.load({ fmt: 'csv', src: file }),
        (batch) => assertBench(batch.components?.length === columns, `HOSTILE: ${batch.components?.length} columns loaded, expected ${columns}`),
      );
    };
    for (const how of ['batch', 'table'] as const) {
      const quarter = await csvLoad(CSV_COLUMNS / 4, how);
      const name = how === 'batch' ? `csv: load ${CSV_COLUMNS} columns × 2 rows into a Batch` : `csv: Dataset.fromTable of ${CSV_COLUMNS} columns × 2 rows`;
      results.push(result(name, await csvLoad(CSV_COLUMNS, how), quarter, 5000));
    }
    return results;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The HOSTILE workload. */
export const workloadHostile: Workload = {
  id: 'HOSTILE',
  title: 'blosc items with 60,000 components and CSV tables with 50,000 columns: load time and its growth with size',
  defaultRuns: 3,
  run,
};
