/**
 * Deadlines and timers with one set of edge cases for every core API (DESIGN.md "Units"):
 * `undefined` waits forever, `<= 0` is already expired (check once, then time out), fractions are
 * fine, and delays past setTimeout's 2^31-1 ms limit mean "forever" instead of firing at once.
 */
import { ArgumentTypeError } from "../errors.ts";

/** Longest delay setTimeout honours; longer ones would fire at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Throws a TypeError (code ERR_INVALID_ARG_TYPE) unless `timeoutMs` is undefined or a number (not NaN). */
export function validateTimeout(
  timeoutMs: unknown,
  what = "timeout",
): asserts timeoutMs is number | undefined {
  if (timeoutMs === undefined) return;
  if (typeof timeoutMs !== "number" || Number.isNaN(timeoutMs)) {
    throw new ArgumentTypeError(
      `${what} must be a number of milliseconds (or undefined to wait forever), got ${describeValue(timeoutMs)}.`,
      what,
    );
  }
}

function describeValue(v: unknown): string {
  if (typeof v === "number") return String(v);
  if (typeof v === "string") return `the string "${v}"`;
  return v === null ? "null" : typeof v;
}

/**
 * A point in time (monotonic clock) a wait must not pass.
 * @example const d = Deadline.after(timeout); ...; if (d.expired()) throw new TimeoutError();
 */
export class Deadline {
  /** performance.now() value at which it expires; Infinity for none. */
  readonly at: number;

  private constructor(at: number) {
    this.at = at;
  }

  /** The deadline that never expires. */
  static readonly NONE: Deadline = new Deadline(Number.POSITIVE_INFINITY);

  /** A deadline `timeoutMs` from now (validated); undefined, Infinity or ≥ 2^31 ms means never. */
  static after(timeoutMs: number | undefined, what = "timeout"): Deadline {
    validateTimeout(timeoutMs, what);
    if (timeoutMs === undefined || timeoutMs > MAX_TIMER_MS) return Deadline.NONE;
    return new Deadline(performance.now() + timeoutMs);
  }

  /** True when this deadline never expires. */
  get never(): boolean {
    return this.at === Number.POSITIVE_INFINITY;
  }

  /** Milliseconds left: ≤ 0 once expired, Infinity for never. */
  remaining(): number {
    return this.never ? Number.POSITIVE_INFINITY : this.at - performance.now();
  }

  expired(): boolean {
    return this.remaining() <= 0;
  }
}

/** A timer you can cancel or `using`. */
export interface Timer extends Disposable {
  cancel(): void;
}

/**
 * Calls `fn` after `ms` (≤ 0: on the next macrotask; ≥ 2^31 ms or Infinity: never).
 * @example using _t = startTimer(100, () => abort.abort());
 */
export function startTimer(ms: number, fn: () => void): Timer {
  let handle: ReturnType<typeof setTimeout> | undefined =
    ms > MAX_TIMER_MS ? undefined : setTimeout(fn, Math.max(0, ms));
  const cancel = () => {
    if (handle !== undefined) clearTimeout(handle);
    handle = undefined;
  };
  return { cancel, [Symbol.dispose]: cancel };
}

/** What raceDeadline returns when the deadline passed first. */
export const EXPIRED: unique symbol = Symbol("conc.expired");

/**
 * `promise`'s value, or EXPIRED once `deadline` passes (the promise keeps running). An expired
 * deadline still reports a promise that has already settled (one check, like Python).
 * @example if ((await raceDeadline(proc.exited, Deadline.after(ms))) === EXPIRED) return false;
 */
export function raceDeadline<T>(promise: Promise<T>, deadline: Deadline): Promise<T | typeof EXPIRED> {
  if (deadline.never) return promise;
  const left = deadline.remaining();
  if (left <= 0) return Promise.race([promise, Promise.resolve(EXPIRED)]);
  let timer: Timer | undefined;
  const expiry = new Promise<typeof EXPIRED>((resolve) => {
    timer = startTimer(left, () => resolve(EXPIRED));
  });
  return Promise.race([promise, expiry]).finally(() => timer?.cancel());
}

/** Resolves after `ms` (never for ≥ 2^31 ms). */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => {
    startTimer(ms, resolve);
  });
}
