/**
 * The summary of a profiled run ({@link ProfileInfo}): per step, how often it ran, how long it took
 * and how many items per second it went through; the transport time of batches produced on workers;
 * and every event, for a chart. {@link formatProfileTable} prints the summary as a table.
 * @module
 */
import type { ProfileEvent, RunProfiler } from './profiler.js';

/** One row of the summary: a step (or the transport of batches on workers). */
export interface ProfileRow {
  /** The action's name, the kind of record (`update`, `call`, …), or `transport`. */
  readonly name: string;
  /** Times it ran. */
  readonly calls: number;
  /** Total, mean and longest duration in milliseconds. */
  readonly totalMs: number;
  readonly meanMs: number;
  readonly maxMs: number;
  /** Items it went through per second of its own time (0 when it ran without batches). */
  readonly itemsPerSecond: number;
  /** Its share of the time of all rows (0 … 1). */
  readonly share: number;
  /**
   * Of its time, the milliseconds its parallel actions' items spent in their function on item workers
   * ('threads', 'mpc', 'queue'), summed over workers: the rest of a step on item workers is transport
   * and scheduling. 0 when it ran no such action.
   */
  readonly functionMs: number;
  /** Where it ran: `caller`, `workers`, or both. */
  readonly where: 'caller' | 'workers' | 'caller and workers';
}

/** What `pipeline.profileInfo()` returns for the last profiled run. */
export interface ProfileInfo {
  /** Wall-clock time of the run, in milliseconds (up to now while it goes on). */
  readonly runMs: number;
  /** Batches and items that went through a step of the first stage. */
  readonly batches: number;
  readonly items: number;
  /** Items per second over the run's wall-clock time. */
  readonly itemsPerSecond: number;
  /** One row per step name, slowest first; the transport of batches on workers is a row of its own. */
  readonly rows: readonly ProfileRow[];
  /** Where steps ran: `caller` and one lane per worker thread or process. */
  readonly lanes: readonly string[];
  /** When the run started (milliseconds since the epoch) and every event, in the order they ended. */
  readonly started: number;
  readonly events: readonly ProfileEvent[];
}

function where(lanes: Set<string>): ProfileRow['where'] {
  const caller = lanes.has('caller');
  const workers = [...lanes].some((lane) => lane !== 'caller');
  return caller && workers ? 'caller and workers' : workers ? 'workers' : 'caller';
}

/** The summary of `profiler`'s events. */
export function summarizeProfile(profiler: RunProfiler, now: number): ProfileInfo {
  const events = profiler.events;
  const byName = new Map<string, { calls: number; total: number; max: number; items: number; functionMs: number; lanes: Set<string> }>();
  for (const event of events) {
    const entry = byName.get(event.name) ?? { calls: 0, total: 0, max: 0, items: 0, functionMs: 0, lanes: new Set<string>() };
    entry.functionMs += event.functionMs;
    entry.calls++;
    entry.total += event.ms;
    entry.max = Math.max(entry.max, event.ms);
    entry.items += event.items;
    entry.lanes.add(event.lane);
    byName.set(event.name, entry);
  }
  const allMs = [...byName.values()].reduce((sum, entry) => sum + entry.total, 0);
  const rows: ProfileRow[] = [...byName]
    .map(([name, entry]) => ({
      name,
      calls: entry.calls,
      totalMs: entry.total,
      meanMs: entry.total / entry.calls,
      maxMs: entry.max,
      itemsPerSecond: entry.total > 0 ? (entry.items / entry.total) * 1000 : 0,
      share: allMs > 0 ? entry.total / allMs : 0,
      functionMs: entry.functionMs,
      where: where(entry.lanes),
    }))
    .sort((a, b) => b.totalMs - a.totalMs);
  const firstStage = new Map<number, number>();
  for (const event of events)
    if (event.kind === 'step' && event.stage === 0 && event.batch >= 0 && !firstStage.has(event.batch)) firstStage.set(event.batch, event.items);
  const items = [...firstStage.values()].reduce((sum, count) => sum + count, 0);
  const runMs = (profiler.ended ?? now) - profiler.started;
  const lanes = [...new Set(events.map((event) => event.lane))].sort((a, b) => (a === 'caller' ? -1 : b === 'caller' ? 1 : a.localeCompare(b)));
  return {
    runMs,
    batches: firstStage.size,
    items,
    itemsPerSecond: runMs > 0 ? (items / runMs) * 1000 : 0,
    rows,
    lanes,
    started: profiler.started,
    events: [...events],
  };
}

function pad(text: string, width: number, right: boolean): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The summary as a text table: one line per step, slowest first, then the run's totals. */
export function formatProfileTable(info: ProfileInfo): string {
  const header = ['step', 'calls', 'total ms', 'mean ms', 'max ms', 'items/s', 'share', 'function ms on workers', 'where'];
  const lines = info.rows.map((row) => [
    row.name,
    String(row.calls),
    row.totalMs.toFixed(1),
    row.meanMs.toFixed(2),
    row.maxMs.toFixed(2),
    row.itemsPerSecond > 0 ? Math.round(row.itemsPerSecond).toLocaleString('en-US') : '-',
    `${(row.share * 100).toFixed(1)}%`,
    row.functionMs > 0 ? row.functionMs.toFixed(1) : '-',
    row.where,
  ]);
  const widths = header.map((title, column) => Math.max(title.length, ...lines.map((line) => line[column]!.length)));
  const format = (cells: readonly string[]): string =>
    cells.map((cell, column) => (column === cells.length - 1 ? cell : pad(cell, widths[column]!, column > 0))).join('  ');
  return [
    format(header),
    widths.map((width) => '-'.repeat(width)).join('  '),
    ...lines.map(format),
    '',
    `run: ${info.runMs.toFixed(1)} ms, ${info.batches} batches, ${info.items} items, ${Math.round(info.itemsPerSecond).toLocaleString('en-US')} items/s, lanes: ${info.lanes.join(', ') || '-'}`,
  ].join('\n');
}
