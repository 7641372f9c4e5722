import { ArgumentTypeError, CancelledError, InvalidStateError, TimeoutError } from "../errors.ts";
import { MAX_TIMER_MS, startTimer, type Timer, validateTimeout } from "../util/deadline.ts";
import { ProgressChannel } from "./progress-channel.ts";

/** The states of a Future, as in Python's concurrent.futures. */
export type FutureState = "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED";

type Callback<T> = (future: Future<T>) => void;

/** What peek() returns for a done future. */
export type FutureOutcome<T> = { ok: true; value: T } | { ok: false; cancelled: boolean; error: unknown };

/**
 * The eventual result of a task. Deliberately not thenable: use `await fut.result()`.
 *
 * @example
 * const fut = ex.submit(add, 1, 2);
 * fut.addDoneCallback((f) => console.log(f.state));
 * console.log(await fut.result()); // 3
 */
export class Future<T = unknown> {
  #state: FutureState = "PENDING";
  #value: T | undefined;
  #error: unknown;
  #failed = false;
  #cancelError: unknown;
  // Stored without T so that Future<number> stays assignable to Future<unknown>.
  #callbacks: ((future: never) => void)[] | undefined;
  #waiters: (() => void)[] | undefined;
  #progress: ProgressChannel | undefined;

  /** "PENDING" | "RUNNING" | "CANCELLED" | "FINISHED". */
  get state(): FutureState {
    return this.#state;
  }

