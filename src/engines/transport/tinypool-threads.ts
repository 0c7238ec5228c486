/**
 * The transport of the 'threads' engine: a tinypool pool of worker threads. Threads share memory
 * (the scheduler hands them a shared output buffer) and buffers are moved, not copied. A thread that
 * exits while a chunk is in flight is seen through its 'exit' event (tinypool would keep posting to
 * it), and the broken pool is terminated in the background.
 * @module
 */
import type { Worker as NodeWorker } from 'node:worker_threads';
import type { Tinypool } from 'tinypool';
import { asError, createPool } from './tinypool-pool.js';
import type { ChunkMessage, ChunkResult, Transport, TransportCapabilities, WorkerWatch } from './transport.js';

/** The Node worker behind each of the pool's tinypool workers (tinypool keeps it in a private field). */
function nodeThreads(pool: Tinypool): NodeWorker[] {
  return pool.threads.map((worker) => (worker as unknown as { thread?: NodeWorker }).thread).filter((thread): thread is NodeWorker => thread !== undefined);
}

class TinypoolThreadsTransport implements Transport {
  readonly capabilities: TransportCapabilities = { sharesMemory: true, sharedMemoryFiles: false };
  private readonly pool: Tinypool;

  constructor(private readonly nWorkers: number) {
    this.pool = createPool('worker_threads', nWorkers);
  }

  send(message: ChunkMessage, transferList: readonly ArrayBuffer[], signal: AbortSignal | undefined): Promise<ChunkResult> {
    const run = this.pool.run(message, { transferList: transferList as ArrayBuffer[], ...(signal ? { signal } : {}) }) as Promise<ChunkResult>;
    return run.catch((error: unknown) => Promise.reject(asError(error)));
  }

  watch(): WorkerWatch {
    const threads = nodeThreads(this.pool);
    let onExit: (code: number) => void = () => {};
    const died = new Promise<never>((_, reject) => {
      onExit = (code) => reject(new Error(`worker thread exited with code ${code} (pool of ${this.nWorkers})`));
    });
    died.catch(() => {});
    for (const thread of threads) thread.on('exit', onExit);
    return { died, stop: () => threads.forEach((thread) => thread.off('exit', onExit)) };
  }

  discard(): void {
    // the pool's destroy() may never settle with a dead thread: terminate each worker instead
    for (const worker of this.pool.threads) void (worker as unknown as { terminate(): Promise<unknown> }).terminate().catch(() => {});
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A transport over a tinypool pool of `nWorkers` worker threads (the 'threads' engine). */
export function createThreadsTransport(nWorkers: number): Transport {
  return new TinypoolThreadsTransport(nWorkers);
}
