/**
 * Faults of item functions that every engine must turn into a typed error at once, never a call
 * that hangs: results that cannot be cloned, values thrown that cannot even be converted to text,
 * items nested thousands of levels deep. And numbers travel bit for bit (NaN payloads included).
 */
import { afterAll, describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import { ActionError, Batch, BatchflowError, closeEngines, type NDArray } from '../../src/index.js';
import { identity, nanPayload, nested, throwsOdd, uncloneableAt2 } from '../fixtures/worker-faults.js';

afterAll(async () => {
  await closeEngines();
});

const engines = ['for', 'async', 'threads', 'mpc'] as const;
const workerEngines = ['threads', 'mpc'] as const;

async function failureOf(run: Promise<unknown>): Promise<ActionError> {
  const error = await run.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ActionError);
  return error as ActionError;
}

/** The 64 bits of a double as hex. */
function bits(value: number): string {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  return view.getBigUint64(0).toString(16);
}

function payloadNaN(high: number, low: number): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setUint32(0, high);
  view.setUint32(4, low);
  return view.getFloat64(0);
}

describe.each(workerEngines)("results that cannot travel back on '%s'", (target) => {
  test.each(['function', 'symbol', 'deep'] as const)(
    'a %s result fails its item at once with the reason as the cause',
    async (kind) => {
      const batch = new Batch(4);
      await batch.addComponents('values', [0, 1, 2, 3]);
      // no timeout: before, the call never finished
      const error = await failureOf(batch.applyParallel(uncloneableAt2, { src: 'values', dst: 'out', target, nWorkers: 2, kind }));
      expect(error.position).toBe(2);
      expect(error.indexValue).toBe(2);
      expect(error.failedCount).toBe(1);
      expect(error.cause).toBeInstanceOf(Error);
      const cause = error.cause as Error;
      if (kind === 'deep' && target === 'threads') {
        expect(cause).toBeInstanceOf(BatchflowError);
        expect(cause.message).toContain('nested more than 1000 levels deep');
      } else {
        expect(cause.message === 'Maximum call stack size exceeded' || cause.message.includes('could not be cloned')).toBe(true);
      }
    },
    30_000,
  );

  test('the pool still works after such a failure', async () => {
    const batch = new Batch(3);
    await batch.addComponents('values', [0, 1, 3]);
    await batch.applyParallel(uncloneableAt2, { src: 'values', dst: 'out', target, nWorkers: 2, kind: 'function' });
    expect(batch.getComponent('out')).toEqual(['item 0', 'item 1', 'item 3']);
  }, 30_000);

  test('an item nested 5,000 deep that cannot be sent fails that item (not a worker crash, not a RangeError)', async () => {
    const batch = new Batch(3);
    await batch.addComponents('values', [[1], nested(5000), [2]]);
    const error = await failureOf(batch.applyParallel(identity, { src: 'values', dst: 'out', target, nWorkers: 1, chunkSize: 1 }));
    expect(error.position).toBe(1);
    expect(error.cause).toBeInstanceOf(BatchflowError);
    expect((error.cause as Error).message).toContain('the item is nested more than 1000 levels deep');
  }, 30_000);
});

describe.each(engines)("odd thrown values on '%s'", (target) => {
  test('an item throwing { toString: null } is an ActionError whose cause is the thrown value', async () => {
    const batch = new Batch(3);
    await batch.addComponents('values', [0, 1, 2]);
    const error = await failureOf(batch.applyParallel(throwsOdd, { src: 'values', dst: 'out', target, nWorkers: 2 }));
    expect(error.position).toBe(1);
    expect(error.message).toContain('cannot be converted to text');
    expect(typeof error.cause).toBe('object');
    expect(Object.keys(error.cause as object)).toEqual(['toString']);
    expect((error.cause as { toString: unknown }).toString).toBeNull();
  }, 30_000);
});

describe.each(engines)("NaN payloads on '%s'", (target) => {
  const high = 0x7ff8dead;
  const low = 0xbeef0001;

  test('scalar NaN results keep their payload bit for bit, on every item', async () => {
    const n = 300;
    const batch = new Batch(n);
    await batch.addComponents(
      'values',
      Array.from({ length: n }, (_, k) => k),
    );
    for (let call = 0; call < 3; call++) {
      await batch.applyParallel(nanPayload, { src: 'values', dst: 'out', target, nWorkers: 2, high, low });
      const out = batch.getComponent('out') as NDArray;
      const seen = new Set(Array.from({ length: n }, (_, k) => bits(out.get(k))));
      expect([...seen]).toEqual([bits(payloadNaN(high, low))]);
    }
  }, 60_000);

  test('NaN items reach the item function bit for bit and come back unchanged', async () => {
    const n = 300;
    const items = new Float64Array(n).fill(payloadNaN(high, low + 1));
    const batch = new Batch(n);
    await batch.addComponents('values', ndarray(items));
    await batch.applyParallel(identity, { src: 'values', dst: 'out', target, nWorkers: 2 });
    const out = batch.getComponent('out') as NDArray;
    const seen = new Set(Array.from({ length: n }, (_, k) => bits(out.get(k))));
    expect([...seen]).toEqual([bits(payloadNaN(high, low + 1))]);
  }, 60_000);
});
