/**
 * Decorators applied by TC39 (stage 3) decorators instead of legacy ones: the bare form `@action`
 * is then called as `(method, context)`; it must say that legacy decorators are needed, as the
 * called form (`@applyParallel({...})`) does.
 */
import { describe, expect, test } from '@jest/globals';
import { action, applyParallel } from '../../src/index.js';

/** What TypeScript's TC39 decorators pass to a method decorator. */
const tc39Context = {
  kind: 'method',
  name: 'foo',
  static: false,
  private: false,
  access: { has: () => true, get: () => undefined },
  addInitializer: () => undefined,
  metadata: {},
};
function method(): void {}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  return 'no error';
}

describe('bare decorators under TC39 decorators', () => {
  test.each([
    ['action', () => (action as unknown as (...args: unknown[]) => unknown)(method, tc39Context)],
    ['applyParallel', () => (applyParallel as unknown as (...args: unknown[]) => unknown)(method, tc39Context)],
  ])('@%s applied bare says that legacy decorators are needed', (name, apply) => {
    const message = messageOf(apply);
    expect(message).toMatch(/^TypeError: /u);
    expect(message).toContain(`@${name} was applied as a TC39 (stage 3) decorator`);
    expect(message).toContain('experimentalDecorators');
    expect(message).not.toContain('accepts one options object');
  });

  test('the called form gives the same message', () => {
    const decorator = applyParallel({ src: 'images' }) as unknown as (...args: unknown[]) => unknown;
    expect(messageOf(() => decorator(method, tc39Context))).toContain('@applyParallel was applied as a TC39 (stage 3) decorator');
  });
});
