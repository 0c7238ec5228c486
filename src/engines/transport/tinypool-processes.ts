/**
 * The transport of the 'mpc' engine: a tinypool pool of child processes. Nothing is shared and the
 * IPC channel copies every byte, so large buffers go through /dev/shm files (written by the
 * scheduler and the worker); a process that dies rejects its chunk through tinypool.
 * @module
 */
import type { Tinypool } from 'tinypool';
import { asError, createPool } from './tinypool-pool.js';
import { quietWatch, type ChunkMessage, type ChunkResult, type Transport, type TransportCapabilities, type WorkerWatch } from './transport.js';

class TinypoolProcessesTransport implements Transport {
  readonly capabilities: TransportCapabilities = { sharesMemory: false, sharedMemoryFiles: true };
  private readonly pool: Tinypool;

  constructor(nWorkers: number) {
    this.pool = createPool('child_process', nWorkers);
  }

  send(message: ChunkMessage, _transferList: readonly ArrayBuffer[], signal: AbortSignal | undefined): Promise<ChunkResult> {
    // the IPC channel cannot move buffers: nothing is transferred
    const run = this.pool.run(message, signal ? { signal } : {}) as Promise<ChunkResult>;
    return run.catch((error: unknown) => Promise.reject(asError(error)));
  }

  watch(): WorkerWatch {
    return quietWatch();
  }

  discard(): void {
    for (const worker of this.pool.threads) void (worker as unknown as { terminate(): Promise<unknown> }).terminate().catch(() => {});
  }

  close(): Promise<void> {
    return this.pool.destroy();
  }
}

/** A transport over a tinypool pool of `nWorkers` child processes (the 'mpc' engine). */
export function createProcessesTransport(nWorkers: number): Transport {
  return new TinypoolProcessesTransport(nWorkers);
}
