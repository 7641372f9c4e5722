/**
 * The admission ledger of one pool: every unit of work (a submitted task, a map's window) holds
 * slots from it until it ends. A batch takes what fits now; a map waits for its window.
 */

/** How long a refused caller is told to wait before resending (it also resends as its own tasks end). */
export const RETRY_AFTER_MS = 50;

interface Waiter {
  n: number;
  resolve(): void;
  reject(reason: unknown): void;
}

export class Admission {
  #used = 0;
  #waiters: Waiter[] = [];
  #idle: (() => void)[] = [];

  constructor(
    readonly pool: string,
    readonly capacity: number,
  ) {}

  /** Slots held now (unfinished tasks plus map windows). */
  get used(): number {
    return this.#used;
  }

  /** Takes up to `n` slots at once and returns how many it got (0 while a map waits, so maps are not starved). */
  take(n: number): number {
    if (this.#waiters.length > 0) return 0;
    const got = Math.max(0, Math.min(n, this.capacity - this.#used));
    this.#used += got;
    return got;
  }

  /** Waits until `n` slots (at most the capacity) are free, FIFO; rejects with `signal.reason` on abort. */
  acquire(n: number, signal?: AbortSignal): Promise<void> {
    if (n > this.capacity) throw new RangeError(`Cannot hold ${n} slots of ${this.capacity}.`);
    if (this.#waiters.length === 0 && this.#used + n <= this.capacity) {
      this.#used += n;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { n, resolve, reject };
      this.#waiters.push(waiter);
      signal?.addEventListener(
        "abort",
        () => {
          const i = this.#waiters.indexOf(waiter);
          if (i < 0) return;
          this.#waiters.splice(i, 1);
          reject(signal.reason);
          this.#wake();
        },
        { once: true },
      );
    });
  }

  release(n: number): void {
    this.#used -= n;
    if (this.#used < 0) throw new RangeError(`Admission of pool '${this.pool}' released more than it held.`);
    this.#wake();
    if (this.#used === 0 && this.#idle.length > 0) {
      const idle = this.#idle;
      this.#idle = [];
      for (const w of idle) w();
    }
  }

  /** Resolves once no slot is held. */
  idle(): Promise<void> {
    if (this.#used === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Fails every waiting acquire (drain deadline). */
  rejectWaiters(reason: unknown): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const w of waiters) w.reject(reason);
  }

  #wake(): void {
    while (this.#waiters.length > 0) {
      const w = this.#waiters[0] as Waiter;
      if (this.#used + w.n > this.capacity) return;
      this.#waiters.shift();
      this.#used += w.n;
      w.resolve();
    }
  }
}
