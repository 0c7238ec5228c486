/**
 * The format registry on its own: the built-in formats are there as soon as the registry module is
 * imported (no other import needed), and a name is never replaced silently.
 */
import { describe, expect, test } from '@jest/globals';
import { registerFormat, registeredFormats } from '../../src/io/format-registry.js';
import { ArgumentError, Batch, type FormatHandler } from '../../src/index.js';

const recordingFormat = (calls: string[]): FormatHandler => ({
  async load(): Promise<void> {
    calls.push('load');
  },
  async dump(): Promise<void> {
    calls.push('dump');
  },
});

describe('format registry', () => {
  test('importing the registry module alone registers the built-in formats', () => {
    expect(registeredFormats()).toEqual(expect.arrayContaining(['csv', 'feather', 'hdf5', 'blosc']));
  });

  test('registering a built-in name without override is an ArgumentError naming the format', () => {
    const calls: string[] = [];
    let error: unknown;
    try {
      registerFormat('csv', async () => recordingFormat(calls));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('name');
    expect((error as Error).message).toMatch(/format 'csv' is already registered.*override: true/);
  });

  test('a new format registers once; a second registration needs { override: true } and then replaces it', async () => {
    const first: string[] = [];
    const second: string[] = [];
    registerFormat('recording-format', async () => recordingFormat(first));
    expect(registeredFormats()).toContain('recording-format');
    expect(() => registerFormat('recording-format', async () => recordingFormat(second))).toThrow(/'recording-format' is already registered/);

    const batch = new Batch([1, 2]);
    await batch.load({ fmt: 'recording-format', src: 'anything' });
    expect(first).toEqual(['load']);

    registerFormat('recording-format', async () => recordingFormat(second), { override: true });
    await batch.dump({ fmt: 'recording-format', dst: 'anywhere' });
    expect(first).toEqual(['load']);
    expect(second).toEqual(['dump']);
  });
});
