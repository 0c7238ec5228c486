/**
 * `@applyParallel` and `@inbatchParallel`: the per-item original `_name_`, the defaults merge order
 * (`Batch.applyDefaults` < subclass `applyDefaults` < decorator options < call options), what reaches
 * the item function (options without reserved keys, P-values split, `args` after the context), call
 * misuse, `init`/`post` of `@inbatchParallel`, and the `actions` view.
 */
import { describe, expect, test } from '@jest/globals';
import ndarray from 'ndarray';
import {
  ArgumentError,
  Batch,
  ComponentError,
  DatasetIndex,
  ItemContext,
  P,
  applyParallel,
  inbatchParallel,
  tuple,
  type BatchOptions,
  type ParallelDecoratorOptions,
} from '../../src/index.js';
import { getAction } from '../../src/internal.js';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A column as a plain list (1-D ndarrays read element by element). */
function list(column: unknown): unknown[] {
  if (column && typeof column === 'object' && 'shape' in column && 'pick' in column) {
    const nd = column as unknown as { shape: number[]; get(...i: number[]): unknown; pick(i: number): unknown };
    return Array.from({ length: nd.shape[0]! }, (_, i) => (nd.shape.length === 1 ? nd.get(i) : nd.pick(i)));
  }
  return Array.from(column as ArrayLike<unknown>);
}

interface Seen {
  position: number;
  options: Record<string, unknown>;
}

/**
 * The per-item probe: records its options, finishes later for earlier items (so 'for' completes in
 * item order 0,1,2 and 'async' in 2,1,0), and returns item + 1.
 */
async function probeBody(this: MergeBase, item: number, options: Record<string, unknown>, context: ItemContext): Promise<number> {
  this.seen.push({ position: context.position, options: { ...options } });
  await sleep(10 * (3 - context.position));
  this.finished.push(context.position);
  return item + 1;
}

/*
 * Only leaf classes are instantiated below, so that the merge-order tests stay independent of the
 * parent-then-subclass instantiation order (that case has its own test in registry.spec.ts).
 */
class MergeBase extends Batch {
  static override components = ['x', 'y', 'z'] as const;
  seen: Seen[] = [];
  finished: number[] = [];

  @applyParallel({ src: 'x' })
  probe(item: number, options: Record<string, unknown>, context: ItemContext): Promise<number> {
    return probeBody.call(this, item, options, context);
  }
}

/** Level 1: nothing but Batch.applyDefaults and the decorator's src. */
class Level1 extends MergeBase {}

/** Level 2: subclass applyDefaults (merged over Batch.applyDefaults: no post here). */
class SubDefaults extends MergeBase {
  static override applyDefaults: Readonly<ParallelDecoratorOptions> = { target: 'async', dst: 'y', scale: 10 };
}
class Level2 extends SubDefaults {}

/** A third level of applyDefaults: only `scale` changes. */
class LeafDefaults extends SubDefaults {
  static override applyDefaults: Readonly<ParallelDecoratorOptions> = { scale: 20 };
}

/** Level 3: decorator options over the subclass applyDefaults. */
class DecoratorWins extends SubDefaults {
  @applyParallel({ src: 'x', target: 'for', dst: 'z', scale: 100, summary: 'not an item option' })
  override probe(item: number, options: Record<string, unknown>, context: ItemContext): Promise<number> {
    return probeBody.call(this, item, options, context);
  }
}

function make<B extends MergeBase>(Cls: new (index: number, options: BatchOptions) => B): B {
  return new Cls(3, { preloaded: { x: [1, 2, 3], y: [10, 20, 30], z: [100, 200, 300] } });
}

