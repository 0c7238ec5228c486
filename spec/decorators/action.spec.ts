/**
 * `@action`: the wrapper (always a promise, resolves to the batch when the body returns nothing),
 * `useLock` serialisation (per batch, or per pipeline when the batch has one), `noEval` records and
 * decorator misuse.
 */
import { describe, expect, test } from '@jest/globals';
import { Batch, action } from '../../src/index.js';
import { getAction } from '../../src/internal.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

class ActBatch extends Batch {
  log: string[] = [];
  touched = 0;

  @action
  async bare(): Promise<this> {
    this.touched += 1;
    return this;
  }

  @action()
  async emptyCall(): Promise<this> {
    this.touched += 10;
    return this;
  }

  @action
  touch(): void {
    this.touched += 100;
  }

  @action
  async answer(): Promise<number> {
    return 42;
  }

  @action
  withArgs(a: number, b: number): void {
    this.touched = a * b;
  }

  @action
  syncThrow(): void {
    throw new RangeError('sync body failed');
  }

  async #step(label: string, ms: number, fail: boolean): Promise<this> {
    this.log.push(`start${label}`);
    await sleep(ms);
    this.log.push(`end${label}`);
    if (fail) throw new Error(`failure in ${label}`);
    return this;
  }

  @action({ useLock: true })
  async locked(label: string, ms = 20, fail = false): Promise<this> {
    return this.#step(label, ms, fail);
  }

  @action({ useLock: true })
  async lockedOther(label: string, ms = 20): Promise<this> {
    return this.#step(label, ms, false);
  }

  @action
  async unlocked(label: string, ms = 20): Promise<this> {
    return this.#step(label, ms, false);
  }

  @action({ useLock: 'shared' })
  async sharedA(label: string, ms = 20): Promise<this> {
    return this.#step(label, ms, false);
  }

  @action({ useLock: 'shared' })
  async sharedB(label: string, ms = 20): Promise<this> {
    return this.#step(label, ms, false);
  }

  @action({ useLock: '#_lock_locked' })
  async sameAsLocked(label: string, ms = 20): Promise<this> {
    return this.#step(label, ms, false);
  }

  @action({ noEval: 'expr' })
  async noEvalString(): Promise<this> {
    return this;
  }

  @action({ noEval: ['a', 'b'] })
  async noEvalArray(): Promise<this> {
    return this;
  }
}

describe('@action wrapper', () => {
  test('bare @action and @action() both wrap the method and resolve to the batch', async () => {
    const batch = new ActBatch(2);
    const result = batch.bare();
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(batch);
    expect(await batch.emptyCall()).toBe(batch);
    expect(batch.touched).toBe(11);
    expect(getAction(ActBatch, 'bare')).toMatchObject({ kind: 'action', useLock: false, noEval: [] });
    expect(getAction(ActBatch, 'emptyCall')).toMatchObject({ kind: 'action', useLock: false, noEval: [] });
  });

  test('the wrapper keeps the method name', () => {
    expect(ActBatch.prototype.bare.name).toBe('bare');
    expect(ActBatch.prototype.locked.name).toBe('locked');
  });

  test('an action whose body returns nothing (sync) resolves to the batch', async () => {
    const batch = new ActBatch(2);
    const result = (batch.touch as () => unknown)();
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe(batch);
    expect(batch.touched).toBe(100);
  });

  test('an action returning a value resolves to that value; arguments are passed through', async () => {
    const batch = new ActBatch(2);
    expect(await batch.answer()).toBe(42);
    expect(await (batch.withArgs as (a: number, b: number) => unknown)(6, 7)).toBe(batch);
    expect(batch.touched).toBe(42);
  });

  test('a synchronous throw in the body becomes a rejected promise with the original error', async () => {
    const batch = new ActBatch(2);
    let returned: unknown;
    expect(() => {
      returned = (batch.syncThrow as () => unknown)();
    }).not.toThrow();
    await expect(returned).rejects.toThrow(RangeError);
    await expect(returned).rejects.toThrow('sync body failed');
  });

  test('actions are callable through the typed actions view', async () => {
    const batch = new ActBatch(2);
    expect(await batch.actions.bare()).toBe(batch);
    expect(await batch.actions.locked('1', 1)).toBe(batch);
    expect(batch.touched).toBe(1);
  });
});

