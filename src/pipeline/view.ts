/**
 * The per-batch view of a pipeline that named expressions see (`PipelineLike`): the pipeline's config
 * and variables, with the `random` generator and iteration of one batch (async batches interleave).
 * @module
 */
import type { Config } from '../config/config.js';
import type { Dataset } from '../dataset/dataset.js';
import type { Rng } from '../random/rng.js';
import type { IterationInfo, PipelineLike, PipelinePreset } from '../expr/context.js';

/** What a view reads from its pipeline. */
export type ViewOwner = Pick<PipelinePreset, 'config' | 'hasVariable' | 'getVariable' | 'setVariable'>;

/** A pipeline seen from one batch (or from a before/after pipeline). */
export class PipelineView implements PipelineLike {
  constructor(
    private readonly owner: ViewOwner,
    readonly dataset: Dataset | null,
    readonly random: Rng,
    readonly iteration: IterationInfo,
  ) {}
  get config(): Config {
    return this.owner.config;
  }
  hasVariable(name: string): boolean {
    return this.owner.hasVariable(name);
  }
  getVariable(name: string): unknown {
    return this.owner.getVariable(name);
  }
  setVariable(name: string, value: unknown): void {
    this.owner.setVariable(name, value);
  }
}