describe('the per-item original _name_', () => {
  test('_probe_ exists on the class, is the per-item original and is not enumerable', async () => {
    const batch = make(Level1);
    const inner = (batch as unknown as Record<string, unknown>)['_probe_'] as (...a: unknown[]) => Promise<number>;
    expect(typeof inner).toBe('function');
    expect(inner).toBe(getAction(MergeBase, 'probe')!.original);
    expect(Object.getOwnPropertyDescriptor(MergeBase.prototype, '_probe_')!.enumerable).toBe(false);
    expect(Object.keys(MergeBase.prototype)).not.toContain('_probe_');
  });

  test('calling _name_ runs one item, not the batch', () => {
    class Inner extends Batch {
      static override components = ['x'] as const;
      @applyParallel({ src: 'x' })
      addK(item: number, options: { k: number }): number {
        return item + options.k;
      }
    }
    const batch = new Inner(2, { preloaded: { x: [1, 2] } });
    const inner = (batch as unknown as { _addK_(i: number, o: { k: number }): number })._addK_;
    expect(inner.call(batch, 5, { k: 10 })).toBe(15);
    expect(list(batch.getComponent('x'))).toEqual([1, 2]);
  });

  test('@inbatchParallel keeps _name_ too', () => {
    class Inner extends Batch {
      @inbatchParallel({ init: 'indices' })
      visit(id: number): number {
        return id * 2;
      }
    }
    expect((Inner.prototype as unknown as { _visit_(x: number): number })._visit_(21)).toBe(42);
  });
});

describe('defaults merge order: Batch.applyDefaults < subclass applyDefaults < decorator < call', () => {
  test('Batch.applyDefaults is {target: for, post: _assemble, src: null, dst: null}', () => {
    expect(Batch.applyDefaults).toEqual({ target: 'for', post: '_assemble', src: null, dst: null });
  });

  test('level 1: Batch.applyDefaults apply when nothing else is given (target for, post _assemble into src)', async () => {
    const batch = make(Level1);
    expect(await batch.actions.probe()).toBe(batch);
    expect(batch.finished).toEqual([0, 1, 2]); // sequential: 'for'
    expect(list(batch.getComponent('x'))).toEqual([2, 3, 4]); // _assemble into dst = src
    expect(list(batch.getComponent('y'))).toEqual([10, 20, 30]);
    expect(batch.seen.map((s) => s.options)).toEqual([{}, {}, {}]);
  });

  test('level 2: a subclass applyDefaults wins over Batch.applyDefaults (target, dst, extra default)', async () => {
    const batch = make(Level2);
    await batch.actions.probe();
    expect(batch.finished).toEqual([2, 1, 0]); // concurrent: 'async'
    expect(list(batch.getComponent('y'))).toEqual([2, 3, 4]);
    expect(list(batch.getComponent('x'))).toEqual([1, 2, 3]);
    expect(batch.seen.map((s) => s.options)).toEqual([{ scale: 10 }, { scale: 10 }, { scale: 10 }]);
  });

  test("subclass applyDefaults are merged over the parent's, not replacing them (post still _assemble)", async () => {
    // SubDefaults declares no post: results must still be assembled (post from Batch.applyDefaults).
    const batch = make(Level2);
    await batch.actions.probe();
    expect(list(batch.getComponent('y'))).toEqual([2, 3, 4]);
    // three levels: LeafDefaults only changes scale; target/dst come from SubDefaults, post from Batch
    const leaf = make(LeafDefaults);
    await leaf.actions.probe();
    expect(leaf.finished).toEqual([2, 1, 0]);
    expect(list(leaf.getComponent('y'))).toEqual([2, 3, 4]);
    expect(leaf.seen[0]!.options).toEqual({ scale: 20 });
    // and the parents' objects are untouched
    expect(Batch.applyDefaults).toEqual({ target: 'for', post: '_assemble', src: null, dst: null });
    expect(SubDefaults.applyDefaults).toEqual({ target: 'async', dst: 'y', scale: 10 });
  });

  test('level 3: decorator options win over the subclass applyDefaults', async () => {
    const batch = make(DecoratorWins);
    await batch.actions.probe();
    expect(batch.finished).toEqual([0, 1, 2]); // decorator target 'for' beats subclass 'async'
    expect(list(batch.getComponent('z'))).toEqual([2, 3, 4]); // decorator dst 'z' beats subclass 'y'
    expect(list(batch.getComponent('y'))).toEqual([10, 20, 30]);
    expect(batch.seen.map((s) => s.options)).toEqual([{ scale: 100 }, { scale: 100 }, { scale: 100 }]);
  });

  test('level 4: call options win over decorator options', async () => {
    const batch = make(DecoratorWins);
    await batch.actions.probe({ target: 'async', dst: 'y', scale: 1000 } as never);
    expect(batch.finished).toEqual([2, 1, 0]);
    expect(list(batch.getComponent('y'))).toEqual([2, 3, 4]);
    expect(list(batch.getComponent('z'))).toEqual([100, 200, 300]);
    expect(batch.seen.map((s) => s.options)).toEqual([{ scale: 1000 }, { scale: 1000 }, { scale: 1000 }]);
  });

  test('a call option explicitly undefined does not erase the decorator default', async () => {
    const batch = make(DecoratorWins);
    await batch.actions.probe({ dst: undefined, scale: undefined } as never);
    expect(list(batch.getComponent('z'))).toEqual([2, 3, 4]);
    expect(batch.seen[0]!.options).toEqual({ scale: 100 });
  });

  test('post: null at call time switches assembly off (results discarded, batch returned)', async () => {
    const batch = make(Level1);
    expect(await batch.actions.probe({ post: null })).toBe(batch);
    expect(batch.seen).toHaveLength(3);
    expect(list(batch.getComponent('x'))).toEqual([1, 2, 3]);
  });

  test('the inherited decorated method reads the runtime class applyDefaults', async () => {
    // MergeBase.probe is decorated once, in MergeBase; a SubDefaults batch still uses SubDefaults' defaults
    expect(getAction(Level2, 'probe')!.className).toBe('MergeBase');
    const batch = make(Level2);
    await batch.actions.probe();
    expect(batch.seen[0]!.options).toEqual({ scale: 10 });
  });
});

