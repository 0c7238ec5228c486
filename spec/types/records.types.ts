/**
 * Compile-only type tests of filter / skip / take, before / after recorders, CV expressions, runTime and
 * resume. Not run by jest: `tsc -p . --noEmit` checks that every `@ts-expect-error` line really is an
 * error and that every other line compiles. The checks live inside an exported function never called.
 */
import { Batch, C, Dataset, applyParallel, type FilterPredicate, type ItemView, type NDArray, type Pipeline, type RunTime } from '../../src/index.js';

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function assertType<T extends true>(_value?: T): void {}

/** Never called: tsc only type-checks it. */
export async function recordsTypeChecks(): Promise<void> {
  class TypedBatch extends Batch {
    static override components = ['images', 'labels'] as const;
    declare images: NDArray;
    declare labels: NDArray;
    @applyParallel({ src: 'images' })
    flip(image: NDArray, _options: { axis: 0 | 1 }): NDArray {
      return image;
    }
  }
  const ds = new Dataset(8, { batchClass: TypedBatch });

  // filter: the predicate gets the item view, its position and the batch of the pipeline's class
  const filtered = ds.p.filter((item, position, batch) => {
    assertType<Equal<typeof item, ItemView>>();
    assertType<Equal<typeof batch, TypedBatch>>();
    return position > 0 && item.labels !== null;
  });
  assertType<Equal<typeof filtered, Pipeline<TypedBatch>>>();
  filtered.flip({ axis: 1 });
  const keepAll: FilterPredicate<TypedBatch> = () => true;
  ds.p.filter(keepAll);
  // @ts-expect-error the predicate must return a boolean
  ds.p.filter(() => 'yes');
  // @ts-expect-error filter needs a predicate
  ds.p.filter();

  // skip / take: a number of batches, and the pipeline keeps its class
  assertType<Equal<ReturnType<typeof ds.p.skip>, Pipeline<TypedBatch>>>();
  ds.p.skip(2).take(3).flip({ axis: 0 });
  // @ts-expect-error skip needs a number
  ds.p.skip('2');
  // @ts-expect-error take needs a number
  ds.p.take();

  // before / after: steps without a batch only
  ds.p.before((once) => once.initVariables('a', { b: 1 }).initLock().acquireLock().saveTo(C('x'), 1).releaseLock().repeat(2).sometimes(0.5));
  ds.p.after((once) =>
    once
      .initVariable('done', false)
      .callAndSave(C('y'), () => 1)
      .print('end'),
  );
  // @ts-expect-error a before pipeline cannot record batch actions
  ds.p.before((once) => once.flip({ axis: 1 }));
  // @ts-expect-error nor discardBatch
  ds.p.after((once) => once.discardBatch());
  // @ts-expect-error nor filter
  ds.p.before((once) => once.filter(() => true));
  // @ts-expect-error nor skip / take
  ds.p.before((once) => once.take(1));
  // @ts-expect-error nor rebatch
  ds.p.after((once) => once.rebatch(2));

  // CV: a typed expression of the dataset; a pipeline on it keeps the batch class
  const onFold = ds.p.withDataset(ds.CV(C<number>('fold')).train);
  assertType<Equal<typeof onFold, Pipeline<TypedBatch>>>();
  onFold.flip({ axis: 1 });
  ds.CV(0).test.get();
  // @ts-expect-error the fold is a number or an expression of one
  ds.CV('0');

  // runTime and resume
  const runTime = ds.p.runTime;
  assertType<Equal<typeof runTime, RunTime | null>>();
  const resumed = await ds.p.resume('checkpoint.json', { batchSize: 4, nEpochs: 1 });
  resumed.flip({ axis: 0 });
  await ds.p.resume({ path: 'checkpoint.json', ifMissing: 'start' });
  // @ts-expect-error resume's options do not take another resume
  await ds.p.resume('a.json', { resume: 'b.json' });
  // @ts-expect-error ifMissing is 'error' or 'start'
  await ds.p.resume({ path: 'a.json', ifMissing: 'skip' });
  // @ts-expect-error runTime is read-only
  ds.p.runTime = null;
}
