/**
 * The timeout rule of DESIGN.md "Units", the same as @conc/core's util/deadline.ts (a private copy:
 * @conc/subprocess stands alone). Milliseconds, fractions fine; `undefined`, Infinity or more than
 * setTimeout's 2^31-1 ms mean "forever"; `<= 0` is already expired (check once, then time out);
 * anything that is not a number (or NaN) is a TypeError before anything starts.
 */

/** Longest delay setTimeout honours; longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws a TypeError unless `timeout` is undefined or a number (not NaN). */
export function validateTimeout(timeout: unknown, what = "timeout"): asserts timeout is number | undefined {
  if (timeout === undefined) return;
  if (typeof timeout !== "number" || Number.isNaN(timeout)) {
    const got =
      typeof timeout === "string" ? `the string "${timeout}"` : timeout === null ? "null" : String(timeout);
    throw new TypeError(
      `${what} must be a number of milliseconds (or undefined to wait forever), got ${got}.`,
    );
  }
}

/** True when a (validated) timeout means "wait forever". */
export function isForever(timeout: number | undefined): timeout is undefined {
  return timeout === undefined || timeout > MAX_TIMER_MS;
}

/** What raceTimeout returns when the time ran out first. */
export const EXPIRED: unique symbol = Symbol("conc.subprocess.expired");

/**
 * `work`'s value, or EXPIRED once `timeout` ms pass (the work keeps running). An expired timeout
 * (`<= 0`) still reports work that has already settled: one check, like Python.
 */
export function raceTimeout<T>(work: Promise<T>, timeout: number | undefined): Promise<T | typeof EXPIRED> {
  if (isForever(timeout)) return work;
  if (timeout <= 0) return Promise.race([work, Promise.resolve(EXPIRED)]);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expiry = new Promise<typeof EXPIRED>((resolve) => {
    timer = setTimeout(() => resolve(EXPIRED), timeout);
  });
  return Promise.race([work, expiry]).finally(() => clearTimeout(timer));
}

/**
 * The `timeout` option for Bun.spawnSync (a whole number of ms, where 0 would mean "none"):
 * undefined for forever, at least 1 ms otherwise (so `<= 0` kills the child at its first check).
 */
export function spawnSyncTimeout(timeout: number | undefined): number | undefined {
  if (isForever(timeout)) return undefined;
  return Math.max(1, Math.ceil(timeout));
}