describe('useLock', () => {
  test('control: without a lock two concurrent calls interleave', async () => {
    const batch = new ActBatch(2);
    await Promise.all([batch.unlocked('1'), batch.unlocked('2')]);
    expect(batch.log).toEqual(['start1', 'start2', 'end1', 'end2']);
  });

  test('useLock: true serialises two concurrent calls on the same batch', async () => {
    const batch = new ActBatch(2);
    const results = await Promise.all([batch.locked('1', 30), batch.locked('2', 5)]);
    expect(batch.log).toEqual(['start1', 'end1', 'start2', 'end2']);
    expect(results).toEqual([batch, batch]);
  });

  test('the lock is released when the method throws: the next call proceeds', async () => {
    const batch = new ActBatch(2);
    const first = batch.locked('1', 10, true);
    const second = batch.locked('2', 5);
    const settled = await Promise.race([Promise.allSettled([first, second]), sleep(1000).then(() => 'deadlock' as const)]);
    expect(settled).not.toBe('deadlock');
    const [r1, r2] = settled as PromiseSettledResult<unknown>[];
    expect(r1!.status).toBe('rejected');
    expect(((r1 as PromiseRejectedResult).reason as Error).message).toBe('failure in 1');
    expect(r2).toEqual({ status: 'fulfilled', value: batch });
    expect(batch.log).toEqual(['start1', 'end1', 'start2', 'end2']);
    // and the lock is free afterwards
    await batch.locked('3', 1);
    expect(batch.log.slice(-2)).toEqual(['start3', 'end3']);
  });

  test('useLock: true gives each method its own lock (different methods do not serialise)', async () => {
    const batch = new ActBatch(2);
    await Promise.all([batch.locked('1'), batch.lockedOther('2')]);
    expect(batch.log).toEqual(['start1', 'start2', 'end1', 'end2']);
  });

  test('useLock: true names the lock #_lock_<method> (a named lock of that name is shared)', async () => {
    const batch = new ActBatch(2);
    await Promise.all([batch.locked('1'), batch.sameAsLocked('2')]);
    expect(batch.log).toEqual(['start1', 'end1', 'start2', 'end2']);
  });

  test('a named lock is shared by two actions', async () => {
    const batch = new ActBatch(2);
    await Promise.all([batch.sharedA('1', 30), batch.sharedB('2', 5), batch.sharedA('3', 1)]);
    expect(batch.log).toEqual(['start1', 'end1', 'start2', 'end2', 'start3', 'end3']);
  });

  test('without a pipeline, two different batches have their own locks', async () => {
    const a = new ActBatch(2);
    const b = new ActBatch(2);
    const log: string[] = [];
    a.log = log;
    b.log = log;
    await Promise.all([a.locked('1'), b.locked('2')]);
    expect(log).toEqual(['start1', 'start2', 'end1', 'end2']);
  });

  test('two different batches sharing a pipeline share the lock', async () => {
    const pipeline = { name: 'shared pipeline' };
    const a = new ActBatch(2);
    const b = new ActBatch(2);
    a.pipeline = pipeline;
    b.pipeline = pipeline;
    const log: string[] = [];
    a.log = log;
    b.log = log;
    await Promise.all([a.locked('1', 30), b.locked('2', 5)]);
    expect(log).toEqual(['start1', 'end1', 'start2', 'end2']);
    log.length = 0;
    await Promise.all([a.sharedA('3', 30), b.sharedB('4', 5)]);
    expect(log).toEqual(['start3', 'end3', 'start4', 'end4']);
  });

  test('a pipeline given to the constructor shares the lock too; different pipelines do not', async () => {
    const p1 = {};
    const p2 = {};
    const a = new ActBatch(2, { pipeline: p1 });
    const b = new ActBatch(2, { pipeline: p1 });
    const c = new ActBatch(2, { pipeline: p2 });
    const log: string[] = [];
    a.log = log;
    b.log = log;
    c.log = log;
    await Promise.all([a.locked('1', 30), b.locked('2', 5)]);
    expect(log).toEqual(['start1', 'end1', 'start2', 'end2']);
    log.length = 0;
    await Promise.all([a.locked('3', 30), c.locked('4', 5)]);
    expect(log).toEqual(['start3', 'start4', 'end4', 'end3']);
  });
});

describe('noEval and recorded options', () => {
  test('noEval given as a string is recorded as a one-element array', () => {
    expect(getAction(ActBatch, 'noEvalString')!.noEval).toEqual(['expr']);
  });

  test('noEval given as an array is recorded as is', () => {
    expect(getAction(ActBatch, 'noEvalArray')!.noEval).toEqual(['a', 'b']);
  });

  test('useLock is recorded as given', () => {
    expect(getAction(ActBatch, 'locked')!.useLock).toBe(true);
    expect(getAction(ActBatch, 'sharedA')!.useLock).toBe('shared');
    expect(getAction(ActBatch, 'bare')!.useLock).toBe(false);
  });
});

describe('decorator misuse', () => {
  const anyAction = action as unknown as (...args: unknown[]) => unknown;

  test('decorating a non-method (a value property, an accessor, nothing) → TypeError', () => {
    class Target extends Batch {}
    expect(() => anyAction(Target.prototype, 'field', { value: 5, writable: true, configurable: true })).toThrow(TypeError);
    expect(() => anyAction(Target.prototype, 'getter', { get: () => 1, configurable: true })).toThrow(TypeError);
    expect(() => anyAction(Target.prototype, 'missing', undefined)).toThrow(TypeError);
    expect(() => anyAction(Target.prototype, 'field', { value: 5 })).toThrow(/can only decorate methods/);
  });

  test('the options form applied to a non-method → TypeError', () => {
    class Target extends Batch {}
    const decorator = action({ useLock: true }) as unknown as (...args: unknown[]) => unknown;
    expect(() => decorator(Target.prototype, 'field', { value: 'x', writable: true })).toThrow(TypeError);
  });

  test('passing two arguments → TypeError', () => {
    expect(() => anyAction({ useLock: true }, { noEval: 'x' })).toThrow(TypeError);
    expect(() => anyAction({ useLock: true }, { noEval: 'x' })).toThrow(/one options object/);
  });

  test('a non-object argument → TypeError', () => {
    expect(() => anyAction('lockName')).toThrow(TypeError);
    expect(() => anyAction(null)).toThrow(TypeError);
    expect(() => anyAction([])).toThrow(TypeError);
  });

  test('useLock of a wrong type → TypeError', () => {
    class Target extends Batch {
      async m(): Promise<this> {
        return this;
      }
    }
    const descriptor = Object.getOwnPropertyDescriptor(Target.prototype, 'm')!;
    const decorator = action({ useLock: 5 as unknown as boolean }) as unknown as (...args: unknown[]) => unknown;
    expect(() => decorator(Target.prototype, 'm', descriptor)).toThrow(TypeError);
  });

  test('a symbol-named method → TypeError', () => {
    class Target extends Batch {}
    const key = Symbol('m');
    expect(() => anyAction(Target.prototype, key, { value: () => undefined })).toThrow(TypeError);
  });
});
