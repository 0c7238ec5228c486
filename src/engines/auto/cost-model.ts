/**
 * The rule of target 'auto': from the probe's time per item, estimate the rest of the call on 'for'
 * and on a worker pool, and pick the faster with a margin. The pool's estimate assumes chunks that
 * make the per-message cost small against a chunk's work while leaving enough chunks to balance
 * workers; the pool itself then runs its own schedule (guided, then sized from the workers' timings),
 * which beat every fixed chunk size on bench workload AUTO.
 * @module
 */

/**
 * Costs of shipping work to the 'threads' pool, measured on the 2-core project machine under load
 * (warm pool, medians rounded up): they are deliberately on the high side, so 'auto' only moves work
 * to workers when it clearly pays.
 */
export interface TransportCosts {
  /** Fixed cost of one call on a warm pool (ms). */
  readonly callMs: number;
  /** Cost of one message, i.e. one chunk (ms). */
  readonly messageMs: number;
  /** Packing, unpacking and placing one item and its result (ms). */
  readonly itemMs: number;
  /** Moving one byte of item or result data, each way (ms). */
  readonly byteMs: number;
}

/**
 * The constants 'auto' uses for the 'threads' pool (see docs/engines.md). Measured with 2 workers:
 * a 1-item call 0.4–0.65 ms; 0.1–0.2 ms per message (chunkSize 1 over 100–1,000 items); about
 * 0.45 µs per scalar item (x + 1 on 10,000 items: 5.6 ms against 1.1 ms on 'for'), taken as 2 µs so
 * that a cold pool or a busy machine does not tip cheap items onto workers; bytes from copies of
 * 256×256 float32 images, whose cost is mostly page faults that 'for' pays as well.
 */
export const threadCosts: TransportCosts = { callMs: 1, messageMs: 0.2, itemMs: 0.002, byteMs: 0.5e-6 };

/** 'auto' picks workers only when they are estimated at least this many times faster than 'for'. */
export const WORKER_MARGIN = 1.25;
/**
 * A chunk's work should be at least this many times its message cost. At 20 (a chunk of 4 ms of work),
 * the blur of workload B (2 ms per 256 KiB item, 200 items, 2 threads) got chunks of 2, which took 1.19×
 * as long as chunks of 5 or more: a message carrying a large item costs more than the 0.2 ms measured
 * with scalar items. At 50, chunks hold about 10 ms of work.
 */
const AMORTISE = 50;
/** Chunks per worker to aim for at least, so workers finish together. */
const CHUNKS_PER_WORKER = 4;

/** What the rule needs to know about the rest of a call. */
export interface CostInput {
  /** Items left to run. */
  readonly remaining: number;
  /** Time per item measured by the probe (ms). */
  readonly perItemMs: number;
  /** Bytes of one item (its result is assumed the same size). */
  readonly itemBytes: number;
  /** Workers of the pool, and CPUs that can run them at once. */
  readonly nWorkers: number;
  readonly cpus: number;
}

/** The rule's answer. */
export interface CostChoice {
  readonly engine: 'for' | 'threads';
  /** Estimated time of the remaining items on 'for' and on the pool (ms). */
  readonly forMs: number;
  readonly workersMs: number;
}

/** Items per message the pool's estimate assumes: large enough to amortise a message, small enough to give each worker several chunks. */
export function chooseChunkSize(input: CostInput, costs: TransportCosts = threadCosts): number {
  const perItem = input.perItemMs + costs.itemMs + 2 * input.itemBytes * costs.byteMs;
  const amortising = Math.ceil((AMORTISE * costs.messageMs) / Math.max(perItem, 1e-9));
  const balancing = Math.ceil(input.remaining / (CHUNKS_PER_WORKER * input.nWorkers));
  return Math.max(1, Math.min(amortising, balancing));
}

/** Picks 'for' or the 'threads' pool for the rest of a call. */
export function chooseEngine(input: CostInput, costs: TransportCosts = threadCosts): CostChoice {
  const forMs = input.remaining * input.perItemMs;
  const parallel = Math.max(1, Math.min(input.nWorkers, input.cpus));
  const chunkSize = chooseChunkSize(input, costs);
  const messages = Math.ceil(input.remaining / chunkSize);
  const shipping = input.remaining * (costs.itemMs + 2 * input.itemBytes * costs.byteMs);
  const workersMs = costs.callMs + (messages * costs.messageMs) / parallel + shipping + forMs / parallel;
  const useWorkers = parallel > 1 && workersMs * WORKER_MARGIN < forMs;
  return { engine: useWorkers ? 'threads' : 'for', forMs, workersMs };
}

/** What the rule needs to know about the batches of a pipeline run. */
export interface BatchCostInput {
  /** Time of the records that would run on workers, measured on the first batch (ms). */
  readonly perBatchMs: number;
  /** Bytes of the batch's components on the way to a worker and back (both added). */
  readonly batchBytes: number;
  /** Batches that can be produced at once: workers, CPUs and batches in flight (`prefetch + 1`), the smallest. */
  readonly parallel: number;
}

/** The rule's answer for a pipeline run: the engine of the following batches and the estimates per batch (ms). */
export interface BatchCostChoice {
  readonly engine: 'for' | 'threads';
  readonly forMs: number;
  readonly workersMs: number;
}

/**
 * Picks the calling thread ('for') or the 'threads' pool for the batches of a pipeline run: on the pool
 * each batch is one call of one item (its message and call costs) and moves its bytes both ways,
 * while `parallel` batches are produced at once.
 */
export function chooseBatchEngine(input: BatchCostInput, costs: TransportCosts = threadCosts): BatchCostChoice {
  const forMs = input.perBatchMs;
  const parallel = Math.max(1, input.parallel);
  const workersMs = costs.callMs + costs.messageMs + costs.itemMs + input.batchBytes * costs.byteMs + forMs / parallel;
  const useWorkers = parallel > 1 && workersMs * WORKER_MARGIN < forMs;
  return { engine: useWorkers ? 'threads' : 'for', forMs, workersMs };
}
