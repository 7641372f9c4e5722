/** @conc/core — Python's concurrent.futures and multiprocessing for TypeScript on Bun. */

/** Inside a task: `reportProgress({ done: i, total: n })` — the caller sees it as `fut.progress` / `fut.onProgress`. */
export { reportProgress } from "./entry/progress.ts";
export * from "./errors.ts";
/** A map chunk that failed part-way (what a chunk Future rejects with): `results` before the failing item, then `error`. */
export { ChunkFailure } from "./executor/chunk.ts";
/** Shared executor API types. */
export { Executor, type ExecutorOptions, type TaskRef } from "./executor/executor.ts";
/** `function use(ex: ExecutorLike<typeof import("./tasks.ts")>) { return ex.run("add", 1, 2); }` */
export type {
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
  TaskOf,
  TaskResult,
} from "./executor/executor-like.ts";
/** `map(task, ...rest) { return mapWith((tuples) => tuples.map((a) => this.submit(task, ...a)), rest); }` */
export { type MapHow, type MapSubmit, mapSource, mapWith } from "./executor/map.ts";
/** map's argument parsing and lazy zipped input, for executors that need the pieces. */
export { type ItemSource, type MapOptions, splitMapArgs, zipSource } from "./executor/map-args.ts";
/** `cpuCount()` — CPUs this process may use. */
export { cpuCount } from "./executor/options.ts";
/** `new ProcessPoolExecutor({ module: import.meta.url })` */
export { ProcessPoolExecutor } from "./executor/process-pool.ts";
/** `new ThreadPoolExecutor({ maxWorkers: 4 })` */
export { ThreadPoolExecutor, type ThreadPoolOptions } from "./executor/thread-pool.ts";
/** `new Future()`; `await fut.result(timeoutMs)`. */
export { Future, type FutureOutcome, type FutureState } from "./future/future.ts";
/** `const r = pool.applyAsync(fn, args); await r.get()` */
export { type AsyncCallbacks, AsyncResult } from "./mp/async-result.ts";
export type { ProcessOptions } from "./mp/base-process.ts";
/** `await using pool = new Pool({ processes: 4 }); await pool.map(square, items)` */
export { Pool, type PoolOptions, ThreadPool } from "./mp/pool.ts";
/** `new Process({ target, args }).start(); await p.join()` */
export { Process } from "./mp/process.ts";
/** `await spawn(fn, { args, nprocs: 4 })` — fn(rank, ...args) */
export { currentProcess, ProcessContext, type SpawnOptions, spawn } from "./mp/spawn.ts";
/** `new Thread({ target, args }).start()` */
export { Thread } from "./mp/thread.ts";
/** `for await (const r of withProgress(ex.map(fn, items), { total: items.length })) ...` — tqdm-style progress on stderr. */
export { formatProgress, type ProgressSnapshot } from "./progress/format.ts";
export { ProgressBar, type ProgressBarOptions, type ProgressStream } from "./progress/progress-bar.ts";
export { type WithProgressOptions, withProgress } from "./progress/with-progress.ts";
/** Locks, events, semaphores, barriers, queues and shared values across threads and processes. */
export * from "./sync/index.ts";
/** Errors as plain data and back, for code that moves task errors across its own boundaries (RPC). */
export {
  deserializeError,
  type ErrorClassResolver,
  type SerializedError,
  serializeError,
} from "./transport/error-codec.ts";
/** Deadlines with conc's timeout rules (`<= 0` expired, `undefined` forever, NaN a TypeError). */
export {
  Deadline,
  EXPIRED,
  MAX_TIMER_MS,
  raceDeadline,
  startTimer,
  type Timer,
  validateTimeout,
} from "./util/deadline.ts";
/** `for await (const f of asCompleted(futures, { timeout })) ...` */
export { asCompleted } from "./waiting/as-completed.ts";
/** `await wait(futures, { returnWhen: FIRST_COMPLETED })` */
export {
  ALL_COMPLETED,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  type ReturnWhen,
  type WaitResult,
  wait,
} from "./waiting/wait.ts";
