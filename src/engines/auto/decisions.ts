/**
 * The memory of target 'auto': one decision per action, batch class, item shape, item count bucket
 * and worker count, so later calls of the same kind skip the probe. {@link getAutoDecisions} shows
 * them; {@link resetAutoDecisions} (and `closeEngines()`) forgets them.
 * @module
 */

/** What the probe of target 'auto' measured. */
export interface AutoProbe {
  /** Items run on the calling thread to time the function (their results are kept). */
  readonly items: number;
  /** Their total time (ms). */
  readonly ms: number;
  /** Time per item (ms) over the probe's fastest stretch (its first items also pay for one-time set-up). */
  readonly perItemMs: number;
}

/** One remembered choice of target 'auto'. */
export interface AutoDecision {
  /** The memory key: action, batch class, item shape, item count bucket, workers. */
  readonly key: string;
  readonly action: string;
  /** Class of the batch the action ran on (undefined when the function has no batch). */
  readonly batchClass: string | undefined;
  /** Items of the call that made the decision, and the shape of its first item. */
  readonly items: number;
  readonly itemShape: string;
  /** The engine the later calls use. */
  readonly engine: 'for' | 'threads';
  /**
   * Items per message 'auto' fixes on the pool: undefined, the pool keeps its own schedule (guided
   * chunks, then chunks sized from the workers' timings; a `chunkSize` given to the call wins).
   */
  readonly chunkSize: number | undefined;
  /** Workers the estimate assumed (the call's `nWorkers`, or the number of CPUs). */
  readonly nWorkers: number;
  /** Why: the estimate, or why workers were not an option (e.g. a closure, which cannot travel). */
  readonly reason: string;
  /** The probe (null when no probe ran: the function cannot travel, or the call had too few items). */
  readonly probe: AutoProbe | null;
  /** Estimated time of the items after the probe on 'for' and on the pool (ms); null without a probe. */
  readonly estimate: { readonly forMs: number; readonly workersMs: number } | null;
  /** Calls that used the decision, the probing call included. */
  readonly uses: number;
}

const decisions = new Map<string, AutoDecision>();

/** The remembered decision for `key`, counting this call as a use. */
export function recallDecision(key: string): AutoDecision | undefined {
  const found = decisions.get(key);
  if (found) decisions.set(key, { ...found, uses: found.uses + 1 });
  return found;
}

/** Remembers `decision` (it replaces an earlier one with the same key). */
export function rememberDecision(decision: AutoDecision): void {
  decisions.set(decision.key, decision);
}

/**
 * The choices target 'auto' has made in this process, in the order they were made: which engine and
 * chunk size each kind of call uses, with the probe's timing and the estimates behind it.
 */
export function getAutoDecisions(): AutoDecision[] {
  return [...decisions.values()];
}

/** Forgets every decision of target 'auto': the next call of each kind probes again. `closeEngines()` does this too. */
export function resetAutoDecisions(): void {
  decisions.clear();
}

/** The power-of-two bucket of an item count (1, 2–3, 4–7, …), so calls of similar sizes share a decision. */
export function countBucket(count: number): string {
  if (count <= 0) return '0';
  const low = 2 ** Math.floor(Math.log2(count));
  return `${low}-${2 * low - 1}`;
}
