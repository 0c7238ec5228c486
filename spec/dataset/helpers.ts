/**
 * Shared helpers of the dataset specs: temporary file trees and warning capture.
 */
import { jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const range = (start: number, stop: number, step = 1): number[] => {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(i);
  return out;
};

/** Creates `files` (relative paths; a trailing '/' makes a directory) under a new temp directory. */
export function makeTree(files: readonly string[]): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bf-dataset-'));
  for (const file of files) {
    const full = path.join(root, file);
    if (file.endsWith('/')) fs.mkdirSync(full, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, '');
    }
  }
  return root;
}

export function removeTree(root: string): void {
  fs.rmSync(root, { recursive: true, force: true });
}

/** Runs `f` with process.emitWarning captured; returns its result and the warning messages. */
export function captureWarnings<T>(f: () => T): { result: T; warnings: string[] } {
  const spy = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  try {
    const result = f();
    return { result, warnings: spy.mock.calls.map((call) => String(call[0])) };
  } finally {
    spy.mockRestore();
  }
}

/** The error thrown by `f` (or null). */
export function errorOf(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  return null;
}
