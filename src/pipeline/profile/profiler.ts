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

/** Numbers kept per event: start, ms, items, functionMs, batch, stage. */
const NUMBERS = 6;

/**
 * Collects the events of one profiled run (or of one batch on a worker). Events are kept in columns
 * (typed arrays, and small tables of names and lanes) rather than as one object each: a run of
 * thousands of short steps would otherwise keep thousands of young objects alive, which the garbage
 * collector copies and promotes at every collection of the run's own garbage (about 4% of workload C
 * at batch 100). {@link events} makes the objects when they are read.
 */
export class RunProfiler {
  readonly lane = currentLane();
  /** When the run started and, once it ended, when it ended. */
  readonly started = wallClock();
  ended: number | null = null;
  #count = 0;
  #numbers = new Float64Array(64 * NUMBERS);
  /** Per event: its name's and its lane's index in {@link #texts}, and its kind (0 step, 1 transport). */
  #codes = new Int32Array(64 * 3);
  readonly #texts: string[] = [];
  readonly #textIndex = new Map<string, number>();
  #read: ProfileEvent[] = [];

  /** Every event so far, in the order recorded. */
  get events(): ProfileEvent[] {
    for (let k = this.#read.length; k < this.#count; k++) {
      const n = k * NUMBERS;
      const numbers = this.#numbers;
      const codes = this.#codes;
      this.#read.push({
        name: this.#texts[codes[k * 3]!]!,
        kind: codes[k * 3 + 2] === 1 ? 'transport' : 'step',
        batch: numbers[n + 4]!,
        stage: numbers[n + 5]!,
        lane: this.#texts[codes[k * 3 + 1]!]!,
        start: numbers[n]!,
        ms: numbers[n + 1]!,
        items: numbers[n + 2]!,
        functionMs: numbers[n + 3]!,
      });
    }
    return this.#read;
  }

  /** Records that step `name` ran on batch `batch` of `stage` from `start` for `ms` milliseconds. */
  step(name: string, batch: number, stage: number, start: number, ms: number, items: number, functionMs = 0): void {
    this.#append(name, 'step', batch, stage, this.lane, start, ms, items, functionMs);
  }

  /** Adds events recorded elsewhere (a worker's steps) and the transport time of their batch. */
  merge(events: readonly ProfileEvent[], transport: Omit<ProfileEvent, 'kind' | 'name' | 'functionMs'> | null): void {
    for (const event of events)
      this.#append(event.name, event.kind, event.batch, event.stage, event.lane, event.start, event.ms, event.items, event.functionMs);
    if (transport) this.#append('transport', 'transport', transport.batch, transport.stage, transport.lane, transport.start, transport.ms, transport.items, 0);
  }

  /** Marks the end of the run. */
  end(): void {
    this.ended ??= wallClock();
  }

  #text(text: string): number {
    let index = this.#textIndex.get(text);
    if (index === undefined) {
      index = this.#texts.push(text) - 1;
      this.#textIndex.set(text, index);
    }
    return index;
  }

  #append(
    name: string,
    kind: ProfileEvent['kind'],
    batch: number,
    stage: number,
    lane: string,
    start: number,
    ms: number,
    items: number,
    functionMs: number,
  ): void {
    const k = this.#count++;
    if ((k + 1) * NUMBERS > this.#numbers.length) {
      const numbers = new Float64Array(this.#numbers.length * 2);
      numbers.set(this.#numbers);
      this.#numbers = numbers;
      const codes = new Int32Array(this.#codes.length * 2);
      codes.set(this.#codes);
      this.#codes = codes;
    }
    const n = k * NUMBERS;
    this.#numbers[n] = start;
    this.#numbers[n + 1] = ms;
    this.#numbers[n + 2] = items;
    this.#numbers[n + 3] = functionMs;
    this.#numbers[n + 4] = batch;
    this.#numbers[n + 5] = stage;
    this.#codes[k * 3] = this.#text(name);
    this.#codes[k * 3 + 1] = this.#text(lane);
    this.#codes[k * 3 + 2] = kind === 'transport' ? 1 : 0;
  }
}
