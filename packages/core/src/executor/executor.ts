/**
 * The public executor API shared by ThreadPoolExecutor and ProcessPoolExecutor
 * (Python's concurrent.futures.Executor, in TypeScript's idiom).
 */
import { type BrokenExecutorError, CancelledError, ExecutorShutdownError, TimeoutError } from "../errors.ts";
import type { Future } from "../future/future.ts";
import { validateTimeout } from "../future/future.ts";
import { TASK_CHUNK, TASK_CHUNK_SINGLE, TASK_PLAIN } from "../transport/protocol.ts";
import type { Transport } from "../transport/transport.ts";
import { Engine } from "./engine.ts";
import { FnRegistry } from "./fn-registry.ts";
import { type MapOptions, mapChunks, splitMapArgs, zipArgs } from "./map.ts";
import { ModuleExports } from "./module-exports.ts";
import { normalizeModule, validateArgs, validateInt, validateTaskFn } from "./options.ts";

// biome-ignore lint/suspicious/noExplicitAny: task functions take and return anything
export type AnyFn = (...args: any[]) => any;
/** A task: a function, or the export name of one in the task module. */
export type TaskRef = AnyFn | string;
type ResultOf<F> = F extends AnyFn ? Awaited<ReturnType<F>> : unknown;
type ArgsOf<F> = F extends AnyFn ? Parameters<F> : unknown[];

export interface ExecutorOptions {
  /** Most workers at once. */
  maxWorkers?: number | undefined;
  /** Task module (`new URL("./tasks.ts", import.meta.url)` or `import.meta.url`): tasks are its exports. */
  module?: string | URL | undefined;
  /** Runs once in each worker before its first task. */
  initializer?: TaskRef | undefined;
  initargs?: unknown[] | undefined;
  /** Replace a worker after this many tasks. */
  maxTasksPerChild?: number | undefined;
}

export interface ScheduleOptions<A extends unknown[]> {
  args?: A;
  /** Per-task deadline in ms from submission: the future fails with TimeoutError, a running task is stopped. */
  timeout?: number | undefined;
  /** Aborting cancels the task (CancelledError with `cause` = the abort reason), stopping it if running. */
  signal?: AbortSignal | undefined;
}

export interface ShutdownOptions {
  /** Wait for submitted work to finish and workers to exit (default true). */
  wait?: boolean;
  /** Cancel work that has not started (default false). */
  cancelFutures?: boolean;
}

export interface EngineSetup {
  transport: Transport;
  defaultWorkers: number;
  concurrency: number;
  makeBroken: (message: string, cause?: unknown) => BrokenExecutorError;
}

/** @internal what Pool needs beyond the public executor API. */
export interface ExecutorInternals {
  /**
   * Submits chunks for `fn` (validated once per call). Items are argument tuples, or with
   * `single` one argument each (no tuple per item: bulk maps stay cheap).
   */
  chunkSubmitter(fn: TaskRef, single: boolean): (items: unknown[]) => Future<unknown>;
  /** Stops all work with `error` and ends the workers. */
  terminate(error: Error): Promise<void>;
}
const internals = new WeakMap<Executor, ExecutorInternals>();

/** @internal */
export function internalsOf(ex: Executor): ExecutorInternals {
  return internals.get(ex) as ExecutorInternals;
}

export abstract class Executor {
  readonly #engine: Engine;
  readonly #registry: FnRegistry;
  #shutdown: Promise<void> | undefined;
  #closed = false;
  /** Most workers this executor runs at once. */
  readonly maxWorkers: number;
  /** URL of the task module (null when tasks are shipped by source). */
  readonly module: string | null;

  protected constructor(options: ExecutorOptions, setup: EngineSetup) {
    const { maxWorkers, module, initializer, initargs = [], maxTasksPerChild } = options;
    validateInt(maxWorkers, "maxWorkers");
    validateInt(maxTasksPerChild, "maxTasksPerChild");
    if (initializer !== undefined) validateTaskFn(initializer, "initializer");
    if (!Array.isArray(initargs)) throw new TypeError("initargs must be an array.");
    try {
      structuredClone(initargs);
    } catch (err) {
      throw new TypeError(`initargs cannot be sent to a worker (${(err as Error).message}).`, { cause: err });
    }
    this.maxWorkers = maxWorkers ?? setup.defaultWorkers;
    const moduleUrl = normalizeModule(module);
    this.module = moduleUrl;
    const exports = new ModuleExports(moduleUrl);
    this.#registry = new FnRegistry(moduleUrl, () => exports.now);
    const initId = initializer === undefined ? null : this.#registry.idOf(initializer);
    this.#engine = new Engine({
      transport: setup.transport,
      maxWorkers: this.maxWorkers,
      moduleUrl,
      initializer: initId === null ? null : (this.#registry.defs[initId] ?? null),
      initargs,
      maxTasksPerChild: maxTasksPerChild ?? null,
      concurrency: setup.concurrency,
      makeBroken: setup.makeBroken,
      resolveErrorClass: exports.resolveErrorClass,
      registry: this.#registry,
    });
    internals.set(this, {
      chunkSubmitter: (fn, single) => {
        const fnId = this.#prepare(fn, []);
        const flags = single ? TASK_CHUNK_SINGLE : TASK_CHUNK;
        return (items) => {
          if (this.#closed) throw new ExecutorShutdownError();
          return this.#engine.submit(fnId, flags, items);
        };
      },
      terminate: (error) => this.#terminateNow(error),
    });
  }

