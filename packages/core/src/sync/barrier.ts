/**
 * Barrier: Python's threading.Barrier state machine (filling → draining → filling, resetting, broken) kept in
 * shared words and guarded by a Condition, so every party (thread or process) sees one barrier.
 */
import { ArgumentRangeError, ArgumentTypeError } from "../errors.ts";
import { validateTimeout } from "../util/deadline.ts";
import { Condition } from "./condition.ts";
import { BrokenBarrierError } from "./errors.ts";
import { HANDLE, type Handle, Revive, registerKind, reviveOne } from "./handle.ts";
import { Lock } from "./lock.ts";
import { SyncPrimitive } from "./primitive.ts";
import { deadlineOf, type Op, runAsync, runSync } from "./wait.ts";

const COUNT = 0;
const STATE = 1;
const FILLING = 0;
const DRAINING = 1;
const RESETTING = -1;
const BROKEN = -2;

interface BarrierExtra {
  c: Handle;
  parties: number;
  timeout: number | null;
}

export interface BarrierOptions {
  /** Default timeout (ms) of wait(). */
  timeout?: number;
}

/**
 * `threading.Barrier(parties)` for threads and processes: `wait()` returns this party's index (0..parties-1)
 * once all have arrived; a timeout, abort() or reset() breaks it (BrokenBarrierError).
 * @example const b = new Barrier(3); // in each of 3 workers: const i = b.wait();
 */
export class Barrier extends SyncPrimitive {
  readonly #parties: number;
  readonly #timeout: number | undefined;
  readonly #cond: Condition;
  readonly #i32: Int32Array;
  readonly #w: number;

  constructor(parties: number | Revive, options: BarrierOptions = {}) {
    const revive = parties instanceof Revive ? parties : undefined;
    let extra: BarrierExtra;
    let cond: Condition;
    if (revive) {
      extra = revive.handle.x as BarrierExtra;
      cond = reviveOne(extra.c) as Condition;
    } else {
      if (typeof parties !== "number" || !Number.isInteger(parties))
        throw new ArgumentTypeError(`Barrier parties must be an integer, got ${String(parties)}.`, "parties");
      if (parties < 1)
        throw new ArgumentRangeError(`Barrier parties must be >= 1, got ${parties}.`, "parties");
      validateTimeout(options.timeout);
      cond = new Condition(new Lock());
      extra = { c: cond[HANDLE], parties, timeout: options.timeout ?? null };
    }
    super("Barrier", revive, extra);
    this.#parties = extra.parties;
    this.#timeout = extra.timeout ?? undefined;
    this.#cond = cond;
    const { seg, offset } = this.place;
    this.#i32 = seg.i32;
    this.#w = offset >> 2;
  }

  /** Blocks until all parties arrived; returns this party's arrival index. */
  wait(timeout?: number): number {
    this.ensureOpen();
    return runSync(this.#waitOp(deadlineOf(timeout ?? this.#timeout)));
  }

  waitAsync(timeout?: number): Promise<number> {
    this.ensureOpen();
    return runAsync(this.#waitOp(deadlineOf(timeout ?? this.#timeout)));
  }

  /** Returns the barrier to its empty state; parties waiting now get BrokenBarrierError. */
  reset(): void {
    this.ensureOpen();
    runSync(
      this.#locked(() => {
        const state = this.#state;
        if (this.#count > 0) {
          if (state === FILLING || state === BROKEN) this.#state = RESETTING;
        } else {
          this.#state = FILLING;
        }
        this.#cond.notifyAll();
      }),
    );
  }

  /** Breaks the barrier: current and later wait() calls throw BrokenBarrierError until reset(). */
  abort(): void {
    this.ensureOpen();
    runSync(this.#locked(() => this.#break()));
  }

  /** Parties needed to pass. */
  get parties(): number {
    return this.#parties;
  }

  /** Parties waiting now. */
  get nWaiting(): number {
    return this.#state === FILLING ? this.#count : 0;
  }

  get broken(): boolean {
    return this.#state === BROKEN;
  }

  get #state(): number {
    return Atomics.load(this.#i32, this.#w + STATE);
  }

  set #state(v: number) {
    Atomics.store(this.#i32, this.#w + STATE, v);
  }

  get #count(): number {
    return Atomics.load(this.#i32, this.#w + COUNT);
  }

  set #count(v: number) {
    Atomics.store(this.#i32, this.#w + COUNT, v);
  }

  #break(): void {
    this.#state = BROKEN;
    this.#cond.notifyAll();
  }

  *#locked(fn: () => void): Op<void> {
    yield* this.#cond.lockOp();
    try {
      fn();
    } finally {
      this.#cond.release();
    }
  }

  *#waitOp(deadline: number): Op<number> {
    const cond = this.#cond;
    yield* cond.lockOp();
    try {
      while (this.#state === DRAINING || this.#state === RESETTING) yield* cond.waitOp(Infinity);
      if (this.#state < 0) throw new BrokenBarrierError();
      const index = this.#count;
      this.#count = index + 1;
      try {
        if (index + 1 === this.#parties) {
          this.#state = DRAINING;
          cond.notifyAll();
        } else {
          const passed = yield* cond.waitForOp(() => this.#state !== FILLING, deadline);
          if (!passed) {
            this.#break();
            throw new BrokenBarrierError("Barrier wait timed out: the barrier is now broken.");
          }
          if (this.#state < 0) throw new BrokenBarrierError();
        }
        return index;
      } finally {
        this.#count = this.#count - 1;
        if (this.#count === 0 && (this.#state === RESETTING || this.#state === DRAINING)) {
          this.#state = FILLING;
          cond.notifyAll();
        }
      }
    } finally {
      cond.release();
    }
  }
}

registerKind("Barrier", (h) => new Barrier(new Revive(h)));
