/**
 * The probe of target 'auto': the first items of a task run on the calling thread, one after another
 * as on 'for', while the clock says how much one item costs. Its results are kept.
 * @module
 */
import { performance } from 'node:perf_hooks';
import { TimeoutError } from '../../errors.js';
import { invokeItem, itemFailure, type ItemTask } from '../item-task.js';

/** What a probe ran and measured. */
export interface ProbeResult {
  /** The results of items `0 .. count - 1` of the task (local positions). */
  readonly results: unknown[];
  /** How many items ran. */
  readonly count: number;
  /** Their total time, in milliseconds. */
  readonly ms: number;
  /**
   * Time per item over the fastest stretch between two clock readings, each stretch timed by the
   * smaller of its wall-clock time (which also counts time other processes held the CPU) and the
   * process's CPU time (which also counts the process's background threads). The fastest stretch,
   * because the first items of a call, or of a process, also pay for one-time work (JIT compilation,
   * lazy set-up) and a stretch can be hit by a garbage collection. It leans towards 'for' when in doubt.
   */
  readonly perItemMs: number;
}

/** How far a probe goes. */
export interface ProbeLimits {
  /** Stop once this many milliseconds have passed (the clock is read after items 1, 2, 4, …, 1024, then every 1024). */
  readonly budgetMs: number;
  /** Never run more than this many items. */
  readonly maxItems: number;
  /** The call's time limit, as on 'for' (undefined: none). */
  readonly timeout?: number | undefined;
}

/** Stretches of the probe shorter than this (CPU ms) are too short to time. */
const MIN_STRETCH_MS = 0.05;

/** CPU time of this process (user + system), in milliseconds. */
export function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Runs the first items of `task` (at least one, when it has any) until the budget or the item limit
 * is reached. A failing item throws its ActionError at once, as on 'for'.
 */
export async function probeItems(task: ItemTask, limits: ProbeLimits): Promise<ProbeResult> {
  const limit = Math.min(task.items.length, Math.max(1, limits.maxItems));
  const results: unknown[] = [];
  const start = performance.now();
  const cpuStart = cpuMs();
  let elapsed = 0;
  let nextCheck = 1;
  let count = 0;
  const stretch = { count: 0, wall: 0, cpu: 0, fastest: Infinity };
  while (count < limit) {
    const position = task.offset + count;
    try {
      let result = invokeItem(task, position);
      if (isPromiseLike(result)) result = await result;
      results.push(result);
    } catch (error) {
      throw itemFailure(task, position, error);
    }
    count++;
    if (count === nextCheck || count === limit) {
      // the clocks are read after items 1, 2, 4, … (then every 1024): cheap items are not slowed by them
      nextCheck = count < 1024 ? count * 2 : count + 1024;
      elapsed = performance.now() - start;
      const cpu = cpuMs() - cpuStart;
      const duration = Math.min(elapsed - stretch.wall, cpu - stretch.cpu);
      // a stretch too short for the CPU clock's microseconds goes on until the next reading (its items
      // are not dropped: a pause in the one stretch long enough to time would make cheap items look slow)
      if (duration >= MIN_STRETCH_MS) {
        stretch.fastest = Math.min(stretch.fastest, duration / (count - stretch.count));
        stretch.count = count;
        stretch.wall = elapsed;
        stretch.cpu = cpu;
      }
      if (limits.timeout !== undefined && elapsed > limits.timeout) throw new TimeoutError(task.action, limits.timeout);
      if (elapsed >= limits.budgetMs) break;
    }
  }
  // the whole probe's average bounds every stretch: a pause within the only timed stretch cannot exceed it
  const average = count === 0 ? 0 : Math.min(elapsed, cpuMs() - cpuStart) / count;
  const perItemMs = Math.min(stretch.fastest, average);
  return { results, count, ms: elapsed, perItemMs };
}

/** One probe followed by another over the next items: the results in order, the times added, the fastest rate kept. */
export function joinProbes(first: ProbeResult, next: ProbeResult): ProbeResult {
  return {
    results: first.results.concat(next.results),
    count: first.count + next.count,
    ms: first.ms + next.ms,
    perItemMs: Math.min(first.perItemMs, next.perItemMs),
  };
}
