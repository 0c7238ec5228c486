/**
 * Bench harness: timing with warm-ups, summary statistics, and the shape of a workload and its
 * results. A workload lives in `bench/workloads/<name>.ts` and is registered in `workloads/index.ts`.
 * @module
 */
import { performance } from 'node:perf_hooks';

/** Summary of the timed runs of one measurement (milliseconds unless `unit` says otherwise). */
export interface Stats {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/**
 * One line of the bench report. `extra` fields (items, perItemUs, batchflow, ratio, target, …) are
 * free-form but should stay JSON-serialisable.
 */
export interface WorkloadResult extends Stats {
  /** The workload id (e.g. 'A'); `--only` filters on it. */
  workload: string;
  /** What was measured, in words. */
  name: string;
  /** The engine (target) the action ran on. */
  engine: string;
  /** Unit of median/min/max, e.g. 'ms/batch'. */
  unit: string;
  [extra: string]: unknown;
}

/** Settings every workload receives from the command line. */
export interface BenchSettings {
  /** Timed runs per measurement (at least 7 for reported numbers). */
  runs: number;
  /** Untimed warm-up runs before them. */
  warmups: number;
}

/** A benchmark workload: one or more measurements. */
export interface Workload {
  /** Short id used by `--only` and in the report (the baseline's letter for the workloads). */
  id: string;
  /** One-line description. */
  title: string;
  /** Timed runs when `--runs` is not given (cheap workloads use more for a stable median; default 9). */
  defaultRuns?: number;
  /** Runs the measurements and returns one result per variant (engine, size, …). */
  run(settings: BenchSettings): Promise<WorkloadResult[]>;
}

/**
 * Times `body` `settings.runs` times after `settings.warmups` untimed runs. `setup` runs before every
 * run (warm-ups included) and is not timed; its value is passed to `body` and to `check`, which runs
 * after every run (not timed) and should throw when the result is wrong.
 */
export async function measure<S>(
  settings: BenchSettings,
  setup: () => S | Promise<S>,
  body: (state: S) => unknown,
  check?: (state: S) => void,
): Promise<Stats> {
  const times: number[] = [];
  for (let run = 0; run < settings.warmups + settings.runs; run++) {
    const state = await setup();
    const start = performance.now();
    await body(state);
    const elapsed = performance.now() - start;
    check?.(state);
    if (run >= settings.warmups) times.push(elapsed);
  }
  return summarize(times);
}

/**
 * The orders of `count` variants one round after another: every rotation of 0…count−1, then every
 * rotation of the reverse order. Over these 2 × count rounds each variant runs in each place of a round
 * equally often and runs after each of its two neighbours in the list as often; with every order of
 * the variants in turn instead, the rounds of a short run (9 runs of 24 or 120 orders) would all
 * start with the same variant.
 */
function balancedOrders(count: number): number[][] {
  const forward = Array.from({ length: count }, (_, k) => k);
  const rotations = (base: number[]): number[][] => base.map((_, shift) => [...base.slice(shift), ...base.slice(0, shift)]);
  return count <= 1 ? [forward] : [...rotations(forward), ...rotations([...forward].reverse())];
}

/** One variant of {@link measureAlternating}: like {@link measure}'s three functions. */
export interface AlternatingVariant<S> {
  setup(): S | Promise<S>;
  body(state: S): unknown;
  check?(state: S): void;
}

/**
 * Times several variants run by run in turn: each round runs every variant once, and the rounds go
 * through balanced orders of the variants (every rotation, forward and reversed), so no variant
 * always runs first or follows the same one (and pays for its garbage) and slow drift of the machine
 * hits all of them alike. Returns one summary per variant, in the given order.
 */
export async function measureAlternating(settings: BenchSettings, variants: ReadonlyArray<AlternatingVariant<unknown>>): Promise<Stats[]> {
  const times: number[][] = variants.map(() => []);
  const orders = balancedOrders(variants.length);
  for (let run = 0; run < settings.warmups + settings.runs; run++) {
    for (const which of orders[run % orders.length]!) {
      const variant = variants[which]!;
      const state: unknown = await variant.setup();
      const start = performance.now();
      await variant.body(state);
      const elapsed = performance.now() - start;
      variant.check?.(state);
      if (run >= settings.warmups) times[which]!.push(elapsed);
    }
  }
  return times.map(summarize);
}

/** Median, min and max of `times`. */
export function summarize(times: readonly number[]): Stats {
  if (times.length === 0) throw new RangeError('summarize: no runs');
  const sorted = [...times].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Scales every statistic by `factor` (e.g. ms per batch → µs per item). */
export function scaleStats(stats: Stats, factor: number): Stats {
  return { median: stats.median * factor, min: stats.min * factor, max: stats.max * factor, runs: stats.runs };
}

/** Rounds to `digits` significant digits (for the report; the JSON keeps 4). */
export function round(value: number, digits = 4): number {
  if (!Number.isFinite(value) || value === 0) return value;
  return Number(value.toPrecision(digits));
}

/** Rounds every statistic of `stats`. */
export function roundStats<T extends Stats>(stats: T, digits = 4): T {
  return { ...stats, median: round(stats.median, digits), min: round(stats.min, digits), max: round(stats.max, digits) };
}

/** Throws when `condition` is false (result checks of the workloads). */
export function assertBench(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`bench check failed: ${message}`);
}
