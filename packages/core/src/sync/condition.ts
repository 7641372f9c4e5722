/**
 * Condition over a Lock or RLock. Waiters are counted in a shared word; notify(n) claims up to n of them and
 * posts as many wake tokens, which the waiters take. A waiter that times out un-counts itself, unless a
 * notify already claimed it (then it takes the token on its way: never a lost or doubled wake-up).
 */
import { LockNotHeldError } from "./errors.ts";
import { futexWake } from "./ffi.ts";
import { HANDLE, type Handle, Revive, registerKind, reviveOne } from "./handle.ts";
import { type AcquireOptions, type Held, Lock, RLock } from "./lock.ts";
import { SyncPrimitive } from "./primitive.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

const WAITERS = 0;
const TOKENS = 1;

/**
 * `multiprocessing.Condition(lock?)` (an RLock by default).
 * @example using _ = cond.hold(); while (!ready()) cond.wait(); // or cond.waitFor(ready)
 */
export class Condition extends SyncPrimitive {
  readonly #lock: Lock | RLock;
  readonly #i32: Int32Array;
  readonly #w: number;
  readonly #tokenAddr: number;

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
    this.#tokenAddr = seg.addr + offset + TOKENS * 4;
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
    const i32 = this.#i32;
    for (;;) {
      const w = Atomics.load(i32, this.#w + WAITERS);
      const k = Math.min(n, w);
      if (k <= 0) return;
      if (Atomics.compareExchange(i32, this.#w + WAITERS, w, w - k) === w) {
        Atomics.add(i32, this.#w + TOKENS, k);
        futexWake(this.#tokenAddr, k);
        return;
      }
    }
  }

  notifyAll(): void {
    this.notify(0x3fffffff);
  }

  /** @internal */
  *waitOp(deadline: number): Op<boolean> {
    const lock = this.#lock;
    if (!lock.isOwned())
      throw new LockNotHeldError("Cannot wait on an un-acquired lock: hold the condition first.");
    const i32 = this.#i32;
    const waiters = this.#w + WAITERS;
    const tokens = this.#w + TOKENS;
    Atomics.add(i32, waiters, 1);
    const saved = lock.releaseSave();
    let notified = false;
    for (;;) {
      const t = Atomics.load(i32, tokens);
      if (t > 0) {
        if (Atomics.compareExchange(i32, tokens, t, t - 1) === t) {
          notified = true;
          break;
        }
        continue;
      }
      const now = performance.now();
      if (now >= deadline) {
        const w = Atomics.load(i32, waiters);
        if (w > 0) {
          if (Atomics.compareExchange(i32, waiters, w, w - 1) === w) break;
          continue;
        }
        // A notify counted us already: its token is being posted.
        yield { addr: this.#tokenAddr, expected: 0, deadline: now + 1 };
        continue;
      }
      yield { addr: this.#tokenAddr, expected: 0, deadline };
    }
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
