/**
 * Lock (no owner: anyone may release it, like multiprocessing.Lock) and RLock (re-entrant, owned by the
 * thread that took it), over a robust futex word: a holder that dies is reported by the next acquirer
 * (LockOwnerDiedError, lock freed) instead of blocking everyone forever.
 */
import { TimeoutError } from "../errors.ts";
import { LockNotHeldError } from "./errors.ts";
import { TID } from "./ffi.ts";
import { Revive, registerKind } from "./handle.ts";
import { holder, lockOp, TID_MASK, tryLock, unlock } from "./mutex.ts";
import { SyncPrimitive } from "./primitive.ts";
import { acquireDeadline, deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

export interface AcquireOptions {
  /** false: take it only if free now. */
  blocking?: boolean | undefined;
  /** Milliseconds to wait at most (undefined = forever, <= 0 = check once). */
  timeout?: number | undefined;
}

/** A held lock as `using` / `await using` sees it. */
export interface Held extends Disposable, AsyncDisposable {}

/** The lock protocol Condition needs (also implemented by RLock). @internal */
export interface CondLock {
  isOwned(): boolean;
  /** Fully releases, returning what reacquire needs. */
  releaseSave(): number;
  reacquireOp(saved: number): Op<boolean>;
}

abstract class LockBase extends SyncPrimitive {
  // Private (not own enumerable) so that a clone of the primitive carries its handle only.
  readonly #i32: Int32Array;
  readonly #w: number;
  readonly #addr: number;
  readonly #held: Held;

  protected constructor(kind: string, revive?: Revive) {
    super(kind, revive);
    const { seg, offset } = this.place;
    this.#i32 = seg.i32;
    this.#w = offset >> 2;
    this.#addr = seg.addr + offset;
    const release = () => this.release();
    this.#held = { [Symbol.dispose]: release, [Symbol.asyncDispose]: async () => release() };
  }

  abstract acquire(options?: AcquireOptions): boolean;
  abstract acquireAsync(timeout?: number): Promise<boolean>;
  abstract release(): void;

  /** Takes the lock for a `using` block: `using _ = lock.hold()`. Throws TimeoutError when not taken in time. */
  hold(timeout?: number): Held {
    if (!this.acquire(timeout === undefined ? undefined : { timeout })) throw holdTimeout(timeout);
    return this.#held;
  }

  /** `await using _ = await lock.holdAsync()`: the main-thread form of hold(). */
  async holdAsync(timeout?: number): Promise<Held> {
    if (!(await this.acquireAsync(timeout))) throw holdTimeout(timeout);
    return this.#held;
  }

  /** True while someone holds it. */
  locked(): boolean {
    this.ensureOpen();
    return holder(this.#i32, this.#w) !== 0;
  }

  /** @internal the blocking part of acquire, for primitives built on this lock. */
  acquireOp(deadline: number): Op<boolean> {
    return lockOp(this.#i32, this.#addr, this.#w, deadline, "report");
  }

  protected tryTake(): boolean {
    return tryLock(this.#i32, this.#w);
  }

  protected holderTid(): number {
    return Atomics.load(this.#i32, this.#w) & TID_MASK;
  }

  protected unlockWord(): number {
    return unlock(this.#i32, this.#addr, this.#w);
  }

  /** RLock's recursion count (only its holder touches it). */
  protected get depth(): number {
    return this.#i32[this.#w + 1] as number;
  }

  protected set depth(n: number) {
    this.#i32[this.#w + 1] = n;
  }

  protected lockSync(deadline: number): boolean {
    if (deadline === 0) return false;
    return runSync(lockOp(this.#i32, this.#addr, this.#w, deadline, "report"));
  }

  protected lockAsync(deadline: number): Promise<boolean> {
    return runAsync(lockOp(this.#i32, this.#addr, this.#w, deadline, "report"));
  }

  protected reacquire(): Op<boolean> {
    return lockOp(this.#i32, this.#addr, this.#w, Infinity, "take");
  }
}

function holdTimeout(timeout: number | undefined): TimeoutError {
  return new TimeoutError(
    `Could not take the lock within ${timeout} ms.`,
    timeout === undefined ? {} : { timeoutMs: timeout },
  );
}

/**
 * `multiprocessing.Lock`: `lock.acquire({ timeout })` → boolean; `using _ = lock.hold()`.
 * @example const lock = new Lock(); await ex.submit(task, lock); // task: using _ = lock.hold(); ...
 */
export class Lock extends LockBase implements CondLock {
  constructor(revive?: Revive) {
    super("Lock", revive);
  }

  /** Python's acquire(blocking, timeout): true when taken. Blocks the calling thread (use acquireAsync on the main thread). */
  acquire(options?: AcquireOptions): boolean {
    this.ensureOpen();
    const deadline = options === undefined ? Infinity : acquireDeadline(options);
    return this.tryTake() || this.lockSync(deadline);
  }

  /** acquire() that never blocks the event loop. */
  acquireAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    return this.tryTake() ? Promise.resolve(true) : this.lockAsync(deadline);
  }

  /** Frees it (anyone may); releasing an unlocked Lock throws LockNotHeldError. */
  release(): void {
    this.ensureOpen();
    if (this.unlockWord() === 0)
      throw new LockNotHeldError("release() of an unlocked Lock: acquire it first.");
  }

  /** @internal */
  isOwned(): boolean {
    return this.holderTid() !== 0;
  }

  /** @internal */
  releaseSave(): number {
    this.release();
    return 1;
  }

  /** @internal */
  reacquireOp(_saved: number): Op<boolean> {
    return this.reacquire();
  }
}

/**
 * `multiprocessing.RLock`: the thread that holds it may take it again; each acquire needs a release.
 * @example using _ = rlock.hold(); using __ = rlock.hold(); // nested: fine
 */
export class RLock extends LockBase implements CondLock {
  constructor(revive?: Revive) {
    super("RLock", revive);
  }

  acquire(options?: AcquireOptions): boolean {
    this.ensureOpen();
    const deadline = options === undefined ? Infinity : acquireDeadline(options);
    if (this.holderTid() === TID) {
      this.depth++;
      return true;
    }
    if (!this.tryTake() && !this.lockSync(deadline)) return false;
    this.depth = 1;
    return true;
  }

  async acquireAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    if (this.holderTid() === TID) {
      this.depth++;
      return true;
    }
    if (!this.tryTake() && !(await this.lockAsync(deadline))) return false;
    this.depth = 1;
    return true;
  }

  /** Undoes one acquire; throws LockNotHeldError unless this thread holds it. */
  release(): void {
    this.ensureOpen();
    if (this.holderTid() !== TID)
      throw new LockNotHeldError(
        "release() of an RLock this thread does not hold (cannot release un-acquired lock).",
      );
    const n = this.depth - 1;
    this.depth = n;
    if (n === 0) this.unlockWord();
  }

  /** @internal */
  isOwned(): boolean {
    return this.holderTid() === TID;
  }

  /** @internal */
  releaseSave(): number {
    if (!this.isOwned()) throw new LockNotHeldError("Cannot wait on an un-acquired lock.");
    const n = this.depth;
    this.depth = 0;
    this.unlockWord();
    return n;
  }

  /** @internal */
  *reacquireOp(saved: number): Op<boolean> {
    if (!this.tryTake()) yield* this.reacquire();
    this.depth = saved;
    return true;
  }
}

registerKind("Lock", (h) => new Lock(new Revive(h)));
registerKind("RLock", (h) => new RLock(new Revive(h)));
