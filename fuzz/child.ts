/**
 * The fuzz child process (run under tsx, forked by harness.ts): loads each case it is sent through
 * the public API and reports how it ended. A case that never ends is the parent's to stop.
 * @module
 */
import path from 'node:path';
import { Batch, BatchflowError, Dataset, isNdArray, zeros } from '../src/index.js';
import type { CaseResult, FuzzOutcome, LoadSpec } from './types.js';

/** What the parent sends: the case folder, its files and how to load them. */
export interface CaseMessage {
  readonly label: string;
  readonly format: string;
  readonly dir: string;
  readonly files: readonly string[];
  readonly load: LoadSpec;
}

const text = (value: unknown): string =>
  JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? `${v}n` : typeof v === 'number' && !Number.isFinite(v) ? String(v) : v)) ?? 'undefined';

/** A component's content as text (ndarrays by shape and values). */
function content(value: unknown): string {
  if (isNdArray(value)) return `nd${text(value.shape)}:${text(Array.from(value.data as ArrayLike<unknown>))}`;
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}:${text(Array.from(value as unknown as ArrayLike<unknown>))}`;
  return text(value);
}

interface Snapshot {
  readonly keys: string;
  readonly components: ReadonlyArray<readonly [string, unknown, string]>;
  readonly prototypeKeys: number;
}

function snapshot(batch: Batch): Snapshot {
  const names = batch.components ?? [];
  return {
    keys: Object.getOwnPropertyNames(batch).join(','),
    components: names.map((name) => {
      const value = batch.getComponent(name);
      return [name, value, content(value)] as const;
    }),
    prototypeKeys: Object.getOwnPropertyNames(Object.prototype).length,
  };
}

function changes(before: Snapshot, batch: Batch): string | null {
  const after = snapshot(batch);
  if (after.keys !== before.keys) return `own properties ${before.keys} → ${after.keys}`;
  if (after.prototypeKeys !== before.prototypeKeys) return 'Object.prototype changed';
  if (after.components.length !== before.components.length) return 'the component list changed';
  for (const [i, [name, value, body]] of before.components.entries()) {
    const [, nowValue, nowBody] = after.components[i]!;
    if (nowValue !== value || nowBody !== body) return `component '${name}' changed`;
  }
  return null;
}

function namesFile(error: Error, paths: readonly string[]): boolean {
  const file = (error as { file?: unknown }).file;
  if (typeof file === 'string' && paths.includes(path.resolve(file))) return true;
  return paths.some((p) => error.message.includes(p));
}

function batchOf(spec: Extract<LoadSpec, { kind: 'batch' }>): Batch {
  if (spec.components === null) return new Batch([...spec.ids]);
  const names = [...spec.components];
  class FuzzBatch extends Batch {
    static override components = names;
  }
  const batch = new FuzzBatch([...spec.ids]);
  for (const [k, name] of names.entries()) {
    const sentinel = zeros([spec.ids.length, 2], 'float64');
    for (let i = 0; i < spec.ids.length; i++) sentinel.set(i, 0, k + i / 8);
    batch.setComponent(name, sentinel);
  }
  return batch;
}

/** Loads one case and classifies how it ended. */
export async function runCase(message: CaseMessage): Promise<CaseResult> {
  const { label, format, dir, load } = message;
  const src = path.resolve(dir, load.src);
  const paths = message.files.map((name) => path.resolve(dir, name));
  const batch = load.kind === 'batch' ? batchOf(load) : null;
  const before = batch ? snapshot(batch) : null;
  const started = performance.now();
  let outcome: FuzzOutcome = 'ok';
  let detail: string | undefined;
  try {
    if (batch) await batch.load({ fmt: load.fmt, src, ...load.options } as never);
    else await Dataset.fromTable(src, { fmt: load.fmt, ...load.options } as never);
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(`a thrown ${typeof caught}: ${String(caught)}`);
    detail = `${error.name}: ${error.message}`.slice(0, 500);
    const changed = batch && before ? changes(before, batch) : null;
    if (changed) {
      outcome = 'changed';
      detail = `${changed} after ${detail}`;
    } else if (!(error instanceof BatchflowError) || !namesFile(error, paths)) outcome = 'untyped';
    else outcome = 'typed';
  }
  return { label, format, outcome, ms: performance.now() - started, ...(detail ? { detail } : {}) };
}

if (process.send) {
  process.on('message', (message: CaseMessage) => {
    void runCase(message).then(
      (result) => process.send!(result),
      (error: unknown) => process.send!({ label: message.label, format: message.format, outcome: 'untyped', ms: 0, detail: String(error) }),
    );
  });
  process.send('ready');
}
