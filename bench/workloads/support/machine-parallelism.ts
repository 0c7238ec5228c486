/**
 * How much two threads get done at once on this machine, right now: one thread runs a fixed CPU-bound
 * loop, then two threads run it at the same time, and the ratio of work per second is reported (2.0 on
 * two idle cores of their own). On a shared virtual machine this ceiling moves from minute to minute
 * (the host's other tenants), and every "2 workers against 1" ratio measured at the same time is bound
 * by it; the bench prints it next to those ratios.
 * @module
 */
import { Worker } from 'node:worker_threads';

/** A float loop of about 60 ms on the project machine: no allocation, no memory traffic beyond 1 MiB. */
const loop = `
const { parentPort } = require('node:worker_threads');
const data = new Float32Array(256 * 1024);
parentPort.on('message', (rounds) => {
  let sum = 0;
  for (let r = 0; r < rounds; r++) for (let i = 0; i < data.length; i++) { data[i] = data[i] * 0.5 + i; sum += data[i]; }
  parentPort.postMessage(sum);
});`;

const rounds = 60;

/** Two threads kept for the probes of one workload; `close` ends them. */
export class ParallelismProbe {
  private readonly threads = [new Worker(loop, { eval: true }), new Worker(loop, { eval: true })];

  private run(thread: Worker): Promise<void> {
    return new Promise((resolve, reject) => {
      thread.once('message', () => resolve());
      thread.once('error', reject);
      thread.postMessage(rounds);
    });
  }

  private warm: Promise<unknown> | null = null;

  /** The work per second of two threads at once over that of one (up to 2 on two free cores). */
  async measure(): Promise<number> {
    const [first, second] = this.threads as [Worker, Worker];
    // the first runs compile the loop: not measured
    await (this.warm ??= Promise.all([this.run(first), this.run(second)]));
    let start = performance.now();
    await this.run(first);
    const one = performance.now() - start;
    start = performance.now();
    await Promise.all([this.run(first), this.run(second)]);
    const two = performance.now() - start;
    return (2 * one) / two;
  }

  async close(): Promise<void> {
    await Promise.all(this.threads.map((thread) => thread.terminate()));
  }
}
