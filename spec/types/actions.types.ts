/**
 * Compile-only type tests of the callable action form (`batch.actions.*`) and `batch.applyParallel`.
 * Not run by jest: `tsc -p . --noEmit` (part of `npm test`) checks that every `@ts-expect-error`
 * line really is an error and that every other line compiles. Nothing here runs at import: the
 * checks live inside an exported function that is never called.
 */
import { Batch, P, action, applyParallel, inbatchParallel, tuple, type ActionsOf, type ItemContext, type NDArray } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

/**
 * Every class and check lives inside this function so that importing the module runs nothing (no
 * decorator registers a class). It is never called: tsc only type-checks it.
 */
export async function typeChecks(): Promise<void> {
  class TypedBatch extends Batch {
    static override components = ['images', 'labels'] as const;
    declare images: NDArray;
    declare labels: NDArray;

    @applyParallel({ src: 'images' })
    flip(image: NDArray, options: { axis: 0 | 1 }): NDArray {
      return options.axis === 0 ? image : image;
    }

    /** Per-item method whose options are all optional. */
    @applyParallel({ src: 'images' })
    blur(image: NDArray, options: { sigma?: number; mode?: 'reflect' | 'nearest' }): NDArray {
      return options.sigma === undefined ? image : image;
    }

    /** Per-item method that takes no options at all. */
    @applyParallel({ src: 'labels' })
    increment(label: number): number {
      return label + 1;
    }

    /** Uses the context (rng) and extra positional arguments. */
    @applyParallel({ src: 'labels', requiresRng: true })
    jitter(label: number, options: { scale: number }, context: ItemContext, offset: number): number {
      return label + options.scale * context.rng.random() + offset;
    }

    @inbatchParallel({ init: 'indices' })
    visit(id: number | string, options: { verbose?: boolean }): void {
      if (options.verbose) void id;
    }

    @action
    async normalize(): Promise<this> {
      return this;
    }

    @action
    async scaleBy(factor: number): Promise<this> {
      return factor > 0 ? this : this;
    }
  }

  /** Decorator options are type-checked where the decorator can see them. */
  class DecoratorChecks extends Batch {
    static override components = ['images'] as const;

    // @ts-expect-error wrong target in decorator options
    @applyParallel({ src: 'images', target: 'gpu' })
    a(item: number): number {
      return item;
    }

    // @ts-expect-error wrong p type in decorator options
    @applyParallel({ src: 'images', p: 'often' })
    b(item: number): number {
      return item;
    }

    // @ts-expect-error @inbatchParallel requires init
    @inbatchParallel({ target: 'for' })
    c(item: number): number {
      return item;
    }

    // @ts-expect-error useLock must be a boolean or a lock name
    @action({ useLock: 5 })
    async d(): Promise<this> {
      return this;
    }

    // @ts-expect-error noEval must be option names
    @action({ noEval: 3 })
    async e(): Promise<this> {
      return this;
    }

    // @ts-expect-error unknown @action option
    @action({ useLocks: true })
    async f(): Promise<this> {
      return this;
    }
  }

  const batch = new TypedBatch(3);
  void DecoratorChecks;
  const view: ActionsOf<TypedBatch> = batch.actions;
  void view;

  // ---- the callable form compiles and returns the batch type -------------------------------------
  const flipped: TypedBatch = await batch.actions.flip({ axis: 1, p: 0.5 });
  void flipped;
  await batch.actions.flip({ axis: 0 });
  await batch.actions.flip({ axis: 1, target: 'async', nWorkers: 2, src: 'images', dst: 'labels' });
  await batch.actions.flip({ axis: 1, target: 'a', requiresRng: true, timeout: 1000, chunkSize: 4 });
  await batch.actions.flip({ axis: 1, p: null, post: null, src: tuple('images', 'labels'), dst: ['images', 'labels'] });
  await batch.actions.flip({ axis: 1, src: ['images', 'labels'] });
  await batch.actions.flip({ axis: 1, rngSeeds: 7 });
  await batch.actions.flip({ axis: 1, rngSeeds: P([1, 2, 3]) });
  await batch.actions.flip({ axis: 1, p: P([0.1, 0.5, 1]) });
  await batch.actions.blur();
  await batch.actions.blur({});
  await batch.actions.blur({ sigma: 2, mode: 'nearest' });
  await batch.actions.increment();
  await batch.actions.increment({ p: 0.3 });
  await batch.actions.jitter({ scale: 2, args: [5] });
  await batch.actions.visit({ verbose: true });
  await batch.actions.visit();
  const normalized: TypedBatch = await batch.actions.normalize();
  void normalized;
  await batch.actions.scaleBy(2);
  await batch.actions.doNothing();
  await batch.actions.toArray({ src: 'images', dtype: 'float32', channels: 'first' });
  await batch.actions.addComponents('masks');

  assertType<Equal<ReturnType<typeof batch.actions.flip>, Promise<TypedBatch>>>();
  assertType<Equal<ReturnType<typeof batch.actions.normalize>, Promise<TypedBatch>>>();
  assertType<Equal<ReturnType<typeof batch.actions.scaleBy>, Promise<TypedBatch>>>();

  // ---- P([...]) for an item option -------------------------------------------------------------------
  await batch.actions.flip({ axis: P([0, 1, 1]) });
  await batch.actions.blur({ sigma: P([0.5, 1, 2]) });
  await batch.actions.blur({ sigma: P(new Float64Array([0.5, 1, 2])) });

  // ---- errors -------------------------------------------------------------------------------------
  // @ts-expect-error misspelled option
  await batch.actions.flip({ axsi: 1 });
  // @ts-expect-error misspelled option (alongside the right one)
  await batch.actions.flip({ axis: 1, axsi: 1 });
  // @ts-expect-error misspelled option of an all-optional options type
  await batch.actions.blur({ sigam: 2 });
  // @ts-expect-error wrong option type
  await batch.actions.flip({ axis: 2 });
  // @ts-expect-error wrong option type (string for a number)
  await batch.actions.blur({ sigma: '2' });
  // @ts-expect-error wrong option value of a string union
  await batch.actions.blur({ mode: 'wrap' });
  // @ts-expect-error missing required option
  await batch.actions.flip({});
  // @ts-expect-error missing options altogether
  await batch.actions.flip();
  // @ts-expect-error unknown reserved-looking option (requireRng for requiresRng)
  await batch.actions.flip({ axis: 1, requireRng: true });
  // @ts-expect-error unknown reserved-looking option (nWorker for nWorkers)
  await batch.actions.increment({ nWorker: 2 });
  // @ts-expect-error wrong target value
  await batch.actions.flip({ axis: 1, target: 'gpu' });
  // @ts-expect-error wrong p type
  await batch.actions.flip({ axis: 1, p: '0.5' });
  // @ts-expect-error wrong p type (boolean)
  await batch.actions.increment({ p: true });
  // @ts-expect-error calling a non-action
  await batch.actions.getAttrs();
  // @ts-expect-error a non-action member is not part of the view
  void batch.actions.itemAt;
  // @ts-expect-error the per-item original is not part of the view
  void batch.actions._flip_;
  // @ts-expect-error wrong argument of an @action method
  await batch.actions.scaleBy('2');
  // @ts-expect-error P of the wrong element type for an item option
  await batch.actions.blur({ sigma: P(['a', 'b']) });
  // @ts-expect-error wrong dtype of a built-in action
  await batch.actions.toArray({ src: 'images', dtype: 'float31' });
  // @ts-expect-error args must be an array
  await batch.actions.jitter({ scale: 1, args: 5 });
  // @ts-expect-error missing argument of an @action method
  await batch.actions.scaleBy();
  // @ts-expect-error wrong dstDefault
  await batch.actions.flip({ axis: 1, dstDefault: 'first' });
  // @ts-expect-error wrong nWorkers type
  await batch.actions.flip({ axis: 1, nWorkers: '2' });
  // @ts-expect-error misspelled option of @inbatchParallel
  await batch.actions.visit({ verbos: true });
  // @ts-expect-error misspelled option of a built-in action
  await batch.actions.toArray({ src: 'images', dtyp: 'float32' });

  // ---- batch.applyParallel(fn, options) --------------------------------------------------------------
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', k: 1 });
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', k: P([1, 2, 3]) });
  await batch.applyParallel((label: number) => label + 1, { src: 'labels', target: 'for' });
  // @ts-expect-error an option the function does not declare
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', k: 1, extra: 2 });
  // @ts-expect-error a misspelled option of the function
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', kk: 1 });
  // @ts-expect-error a wrong option type for the function
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', k: 'one' });
  // @ts-expect-error wrong target
  await batch.applyParallel((label: number) => label + 1, { src: 'labels', target: 'gpu' });
  // @ts-expect-error an option given to a function that takes none
  await batch.applyParallel((label: number) => label + 1, { src: 'labels', extra: 1 });
  // @ts-expect-error a required option of the function is missing
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels' });
  // @ts-expect-error wrong type of an extra positional argument
  await batch.applyParallel((label: number, _o: object, _c: ItemContext, offset: number) => label + offset, { src: 'labels', args: ['x'] });
  await batch.applyParallel((label: number, _o: object, _c: ItemContext, offset: number) => label + offset, { src: 'labels', args: [1] });
  // @ts-expect-error the options object is missing although the function has a required option
  await batch.applyParallel((label: number, options: { k: number }) => label + options.k);
  await batch.applyParallel((label: number) => label + 1);
}
