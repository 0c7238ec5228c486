/**
 * Keeps status lines (progress bars) at the bottom of a terminal while the program logs: while at
 * least one line is registered, `console.log/info/warn/error/debug` first clear every line, then
 * print, then redraw them, so log lines appear whole above the bars.
 * @module
 */

/** A line drawn at the bottom of a terminal. */
export interface StatusLine {
  /** Erases the line (the cursor ends at the start of the now empty line). */
  clear(): void;
  /** Draws the line again where the cursor is. */
  redraw(): void;
}

const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
type ConsoleMethod = (typeof methods)[number];

const active = new Set<StatusLine>();
let originals: Map<ConsoleMethod, (...args: unknown[]) => void> | null = null;

function install(): void {
  originals = new Map();
  for (const name of methods) {
    const original = console[name] as (...args: unknown[]) => void;
    originals.set(name, original);
    console[name] = (...args: unknown[]): void => {
      for (const line of active) line.clear();
      try {
        original.apply(console, args);
      } finally {
        for (const line of active) line.redraw();
      }
    };
  }
}

function uninstall(): void {
  if (!originals) return;
  for (const [name, original] of originals) console[name] = original;
  originals = null;
}

/** Routes console output around `line` until the returned function is called. */
export function holdConsole(line: StatusLine): () => void {
  if (active.size === 0) install();
  active.add(line);
  return () => {
    if (!active.delete(line)) return;
    if (active.size === 0) uninstall();
  };
}
