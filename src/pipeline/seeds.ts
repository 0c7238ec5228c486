/**
 * The seed tree of a run: run seed → dataset order, pipeline seed (before/after pipelines and
 * expressions outside batches), execution seed → one seed per batch of each stage. Batch seeds depend
 * only on (run seed, stage, batch number), so prefetch and engines cannot change them.
 * @module
 */
import { Rng } from '../random/rng.js';
import { assertSeed, entropySeed } from '../random/seed.js';

/** The seeds of one run. */
export interface RunSeeds {
  /** The root: from `seed`, or from a numeric `shuffle`, or from OS entropy. */
  readonly root: number;
  /** Seed of the dataset order; null when the run does not shuffle. */
  readonly order: number | null;
  /** Seed of the pipeline generator used by before/after pipelines. */
  readonly pipeline: number;
  /** Seed from which every batch seed is derived. */
  readonly execution: number;
}

/**
 * Seeds for a run. `shuffle`: false (no shuffle), true (shuffle, random root), k ≥ 0 (shuffle, root k),
 * k < 0 (no shuffle, root |k|: the same expressions' randomness as k). An explicit `seed` sets the root.
 */
export function runSeeds(shuffle: boolean | number, seed?: number): RunSeeds {
  if (typeof shuffle !== 'boolean' && (typeof shuffle !== 'number' || !Number.isInteger(shuffle))) {
    throw new TypeError(`shuffle: expected a boolean or an integer seed, got ${String(shuffle)}`);
  }
  let root: number;
  if (seed !== undefined) {
    assertSeed(seed, 'seed');
    root = seed;
  } else if (typeof shuffle === 'number') {
    root = Math.abs(shuffle);
  } else {
    root = entropySeed();
  }
  const tree = new Rng(root);
  const order = tree.nextSeed();
  const pipeline = tree.nextSeed();
  const execution = tree.nextSeed();
  const shuffles = shuffle === true || (typeof shuffle === 'number' && shuffle >= 0);
  return { root, order: shuffles ? order : null, pipeline, execution };
}

/** The stage seeds of each run, derived once per stage instead of once per batch. */
const stageSeeds = new WeakMap<RunSeeds, number[]>();

function stageSeed(seeds: RunSeeds, stage: number): number {
  let known = stageSeeds.get(seeds);
  if (known === undefined) stageSeeds.set(seeds, (known = []));
  return (known[stage] ??= new Rng(seeds.execution, stage).nextSeed());
}

/** The seed of batch number `batchNumber` (0-based) of stage `stage` (0 = before any rebatch). */
export function batchSeed(seeds: RunSeeds, stage: number, batchNumber: number): number {
  return new Rng(stageSeed(seeds, stage), batchNumber).nextSeed();
}
