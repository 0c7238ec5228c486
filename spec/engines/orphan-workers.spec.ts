/**
 * A process that dies (kill -9) during an 'mpc' action leaves no worker behind: its child processes
 * notice the lost parent and exit instead of spinning on a broken channel.
 */
import { describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../..');
const script = path.join(repoRoot, 'spec/fixtures/engine-faults/orphan-script.ts');

/** True while process `pid` exists and is not a zombie. */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Starts the script and resolves with the pids it prints once its workers are busy. */
function startScript(): Promise<{ pid: number; children: number[] }> {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout.on('data', (data: Buffer) => {
      out += data.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { pid: number; children: number[] });
    });
    child.stderr.on('data', (data: Buffer) => (err += data.toString()));
    child.on('exit', (code) => reject(new Error(`the script exited (${code}) before printing its workers: ${err}`)));
  });
}

describe("'mpc' workers of a killed process", () => {
  test('exit by themselves once their parent is gone (kill -9 during an action)', async () => {
    const { pid, children } = await startScript();
    expect(children.length).toBeGreaterThanOrEqual(2);
    expect(children.every(alive)).toBe(true);
    process.kill(pid, 'SIGKILL');
    // a generous bound (they exit within a second): poll until every worker is gone or 10 s passed
    const until = Date.now() + 10_000;
    while (children.some(alive) && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 100));
    const left = children.filter(alive);
    for (const orphan of left) process.kill(orphan, 'SIGKILL'); // never leave them spinning, even when the test fails
    expect(left).toEqual([]);
  }, 60_000);
});
