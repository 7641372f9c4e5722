/**
 * Condition over a Lock or RLock, with the sequence counters of glibc's classic condvar in shared words under
 * a small internal mutex: `total` waits started, `wakeup` wake-ups issued, `woken` wake-ups taken, `bcast`
 * notifyAll generations. A waiter takes only a wake-up issued after it began waiting (never one meant for an
 * earlier waiter), and a waiter that times out counts itself as woken, so notify(n) wakes min(n, sleepers).
 */
import { LockNotHeldError } from "./errors.ts";
import { futexWake } from "./ffi.ts";
import { HANDLE, type Handle, Revive, registerKind, reviveOne } from "./handle.ts";
import { type AcquireOptions, type Held, Lock, RLock } from "./lock.ts";
import { lockOp, tryLock, unlock } from "./mutex.ts";
import { SyncPrimitive } from "./primitive.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

// Words of the slot.
const ILOCK = 0;
const TOTAL = 1;
const WAKEUP = 2;
const WOKEN = 3;
const FUTEX = 4;
const BCAST = 5;

/**
 * `multiprocessing.Condition(lock?)` (an RLock by default).
 * @example using _ = cond.hold(); while (!ready()) cond.wait(); // or cond.waitFor(ready)
 */
export class Condition extends SyncPrimitive {
  readonly #lock: Lock | RLock;
  readonly #i32: Int32Array;
  readonly #w: number;
  readonly #addr: number;

  constructor(lock?: Lock | RLock | Revive) {
    const revive = lock instanceof Revive ? lock : undefined;
    let own: Lock | RLock;
    if (revive) own = reviveOne(revive.handle.x as Handle) as Lock | RLock;
    else if (lock === undefined) own = new RLock();
    else if (lock instanceof Lock || lock instanceof RLock) own = lock;
    else throw new TypeError("new Condition(lock?) takes a Lock or an RLock.");
    super("Condition", revive, own[HANDLE]);
    this.#lock = own;
    const { seg, offset } = this.place;
    this.#i32 = seg.i32;
    this.#w = offset >> 2;
    this.#addr = seg.addr + offset;
  }

  acquire(options?: AcquireOptions): boolean {
    this.ensureOpen();
    return this.#lock.acquire(options);
  }

  acquireAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    return this.#lock.acquireAsync(timeout);
  }

  release(): void {
    this.ensureOpen();
    this.#lock.release();
  }

  hold(timeout?: number): Held {
    this.ensureOpen();
    return this.#lock.hold(timeout);
  }

  holdAsync(timeout?: number): Promise<Held> {
    this.ensureOpen();
    return this.#lock.holdAsync(timeout);
  }

  /** Releases the lock, sleeps until notified (true) or `timeout` ms (false), takes the lock back. */
  wait(timeout?: number): boolean {
    this.ensureOpen();
    return runSync(this.waitOp(deadlineOf(timeout)));
  }

  waitAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    return runAsync(this.waitOp(deadlineOf(timeout)));
  }

  /** Waits until `predicate()` is truthy (checked with the lock held); returns its last value. */
  waitFor<T>(predicate: () => T, timeout?: number): T {
    this.ensureOpen();
    return runSync(this.waitForOp(predicate, deadlineOf(timeout)));
  }

  waitForAsync<T>(predicate: () => T, timeout?: number): Promise<T> {
    this.ensureOpen();
    return runAsync(this.waitForOp(predicate, deadlineOf(timeout)));
  }

  /** Wakes up to `n` waiters (the caller must hold the lock). */
  notify(n = 1): void {
    this.ensureOpen();
    if (!this.#lock.isOwned())
      throw new LockNotHeldError("Cannot notify on an un-acquired lock: hold the condition first.");
    runSync(this.#notifyOp(n, false));
  }

  /** Wakes every waiter (the caller must hold the lock). */
  notifyAll(): void {
    this.ensureOpen();
    if (!this.#lock.isOwned())
      throw new LockNotHeldError("Cannot notify on an un-acquired lock: hold the condition first.");
    runSync(this.#notifyOp(0, true));
  }

  #get(word: number): number {
    return Atomics.load(this.#i32, this.#w + word);
  }

  #set(word: number, v: number): void {
    Atomics.store(this.#i32, this.#w + word, v | 0);
  }

  *#ilock(): Op<void> {
    if (!tryLock(this.#i32, this.#w + ILOCK))
      yield* lockOp(this.#i32, this.#addr, this.#w + ILOCK, Infinity, "take");
  }

  #iunlock(): void {
    unlock(this.#i32, this.#addr, this.#w + ILOCK);
  }

  *#notifyOp(n: number, all: boolean): Op<void> {
    yield* this.#ilock();
    const sleepers = (this.#get(TOTAL) - this.#get(WAKEUP)) | 0;
    if (sleepers > 0) {
      const k = all ? sleepers : Math.min(n, sleepers);
      if (all) {
        const total = this.#get(TOTAL);
        this.#set(WAKEUP, total);
        this.#set(WOKEN, total);
        this.#set(BCAST, this.#get(BCAST) + 1);
      } else {
        this.#set(WAKEUP, this.#get(WAKEUP) + k);
      }
      this.#set(FUTEX, this.#get(FUTEX) + 1);
      futexWake(this.#addr + FUTEX * 4, all ? 0x7fffffff : k);
    }
    this.#iunlock();
  }

  /** @internal */
  *waitOp(deadline: number): Op<boolean> {
    const lock = this.#lock;
    if (!lock.isOwned())
      throw new LockNotHeldError("Cannot wait on an un-acquired lock: hold the condition first.");
    yield* this.#ilock();
    this.#set(TOTAL, this.#get(TOTAL) + 1);
    const seq = this.#get(WAKEUP);
    const bc = this.#get(BCAST);
    const saved = lock.releaseSave();
    let notified: boolean;
    for (;;) {
      const fv = this.#get(FUTEX);
      this.#iunlock();
      yield { addr: this.#addr + FUTEX * 4, expected: fv, deadline };
      yield* this.#ilock();
      if (this.#get(BCAST) !== bc) {
        notified = true;
        break;
      }
      const val = this.#get(WAKEUP);
      if (val !== seq && this.#get(WOKEN) !== val) {
        this.#set(WOKEN, this.#get(WOKEN) + 1);
        notified = true;
        break;
      }
      if (performance.now() >= deadline) {
        // Leave as if woken, so that the count of sleepers stays right.
        this.#set(WAKEUP, val + 1);
        this.#set(WOKEN, this.#get(WOKEN) + 1);
        notified = false;
        break;
      }
    }
    this.#iunlock();
    yield* lock.reacquireOp(saved);
    return notified;
  }

  /** @internal */
  *waitForOp<T>(predicate: () => T, deadline: number): Op<T> {
    let result = predicate();
    while (!result) {
      if (performance.now() >= deadline) break;
      yield* this.waitOp(deadline);
      result = predicate();
    }
    return result;
  }

  /** @internal the lock's blocking acquire, for Barrier. */
  lockOp(): Op<boolean> {
    return this.#lock.acquireOp(Infinity);
  }
}

registerKind("Condition", (h) => new Condition(new Revive(h)));
