/**
 * BatchFlow's numbers on this project's machine (the table of bench/baseline.md, as data:
 * BatchFlow 0.10.0, Python 3.11.7, numpy 2.4.6, 2 cores, medians of 5 runs, 3 for C).
 * Every result reports `ratio` = BatchFlow / batchflow-ts (above 1 = we are faster).
 * @module
 */

/** A baseline measurement. */
export interface BaselineEntry {
  /** Workload letter in baseline.md. */
  workload: string;
  engine: string;
  value: number;
  unit: string;
  /** The row of baseline.md it comes from. */
  what: string;
}

export const baseline = {
  /** A: apply_parallel of x + 1 on 10,000 scalar items, target for: 9.2 µs per item (92 ms per batch). */
  A_for_10000: { workload: 'A', engine: 'for', value: 92, unit: 'ms/batch', what: 'x + 1 on 10,000 scalar items, target for (9.2 µs per item)' },
  /** A: the same on 1,000 items: 6.2 µs per item. */
  A_for_1000: { workload: 'A', engine: 'for', value: 6.2, unit: 'ms/batch', what: 'x + 1 on 1,000 scalar items, target for (6.2 µs per item)' },
  /** A: the same, target threads, 10,000 items: 32.9 µs per item. */
  A_threads_10000: { workload: 'A', engine: 'threads', value: 329, unit: 'ms/batch', what: 'x + 1 on 10,000 scalar items, target threads (32.9 µs per item)' },
  /** B: 200 items of 256×256 float32, 3×3 box blur ×5, target for. */
  B_for: { workload: 'B', engine: 'for', value: 400, unit: 'ms/batch', what: '200 × 256×256 float32, 3×3 edge-padded box blur ×5, target for' },
  /** B: the same, target threads. */
  B_threads: { workload: 'B', engine: 'threads', value: 504, unit: 'ms/batch', what: 'the same, target threads' },
  /** C: pipeline over 100,000 items, batch 1000. */
  C_batch1000: { workload: 'C', engine: 'for', value: 97_200, unit: 'items/s', what: 'pipeline over 100,000 items, batch 1000' },
  /** C: the same, batch 100. */
  C_batch100: { workload: 'C', engine: 'for', value: 77_300, unit: 'items/s', what: 'pipeline over 100,000 items, batch 100' },
  /** D: DatasetIndex(1_000_000).gen_batch(1000, n_epochs=1, shuffle=True) fully iterated. */
  D_genBatch: { workload: 'D', engine: 'none', value: 342, unit: 'ms', what: 'DatasetIndex(1_000_000).gen_batch(1000, shuffle) fully iterated' },
} as const satisfies Record<string, BaselineEntry>;

/** The ratio BatchFlow / ours for a time (lower is better) or a throughput (higher is better). */
export function ratioOf(entry: BaselineEntry, ours: number): number {
  return entry.unit.endsWith('/s') ? ours / entry.value : entry.value / ours;
}