describe('what the item function receives', () => {
  class Receiver extends Batch {
    static override components = ['x', 'y'] as const;
    calls: Array<{ item: unknown; options: Record<string, unknown>; context: ItemContext; rest: unknown[] }> = [];

    @applyParallel({ src: 'x', summary: 'records its arguments' })
    record(item: unknown, options: Record<string, unknown>, context: ItemContext, ...rest: unknown[]): unknown {
      this.calls.push({ item, options, context, rest });
      return item;
    }
  }
  const makeReceiver = (): Receiver => new Receiver(new DatasetIndex(['a', 'b', 'c']), { preloaded: { x: [1, 2, 3], y: [4, 5, 6] } });

  test('options are forwarded without any reserved key', async () => {
    const batch = makeReceiver();
    await batch.actions.record({
      src: 'x',
      dst: 'y',
      dstDefault: 'src',
      init: 'data',
      post: '_assemble',
      target: 'for',
      p: 1,
      requiresRng: true,
      rngSeeds: 5,
      nWorkers: 2,
      chunkSize: 1,
      timeout: 5000,
      args: [],
      alpha: 1,
      beta: 'two',
      nested: { src: 'kept' },
    } as never);
    expect(batch.calls).toHaveLength(3);
    for (const call of batch.calls) expect(call.options).toEqual({ alpha: 1, beta: 'two', nested: { src: 'kept' } });
    expect(list(batch.getComponent('y'))).toEqual([1, 2, 3]);
  });

  test('with no call options the item function gets an empty options object (no src/dst/summary)', async () => {
    const batch = makeReceiver();
    await batch.actions.record();
    expect(batch.calls.map((c) => c.options)).toEqual([{}, {}, {}]);
    expect(batch.calls.map((c) => c.rest)).toEqual([[], [], []]);
  });

  test('the third argument is the ItemContext (index value, position, action)', async () => {
    const batch = makeReceiver();
    await batch.actions.record();
    expect(batch.calls.map((c) => c.item)).toEqual([1, 2, 3]);
    for (const [i, call] of batch.calls.entries()) {
      expect(call.context).toBeInstanceOf(ItemContext);
      expect(call.context.position).toBe(i);
      expect(call.context.index).toBe(['a', 'b', 'c'][i]);
      expect(call.context.action).toBe('record');
    }
  });

  test('args are appended after (item, options, context) and are visible as context.args', async () => {
    const batch = makeReceiver();
    const shared = { k: 1 };
    await batch.actions.record({ args: ['first', shared, 3], gamma: true } as never);
    for (const call of batch.calls) {
      expect(call.rest).toEqual(['first', shared, 3]);
      expect(call.rest[1]).toBe(shared);
      expect(call.options).toEqual({ gamma: true });
      expect(call.context.args).toEqual(['first', shared, 3]);
    }
  });

  test('P() option values are split per item; other values are passed whole', async () => {
    const batch = makeReceiver();
    const whole = [7, 8];
    await batch.actions.record({ k: P([10, 20, 30]), whole, nd: P(ndarray(Float64Array.from([1, 2, 3, 4, 5, 6]), [3, 2])) } as never);
    expect(batch.calls.map((c) => c.options.k)).toEqual([10, 20, 30]);
    for (const call of batch.calls) expect(call.options.whole).toBe(whole);
    expect(batch.calls.map((c) => list(c.options.nd))).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
  });

  test('P() values in args are split per item too', async () => {
    const batch = makeReceiver();
    await batch.actions.record({ args: [P(['u', 'v', 'w']), 'same'] } as never);
    expect(batch.calls.map((c) => c.rest)).toEqual([
      ['u', 'same'],
      ['v', 'same'],
      ['w', 'same'],
    ]);
  });

  test('a P() with fewer values than items → ArgumentError naming the option', async () => {
    const batch = makeReceiver();
    await expect(batch.actions.record({ k: P([1, 2]) } as never)).rejects.toThrow(ArgumentError);
    await expect(batch.actions.record({ k: P([1, 2]) } as never)).rejects.toMatchObject({ argument: 'k' });
    expect(batch.calls).toHaveLength(0);
  });

  test('a tuple src hands each item [x_i, y_i]; several dst names split the returned pair', async () => {
    const batch = makeReceiver();
    await batch.applyParallel((pair: number[]) => [pair[1]!, pair[0]!], { src: tuple('x', 'y'), dst: ['x', 'y'] });
    expect(list(batch.getComponent('x'))).toEqual([4, 5, 6]);
    expect(list(batch.getComponent('y'))).toEqual([1, 2, 3]);
  });

  test('a list src runs once per component (dst defaults to src)', async () => {
    const batch = makeReceiver();
    await batch.applyParallel((v: number) => v * 10, { src: ['x', 'y'] });
    expect(list(batch.getComponent('x'))).toEqual([10, 20, 30]);
    expect(list(batch.getComponent('y'))).toEqual([40, 50, 60]);
  });

  test('a list src with a dst of another length → ArgumentError', async () => {
    const batch = makeReceiver();
    await expect(batch.applyParallel((v: number) => v, { src: ['x', 'y'], dst: ['x'] })).rejects.toThrow(ArgumentError);
    await expect(batch.applyParallel((v: number) => v, { src: ['x', 'y'], dst: 'x' })).rejects.toMatchObject({ argument: 'dst' });
  });

  test('an unknown src component → ComponentError', async () => {
    const batch = makeReceiver();
    await expect(batch.actions.record({ src: 'nope' } as never)).rejects.toThrow(ComponentError);
  });
});

