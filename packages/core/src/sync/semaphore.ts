/**
 * Semaphore and BoundedSemaphore: a counter word and a sleeper count. Taking decrements with a CAS; a
 * release adds and wakes as many sleepers as it added units.
 */
import { ArgumentRangeError, ArgumentTypeError, TimeoutError } from "../errors.ts";
import { SemaphoreOverReleaseError } from "./errors.ts";
import { futexWake } from "./ffi.ts";
import { HANDLE, Revive, registerKind } from "./handle.ts";
import type { AcquireOptions, Held } from "./lock.ts";
import { SyncPrimitive } from "./primitive.ts";
import { acquireDeadline, deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

// Words: value, sleepers, limit (bounded only).
const VALUE = 0;
const SLEEPERS = 1;
const LIMIT = 2;

function validateCount(n: unknown, what: string, min: number): number {
  if (typeof n !== "number" || !Number.isInteger(n))
    throw new ArgumentTypeError(`${what} must be an integer, got ${String(n)}.`, what);
  if (n < min) throw new ArgumentRangeError(`${what} must be >= ${min}, got ${n}.`, what);
  if (n > 0x3fffffff) throw new ArgumentRangeError(`${what} must be < 2^30, got ${n}.`, what);
  return n;
}

/**
 * `multiprocessing.Semaphore(value)`: acquire() takes one unit (blocking while none), release(n) gives n back.
 * @example const sem = new Semaphore(2); using _ = sem.hold(); // at most 2 inside
 */
export class Semaphore extends SyncPrimitive {
  readonly #i32: Int32Array;
  readonly #w: number;
  readonly #addr: number;
  readonly #bounded: boolean;
  readonly #held: Held;

  constructor(value: number | Revive = 1) {
    const revive = value instanceof Revive ? value : undefined;
    if (!revive) validateCount(value, "Semaphore value", 0);
    super(new.target.name, revive);
    const { seg, offset } = this.place;
    this.#i32 = seg.i32;
    this.#w = offset >> 2;
    this.#bounded = this[HANDLE].k === "BoundedSemaphore";
    this.#addr = seg.addr + offset;
    if (!revive) {
      Atomics.store(this.#i32, this.#w + VALUE, value as number);
      Atomics.store(this.#i32, this.#w + LIMIT, value as number);
    }
    const release = () => this.release();
    this.#held = { [Symbol.dispose]: release, [Symbol.asyncDispose]: async () => release() };
  }

  /** Takes one unit: true when taken (Python's acquire(blocking, timeout)). */
  acquire(options?: AcquireOptions): boolean {
    this.ensureOpen();
    const deadline = acquireDeadline(options);
    if (this.#tryTake()) return true;
    return deadline !== 0 && runSync(this.#take(deadline));
  }

  acquireAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    if (this.#tryTake()) return Promise.resolve(true);
    return runAsync(this.#take(deadline));
  }

  hold(timeout?: number): Held {
    if (!this.acquire(timeout === undefined ? undefined : { timeout }))
      throw new TimeoutError(`Could not acquire the semaphore within ${timeout} ms.`);
    return this.#held;
  }

  async holdAsync(timeout?: number): Promise<Held> {
    if (!(await this.acquireAsync(timeout)))
      throw new TimeoutError(`Could not acquire the semaphore within ${timeout} ms.`);
    return this.#held;
  }

  /** Gives back `n` units, waking up to `n` waiters. */
  release(n = 1): void {
    this.ensureOpen();
    validateCount(n, "n", 1);
    this.#addUnits(n);
    if (Atomics.load(this.#i32, this.#w + SLEEPERS) > 0) futexWake(this.#addr, n);
  }

  /** Units available now (Python's get_value / _value). */
  getValue(): number {
    this.ensureOpen();
    return Atomics.load(this.#i32, this.#w + VALUE);
  }

  #addUnits(n: number): void {
    const i32 = this.#i32;
    if (!this.#bounded) {
      Atomics.add(i32, this.#w + VALUE, n);
      return;
    }
    const limit = Atomics.load(i32, this.#w + LIMIT);
    let v = Atomics.load(i32, this.#w + VALUE);
    for (;;) {
      if (v + n > limit) throw new SemaphoreOverReleaseError(limit);
      const seen = Atomics.compareExchange(i32, this.#w + VALUE, v, v + n);
      if (seen === v) return;
      v = seen;
    }
  }

  #tryTake(): boolean {
    const i32 = this.#i32;
    const w = this.#w + VALUE;
    let v = Atomics.load(i32, w);
    while (v > 0) {
      const seen = Atomics.compareExchange(i32, w, v, v - 1);
      if (seen === v) return true;
      v = seen;
    }
    return false;
  }

  *#take(deadline: number): Op<boolean> {
    for (;;) {
      if (this.#tryTake()) return true;
      if (performance.now() >= deadline) return false;
      Atomics.add(this.#i32, this.#w + SLEEPERS, 1);
      // Counted as a sleeper before the last look: a release after this sees us and wakes us.
      if (Atomics.load(this.#i32, this.#w + VALUE) === 0) yield { addr: this.#addr, expected: 0, deadline };
      Atomics.sub(this.#i32, this.#w + SLEEPERS, 1);
    }
  }
}

/**
 * A Semaphore that refuses to grow past its initial value: one release too many throws
 * SemaphoreOverReleaseError (Python: ValueError).
 */
export class BoundedSemaphore extends Semaphore {}

registerKind("Semaphore", (h) => new Semaphore(new Revive(h)));
registerKind("BoundedSemaphore", (h) => new BoundedSemaphore(new Revive(h)));
