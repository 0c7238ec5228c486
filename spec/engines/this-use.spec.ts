/**
 * Worker engines skip rebuilding the batch on the worker for an item function that cannot see its
 * `this`: the answer must never be "does not use it" for a function that does.
 */
import { describe, expect, test } from '@jest/globals';
import { mayUseThis } from '../../src/engines/this-use.js';

class Base {
  scale = 2;
  times(x: number): number {
    return x * this.scale;
  }
}

class Derived extends Base {
  override times(x: number): number {
    return super.times(x) + 1;
  }
}

describe('mayUseThis', () => {
  test('functions whose source never says this, super or eval cannot see their this', () => {
    expect(mayUseThis((x: number) => x + 1)).toBe(false);
    expect(
      mayUseThis(function addOne(x: number): number {
        return x + 1;
      }),
    ).toBe(false);
    expect(mayUseThis(async (x: number) => Promise.resolve(x))).toBe(false);
    // a word that merely contains "this" is not the keyword
    expect(mayUseThis((thisValue: number) => thisValue * 2)).toBe(false);
  });

  test('this, super and eval in the source count as using it', () => {
    expect(
      mayUseThis(function scaled(this: { scale: number }, x: number): number {
        return x * this.scale;
      }),
    ).toBe(true);
    expect(mayUseThis(Base.prototype.times)).toBe(true);
    expect(mayUseThis(Derived.prototype.times)).toBe(true);
    expect(mayUseThis((code: string) => eval(code) as unknown)).toBe(true);
  });

  test('a bound or native function (no source to read) counts as using it', () => {
    const bound = ((x: number) => x + 1).bind(null);
    expect(mayUseThis(bound)).toBe(true);
    expect(mayUseThis(Math.max)).toBe(true);
  });

  test('the answer is kept per function', () => {
    const fn = (x: number): number => x;
    expect(mayUseThis(fn)).toBe(false);
    expect(mayUseThis(fn)).toBe(false);
  });
});
