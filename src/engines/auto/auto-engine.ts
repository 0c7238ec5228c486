/**
 * Target 'auto': the first items of a call run on the calling thread while they are timed (their
 * results are kept); the rest runs on 'for' when items are too cheap to ship, or on the 'threads'
 * pool with a chunk size that amortises its messages. The choice is remembered per action, batch
 * class, item shape, item count bucket and worker count, so later calls of the same kind skip the
 * probe. Results are those of 'for', bit for bit: every item keeps its global position.
 * @module
 */
import { availableParallelism } from 'node:os';
import type { Engine, EngineRunOptions } from '../engine.js';
import type { ItemTask } from '../item-task.js';
import { chooseEngine, type CostChoice } from './cost-model.js';
import { logDecision } from './debug-log.js';
import { countBucket, recallDecision, rememberDecision, resetAutoDecisions, type AutoDecision } from './decisions.js';
import { describeItem, itemBytes } from './item-shape.js';
import { workerBlocker } from './portability.js';
import { joinProbes, probeItems, type ProbeResult } from './probe.js';
import { sliceTask } from './slice-task.js';
import { handsNumberColumnsBack } from '../result-buffer.js';

/** Finds the engine registered under a name (the registry's `getEngine`, passed in to keep the modules acyclic). */
export type EngineLookup = (name: string) => Engine;

/** Milliseconds of items the probe runs before deciding (at most a quarter of the call's items). */
export const PROBE_BUDGET_MS = 5;
/** Before workers are chosen, more probes of the next items (each of the same budget) confirm it. */
const CONFIRMING_PROBES = 2;

function batchClassOf(thisArg: unknown): string | undefined {
  return typeof thisArg === 'object' && thisArg !== null ? (thisArg.constructor as { name?: string } | undefined)?.name : undefined;
}

function functionKey(task: ItemTask): string {
  const reference = task.reference;
  if (!reference) return 'closure';
  return reference.kind === 'method' ? `${reference.module}#${reference.className}.${reference.method}` : `${reference.module}#${reference.exportName}`;
}

/** What is left of a time limit after `spentMs` (undefined: no limit). */
function remainingTimeout(timeout: number | undefined, spentMs: number): number | undefined {
  return timeout === undefined ? undefined : Math.max(1, timeout - spentMs);
}

/** The engine behind target 'auto'. */
export class AutoEngine implements Engine {
  readonly name = 'auto';

  constructor(private readonly engineFor: EngineLookup) {
    handsNumberColumnsBack(this);
  }

  async run(task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    const count = task.items.length;
    if (count === 0) return [];
    const nWorkers = options.nWorkers ?? availableParallelism();
    const itemShape = describeItem(task.items.at(0));
    const batchClass = batchClassOf(task.thisArg);
    const key = [task.action, batchClass ?? '-', functionKey(task), itemShape, countBucket(count), `${nWorkers} workers`].join(' | ');
    const known = recallDecision(key);
    if (known) return this.runDecided(known, task, options);
    const base = { key, action: task.action, batchClass, items: count, itemShape, nWorkers, uses: 1 };
    const blocker = count < 2 ? 'a single item' : workerBlocker(task);
    if (blocker !== null) {
      const decision: AutoDecision = { ...base, engine: 'for', chunkSize: undefined, reason: blocker, probe: null, estimate: null };
      rememberDecision(decision);
      logDecision(decision);
      return this.engineFor('for').run(task, options);
    }
    const maxItems = Math.ceil(count / 4);
    const bytes = itemBytes(task.items.at(0));
    const choose = (probe: ProbeResult): CostChoice =>
      chooseEngine({ remaining: count - probe.count, perItemMs: probe.perItemMs, itemBytes: bytes, nWorkers, cpus: availableParallelism() });
    let probe = await probeItems(task, { budgetMs: PROBE_BUDGET_MS, maxItems, timeout: options.timeout });
    let choice = choose(probe);
    // workers are confirmed by more probing: one pause (a garbage collection, a busy machine) can make light items look heavy
    for (let extra = 0; extra < CONFIRMING_PROBES && choice.engine === 'threads' && probe.count < maxItems; extra++) {
      const timeout = remainingTimeout(options.timeout, probe.ms);
      probe = joinProbes(
        probe,
        await probeItems(sliceTask(task, probe.count, count), { budgetMs: PROBE_BUDGET_MS, maxItems: maxItems - probe.count, timeout }),
      );
      choice = choose(probe);
    }
    const perItemMs = probe.perItemMs;
    const decision: AutoDecision = {
      ...base,
      engine: choice.engine,
      chunkSize: undefined,
      reason: choice.engine === 'for' ? 'items too cheap to ship' : 'workers estimated faster',
      probe: { items: probe.count, ms: probe.ms, perItemMs },
      estimate: { forMs: choice.forMs, workersMs: choice.workersMs },
    };
    rememberDecision(decision);
    logDecision(decision);
    if (probe.count === count) return probe.results;
    const rest = { ...options, timeout: remainingTimeout(options.timeout, probe.ms) };
    if (choice.engine === 'for') {
      const tail = await probeItems(sliceTask(task, probe.count, count), { budgetMs: Infinity, maxItems: count, timeout: rest.timeout });
      return probe.results.concat(tail.results);
    }
    // the pool runs the items after the probe only: the slice's offset keeps every item at its position
    const results = await this.engineFor('threads').run(sliceTask(task, probe.count, count), rest);
    return probe.results.concat(results);
  }

  /** Runs a whole call on the remembered engine ('for' when its options cannot travel this time). */
  private runDecided(decision: AutoDecision, task: ItemTask, options: EngineRunOptions): Promise<unknown[]> {
    if (decision.engine === 'for' || workerBlocker(task) !== null) return this.engineFor('for').run(task, options);
    return this.engineFor('threads').run(task, { ...options, chunkSize: options.chunkSize ?? decision.chunkSize });
  }

  /** Forgets the remembered decisions (the pools belong to the 'threads' engine, which the registry closes). */
  async close(): Promise<void> {
    resetAutoDecisions();
  }
}