describe('call misuse', () => {
  class Misuse extends Batch {
    static override components = ['x'] as const;
    ran = 0;
    @applyParallel({ src: 'x' })
    double(item: number): number {
      this.ran += 1;
      return item * 2;
    }
  }
  const makeMisuse = (): Misuse => new Misuse(2, { preloaded: { x: [1, 2] } });

  test('a positional (non-object) argument → a clear ArgumentError, nothing runs', async () => {
    const batch = makeMisuse();
    const call = batch.actions.double as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(call(5)).rejects.toThrow(ArgumentError);
    await expect(call('x')).rejects.toThrow(/options/);
    expect(batch.ran).toBe(0);
    expect(list(batch.getComponent('x'))).toEqual([1, 2]);
  });

  test('two arguments (positional extras) → a clear ArgumentError pointing at `args`', async () => {
    const batch = makeMisuse();
    const call = batch.actions.double as unknown as (...args: unknown[]) => Promise<unknown>;
    await expect(call({}, 6)).rejects.toThrow(ArgumentError);
    await expect(call({ src: 'x' }, { dst: 'x' })).rejects.toThrow(/args/);
    expect(batch.ran).toBe(0);
  });

  test('batch.applyParallel with a non-function → ArgumentError', async () => {
    const batch = makeMisuse();
    await expect(batch.applyParallel(5 as never, { src: 'x' })).rejects.toThrow(ArgumentError);
  });

  test('bad reserved option values → ArgumentError naming the option', async () => {
    const batch = makeMisuse();
    await expect(batch.actions.double({ p: 2 })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'p' });
    await expect(batch.actions.double({ nWorkers: 0 })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'nWorkers' });
    await expect(batch.actions.double({ timeout: -1 })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'timeout' });
    await expect(batch.actions.double({ args: 'a' as never })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'args' });
    expect(batch.ran).toBe(0);
  });

  test('raw data as src without dst → ArgumentError (dst is required)', async () => {
    const batch = makeMisuse();
    await expect(batch.applyParallel((v: number) => v, { src: Float64Array.from([1, 2]) })).rejects.toMatchObject({ name: 'ArgumentError', argument: 'dst' });
  });
});

