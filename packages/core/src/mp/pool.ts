/**
 * multiprocessing.Pool and multiprocessing.pool.ThreadPool over the executor engine.
 * Unlike CPython, a worker that dies fails its tasks (WorkerExitedError) instead of hanging.
 */
import { CancelledError, ExecutorShutdownError, InvalidStateError } from "../errors.ts";
import { type AnyFn, type Executor, internalsOf, type TaskRef } from "../executor/executor.ts";
import { mapChunks } from "../executor/map.ts";
import { cpuCount, validateInt } from "../executor/options.ts";
import { ProcessPoolExecutor } from "../executor/process-pool.ts";
import { ThreadPoolExecutor } from "../executor/thread-pool.ts";
import { Future } from "../future/future.ts";
import { ChunkFailure } from "../transport/chunk-failure.ts";
import { asCompleted } from "../waiting/as-completed.ts";
import { type AsyncCallbacks, AsyncResult } from "./async-result.ts";

export interface PoolOptions {
  /** Number of workers (default: cpuCount()). */
  processes?: number | undefined;
  module?: string | URL | undefined;
  initializer?: TaskRef | undefined;
  initargs?: unknown[] | undefined;
  /** Replace a worker after this many tasks. */
  maxtasksperchild?: number | undefined;
}

type R<F> = F extends AnyFn ? Awaited<ReturnType<F>> : unknown;
type P<F> = F extends AnyFn ? Parameters<F> : unknown[];
type First<F> = F extends (a: infer A, ...rest: never[]) => unknown ? A : unknown;

abstract class BasePool {
  readonly #ex: Executor;
  #state: "RUN" | "CLOSE" | "TERMINATE" = "RUN";

  protected constructor(ex: Executor) {
    this.#ex = ex;
  }

  /** Number of workers. */
  get processes(): number {
    return this.#ex.maxWorkers;
  }

  /** Calls `fn(...args)` in a worker and waits for the result. */
  apply<F extends TaskRef>(fn: F, args: P<F> | [] = []): Promise<R<F>> {
    return this.applyAsync(fn, args).get();
  }

