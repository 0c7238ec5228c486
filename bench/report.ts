/** The human-readable table of bench results (printed on stderr). */
import type { WorkloadResult } from './harness.js';

function cell(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toPrecision(4).replace(/\.?0+$/, '');
  return String(value);
}

/** A target as `met (…)` / `MISSED (…)`; plain strings are shown as they are. */
function describeTarget(target: string | { met?: boolean; text?: string; perItemUsBelow?: number; mbPerSecondAtLeast?: number } | undefined): string {
  if (target === undefined) return '';
  if (typeof target === 'string') return target;
  const text =
    target.text ??
    (target.perItemUsBelow !== undefined
      ? `< ${target.perItemUsBelow} µs/item`
      : target.mbPerSecondAtLeast !== undefined
        ? `≥ ${target.mbPerSecondAtLeast} MB/s`
        : '');
  return `${target.met ? 'met' : 'MISSED'} (${text})`;
}

/** One row per result: workload, engine, median/min/max, unit, per-item time, BatchFlow, ratio. */
export function formatTable(results: readonly WorkloadResult[]): string {
  const header = ['workload', 'engine', 'what', 'median', 'min', 'max', 'unit', 'runs', 'per item', 'BatchFlow', 'ratio', 'target'];
  const rows = results.map((r) => {
    const perItem = r.perItemUs as { median?: number } | undefined;
    const batchflow = r.batchflow as { median?: number; unit?: string } | undefined;
    const target = r.target as string | { met?: boolean; text?: string; perItemUsBelow?: number; mbPerSecondAtLeast?: number } | undefined;
    return [
      r.workload,
      r.engine,
      r.name,
      cell(r.median),
      cell(r.min),
      cell(r.max),
      r.unit,
      cell(r.runs),
      perItem?.median !== undefined ? `${cell(perItem.median)} µs` : r.perItemMs !== undefined ? `${cell(r.perItemMs)} ms` : '',
      batchflow ? `${cell(batchflow.median)} ${batchflow.unit ?? ''}` : '',
      r.ratio !== undefined ? `${cell(r.ratio)}×` : '',
      describeTarget(target),
    ];
  });
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((row) => row[k]!.length)));
  const line = (row: readonly string[]): string =>
    row
      .map((c, k) => c.padEnd(widths[k]!))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
