/** registerErrorClass: which classes it accepts and how names are kept apart. */
import { describe, expect, test } from '@jest/globals';
import { ArgumentError, registerErrorClass } from '../../src/index.js';

describe('registerErrorClass', () => {
  test('returns the class, and registering it again is harmless', () => {
    class ShardError extends Error {}
    expect(registerErrorClass(ShardError)).toBe(ShardError);
    expect(registerErrorClass(ShardError)).toBe(ShardError);
  });

  test('refuses a second class under a name that is taken, naming it', () => {
    const first = class DuplicateNameError extends Error {};
    const second = class DuplicateNameError extends Error {};
    registerErrorClass(first);
    const error = (() => {
      try {
        registerErrorClass(second);
      } catch (e) {
        return e;
      }
      return null;
    })();
    expect(error).toBeInstanceOf(ArgumentError);
    expect((error as ArgumentError).message).toContain("'DuplicateNameError'");
    expect(registerErrorClass(second, 'OtherDuplicateNameError')).toBe(second);
  });

  test("refuses a library class's name and a class that does not extend Error", () => {
    class ArgumentErrorLookalike extends Error {}
    expect(() => registerErrorClass(ArgumentErrorLookalike, 'ArgumentError')).toThrow(ArgumentError);
    expect(() => registerErrorClass(class NotAnError {} as never)).toThrow(/extends Error/);
  });
});