  /** Cancels a PENDING future; returns false when it is running or done (true if already cancelled). */
  cancel(): boolean {
    if (this.#state === "RUNNING" || this.#state === "FINISHED") return false;
    if (this.#state === "CANCELLED") return true;
    this.#state = "CANCELLED";
    this.#settle();
    return true;
  }

  /** True when the future was cancelled. */
  cancelled(): boolean {
    return this.#state === "CANCELLED";
  }

  /** True while the task runs. */
  running(): boolean {
    return this.#state === "RUNNING";
  }

  /** True when cancelled or finished. */
  done(): boolean {
    return this.#state === "CANCELLED" || this.#state === "FINISHED";
  }

  /**
   * Waits for the result. Rejects with the task's error, `CancelledError`, or `TimeoutError`
   * (after `timeoutMs`; the task keeps running).
   */
  async result(timeoutMs?: number): Promise<T> {
    await this.#waitDone(timeoutMs);
    if (this.#state === "CANCELLED") throw this.#cancelError ?? new CancelledError();
    if (this.#failed) throw this.#error;
    return this.#value as T;
  }

  /** Waits and returns the task's error, or undefined on success. Rejects with CancelledError/TimeoutError. */
  async exception(timeoutMs?: number): Promise<unknown> {
    await this.#waitDone(timeoutMs);
    if (this.#state === "CANCELLED") throw this.#cancelError ?? new CancelledError();
    return this.#failed ? this.#error : undefined;
  }

  /** Runs `fn(future)` when done (at once if already done). A throwing callback is logged and ignored. */
  addDoneCallback(fn: Callback<T>): void {
    if (this.done()) {
      this.#invoke(fn);
      return;
    }
    (this.#callbacks ??= []).push(fn);
  }

  /** The last value the task reported with `reportProgress` (undefined before any). */
  get progress(): unknown {
    return this.#progress?.value;
  }

  /**
   * Calls `cb(value, future)` for each progress value the task reports from now on, in order
   * (latest wins when a task reports faster than they travel). Returns an unsubscribe function.
   * A throwing callback is logged and ignored.
   * @example const off = fut.onProgress((p) => console.log("at", p)); await fut.result(); off();
   */
  onProgress(cb: (value: unknown, future: this) => void): () => void {
    if (typeof cb !== "function") throw new ArgumentTypeError("onProgress needs a callback function.", "cb");
    return (this.#progress ??= new ProgressChannel()).subscribe(
      cb as (value: unknown, future: unknown) => void,
    );
  }

  /**
   * For executor authors: record a progress value the task reported (ignored once done; the
   * last value must be set before the result).
   */
  setProgress(value: unknown): void {
    if (this.done()) return;
    (this.#progress ??= new ProgressChannel()).publish(value, this);
  }

  /**
   * For executor authors: move PENDING to RUNNING and return true, or return false when
   * the future was cancelled (the task must then not run).
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === "CANCELLED") return false;
    if (this.#state === "PENDING") {
      this.#state = "RUNNING";
      return true;
    }
    throw new InvalidStateError(`Future in unexpected state ${this.#state}: cannot mark it running.`);
  }

  /** For executor authors: finish with a value. Throws InvalidStateError when already done. */
  setResult(value: T): void {
    if (this.done()) throw new InvalidStateError(`Future is already ${this.#state}: cannot set a result.`);
    this.#value = value;
    this.#state = "FINISHED";
    this.#settle();
  }

  /** For executor authors: finish with an error. Throws InvalidStateError when already done. */
  setException(error: unknown): void {
    if (this.done())
      throw new InvalidStateError(`Future is already ${this.#state}: cannot set an exception.`);
    this.#error = error;
    this.#failed = true;
    this.#state = "FINISHED";
    this.#settle();
  }

  /**
   * For executor authors: cancel even a RUNNING future (its worker was stopped), so that
   * `result()` rejects with `error`. Returns false when already done.
   */
  protected forceCancel(error: Error): boolean {
    if (this.done()) return false;
    this.#cancelError = error;
    this.#state = "CANCELLED";
    this.#settle();
    return true;
  }

  /** For executor authors: called once when the future becomes done. */
  protected onSettled(): void {}

  /**
   * The outcome of a done future without waiting (undefined while not done), for code that
   * must react in the same tick, such as servers relaying results.
   * @example const o = fut.peek(); if (o?.ok) send(o.value);
   */
  peek(): FutureOutcome<T> | undefined {
    if (this.#state === "CANCELLED")
      return { ok: false, cancelled: true, error: this.#cancelError ?? new CancelledError() };
    if (this.#state !== "FINISHED") return undefined;
    return this.#failed
      ? { ok: false, cancelled: false, error: this.#error }
      : { ok: true, value: this.#value as T };
  }

  /** @internal the failed flag without waiting (for wait/asCompleted). */
  failedNow(): boolean {
    return this.#failed;
  }

  #settle(): void {
    this.onSettled();
    const waiters = this.#waiters;
    this.#waiters = undefined;
    if (waiters) for (const w of waiters) w();
    const callbacks = this.#callbacks;
    this.#callbacks = undefined;
    if (callbacks) for (const cb of callbacks) this.#invoke(cb as Callback<T>);
  }

  #invoke(fn: Callback<T>): void {
    try {
      fn(this);
    } catch (err) {
      console.error("conc: a Future done-callback threw; ignoring it:", err);
    }
  }

  #waitDone(timeoutMs: number | undefined): Promise<void> {
    validateTimeout(timeoutMs);
    if (this.done()) return Promise.resolve();
    if (timeoutMs !== undefined && timeoutMs <= 0) return Promise.reject(notDoneError(timeoutMs));
    return new Promise<void>((resolve, reject) => {
      let timer: Timer | undefined;
      const onDone = () => {
        timer?.cancel();
        resolve();
      };
      (this.#waiters ??= []).push(onDone);
      if (timeoutMs !== undefined && timeoutMs <= MAX_TIMER_MS) {
        timer = startTimer(timeoutMs, () => {
          const list = this.#waiters;
          if (list) list.splice(list.indexOf(onDone), 1);
          reject(notDoneError(timeoutMs));
        });
      }
    });
  }
}

function notDoneError(timeoutMs: number): TimeoutError {
  return new TimeoutError(`Future not done after ${timeoutMs} ms.`, { timeoutMs });
}
