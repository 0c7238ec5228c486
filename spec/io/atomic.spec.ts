/**
 * Atomic writes (issue #5, item 3): a writer process killed mid-dump leaves either no file or the old
 * file, never a partial one (the new content goes to a temp file in the same folder, then a rename).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import ndarray from 'ndarray';
import { Batch, type NDArray } from '../../src/index.js';
import { cleanup, here, tempDir } from './helpers.js';

afterAll(cleanup);

const writer = path.join(here, 'support', 'atomic-writer.ts');
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs the writer and SIGKILLs it as soon as a temp file shows up in `dir`. */
async function killMidWrite(fmt: string, dst: string, dir: string, items: number): Promise<{ sawTemp: boolean; finished: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', writer, fmt, dst, String(items)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  let sawTemp = false;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && child.exitCode === null) {
    const temps = readdirSync(dir, { recursive: true })
      .map(String)
      .filter((name) => /\.tmp$/.test(name));
    if (temps.length > 0) {
      sawTemp = true;
      child.kill('SIGKILL');
      break;
    }
    await sleep(2);
  }
  if (child.exitCode === null && !sawTemp) child.kill('SIGKILL');
  await exited;
  if (!sawTemp && !output.includes('done')) throw new Error(`writer failed: ${stderr}`);
  return { sawTemp, finished: output.includes('done') };
}

async function oldBatch(items: number): Promise<Batch> {
  const batch = new Batch(Array.from({ length: items }, (_, i) => i));
  await batch.addComponents('x', ndarray(new Float32Array(items * 64 * 64).fill(-1), [items, 64, 64]));
  return batch;
}

describe.each([
  ['csv', 'out.csv', 60],
  ['feather', 'out.feather', 1500],
  ['hdf5', 'out.h5', 1500],
])('%s', (fmt, name, items) => {
  test('killed mid-dump over an existing file: the old file is intact', async () => {
    const dir = tempDir();
    const file = path.join(dir, name);
    await (await oldBatch(3)).dump({ fmt, dst: file });
    const before = readFileSync(file);
    const { sawTemp, finished } = await killMidWrite(fmt, file, dir, items);
    expect(sawTemp || finished).toBe(true);
    const after = readFileSync(file);
    if (!finished) expect(after.equals(before)).toBe(true);
    const check = new Batch([0, 1, 2]);
    await check.load({ fmt, src: file, dst: 'x', ...(fmt === 'csv' ? { shapes: { x: [64, 64] } } : {}) });
    const value = (check.getComponent('x') as NDArray).get(0, 0, 0);
    expect(finished ? [-1, 0] : [-1]).toContain(value);
  }, 90_000);

  test('killed mid-dump with no previous file: no file at all', async () => {
    const dir = tempDir();
    const file = path.join(dir, name);
    const { finished } = await killMidWrite(fmt, file, dir, items);
    if (!finished) expect(existsSync(file)).toBe(false);
  }, 90_000);
});

test('blosc: every item file is either the old one or a complete new one', async () => {
  const dir = tempDir();
  await (await oldBatch(400)).dump({ fmt: 'blosc', dst: dir });
  const { sawTemp } = await killMidWrite('blosc', dir, dir, 400);
  expect(sawTemp).toBe(true);
  const files = readdirSync(dir).filter((name) => name.endsWith('.blosc'));
  expect(files).toHaveLength(400);
  const check = new Batch(Array.from({ length: 400 }, (_, i) => i));
  await check.load({ fmt: 'blosc', src: dir, dst: 'x' });
  const x = check.getComponent('x') as NDArray;
  let replaced = 0;
  for (let i = 0; i < 400; i++) {
    const fresh = Math.fround(((i * 64 * 64) % 1000) / 7);
    expect([-1, fresh]).toContain(x.get(i, 0, 0));
    expect(x.get(i, 63, 63)).toBe(x.get(i, 0, 0) === -1 ? -1 : Math.fround(((i * 64 * 64 + 4095) % 1000) / 7));
    if (x.get(i, 0, 0) !== -1) replaced++;
  }
  expect(replaced).toBeLessThan(400); // killed before the last item was written
}, 90_000);
