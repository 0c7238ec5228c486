/**
 * The progress bar of a run (`bar: true`): cli-progress on stderr, only when stderr is a terminal
 * and not under CI, so logs and test output stay clean.
 * @module
 */
import type { SingleBar } from 'cli-progress';

/** What the run loop reports to. */
export interface ProgressReporter {
  increment(): void;
  stop(): void;
}

const silent: ProgressReporter = { increment() {}, stop() {} };

/** A reporter for `total` batches (null = unknown); silent when disabled or not on a terminal. */
export async function createProgress(enabled: boolean, total: number | null): Promise<ProgressReporter> {
  if (!enabled || !process.stderr.isTTY || process.env.CI) return silent;
  const { default: cliProgress } = await import('cli-progress');
  const bar: SingleBar = new cliProgress.SingleBar(
    { stream: process.stderr, format: total === null ? 'batches {value} | {duration_formatted}' : 'batches {bar} {value}/{total} | {eta_formatted} left', hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total ?? 0, 0);
  return { increment: () => bar.increment(), stop: () => bar.stop() };
}
