/**
 * What `run({ profile: true })` records: one event per step a batch ran (its action, batch, stage,
 * where it ran and when), and for batches produced on workers the time their round trip spent
 * outside the steps (sending, queueing, rebuilding: the transport). Times are milliseconds on the
 * wall clock shared by the threads and processes of one machine, so events of workers line up with
 * those of the calling thread.
 * @module
 */
import { threadId } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';

/** One timed stretch of a profiled run. */
export interface ProfileEvent {
  /** The step (an action's name, or the kind of record such as `update`), or `transport`. */
  readonly name: string;
  /** `step`: a record ran on a batch; `transport`: a batch's round trip to a worker minus its steps there. */
  readonly kind: 'step' | 'transport';
  /** The batch number in the run (0-based), or -1 for before / after steps. */
  readonly batch: number;
  /** The stage (0 before the first rebatch). */
  readonly stage: number;
  /** Where it ran: `caller`, or `worker <pid>/<thread>`. */
  readonly lane: string;
  /** Start, in milliseconds since the epoch (fractional). */
  readonly start: number;
  /** Duration in milliseconds. */
  readonly ms: number;
  /** Items of the batch when the step started (0 without a batch). */
  readonly items: number;
  /**
   * Milliseconds the step's items spent in their function on item workers (a parallel action on
   * 'threads', 'mpc', 'queue'), summed over workers; 0 for steps without such actions.
   */
  readonly functionMs: number;
}

/** The process's time origin (read once: the getter costs more than the clock itself). */
const timeOrigin = performance.timeOrigin;

/** Milliseconds since the epoch, with the resolution of `performance.now()`. */
export function wallClock(): number {
  return timeOrigin + performance.now();
}

/** The lane of the current thread: `caller` on the thread that runs the pipeline, else the worker's process and thread. */
export function currentLane(): string {
  const inWorker = (globalThis as Record<symbol, unknown>)[Symbol.for('batchflow-ts:in-worker')] === true;
  return inWorker ? `worker ${process.pid}/${threadId}` : 'caller';
}

/** Collects the events of one profiled run (or of one batch on a worker). */
export class RunProfiler {
  readonly events: ProfileEvent[] = [];
  readonly lane = currentLane();
  /** When the run started and, once it ended, when it ended. */
  readonly started = wallClock();
  ended: number | null = null;

  /** Records that step `name` ran on batch `batch` of `stage` from `start` for `ms` milliseconds. */
  step(name: string, batch: number, stage: number, start: number, ms: number, items: number, functionMs = 0): void {
    this.events.push({ name, kind: 'step', batch, stage, lane: this.lane, start, ms, items, functionMs });
  }

  /** Adds events recorded elsewhere (a worker's steps) and the transport time of their batch. */
  merge(events: readonly ProfileEvent[], transport: Omit<ProfileEvent, 'kind' | 'name' | 'functionMs'> | null): void {
    this.events.push(...events);
    if (transport) this.events.push({ ...transport, kind: 'transport', name: 'transport', functionMs: 0 });
  }

  /** Marks the end of the run. */
  end(): void {
    this.ended ??= wallClock();
  }
}
