/**
 * Every blocking algorithm is written once, as a generator that yields "sleep while this word equals that
 * value, until this deadline" and re-checks its condition when resumed. Two drivers run it: `runSync`
 * sleeps in futex(2) (blocks the calling thread, for workers), `runAsync` awaits the async waiter (never
 * blocks the event loop, for the main thread).
 */
import { MAX_TIMER_MS, validateTimeout } from "../util/deadline.ts";
import { waitAsyncOn } from "./async-waiter.ts";
import { futexWait } from "./ffi.ts";

export interface WaitReq {
  addr: number;
  expected: number;
  /** performance.now() value to give up at; Infinity = never. */
  deadline: number;
}

export type Op<T> = Generator<WaitReq, T, void>;

export function runSync<T>(op: Op<T>): T {
  for (;;) {
    const r = op.next();
    if (r.done) return r.value;
    const { addr, expected, deadline } = r.value;
    futexWait(addr, expected, deadline === Infinity ? undefined : deadline - performance.now());
  }
}

export async function runAsync<T>(op: Op<T>): Promise<T> {
  for (;;) {
    const r = op.next();
    if (r.done) return r.value;
    const { addr, expected, deadline } = r.value;
    const left = deadline - performance.now();
    if (left > 0) await waitAsyncOn(addr, expected, left > MAX_TIMER_MS ? undefined : left);
  }
}

/** Deadline for a timeout in ms (undefined = forever, <= 0 = already passed). */
export function deadlineOf(timeoutMs: number | undefined, what = "timeout"): number {
  validateTimeout(timeoutMs, what);
  return timeoutMs === undefined || timeoutMs > MAX_TIMER_MS ? Infinity : performance.now() + timeoutMs;
}

/** Python's `acquire(blocking, timeout)` rules: a timeout with blocking=false is refused. */
export function acquireDeadline(
  opts: { blocking?: boolean | undefined; timeout?: number | undefined } | undefined,
): number {
  if (opts === undefined) return Infinity;
  if (opts === null || typeof opts !== "object")
    throw new TypeError("acquire() takes { blocking?, timeout? }.");
  if (opts.blocking === false) {
    if (opts.timeout !== undefined)
      throw new TypeError("acquire({ blocking: false }) cannot take a timeout too (as in Python).");
    return 0;
  }
  return deadlineOf(opts.timeout);
}

/** A short sleep while polling whether a lock holder is still alive. */
export const OWNER_POLL_MS = 200;
