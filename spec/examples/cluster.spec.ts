/**
 * `npm run example:cluster` leaves no process behind when it is interrupted: Ctrl-C (SIGINT) in the
 * middle of the run stops its queue workers and its redis-server before it exits. (Its normal run and
 * output are checked with the other examples in examples.spec.ts.)
 */
import { expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** True while process `pid` runs (a zombie waiting to be reaped counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no /proc: kill(0) said it runs
  }
}

test('Ctrl-C during the run stops the workers and redis-server, then the example exits', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'examples/cluster.ts'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  const killer = setTimeout(() => child.kill('SIGKILL'), 100_000);
  try {
    // interrupt once the workers are up (the pipeline runs next)
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', () => {
        if (/^workers: .*\n/m.test(stdout)) resolve();
      });
      void exited.then((code) => reject(new Error(`the example exited (${code}) before its workers were up:\n${stdout}\n${stderr}`)));
    });
    const pids = [...stdout.matchAll(/\(pid (\d+)/g)].map((match) => Number(match[1]));
    expect(pids).toHaveLength(3); // redis-server and two workers
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(stdout).toMatch(/^cluster: SIGINT, stopping the workers and redis-server$/m);
    expect(stdout).toMatch(/^stopped: 2 workers and redis-server$/m);
    expect(pids.filter(alive)).toEqual([]);
  } finally {
    clearTimeout(killer);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}, 120_000);
