/**
 * Slows down token guessing at the login: after `maxFailures` wrong tokens from one address within
 * `windowMs`, that address is refused (429) until the oldest failure leaves the window. Successful logins
 * are never counted; at most `maxAddresses` addresses are tracked (the stalest are dropped).
 */
export interface ThrottleOptions {
  maxFailures: number;
  windowMs: number;
  maxAddresses: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 10, windowMs: 60_000, maxAddresses: 10_000 };

export class LoginThrottle {
  /** Failure times per address, oldest first; Map order = least recently failed first. */
  readonly #failures = new Map<string, number[]>();

  constructor(readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  /** 0 when `address` may try now, else how many ms it must wait. */
  retryAfterMs(address: string, now: number): number {
    const times = this.#recent(address, now);
    if (times.length < this.options.maxFailures) return 0;
    return (times[0] as number) + this.options.windowMs - now;
  }

  fail(address: string, now: number): void {
    const times = this.#recent(address, now);
    times.push(now);
    this.#failures.delete(address);
    this.#failures.set(address, times);
    if (this.#failures.size > this.options.maxAddresses) {
      const stalest = this.#failures.keys().next().value as string;
      this.#failures.delete(stalest);
    }
  }

  #recent(address: string, now: number): number[] {
    const times = this.#failures.get(address) ?? [];
    while (times.length > 0 && (times[0] as number) <= now - this.options.windowMs) times.shift();
    return times;
  }
}
