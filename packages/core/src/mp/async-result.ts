/** multiprocessing's AsyncResult over a Future. */
import { InvalidStateError, TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { Deadline, EXPIRED, raceDeadline } from "../util/deadline.ts";

export interface AsyncCallbacks<T> {
  /** Called with the result on success, before the result is reported ready. */
  callback?: ((result: T) => void) | undefined;
  /** Called with the error on failure (or CancelledError), before get() rejects. */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/**
 * The handle `applyAsync`, `mapAsync` and `starmapAsync` return. As in CPython, the callbacks run
 * before `ready()`, `wait()` and `get()` report the outcome.
 * @example const r = pool.applyAsync(add, [1, 2]); console.log(await r.get(1000));
 */
export class AsyncResult<T> {
  readonly #future: Future<T>;
  readonly #settled: Promise<void>;
  #ready = false;

  constructor(future: Future<T>, callbacks: AsyncCallbacks<T> = {}) {
    this.#future = future;
    const { callback, errorCallback } = callbacks;
    this.#settled = new Promise<void>((resolve) => {
      future.addDoneCallback((f) => {
        try {
          const o = f.peek();
          if (o?.ok) callback?.(o.value);
          else if (o) errorCallback?.(o.error);
        } catch (err) {
          console.error("conc: an AsyncResult callback threw; ignoring it:", err);
        } finally {
          this.#ready = true;
          resolve();
        }
      });
    });
  }

  /** The result; rejects with the task's error, or TimeoutError after `timeoutMs` (≤ 0: at once if not ready). */
  async get(timeoutMs?: number): Promise<T> {
    const deadline = Deadline.after(timeoutMs);
    if (!this.#ready && (await raceDeadline(this.#settled, deadline)) === EXPIRED) {
      throw new TimeoutError(`The result was not ready after ${timeoutMs} ms.`, {
        timeoutMs: timeoutMs as number,
      });
    }
    return this.#future.result();
  }

  /** Waits until ready or `timeoutMs` passes; never rejects. */
  async wait(timeoutMs?: number): Promise<void> {
    const deadline = Deadline.after(timeoutMs);
    if (!this.#ready) await raceDeadline(this.#settled, deadline);
  }

  /** True once the call has completed and its callback has run. */
  ready(): boolean {
    return this.#ready;
  }

  /** True when it completed without error. Throws while not ready, like Python's ValueError. */
  successful(): boolean {
    if (!this.#ready) {
      throw new InvalidStateError(
        "successful() called before the result is ready: await wait() or get() first.",
      );
    }
    return !this.#future.cancelled() && !this.#future.failedNow();
  }
}
