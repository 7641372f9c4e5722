/**
 * The one interface every conc executor implements (DESIGN.md "One interface for every
 * executor"): ThreadPoolExecutor, ProcessPoolExecutor, RemoteExecutor, DistributedExecutor.
 * Code that only needs "something that runs tasks" (createApp pools, helpers, tests) takes an
 * `ExecutorLike`; futures from any of them work with asCompleted and wait.
 */
import type { Future } from "../future/future.ts";
import type { MapOptions } from "./map-args.ts";

// biome-ignore lint/suspicious/noExplicitAny: task functions take and return anything
export type AnyFn = (...args: any[]) => any;

/** Where an executor runs its tasks. */
export type ExecutorKind = "threads" | "processes" | "remote" | "distributed";

/** Names of the functions a task module exports: `TaskName<typeof import("./tasks.ts")>`. */
export type TaskName<M> = { [K in keyof M]: M[K] extends AnyFn ? K : never }[keyof M] & string;
/** The exported function called `K` in task module `M`. */
export type TaskOf<M, K extends keyof M> = M[K] extends AnyFn ? M[K] : never;
/** A task of module `M`: its export name, or the imported function itself. */
export type TaskKey<M, K extends TaskName<M>> = K | TaskOf<M, K>;
/** What a task of module `M` called `K` resolves to. */
export type TaskResult<M, K extends keyof M> = Awaited<ReturnType<TaskOf<M, K>>>;
/** The arguments of the task of module `M` called `K`. */
export type TaskArgs<M, K extends keyof M> = Parameters<TaskOf<M, K>>;
/** The module type of executors that take any function (ThreadPoolExecutor, ProcessPoolExecutor). */
export type AnyTaskModule = Record<string, AnyFn>;

/** Options of `schedule` (every executor): per-task deadline and cancellation. */
export interface ScheduleOptions<A extends unknown[] = unknown[]> {
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

/** An iterable of map arguments, sync or async (an endless generator is fine with `buffersize`). */
export type MapIterable<T = unknown> = Iterable<T> | AsyncIterable<T>;

/**
 * Any conc executor. `M` is the task module's type (`typeof import("./tasks.ts")`) for executors
 * that submit by export name (remote, distributed); local executors accept any function, and are
 * `ExecutorLike` with the default `M`.
 * @example
 * async function total(ex: ExecutorLike<typeof import("./tasks.ts")>) { return ex.run("add", 1, 2); }
 */
export interface ExecutorLike<M = AnyTaskModule> {
  /** "threads" | "processes" | "remote" | "distributed". */
  readonly kind: ExecutorKind;
  /** URL of the task module (null when tasks are shipped by source or it is not known). */
  readonly module: string | null;
  /** Most tasks it runs at once. */
  readonly maxWorkers: number;
  /** Workers alive now (for remote and distributed pools: the last known count). */
  readonly workerCount: number;
  /** Tasks waiting to start (for remote and distributed pools: the last known count). */
  readonly queued: number;
  /** Schedules `task(...args)`; returns its Future. Throws at once after shutdown or for bad input. */
  submit<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>>;
  /** `await ex.run(task, ...args)` is `await ex.submit(task, ...args).result()`. */
  run<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>>;
  /** Like submit, with a per-task deadline and an AbortSignal. */
  schedule<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    options?: ScheduleOptions<TaskArgs<M, K>>,
  ): Future<TaskResult<M, K>>;
  /** Maps over zipped iterables (see `mapWith`); yields results in order. */
  map<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    ...rest: (MapIterable | MapOptions)[]
  ): AsyncIterableIterator<TaskResult<M, K>>;
  /**
   * Stops the task behind `fut` (a future this executor returned) wherever it is, as aborting a signal
   * given to `schedule` would: a queued task never starts, a running one is stopped (its worker is
   * replaced; the pool goes on). The future ends CANCELLED with a CancelledError whose `cause` is
   * `reason`. False when `fut` is done already or is not this executor's. (`cancel()` only takes back
   * what has not started.)
   */
  stop(fut: Future<unknown>, reason?: unknown): boolean;
  /** Stops accepting work; see ShutdownOptions. Calling it twice is harmless. */
  shutdown(options?: ShutdownOptions): Promise<void>;
  /** `await using ex = ...` shuts down (waiting) at scope end. */
  [Symbol.asyncDispose](): Promise<void>;
}
