/**
 * Compile-only type tests of the pipeline layer (`ds.p.<action>(...)`, built-ins, run). Not run by
 * jest: `tsc -p . --noEmit` (part of `npm test`) checks that every `@ts-expect-error` line really is
 * an error and that every other line compiles. Nothing here runs at import: the checks live inside an
 * exported function that is never called.
 */
import {
  B,
  Batch,
  C,
  Dataset,
  P,
  Pipeline,
  PipelineCore,
  R,
  V,
  action,
  applyParallel,
  portablePipeline,
  type ItemContext,
  type NDArray,
} from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

/** Never called: tsc only type-checks it. */
export async function pipelineTypeChecks(): Promise<void> {
  class TypedBatch extends Batch {
    static override components = ['images', 'labels'] as const;
    declare images: NDArray;
    declare labels: NDArray;

    @applyParallel({ src: 'images' })
    flip(image: NDArray, options: { axis: 0 | 1 }): NDArray {
      return options.axis === 0 ? image : image;
    }

    @applyParallel({ src: 'images' })
    blur(image: NDArray, options: { sigma?: number; mode?: 'reflect' | 'nearest' }): NDArray {
      return options.sigma === undefined ? image : image;
    }

    @applyParallel({ src: 'labels', requiresRng: true })
    jitter(label: number, options: { scale: number }, context: ItemContext): number {
      return label + options.scale * context.rng.random();
    }

    @action
    async scaleBy(factor: number): Promise<this> {
      return factor > 0 ? this : this;
    }
  }

  class OtherBatch extends Batch {
    @action
    async rotate(angle: number): Promise<this> {
      return angle > 0 ? this : this;
    }
  }

  const ds = new Dataset(10, { batchClass: TypedBatch });
  const other = new Dataset(10, { batchClass: OtherBatch });
  void other;

  // ---- recording actions compiles and keeps the batch type ----------------------------------------
  const p: Pipeline<TypedBatch> = ds.p.flip({ axis: 1, p: 0.5 });
  ds.p.flip({ axis: 0 }).blur().blur({ sigma: 2, mode: 'nearest' }).jitter({ scale: 1, dst: 'noisy' }).scaleBy(2);
  ds.p.flip({ axis: 1, target: 'threads', nWorkers: 2, src: 'images', dst: 'flipped', p: P([0.1, 0.5, 1]) });
  ds.pipeline({ axis: 1 }).flip({ axis: C('axis') });
  ds.p.flip({ axis: P([0, 1, 1]) });
  ds.p.blur({ sigma: R('uniform', 0, 2) });
  ds.p.blur({ sigma: P(R('uniform', 0, 2)) });
  ds.p.scaleBy(C('factor'));
  ds.p.doNothing();
  ds.p.addComponents('masks');
  ds.p
    .initVariable('loss', 0)
    .update(V('loss', 'a'), B('labels'))
    .call((b: TypedBatch) => b.size, B())
    .print('x', B('size'));
  ds.p.rebatch(4).acquireLock().releaseLock().discardBatch().repeat(2).sometimes(0.5);
  ds.p.applyParallel((label: number, options: { k: number }) => label + options.k, { src: 'labels', k: 1 });
  ds.p.before((o) => o.update(V('x'), 1).call(() => 1)).after((o) => o.print('done'));
  const concatenated: Pipeline<TypedBatch> = ds.p.flip({ axis: 1 }).concat(ds.p.scaleBy(2));
  void concatenated;
  const bound: Pipeline<TypedBatch> = new Pipeline<TypedBatch>().withDataset(ds);
  void bound;

  // ---- run / genBatch / nextBatch types ---------------------------------------------------------------
  const running = p.run({ batchSize: 2, nEpochs: 1, shuffle: 42, prefetch: 2, bar: true });
  assertType<Equal<typeof running, Promise<Pipeline<TypedBatch>>>>();
  const lazy = p.run({ batchSize: 2, lazy: true });
  assertType<Equal<typeof lazy, Pipeline<TypedBatch>>>();
  for await (const batch of p.genBatch({ batchSize: 2 })) {
    const typed: TypedBatch = batch;
    void typed;
  }
  const next = await p.nextBatch({ batchSize: 2 });
  assertType<Equal<typeof next, TypedBatch | null>>();
  const created = await p.createBatch([0, 1]);
  assertType<Equal<typeof created, TypedBatch | null>>();
  const asCore: PipelineCore<TypedBatch> = p;
  void asCore;

  // ---- errors -------------------------------------------------------------------------------------------
  // @ts-expect-error an action the batch class does not have (rotate is an action of OtherBatch)
  ds.p.rotate(3);
  // @ts-expect-error an action no class has
  ds.p.noSuchAction();
  // @ts-expect-error a non-action Batch method
  ds.p.getComponent('images');
  // @ts-expect-error misspelled option
  ds.p.flip({ axsi: 1 });
  // @ts-expect-error misspelled option (alongside the right one)
  ds.p.flip({ axis: 1, axsi: 1 });
  // @ts-expect-error wrong option type
  ds.p.flip({ axis: 'x' });
  // @ts-expect-error wrong option value
  ds.p.flip({ axis: 2 });
  // @ts-expect-error wrong option type of an all-optional options type
  ds.p.blur({ sigma: '2' });
  // @ts-expect-error missing required option
  ds.p.flip({});
  // @ts-expect-error wrong target
  ds.p.flip({ axis: 1, target: 'gpu' });
  // @ts-expect-error wrong argument of an @action method
  ds.p.scaleBy('2');
  // @ts-expect-error an action of the wrong batch class after other recordings
  ds.p.flip({ axis: 1 }).rotate(3);
  // @ts-expect-error unknown run option
  void p.run({ batchSize: 2, batchsize: 3 });
  // @ts-expect-error wrong run option type
  void p.run({ batchSize: 2, shuffle: 'yes' });
  // batches on workers: any registered target name or alias, nWorkers a number
  void p.run({ batchSize: 2, target: 'threads', nWorkers: 2, prefetch: 2 });
  void p.run({ batchSize: 2, target: 'm' });
  // @ts-expect-error a run target must be a registered engine name
  void p.run({ batchSize: 2, target: 'gpu' });
  // @ts-expect-error nWorkers is a number
  void p.run({ batchSize: 2, target: 'threads', nWorkers: '2' });
  // portablePipeline gives back the pipeline with its type
  const marked = portablePipeline(p, import.meta.url);
  assertType<Equal<typeof marked, typeof p>>();
  // @ts-expect-error portablePipeline needs the module URL
  portablePipeline(p);
  // @ts-expect-error run returns a Promise, not the pipeline
  const notAPipeline: Pipeline<TypedBatch> = p.run({ batchSize: 2 });
  void notAPipeline;
  // @ts-expect-error a OncePipeline cannot record batch actions
  ds.p.before((o) => o.flip({ axis: 1 }));
  // a Pipeline object can be the preset pipeline of a variable expression
  const trainPipeline = ds.p.initVariable('params', [0, 0]);
  V('params', { pipeline: trainPipeline });

  // reading variables: a type parameter says what the variable holds (default unknown)
  const counted = ds.p.initVariable('seen', 0);
  const seen = counted.v<number>('seen');
  assertType<Equal<typeof seen, number>>();
  assertType<Equal<ReturnType<typeof counted.v>, unknown>>();
  const params = counted.getVariable<number[]>('params');
  assertType<Equal<typeof params, number[]>>();
  // @ts-expect-error the declared type is used: a number is not a string
  const seenText: string = counted.v<number>('seen');
  void seenText;
  // @ts-expect-error without a type parameter the value is unknown
  const untyped: number = counted.v('seen');
  void untyped;
}
