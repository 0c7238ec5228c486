/**
 * The Node flags a worker thread may start with. Worker threads refuse per-process options (V8
 * flags such as `--max-old-space-size`, `--stack-size`, `--expose-gc`, and some Node ones such as
 * `--title`) with ERR_WORKER_INVALID_EXEC_ARGV, so passing the parent's flags on as they are would
 * fail every 'threads' call. Which flags are refused is asked of Node itself (a Worker construction
 * checks the flags before it starts a thread), once per process; `--max-old-space-size=N` becomes
 * the worker's heap limit instead.
 * @module
 */
import { Worker } from 'node:worker_threads';

/** What the parent's flags mean for worker threads. */
export interface ThreadFlags {
  /** The flags worker threads accept, in order. */
  readonly execArgv: string[];
  /** The flags dropped because worker threads refuse them. */
  readonly dropped: string[];
  /** The parent's `--max-old-space-size` (MB), to apply as the worker's `maxOldGenerationSizeMb`. */
  readonly maxOldGenerationSizeMb?: number;
}

/** Splits `flags` into options, each with its separate value (`--max-old-space-size 512`) when it has one. */
function options(flags: readonly string[]): string[][] {
  const grouped: string[][] = [];
  for (const flag of flags) {
    if (!flag.startsWith('-') && grouped.length > 0 && !grouped.at(-1)![0]!.includes('=') && grouped.at(-1)!.length === 1) grouped.at(-1)!.push(flag);
    else grouped.push([flag]);
  }
  return grouped;
}

/** The error a Worker started with `flags` throws at once (null: it accepts them; the probe thread is stopped). */
function refusal(flags: string[]): Error | null {
  try {
    const probe = new Worker('', { eval: true, execArgv: flags, stdout: true, stderr: true });
    void probe.terminate();
    return null;
  } catch (error) {
    return error as Error;
  }
}

function isRefusal(error: Error | null): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_WORKER_INVALID_EXEC_ARGV';
}

/** Removes from `groups` the options Node says it refuses; when the message names none, every option is tried alone. */
function dropRefused(groups: string[][], dropped: string[]): string[][] {
  const kept = [...groups];
  for (let round = 0; round <= groups.length; round++) {
    const error = refusal(kept.flat());
    if (!isRefusal(error)) return kept;
    const named = new Set(
      error!.message
        .slice(error!.message.indexOf(':') + 1)
        .split(',')
        .map((name) => name.trim()),
    );
    const before = kept.length;
    for (let i = kept.length - 1; i >= 0; i--) {
      const option = kept[i]!;
      if (named.has(option[0]!) || named.has(option.join(' '))) dropped.unshift(...kept.splice(i, 1)[0]!);
    }
    if (kept.length === before) {
      // the message did not name them recognisably: keep only the options accepted one by one
      const accepted = kept.filter((option) => !isRefusal(refusal(option)));
      for (const option of kept) if (!accepted.includes(option)) dropped.push(...option);
      return accepted;
    }
  }
  return kept;
}

const cache = new Map<string, ThreadFlags>();

/** The part of `flags` (the parent's execArgv, loader hooks already removed) worker threads accept. */
export function threadFlags(flags: readonly string[]): ThreadFlags {
  const key = flags.join('\0');
  let result = cache.get(key);
  if (result) return result;
  const groups = options(flags);
  let maxOld: number | undefined;
  for (const option of groups) {
    const match = /^--max[-_]old[-_]space[-_]size(?:=(\d+))?$/.exec(option[0]!);
    const value = match ? Number(match[1] ?? option[1]) : NaN;
    if (Number.isFinite(value) && value > 0) maxOld = value;
  }
  const dropped: string[] = [];
  const execArgv = flags.length === 0 ? [] : dropRefused(groups, dropped).flat();
  result = { execArgv, dropped, ...(maxOld === undefined ? {} : { maxOldGenerationSizeMb: maxOld }) };
  cache.set(key, result);
  return result;
}
