/**
 * The public executor API shared by ThreadPoolExecutor and ProcessPoolExecutor
 * (Python's concurrent.futures.Executor, in TypeScript's idiom).
 */
import {
  ArgumentTypeError,
  type BrokenExecutorError,
  CancelledError,
  ExecutorShutdownError,
  TimeoutError,
} from "../errors.ts";
import type { Future } from "../future/future.ts";
import { TASK_CHUNK, TASK_CHUNK_SINGLE, TASK_PLAIN } from "../transport/protocol.ts";
import type { Transport } from "../transport/transport.ts";
import { startTimer, validateTimeout } from "../util/deadline.ts";
import { Engine } from "./engine.ts";
import type {
  AnyFn,
  AnyTaskModule,
  ExecutorKind,
  ExecutorLike,
  MapIterable,
  ScheduleOptions,
  ShutdownOptions,
  TaskArgs,
  TaskKey,
  TaskName,
  TaskResult,
} from "./executor-like.ts";
import { FnRegistry } from "./fn-registry.ts";
import { mapSource } from "./map.ts";
import { type MapOptions, splitMapArgs, zipSource } from "./map-args.ts";
import { ModuleExports } from "./module-exports.ts";
import { normalizeModule, validateArgs, validateInt, validateTaskFn } from "./options.ts";
import { Task } from "./task.ts";

export type { AnyFn, ScheduleOptions, ShutdownOptions } from "./executor-like.ts";
/** A task: a function, or the export name of one in the task module. */
export type TaskRef = AnyFn | string;

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

export abstract class Executor<M = AnyTaskModule> implements ExecutorLike<M> {
  /** "threads" or "processes". */
  abstract readonly kind: ExecutorKind;
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
    if (!Array.isArray(initargs)) throw new ArgumentTypeError("initargs must be an array.", "initargs");
    try {
      structuredClone(initargs);
    } catch (err) {
      throw new ArgumentTypeError(
        `initargs cannot be sent to a worker (${(err as Error).message}).`,
        "initargs",
        { cause: err },
      );
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

  /**
   * Schedules `fn(...args)`; returns its Future. Throws at once after shutdown or for bad input.
   * `fn` is a function, or an export name of the task module (typed with `new ThreadPoolExecutor<typeof import("./tasks.ts")>`).
   */
  submit<F extends AnyFn>(fn: F, ...args: Parameters<F>): Future<Awaited<ReturnType<F>>>;
  submit<K extends TaskName<M>>(task: K, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>>;
  submit(fn: TaskRef, ...args: unknown[]): Future<unknown> {
    const fnId = this.#prepare(fn, args);
    return this.#engine.submit(fnId, TASK_PLAIN, args);
  }

  /** `await ex.run(fn, ...args)` is `await ex.submit(fn, ...args).result()`. */
  run<F extends AnyFn>(fn: F, ...args: Parameters<F>): Promise<Awaited<ReturnType<F>>>;
  run<K extends TaskName<M>>(task: K, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>>;
  run(fn: TaskRef, ...args: unknown[]): Promise<unknown> {
    return (this.submit as (fn: TaskRef, ...args: unknown[]) => Future<unknown>)(fn, ...args).result();
  }

  /** Like submit, with a per-task deadline and an AbortSignal. */
  schedule<F extends AnyFn>(fn: F, options?: ScheduleOptions<Parameters<F>>): Future<Awaited<ReturnType<F>>>;
  schedule<K extends TaskName<M>>(
    task: K,
    options?: ScheduleOptions<TaskArgs<M, K>>,
  ): Future<TaskResult<M, K>>;
  schedule(fn: TaskRef, options: ScheduleOptions<unknown[]> = {}): Future<unknown> {
    const { args = [], timeout, signal } = options;
    validateTimeout(timeout);
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new ArgumentTypeError("signal must be an AbortSignal.", "signal");
    const task = this.#engine.submit<unknown>(this.#prepare(fn, args), TASK_PLAIN, args);
    if (signal?.aborted) {
      task.stop(new CancelledError("The task's AbortSignal was already aborted.", { cause: signal.reason }));
      return task;
    }
    const cleanups: (() => void)[] = [];
    if (timeout !== undefined) {
      const expire = () =>
        this.#engine.expire(
          task,
          new TimeoutError(`The task did not finish within ${timeout} ms.`, { timeoutMs: timeout }),
          false,
        );
      if (timeout <= 0) {
        expire();
        return task;
      }
      const timer = startTimer(timeout, expire);
      cleanups.push(timer.cancel);
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
   * Stops `fut`'s task wherever it is, as aborting a signal given to schedule() would: a queued task
   * never starts; a running one is stopped by replacing its worker (the pool goes on). The future ends
   * CANCELLED with a CancelledError whose `cause` is `reason`. False when `fut` is done already or is
   * not this executor's.
   * @example const fut = ex.submit(longTask); ...; ex.stop(fut, "no longer needed");
   */
  stop(fut: Future<unknown>, reason?: unknown): boolean {
    if (!(fut instanceof Task) || fut.owner !== this.#engine || fut.done()) return false;
    const options = reason === undefined ? undefined : { cause: reason };
    this.#engine.expire(fut, new CancelledError("The task was stopped.", options), true);
    return true;
  }

  /**
   * Maps `fn` over zipped iterables (sync or async; an endless generator works with
   * `buffersize`); yields results in order.
   * @example for await (const r of ex.map(square, [1, 2, 3], { chunksize: 2 })) console.log(r);
   */
  map<A, R>(
    fn: ((a: A) => R) | string,
    a: MapIterable<A>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<A, B, R>(
    fn: ((a: A, b: B) => R) | string,
    a: MapIterable<A>,
    b: MapIterable<B>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<A, B, C, R>(
    fn: ((a: A, b: B, c: C) => R) | string,
    a: MapIterable<A>,
    b: MapIterable<B>,
    c: MapIterable<C>,
    options?: MapOptions,
  ): AsyncIterableIterator<Awaited<R>>;
  map<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    ...rest: (MapIterable | MapOptions)[]
  ): AsyncIterableIterator<TaskResult<M, K>>;
  map(fn: TaskRef, ...rest: unknown[]): AsyncIterableIterator<unknown> {
    const { iterables, options } = splitMapArgs(rest);
    const submit = internalsOf(this).chunkSubmitter(fn, iterables.length === 1);
    return mapSource(submit, zipSource(iterables, true), options);
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
