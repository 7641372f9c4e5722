/** multiprocessing's AsyncResult over a Future. */
import { InvalidStateError, TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";

export interface AsyncCallbacks<T> {
  /** Called with the result on success. */
  callback?: ((result: T) => void) | undefined;
  /** Called with the error on failure. */
  errorCallback?: ((error: unknown) => void) | undefined;
}

/**
 * The handle `applyAsync`, `mapAsync` and `starmapAsync` return.
 * @example const r = pool.applyAsync(add, [1, 2]); console.log(await r.get(1000));
 */
export class AsyncResult<T> {
  readonly #future: Future<T>;

  constructor(future: Future<T>, callbacks: AsyncCallbacks<T> = {}) {
    this.#future = future;
    const { callback, errorCallback } = callbacks;
    if (callback || errorCallback) {
      future.addDoneCallback((f) => {
        f.exception().then(
          (err) => (err === undefined ? f.result().then((v) => callback?.(v)) : errorCallback?.(err)),
          (err) => errorCallback?.(err),
        );
      });
    }
  }

  /** The result; rejects with the task's error, or TimeoutError after `timeoutMs`. */
  get(timeoutMs?: number): Promise<T> {
    return this.#future.result(timeoutMs);
  }

  /** Waits until ready or `timeoutMs` passes; never rejects. */
  async wait(timeoutMs?: number): Promise<void> {
    try {
      await this.#future.exception(timeoutMs);
    } catch (err) {
      if (!(err instanceof TimeoutError)) return;
    }
  }

  /** True once the call has completed. */
  ready(): boolean {
    return this.#future.done();
  }

  /** True when it completed without error. Throws while not ready, like Python's ValueError. */
  successful(): boolean {
    if (!this.#future.done()) {
      throw new InvalidStateError(
        "successful() called before the result is ready: await wait() or get() first.",
      );
    }
    return !this.#future.cancelled() && !this.#future.failedNow();
  }
}
