/**
 * A small in-memory implementation of the expression context contract (`PipelineLike`), so the
 * expression tests do not need the Pipeline class.
 */
import { Config } from '../../src/config/config.js';
import type { Dataset } from '../../src/dataset/dataset.js';
import type { IterationInfo, PipelineLike } from '../../src/expr/context.js';
import { Rng } from '../../src/random/rng.js';

export class FakePipeline implements PipelineLike {
  readonly variables = new Map<string, unknown>();
  /** Number of times a missing variable was read (non-strict: created as null). */
  createdOnRead = 0;
  dataset: Dataset | null;
  config: Config;
  random: Rng;
  iteration: IterationInfo;
  strict: boolean;

  constructor(
    options: {
      dataset?: Dataset | null;
      config?: Record<string, unknown>;
      seed?: number;
      iteration?: IterationInfo;
      strict?: boolean;
      variables?: Record<string, unknown>;
    } = {},
  ) {
    this.dataset = options.dataset ?? null;
    this.config = new Config(options.config ?? {});
    this.random = new Rng(options.seed ?? 0);
    this.iteration = options.iteration ?? { current: 1, total: null };
    this.strict = options.strict ?? false;
    for (const [name, value] of Object.entries(options.variables ?? {})) this.variables.set(name, value);
  }

  hasVariable(name: string): boolean {
    return this.variables.has(name);
  }

  getVariable(name: string): unknown {
    if (!this.variables.has(name)) {
      if (this.strict) throw new Error(`variable '${name}' does not exist`);
      this.createdOnRead++;
      this.variables.set(name, null);
    }
    return this.variables.get(name);
  }

  setVariable(name: string, value: unknown): void {
    this.variables.set(name, value);
  }
}
