/**
 * The progress bar of a run (`bar: true`, or `bar: { stream }`): one status line drawn with
 * cli-progress's formatter — epoch, bar, batches done / total, batches/s and items/s, elapsed time and
 * ETA. Shown only on a terminal (`stream.isTTY`); on the default stream (stderr) never under CI, so
 * logs and test output stay clean. While it is shown, console output goes above it (see
 * `console-hook.ts`), and stopping it leaves the cursor at the start of a fresh line below it.
 * @module
 */
import { ArgumentError } from '../errors.js';
import { holdConsole, type StatusLine } from './console-hook.js';

/** A stream a progress bar can be drawn on (a terminal: `isTTY` true; `columns` is its width). */
export interface ProgressStream {
  write(chunk: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

/** Options of the progress bar (`run({ bar: { stream } })`). */
export interface ProgressBarOptions {
  /** Where to draw the bar (default `process.stderr`). It is drawn only when the stream is a terminal (`isTTY`). */
  stream?: ProgressStream;
}

/** What the bar needs to know about the run. */
export interface ProgressPlan {
  /** Batches the run will yield, or null when endless. */
  readonly total: number | null;
  readonly datasetSize: number;
  readonly batchSize: number;
  readonly nEpochs: number | null;
  readonly dropLast: boolean;
}

/** What the run loop reports to. */
export interface ProgressReporter {
  /** One more batch of `items` items was yielded. */
  increment(items: number): void;
  /** Draws the final state and moves to a fresh line. */
  stop(): void;
}

const silent: ProgressReporter = { increment() {}, stop() {} };

const BAR_SIZE = 12;
const REDRAW_MS = 100;

/** Checks the `bar` run option. */
export function checkBarOption(value: unknown): boolean | ProgressBarOptions {
  if (value === undefined || value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'object' && !Array.isArray(value)) {
    const { stream, ...rest } = value as ProgressBarOptions & Record<string, unknown>;
    const unknown = Object.keys(rest);
    if (unknown.length > 0) throw new ArgumentError('bar', `unknown option '${unknown[0]}'; expected { stream }`);
    if (stream !== undefined && (typeof stream !== 'object' || stream === null || typeof (stream as ProgressStream).write !== 'function')) {
      throw new ArgumentError('bar', 'stream: expected a writable stream (with write())');
    }
    return value as ProgressBarOptions;
  }
  throw new ArgumentError('bar', `expected a boolean or { stream }, got ${typeof value}`);
}

function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '0';
  return perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2);
}

/** A reporter for the run `plan`; silent when disabled or not on a terminal. */
export async function createProgress(bar: boolean | ProgressBarOptions, plan: ProgressPlan): Promise<ProgressReporter> {
  if (bar === false) return silent;
  const given = typeof bar === 'object' ? bar.stream : undefined;
  const stream: ProgressStream = given ?? process.stderr;
  if (stream.isTTY !== true || (given === undefined && process.env.CI)) return silent;
  const { default: cliProgress } = await import('cli-progress');
  const options = {
    format:
      plan.total === null
        ? '{epoch} {value} batches | {rate} batches/s {itemRate} items/s | {duration_formatted} elapsed'
        : '{epoch} {bar} {value}/{total} | {rate} batches/s {itemRate} items/s | {duration_formatted} elapsed ETA {etaText}',
    barsize: BAR_SIZE,
    barGlue: '',
    align: 'left',
    autopaddingChar: '0',
    barCompleteString: '█'.repeat(BAR_SIZE),
    barIncompleteString: '░'.repeat(BAR_SIZE),
  };
  const started = Date.now();
  let batches = 0;
  let items = 0;
  let lastDraw = 0;
  let stopped = false;
  const itemsPerEpoch = plan.dropLast ? Math.floor(plan.datasetSize / plan.batchSize) * plan.batchSize : plan.datasetSize;

  const epochOf = (count: number): number => Math.max(1, Math.ceil(count / Math.max(itemsPerEpoch, 1)));
  const text = (): string => {
    const now = Date.now();
    const seconds = Math.max((now - started) / 1000, 1e-3);
    const epochNumber = epochOf(items);
    const epoch = plan.nEpochs === null ? `epoch ${epochNumber}` : `epoch ${Math.min(epochNumber, plan.nEpochs)}/${plan.nEpochs}`;
    const progress = plan.total ? Math.min(batches / plan.total, 1) : 0;
    const eta = plan.total !== null && batches > 0 ? ((plan.total - batches) * seconds) / batches : NaN;
    const etaText = Number.isFinite(eta) ? cliProgress.Format.TimeFormat(Math.round(eta), options as never, 1) : '--';
    const line = cliProgress.Format.Formatter(
      options as never,
      {
        progress,
        eta: 0,
        startTime: started,
        stopTime: now,
        total: plan.total ?? 0,
        value: batches,
        maxWidth: stream.columns || 80,
      } as never,
      { epoch, rate: formatRate(batches / seconds), itemRate: formatRate(items / seconds), etaText },
    );
    const width = Math.max((stream.columns || 80) - 1, 10);
    return line.length > width ? line.slice(0, width) : line;
  };
  const line: StatusLine = {
    clear: () => void stream.write('\r\x1b[K'),
    redraw: () => {
      stream.write(`\r${text()}\x1b[K`);
      lastDraw = Date.now();
    },
  };
  const release = holdConsole(line);
  // elapsed time and rates move on while a slow batch runs
  const timer = setInterval(() => line.redraw(), 1000);
  timer.unref();
  line.redraw();
  return {
    increment(count: number) {
      if (stopped) return;
      const epochBefore = epochOf(items);
      batches++;
      items += count;
      if (Date.now() - lastDraw >= REDRAW_MS || batches === plan.total || epochOf(items) !== epochBefore) line.redraw();
    },
    stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      release();
      line.redraw();
      stream.write('\n');
    },
  };
}
