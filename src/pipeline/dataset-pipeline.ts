/**
 * `dataset.p` and `dataset.pipeline(config)`: pipelines made from a dataset. They are declared on
 * `Dataset` by declaration merging and attached to its prototype here, so the dataset module does not
 * depend on the pipeline. Importing the library (`src/index.ts`) loads this module.
 * @module
 */
import type { Batch } from '../batch/batch.js';
import type { Config } from '../config/config.js';
import { Dataset, type BatchConstructor } from '../dataset/dataset.js';
import { Pipeline } from './pipeline.js';

declare module '../dataset/dataset.js' {
  // merged declarations must repeat the type parameters, `C` included
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  interface Dataset<B extends Batch = Batch, C extends BatchConstructor<B> = BatchConstructor<B>> {
    /** A new pipeline over this dataset, with `config` (`C(name)` reads it). */
    pipeline(config?: Config | Record<string, unknown> | null): Pipeline<B>;
    /** A new, empty pipeline over this dataset (a new one on every access): `ds.p.flip({ axis: 1 }).run(...)`. */
    readonly p: Pipeline<B>;
  }
}

Object.defineProperties(Dataset.prototype, {
  pipeline: {
    value: function pipeline<B extends Batch>(this: Dataset<B>, config?: Config | Record<string, unknown> | null): Pipeline<B> {
      return new Pipeline<B>({ dataset: this, config: config ?? null });
    },
    writable: true,
    configurable: true,
  },
  p: {
    get<B extends Batch>(this: Dataset<B>): Pipeline<B> {
      return this.pipeline();
    },
    configurable: true,
  },
});
