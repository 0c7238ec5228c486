/** A FIFO async mutex: `const release = await mutex.acquire(); try { … } finally { release(); }`. */
export class Mutex {
  private locked = false;
  private readonly waiters: Array<() => void> = [];

  /** True while some caller holds the lock. */
  get isLocked(): boolean {
    return this.locked;
  }

  /** Waits for the lock and returns the function that releases it (call it exactly once). */
  async acquire(): Promise<() => void> {
    if (this.locked) await new Promise<void>((resolve) => this.waiters.push(resolve));
    this.locked = true;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiters.shift();
      if (next) next();
      else this.locked = false;
    };
  }

  /** Runs `task` while holding the lock; the lock is released even when `task` throws. */
  async runExclusive<T>(task: () => T | Promise<T>): Promise<T> {
    const release = await this.acquire();
    try {
      return await task();
    } finally {
      release();
    }
  }
}
