/**
 * Runs fuzz cases in one child process (fuzz/child.ts under tsx) with a deadline per case: the
 * parent writes each case's files to a temp folder, sends the case, and waits. A case past the
 * deadline is a hang (the child is killed — a parser stuck in a loop blocks the child's event loop,
 * never the parent's — and a fresh child takes the next case); a child that dies is a crash.
 * @module
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseMessage } from './child.js';
import type { CaseResult, FuzzCase, FuzzOutcome } from './types.js';

const childFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'child.ts');

/** Settings of a run. */
export interface HarnessOptions {
  /** Milliseconds a case may take (default 10,000). */
  readonly deadlineMs?: number;
  /** Milliseconds a new child may take to start (default 120,000). */
  readonly startupMs?: number;
  /** Called after every case (progress). */
  readonly onResult?: (result: CaseResult) => void;
}

/** Counts of one format. */
export interface FormatSummary {
  readonly cases: number;
  readonly counts: Record<FuzzOutcome, number>;
  /** The longest case, in milliseconds, and its label. */
  readonly longestMs: number;
  readonly longest: string;
}

/** Every result and the counts per format. */
export interface FuzzReport {
  readonly results: readonly CaseResult[];
  readonly formats: Readonly<Record<string, FormatSummary>>;
  /** The results that are not 'ok' or 'typed'. */
  readonly failures: readonly CaseResult[];
}

interface Child {
  readonly process: ChildProcess;
  stderr: string;
}

function startChild(startupMs: number): Promise<Child> {
  const process = fork(childFile, [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced' });
  const child: Child = { process, stderr: '' };
  process.stderr!.on('data', (chunk: Buffer) => (child.stderr = (child.stderr + chunk.toString()).slice(-2000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      process.kill('SIGKILL');
      reject(new Error(`the fuzz child did not start within ${startupMs} ms: ${child.stderr}`));
    }, startupMs);
    process.once('message', (message) => {
      clearTimeout(timer);
      if (message === 'ready') resolve(child);
      else reject(new Error(`unexpected first message from the fuzz child: ${String(message)}`));
    });
    process.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the fuzz child exited with code ${code} before it was ready: ${child.stderr}`));
    });
  });
}

function runOne(child: Child, message: CaseMessage, deadlineMs: number): Promise<CaseResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const done = (result: CaseResult): void => {
      clearTimeout(timer);
      child.process.off('message', onMessage);
      child.process.off('exit', onExit);
      resolve(result);
    };
    const onMessage = (result: CaseResult): void => done(result);
    const onExit = (code: number | null, signal: string | null): void =>
      done({
        label: message.label,
        format: message.format,
        outcome: 'crash',
        ms: performance.now() - started,
        detail: `child exited (${code ?? signal}): ${child.stderr.slice(-500)}`,
      });
    const timer = setTimeout(() => {
      child.process.off('exit', onExit);
      child.process.kill('SIGKILL');
      done({ label: message.label, format: message.format, outcome: 'hang', ms: deadlineMs, detail: `no answer within ${deadlineMs} ms` });
    }, deadlineMs);
    child.process.on('message', onMessage);
    child.process.on('exit', onExit);
    child.process.send(message);
  });
}

/** Summarises results per format. */
export function summarize(results: readonly CaseResult[]): FuzzReport {
  const formats: Record<string, { cases: number; counts: Record<FuzzOutcome, number>; longestMs: number; longest: string }> = {};
  for (const result of results) {
    const entry = (formats[result.format] ??= {
      cases: 0,
      counts: { ok: 0, typed: 0, hang: 0, untyped: 0, changed: 0, crash: 0 },
      longestMs: 0,
      longest: '',
    });
    entry.cases++;
    entry.counts[result.outcome]++;
    if (result.ms > entry.longestMs) {
      entry.longestMs = Math.round(result.ms * 10) / 10;
      entry.longest = result.label;
    }
  }
  return { results, formats, failures: results.filter((r) => r.outcome !== 'ok' && r.outcome !== 'typed') };
}

/** Runs every case in a child process (one child for all, replaced after a hang or crash). */
export async function runCases(cases: AsyncIterable<FuzzCase> | Iterable<FuzzCase>, options: HarnessOptions = {}): Promise<FuzzReport> {
  const deadlineMs = options.deadlineMs ?? 10_000;
  const startupMs = options.startupMs ?? 120_000;
  const root = mkdtempSync(path.join(tmpdir(), 'bf-fuzz-'));
  const results: CaseResult[] = [];
  let child: Child | null = null;
  let n = 0;
  try {
    for await (const c of cases) {
      const dir = path.join(root, String(n++));
      for (const file of c.files) {
        mkdirSync(path.dirname(path.join(dir, file.name)), { recursive: true });
        writeFileSync(path.join(dir, file.name), file.bytes);
      }
      child ??= await startChild(startupMs);
      const result = await runOne(child, { label: c.label, format: c.format, dir, files: c.files.map((f) => f.name), load: c.load }, deadlineMs);
      if (result.outcome === 'hang' || result.outcome === 'crash') child = null;
      results.push(result);
      options.onResult?.(result);
      rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    child?.process.kill('SIGKILL');
    rmSync(root, { recursive: true, force: true });
  }
  return summarize(results);
}
