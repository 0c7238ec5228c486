/**
 * The engine registry: every target has its built-in engine as soon as the registry module is
 * imported, and replacing one needs `{ override: true }`.
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import { getEngine, registerEngine } from '../../src/engines/registry.js';
import { ArgumentError, closeEngines, type Engine } from '../../src/index.js';

afterAll(async () => {
  await closeEngines();
});

describe('engine registry', () => {
  test('importing the registry module alone makes every target available', () => {
    for (const target of ['for', 'async', 'threads', 'mpc'] as const) expect(typeof getEngine(target).run).toBe('function');
  });

  test('registering an engine for a target that has one, without override, is an ArgumentError naming it', () => {
    const original = getEngine('async');
    let error: unknown;
    try {
      registerEngine('async', () => original);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).argument).toBe('name');
    expect((error as Error).message).toMatch(/already registered for target 'async'.*override: true/);
    expect(getEngine('a')).toBe(original);
  });

  test('{ override: true } replaces the engine for the next start of the target', async () => {
    const forEngine = getEngine('for');
    const replacement: Engine = { name: 'for', run: forEngine.run.bind(forEngine), close: async () => undefined };
    registerEngine('for', () => replacement, { override: true });
    await closeEngines();
    expect(getEngine('f')).toBe(replacement);
  });
});
