/**
 * `pipeline.filter(predicate)`: keeps the items a predicate accepts, as a batch of the same class
 * linked to the same dataset and pipeline; a batch left empty is dropped.
 */
import { describe, expect, test } from '@jest/globals';
import { ArgumentError, B, Batch, Dataset, V, type ItemView } from '../../src/index.js';
import { ImagesBatch, imagesData, toList } from './fixtures/batches.js';

const dataset = (n = 10): Dataset<ImagesBatch> => new Dataset(n, { batchClass: ImagesBatch, preloaded: imagesData(n) });
const even = (item: ItemView): boolean => (item.labels as number) % 2 === 0;

describe('filter', () => {
  test('keeps the accepted items: ids, every component cut down, same class, dataset and pipeline', async () => {
    const ds = dataset();
    const p = ds.p.filter(even);
    const batches: ImagesBatch[] = [];
    for await (const batch of p.genBatch({ batchSize: 5, nEpochs: 1 })) batches.push(batch);
    expect(batches.map((batch) => batch.indices)).toEqual([
      [0, 2, 4],
      [6, 8],
    ]);
    const [first] = batches;
    expect(first).toBeInstanceOf(ImagesBatch);
    expect(toList(first!.labels)).toEqual([0, 2, 4]);
    expect((toList(first!.images) as number[][][]).map((image) => image[0]![0])).toEqual([0, 20, 40]);
    expect(first!.dataset).toBe(ds);
    expect(first!.pipeline).toBe(p);
  });

  test('later steps work on the filtered batch; the predicate gets the position and the batch', async () => {
    const seen: Array<[number, number]> = [];
    const p = dataset()
      .p.initVariable('sizes', [])
      .filter((item, position, batch) => {
        seen.push([position, batch.size]);
        return position !== 1;
      })
      .addToLabels(100)
      .update(V('sizes', 'a'), B('size'));
    await p.run({ batchSize: 4, nEpochs: 1 });
    expect(p.v('sizes')).toEqual([3, 3, 1]);
    expect(seen.slice(0, 4)).toEqual([
      [0, 4],
      [1, 4],
      [2, 4],
      [3, 4],
    ]);
  });

  test('a batch with no item left is dropped: it is not yielded and later steps do not run for it', async () => {
    const p = dataset()
      .p.initVariable('count', 0)
      .filter((item) => (item.labels as number) >= 6)
      .update(V('count'), V<number>('count').add(1));
    const sizes: number[] = [];
    for await (const batch of p.genBatch({ batchSize: 3, nEpochs: 1 })) sizes.push(batch.size);
    expect(sizes).toEqual([3, 1]);
    expect(p.v('count')).toBe(2);
  });

  test('components added during the run go with the kept items', async () => {
    const p = dataset(6)
      .p.addComponents('extra', ['a', 'b', 'c'])
      .filter((_item, position) => position > 0);
    const batch = await p.nextBatch({ batchSize: 3, nEpochs: 1 });
    expect(batch!.getComponent('extra')).toEqual(['b', 'c']);
  });

  test('the same seed gives the same values after a filter, with and without prefetch', async () => {
    const run = async (prefetch: number): Promise<number[]> => {
      const labels: number[] = [];
      const p = dataset(12)
        .p.filter(even)
        .jitter({})
        .call((batch: ImagesBatch) => void labels.push(...(toList(batch.labels) as number[])), B());
      await p.run({ batchSize: 4, nEpochs: 1, seed: 7, prefetch });
      return labels;
    };
    const plain = await run(0);
    expect(plain).toHaveLength(6);
    expect(await run(0)).toEqual(plain);
    expect(await run(2)).toEqual(plain);
  });

  test('a batch without components is cut down too', async () => {
    const ds = new Dataset(6, { batchClass: Batch, preloaded: [10, 11, 12, 13, 14, 15] });
    const batch = await ds.p.filter((item) => (item as unknown as number) > 12).nextBatch({ batchSize: 6, nEpochs: 1 });
    expect(batch!.indices).toEqual([3, 4, 5]);
    expect(batch!.data).toEqual([13, 14, 15]);
  });

  test('a predicate that does not return a boolean is an ArgumentError naming the item', async () => {
    const p = dataset().p.filter((() => 'yes') as unknown as () => boolean);
    await expect(p.run({ batchSize: 5, nEpochs: 1 })).rejects.toThrow(ArgumentError);
    await expect(p.run({ batchSize: 5, nEpochs: 1 })).rejects.toThrow(/predicate.*item 0 \(position 0\)/);
  });

  test('filter refuses something that is not a function', () => {
    expect(() => dataset().p.filter(null as unknown as () => boolean)).toThrow(ArgumentError);
  });
});