  /** Calls `fn(...args)` in a worker; returns an AsyncResult at once. */
  applyAsync<F extends TaskRef>(
    fn: F,
    args: P<F> | [] = [],
    callbacks: AsyncCallbacks<R<F>> = {},
  ): AsyncResult<R<F>> {
    this.#checkRunning();
    if (!Array.isArray(args)) throw new TypeError("args must be an array of arguments.");
    return new AsyncResult(this.#ex.submit(fn, ...(args as P<F>)), callbacks);
  }

  /** `fn(item)` for each item, in order, in chunks (default size like CPython: items / (4 × workers)). */
  map<F extends TaskRef>(fn: F, iterable: Iterable<First<F>>, chunksize?: number): Promise<R<F>[]> {
    return this.mapAsync(fn, iterable, chunksize).get();
  }

  mapAsync<F extends TaskRef>(
    fn: F,
    iterable: Iterable<First<F>>,
    chunksize?: number,
    callbacks: AsyncCallbacks<R<F>[]> = {},
  ): AsyncResult<R<F>[]> {
    return this.#bulk(fn, toItems(iterable), true, chunksize, callbacks);
  }

  /** `fn(...tuple)` for each tuple, in order. */
  starmap<F extends TaskRef>(fn: F, iterable: Iterable<P<F>>, chunksize?: number): Promise<R<F>[]> {
    return this.starmapAsync(fn, iterable, chunksize).get();
  }

  starmapAsync<F extends TaskRef>(
    fn: F,
    iterable: Iterable<P<F>>,
    chunksize?: number,
    callbacks: AsyncCallbacks<R<F>[]> = {},
  ): AsyncResult<R<F>[]> {
    return this.#bulk(fn, toItems(iterable).map(asTuple), false, chunksize, callbacks);
  }

  /** Lazy ordered map: yields results as they are ready, in order. */
  imap<F extends TaskRef>(fn: F, iterable: Iterable<First<F>>, chunksize = 1): AsyncIterableIterator<R<F>> {
    this.#checkRunning();
    validateInt(chunksize, "chunksize");
    return mapChunks(internalsOf(this.#ex).chunkSubmitter(fn, true), lazyItems(iterable), { chunksize });
  }

  /** Lazy map that yields results in completion order. */
  imapUnordered<F extends TaskRef>(
    fn: F,
    iterable: Iterable<First<F>>,
    chunksize = 1,
  ): AsyncIterableIterator<R<F>> {
    this.#checkRunning();
    validateInt(chunksize, "chunksize");
    const submit = internalsOf(this.#ex).chunkSubmitter(fn, true);
    const futures: Future<unknown>[] = [];
    let chunk: unknown[] = [];
    const it = lazyItems(iterable);
    for (let r = it.next(); !r.done; r = it.next()) {
      const t = r.value;
      chunk.push(t);
      if (chunk.length === chunksize) {
        futures.push(submit(chunk));
        chunk = [];
      }
    }
    if (chunk.length > 0) futures.push(submit(chunk));
    return unordered<R<F>>(futures);
  }

  /** No more work; workers exit once what was submitted is done. */
  close(): void {
    if (this.#state === "RUN") this.#state = "CLOSE";
    void this.#ex.shutdown({ wait: false });
  }

  /** Stops workers now; unfinished tasks fail with CancelledError. */
  async terminate(): Promise<void> {
    this.#state = "TERMINATE";
    await internalsOf(this.#ex).terminate(
      new CancelledError("The pool was terminated before this task finished."),
    );
  }

  /** Waits for the workers to exit. Call close() or terminate() first. */
  async join(): Promise<void> {
    if (this.#state === "RUN")
      throw new InvalidStateError("Pool is still running: call close() or terminate() before join().");
    await this.#ex.shutdown({ wait: true });
  }

  /** `await using pool = new Pool()` terminates at scope end, like Python's `with Pool()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.terminate();
  }

  #checkRunning(): void {
    if (this.#state !== "RUN") {
      throw new ExecutorShutdownError(
        `Pool is not running (${this.#state === "CLOSE" ? "closed" : "terminated"}): create a new Pool.`,
      );
    }
  }

  #bulk<T>(
    fn: TaskRef,
    items: unknown[],
    single: boolean,
    chunksize: number | undefined,
    callbacks: AsyncCallbacks<T[]>,
  ): AsyncResult<T[]> {
    this.#checkRunning();
    validateInt(chunksize, "chunksize");
    let size = chunksize;
    if (size === undefined) {
      // CPython: chunksize, extra = divmod(len, workers * 4); if extra: chunksize += 1
      size = Math.floor(items.length / (this.processes * 4));
      if (items.length % (this.processes * 4)) size += 1;
      size = Math.max(1, size);
    }
    const submit = internalsOf(this.#ex).chunkSubmitter(fn, single);
    const chunks: Future<unknown>[] = [];
    for (let i = 0; i < items.length; i += size) chunks.push(submit(items.slice(i, i + size)));
    const fut = new Future<T[]>();
    // Whole chunks at a time (not an async step per item): a bulk map of a million items stays cheap.
    collectChunks<T>(chunks).then(
      (v) => fut.setResult(v),
      (e) => {
        for (const c of chunks) c.cancel();
        fut.setException(e);
      },
    );
    return new AsyncResult(fut, callbacks);
  }
}

async function collectChunks<T>(chunks: Future<unknown>[]): Promise<T[]> {
  const parts: T[][] = [];
  for (const c of chunks) {
    const v = await c.result();
    if (v instanceof ChunkFailure) throw v.error;
    parts.push(v as T[]);
  }
  return parts.length === 1 ? (parts[0] as T[]) : ([] as T[]).concat(...parts);
}

function asTuple(x: unknown): unknown[] {
  if (!Array.isArray(x)) throw new TypeError(`starmap items must be argument arrays, got ${typeof x}.`);
  return x;
}

function toItems(iterable: Iterable<unknown>): unknown[] {
  if (iterable === null || typeof iterable !== "object" || !(Symbol.iterator in iterable)) {
    throw new TypeError("map/starmap need an iterable of items.");
  }
  return Array.isArray(iterable) ? iterable : Array.from(iterable);
}

function lazyItems(iterable: Iterable<unknown>): Iterator<unknown> {
  if (iterable === null || typeof iterable !== "object" || !(Symbol.iterator in iterable)) {
    throw new TypeError("imap needs an iterable of items.");
  }
  return iterable[Symbol.iterator]();
}

function unordered<T>(futures: Future<unknown>[]): AsyncIterableIterator<T> {
  const source = asCompleted(futures);
  let buffer: unknown[] = [];
  let i = 0;
  let failure: { error: unknown } | undefined;
  const stop = () => {
    for (const f of futures) f.cancel();
  };
  const it: AsyncIterableIterator<T> = {
    async next() {
      while (true) {
        if (i < buffer.length) return { done: false, value: buffer[i++] as T };
        if (failure) {
          const { error } = failure;
          failure = undefined;
          stop();
          throw error;
        }
        const n = await source.next();
        if (n.done) return { done: true, value: undefined };
        let v: unknown;
        try {
          v = await n.value.result();
        } catch (e) {
          stop();
          throw e;
        }
        i = 0;
        if (v instanceof ChunkFailure) {
          buffer = v.results;
          failure = { error: v.error };
        } else buffer = v as unknown[];
      }
    },
    async return() {
      stop();
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return it;
    },
  };
  return it;
}

/**
 * multiprocessing.Pool on child processes.
 * @example
 * await using pool = new Pool({ processes: 4, module: import.meta.url });
 * console.log(await pool.map(square, [1, 2, 3]));
 */
export class Pool extends BasePool {
  constructor(options: PoolOptions = {}) {
    validateInt(options.processes, "processes");
    super(
      new ProcessPoolExecutor({
        maxWorkers: options.processes,
        module: options.module,
        initializer: options.initializer,
        initargs: options.initargs,
        maxTasksPerChild: options.maxtasksperchild,
      }),
    );
  }
}

/** multiprocessing.pool.ThreadPool on Bun Worker threads (same API as Pool). */
export class ThreadPool extends BasePool {
  constructor(options: PoolOptions = {}) {
    validateInt(options.processes, "processes");
    super(
      new ThreadPoolExecutor({
        maxWorkers: options.processes ?? cpuCount(),
        module: options.module,
        initializer: options.initializer,
        initargs: options.initargs,
        maxTasksPerChild: options.maxtasksperchild,
      }),
    );
  }
}