describe('@applyParallel decorator misuse', () => {
  const decorator = applyParallel as unknown as (...args: unknown[]) => unknown;

  test('two arguments or a non-object argument → TypeError', () => {
    expect(() => decorator({ src: 'x' }, { dst: 'y' })).toThrow(TypeError);
    expect(() => decorator('x')).toThrow(TypeError);
    expect(() => decorator(['x'])).toThrow(TypeError);
  });

  test('decorating a non-method → TypeError', () => {
    class Target extends Batch {}
    expect(() => decorator(Target.prototype, 'field', { value: 1, writable: true })).toThrow(TypeError);
    const withOptions = applyParallel({ src: 'x' }) as unknown as (...args: unknown[]) => unknown;
    expect(() => withOptions(Target.prototype, 'field', undefined)).toThrow(/can only decorate methods/);
  });

  test('@applyParallel() with no options is the same as bare', () => {
    class Target extends Batch {
      @applyParallel()
      m(item: number): number {
        return item;
      }
    }
    expect(getAction(Target, 'm')).toMatchObject({ kind: 'applyParallel', defaults: {}, innerName: '_m_' });
  });
});

describe('@inbatchParallel', () => {
  test('init is required: missing, null or no options → TypeError', () => {
    const decorator = inbatchParallel as unknown as (...args: unknown[]) => unknown;
    expect(() => decorator({})).toThrow(TypeError);
    expect(() => decorator({ init: null })).toThrow(TypeError);
    expect(() => decorator()).toThrow(TypeError);
    expect(() => decorator({ post: 'x' })).toThrow(/init/);
  });

  test('two arguments → TypeError (like @action and @applyParallel)', () => {
    const decorator = inbatchParallel as unknown as (...args: unknown[]) => unknown;
    expect(() => decorator({ init: 'indices' }, { post: 'x' })).toThrow(TypeError);
  });

  class Inb extends Batch {
    static override components = ['x'] as const;
    static override applyDefaults: Readonly<ParallelDecoratorOptions> = { target: 'async', leaked: 'applyDefaults' };
    calls: Array<{ item: unknown; options: Record<string, unknown>; position: number }> = [];
    indexValues: unknown[] = [];
    posted: Array<{ results: unknown[]; options: Record<string, unknown>; self: unknown }> = [];
    finished: number[] = [];

    #record(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      this.calls.push({ item, options: { ...options }, position: context.position });
      this.indexValues.push(context.index);
      return typeof item === 'number' ? item * 2 : item;
    }

    @inbatchParallel({ init: 'indices' })
    byIndices(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    @inbatchParallel({
      init(this: unknown, options: Record<string, unknown>) {
        return [options.base, (options.base as number) + 1];
      },
    })
    byFunction(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    @inbatchParallel({ init: [5, 6, 7, 8] })
    byContainer(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    @inbatchParallel({ init: 'runOnce' })
    once(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    @inbatchParallel({ init: 'makeItems' })
    byMethod(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    makeItems(options: Record<string, unknown>): number[] {
      return Array.from({ length: options.count as number }, (_, i) => i * 100);
    }

    @inbatchParallel({ init: [1, 2, 3], post: 'collect' })
    postByName(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    collect(results: unknown[], options: Record<string, unknown>): void {
      this.posted.push({ results, options, self: this });
    }

    @inbatchParallel({
      init: [1, 2, 3],
      post(this: unknown, results: unknown[], options: Record<string, unknown>) {
        (this as Inb).posted.push({ results, options, self: this });
      },
    })
    postByFunction(item: unknown, options: Record<string, unknown>, context: ItemContext): unknown {
      return this.#record(item, options, context);
    }

    @inbatchParallel({ init: [3, 2, 1] })
    async timed(item: number): Promise<number> {
      await sleep(item * 4);
      this.finished.push(item);
      return item;
    }

    @inbatchParallel({ init: 'noSuchMember' })
    badInit(item: unknown): unknown {
      return item;
    }

    @inbatchParallel({ init: [1], post: 'noSuchMethod' })
    badPost(item: unknown): unknown {
      return item;
    }
  }
  const makeInb = (): Inb => new Inb(new DatasetIndex([10, 11, 12]), { preloaded: { x: [1, 2, 3] } });

  test("init as a member name ('indices'): one item per batch id; default post: results discarded, batch returned", async () => {
    const batch = makeInb();
    expect(await batch.actions.byIndices()).toBe(batch);
    expect(batch.calls.map((c) => c.item)).toEqual([10, 11, 12]);
    expect(batch.calls.map((c) => c.position)).toEqual([0, 1, 2]);
    expect(batch.components).toEqual(['x']);
    expect(list(batch.getComponent('x'))).toEqual([1, 2, 3]);
  });

  test('init as a function: called with the call options (this = batch); its result gives the items', async () => {
    const batch = makeInb();
    await batch.actions.byFunction({ base: 40 } as never);
    expect(batch.calls.map((c) => c.item)).toEqual([40, 41]);
    expect(batch.calls[0]!.options).toEqual({ base: 40 });
  });

  test('init as a container: the items are its elements', async () => {
    const batch = makeInb();
    await batch.actions.byContainer();
    expect(batch.calls.map((c) => c.item)).toEqual([5, 6, 7, 8]);
  });

  test("init: 'runOnce' makes exactly one call with an undefined item", async () => {
    const batch = makeInb();
    await batch.actions.once({ flag: true } as never);
    expect(batch.calls).toEqual([{ item: undefined, options: { flag: true }, position: 0 }]);
  });

  test('context.index is undefined when the items do not correspond to batch items (init container, runOnce)', async () => {
    const batch = makeInb();
    await batch.actions.byContainer();
    expect(batch.indexValues).toEqual([undefined, undefined, undefined, undefined]);
    batch.indexValues = [];
    await batch.actions.once();
    expect(batch.indexValues).toEqual([undefined]);
  });

  test('init as the name of a batch method: it is called with the call options', async () => {
    const batch = makeInb();
    await batch.actions.byMethod({ count: 3 } as never);
    expect(batch.calls.map((c) => c.item)).toEqual([0, 100, 200]);
  });

  test('init as a call option overrides the decorator init', async () => {
    const batch = makeInb();
    await batch.actions.byContainer({ init: ['a', 'b'] });
    expect(batch.calls.map((c) => c.item)).toEqual(['a', 'b']);
  });

  test('post as a method name: called with the results in item order and the options (this = batch)', async () => {
    const batch = makeInb();
    expect(await batch.actions.postByName({ tag: 'T' } as never)).toBe(batch);
    expect(batch.posted).toHaveLength(1);
    expect(batch.posted[0]!.results).toEqual([2, 4, 6]);
    expect(batch.posted[0]!.self).toBe(batch);
    expect(batch.posted[0]!.options).toMatchObject({ tag: 'T' });
  });

  test('post as a function: called with the results (this = batch)', async () => {
    const batch = makeInb();
    await batch.actions.postByFunction();
    expect(batch.posted).toHaveLength(1);
    expect(batch.posted[0]!.results).toEqual([2, 4, 6]);
    expect(batch.posted[0]!.self).toBe(batch);
  });

  test('@inbatchParallel does not use applyDefaults: target for, no extra defaults forwarded', async () => {
    const batch = makeInb();
    await batch.actions.timed();
    expect(batch.finished).toEqual([3, 2, 1]); // sequential despite applyDefaults target 'async'
    await batch.actions.byContainer();
    expect(batch.calls[0]!.options).toEqual({});
  });

  test('@inbatchParallel honours a target given at call time', async () => {
    const batch = makeInb();
    await batch.actions.timed({ target: 'async' });
    expect(batch.finished).toEqual([1, 2, 3]);
  });

  test('init naming a missing member → ArgumentError; post naming a missing method → ArgumentError', async () => {
    const batch = makeInb();
    await expect(batch.actions.badInit()).rejects.toMatchObject({ name: 'ArgumentError', argument: 'init' });
    await expect(batch.actions.badPost()).rejects.toMatchObject({ name: 'ArgumentError', argument: 'post' });
  });
});

describe('the actions view', () => {
  class ViewBatch extends Batch {
    static override components = ['x'] as const;
    @applyParallel({ src: 'x' })
    inc(item: number): number {
      return item + 1;
    }
    helper(): number {
      return 1;
    }
  }

  test('a non-action member → ArgumentError naming it', () => {
    const batch = new ViewBatch(2, { preloaded: { x: [1, 2] } });
    const view = batch.actions as unknown as Record<string, unknown>;
    expect(() => view.getAttrs).toThrow(ArgumentError);
    expect(() => view.helper).toThrow(ArgumentError);
    expect(() => view.helper).toThrow(/helper/);
    try {
      void view.itemAt;
      throw new Error('no error');
    } catch (error) {
      expect(error).toBeInstanceOf(ArgumentError);
      expect((error as ArgumentError).argument).toBe('itemAt');
    }
  });

  test('actions are bound to the batch (a detached reference still works)', async () => {
    const batch = new ViewBatch(2, { preloaded: { x: [1, 2] } });
    const inc = batch.actions.inc;
    expect(await inc()).toBe(batch);
    expect(list(batch.getComponent('x'))).toEqual([2, 3]);
    const doNothing = batch.actions.doNothing;
    expect(await doNothing()).toBe(batch);
  });

  test('the view is the same object on every access', () => {
    const batch = new ViewBatch(2, { preloaded: { x: [1, 2] } });
    expect(batch.actions).toBe(batch.actions);
  });
});
