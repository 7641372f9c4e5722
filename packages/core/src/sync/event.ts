/** Event: a flag word; waiters sleep while it is 0, set() wakes them all. */
import { futexWake } from "./ffi.ts";
import { Revive, registerKind } from "./handle.ts";
import { SyncPrimitive } from "./primitive.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

const FLAG = 0;
const SLEEPERS = 1;

/**
 * `multiprocessing.Event`: `wait(timeout)` → true once set, false on timeout.
 * @example const ev = new Event(); ex.submit(waiter, ev); ev.set();
 */
export class Event extends SyncPrimitive {
  readonly #i32: Int32Array;
  readonly #w: number;
  readonly #addr: number;

  constructor(revive?: Revive) {
    super("Event", revive);
    const { seg, offset } = this.place;
    this.#i32 = seg.i32;
    this.#w = offset >> 2;
    this.#addr = seg.addr + offset;
  }

  isSet(): boolean {
    this.ensureOpen();
    return Atomics.load(this.#i32, this.#w + FLAG) === 1;
  }

  /** Sets the flag and wakes every waiter. */
  set(): void {
    this.ensureOpen();
    Atomics.store(this.#i32, this.#w + FLAG, 1);
    if (Atomics.load(this.#i32, this.#w + SLEEPERS) > 0) futexWake(this.#addr, 0x7fffffff);
  }

  clear(): void {
    this.ensureOpen();
    Atomics.store(this.#i32, this.#w + FLAG, 0);
  }

  /** Blocks until set (true) or `timeout` ms pass (false). Use waitAsync on the main thread. */
  wait(timeout?: number): boolean {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    if (Atomics.load(this.#i32, this.#w + FLAG) === 1) return true;
    return runSync(this.#wait(deadline));
  }

  waitAsync(timeout?: number): Promise<boolean> {
    this.ensureOpen();
    const deadline = deadlineOf(timeout);
    if (Atomics.load(this.#i32, this.#w + FLAG) === 1) return Promise.resolve(true);
    return runAsync(this.#wait(deadline));
  }

  *#wait(deadline: number): Op<boolean> {
    const i32 = this.#i32;
    for (;;) {
      if (Atomics.load(i32, this.#w + FLAG) === 1) return true;
      if (performance.now() >= deadline) return false;
      Atomics.add(i32, this.#w + SLEEPERS, 1);
      if (Atomics.load(i32, this.#w + FLAG) === 0) yield { addr: this.#addr, expected: 0, deadline };
      Atomics.sub(i32, this.#w + SLEEPERS, 1);
    }
  }
}

registerKind("Event", (h) => new Event(new Revive(h)));