  /** Schedules `fn(...args)`; returns its Future. Throws at once after shutdown or for bad input. */
  submit<F extends TaskRef>(fn: F, ...args: ArgsOf<F>): Future<ResultOf<F>> {
    const fnId = this.#prepare(fn, args);
    return this.#engine.submit(fnId, TASK_PLAIN, args);
  }

  /** `await ex.run(fn, ...args)` is `await ex.submit(fn, ...args).result()`. */
  run<F extends TaskRef>(fn: F, ...args: ArgsOf<F>): Promise<ResultOf<F>> {
    return this.submit(fn, ...args).result();
  }

  /** Like submit, with a per-task deadline and an AbortSignal. */
  schedule<F extends TaskRef>(fn: F, options: ScheduleOptions<ArgsOf<F>> = {}): Future<ResultOf<F>> {
    const { args = [] as unknown as ArgsOf<F>, timeout, signal } = options;
    validateTimeout(timeout);
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError("signal must be an AbortSignal.");
    const task = this.#engine.submit<ResultOf<F>>(this.#prepare(fn, args), TASK_PLAIN, args);
    if (signal?.aborted) {
      task.stop(new CancelledError("The task's AbortSignal was already aborted.", { cause: signal.reason }));
      return task;
    }
    const cleanups: (() => void)[] = [];
    if (timeout !== undefined) {
      const timer = setTimeout(() => {
        this.#engine.expire(
          task,
          new TimeoutError(`The task did not finish within ${timeout} ms.`, { timeoutMs: timeout }),
          false,
        );
      }, timeout);
      cleanups.push(() => clearTimeout(timer));
    }
    if (signal) {
      const onAbort = () =>
        this.#engine.expire(
          task,
          new CancelledError("The task was aborted.", { cause: signal.reason }),
          true,
        );
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
    if (cleanups.length > 0 && !task.done())
      task.cleanup = () => {
        for (const c of cleanups) c();
      };
    return task;
  }

  /**
   * Maps `fn` over zipped iterables; yields results in order.
   * @example for await (const r of ex.map(square, [1, 2, 3], { chunksize: 2 })) console.log(r);
   */
  map<A, R>(
    fn: ((a: A) => R) | string,
    a: Iterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<A, B, R>(
    fn: ((a: A, b: B) => R) | string,
    a: Iterable<A>,
    b: Iterable<B>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<A, B, C, R>(
    fn: ((a: A, b: B, c: C) => R) | string,
    a: Iterable<A>,
    b: Iterable<B>,
    c: Iterable<C>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map(fn: TaskRef, ...rest: (Iterable<unknown> | MapOptions)[]): AsyncIterableIterator<unknown>;
  map(fn: TaskRef, ...rest: unknown[]): AsyncIterableIterator<unknown> {
    const { iterables, options } = splitMapArgs(rest);
    const single = iterables.length === 1;
    const items = single ? (iterables[0] as Iterable<unknown>)[Symbol.iterator]() : zipArgs(iterables);
    return mapChunks(internalsOf(this).chunkSubmitter(fn, single), items, options);
  }

  /**
   * Stops accepting work. `wait` (default true) resolves once submitted work is done and workers
   * have exited; `cancelFutures` cancels what has not started. Calling it twice is harmless.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    this.#closed = true;
    if (cancelFutures) this.#engine.cancelPending();
    this.#shutdown ??= this.#engine.drained().then(() => this.#engine.terminate());
    if (wait) await this.#shutdown;
  }

  /**
   * Stops every worker now (like Python 3.14's terminate_workers): queued and running tasks are
   * cancelled with CancelledError, and the executor is shut down.
   */
  terminateWorkers(): Promise<void> {
    return this.#terminateNow(
      new CancelledError("The executor's workers were terminated before this task finished."),
    );
  }

  /** `await using ex = new ThreadPoolExecutor()` shuts down (waiting) at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** Workers alive now. */
  get workerCount(): number {
    return this.#engine.workerCount;
  }

  /** OS process ids of live workers (processes only). */
  pids(): number[] {
    return this.#engine.pids();
  }

  /** Tasks waiting to start. */
  get queued(): number {
    return this.#engine.queued;
  }

  #terminateNow(error: Error): Promise<void> {
    this.#closed = true;
    this.#engine.stopAll(error);
    const done = this.#engine.terminate();
    this.#shutdown ??= done;
    return done;
  }

  #prepare(fn: TaskRef, args: unknown[]): number {
    if (this.#closed) throw new ExecutorShutdownError();
    if (this.#engine.broken) throw this.#engine.broken;
    validateTaskFn(fn);
    validateArgs(args);
    return this.#registry.idOf(fn);
  }
}
