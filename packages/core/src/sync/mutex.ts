/**
 * A robust futex mutex on one 32-bit word (Drepper's "Futexes are tricky" mutex, holder's thread id in the
 * word): 0 = free, else holder tid | WAITERS when someone may sleep on it. A sleeper wakes now and then to
 * check that the holder still lives; when it died holding the word, the lock is recovered (see `onDead`).
 */

import { LockOwnerDiedError } from "./errors.ts";
import { futexWake, isAlive, TID } from "./ffi.ts";
import { type Op, OWNER_POLL_MS } from "./wait.ts";

export const WAITERS = 1 << 30;
export const TID_MASK = WAITERS - 1;
const SPINS = 100;

/** What to do on finding a dead holder: take the lock silently ("take"), or free it and throw ("report"). */
export type OnDead = "take" | "report";

export function tryLock(i32: Int32Array, w: number): boolean {
  return Atomics.compareExchange(i32, w, 0, TID) === 0;
}

/** Holder tid, 0 when free. */
export function holder(i32: Int32Array, w: number): number {
  return Atomics.load(i32, w) & TID_MASK;
}

export function* lockOp(
  i32: Int32Array,
  addr: number,
  w: number,
  deadline: number,
  onDead: OnDead,
): Op<boolean> {
  // A short spin first: critical sections are usually shorter than a sleep/wake round trip.
  for (let i = 0; i < SPINS; i++) {
    const v = Atomics.load(i32, w);
    if (v === 0 && Atomics.compareExchange(i32, w, 0, TID) === 0) return true;
  }
  for (;;) {
    let v = Atomics.load(i32, w);
    if (v === 0) {
      // Others may still sleep here: keep the WAITERS mark so our release wakes them.
      if (Atomics.compareExchange(i32, w, 0, TID | WAITERS) === 0) return true;
      continue;
    }
    if ((v & WAITERS) === 0) {
      if (Atomics.compareExchange(i32, w, v, v | WAITERS) !== v) continue;
      v |= WAITERS;
    }
    const now = performance.now();
    if (now >= deadline) return false;
    const poll = now + OWNER_POLL_MS;
    yield { addr, expected: v, deadline: Math.min(deadline, poll) };
    // Back with the word unchanged: the poll (or the deadline) passed, or a spurious wake. Ask
    // whether the owner lives now, not only once `poll` has passed by the clock: Bun's timers
    // fire up to a millisecond early, and that check kept the async twin waiting five polls (1 s)
    // instead of one. kill(tid, 0) is one cheap system call.
    if (Atomics.load(i32, w) !== v) continue;
    const owner = v & TID_MASK;
    if (isAlive(owner)) continue;
    if (onDead === "take") {
      if (Atomics.compareExchange(i32, w, v, TID | WAITERS) === v) return true;
    } else if (Atomics.compareExchange(i32, w, v, 0) === v) {
      futexWake(addr, 0x7fffffff);
      throw new LockOwnerDiedError(owner);
    }
  }
}

/** Frees the word; returns what it held (0 = it was not locked, nothing changed). */
export function unlock(i32: Int32Array, addr: number, w: number): number {
  const old = Atomics.exchange(i32, w, 0);
  if (old & WAITERS) futexWake(addr, 1);
  return old;
}
