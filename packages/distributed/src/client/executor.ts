/**
 * DistributedExecutor: the local executors' API (submit, map, run, schedule, shutdown, await using) over
 * BullMQ + Redis; tasks run on worker nodes (runWorkerNode) that execute the task module's exports on
 * conc's own pools. Futures are core Futures, so asCompleted and wait work unchanged.
 */
import {
  type AnyTaskModule,
  CancelledError,
  containsHandles,
  type ExecutorLike,
  ExecutorShutdownError,
  type Future,
  type MapIterable,
  type MapOptions,
  mapWith,
  type ScheduleOptions,
  type ShutdownOptions,
  splitMapArgs,
  type TaskArgs,
  type TaskKey,
  type TaskName,
  type TaskResult,
  TimeoutError,
  validateTimeout,
} from "@conc/core";
import { encode } from "../codec.ts";
import { validateQueueName } from "../keys.ts";
import type { NodeInfo } from "../node/registry.ts";
import { checkInt, checkMs, checkRedisUrl, normalizeModule } from "../options.ts";
import { redisOptions } from "../redis.ts";
import { type JobData, KIND_SINGLES, KIND_TUPLES } from "../wire.ts";
import { Dispatcher } from "./dispatcher.ts";
import { EventsHub } from "./events-hub.ts";
import { JobFuture } from "./job-future.ts";
import { NodeWatch } from "./node-watch.ts";
import { TaskModule } from "./task-module.ts";

export interface DistributedExecutorOptions {
  /** Redis URL, e.g. "redis://127.0.0.1:6379". */
  redis: string;
  /** BullMQ queue name (letters, digits, `_ . -`). */
  queue: string;
  /** The task module the nodes run (`new URL("./tasks.ts", import.meta.url)`). */
  module: string | URL;
  /** Re-run a task whose node died or whose job Redis lost, up to this many times (default 0). */
  retries?: number | undefined;
  /** Lock duration of the client's stall watchdog (default 2000 ms; nodes take the same option). */
  lockMs?: number | undefined;
  /** How often stalled jobs are looked for (default 1000 ms). */
  stalledCheckMs?: number | undefined;
  /** Finished jobs stay in Redis this long (default 600_000 ms)... */
  resultTtlMs?: number | undefined;
  /** ...and at most this many of them (default 20_000). */
  maxRetained?: number | undefined;
  /** Give up on an unreachable Redis after this long: RedisConnectionError (default 5000 ms). */
  connectTimeoutMs?: number | undefined;
  /** BullMQ key prefix (default "bull"). */
  prefix?: string | undefined;
}

/** Locks, queues, shared values... live in this machine's memory: they cannot reach a node elsewhere. */
function refuseSyncPrimitives(args: unknown[]): void {
  if (containsHandles(args)) {
    throw new TypeError(
      "A sync primitive (Lock, Event, Queue, Value, SharedMemory...) cannot be sent to a distributed task: it lives " +
        "in this machine's shared memory and worker nodes run elsewhere. Coordinate through Redis or the task's return value.",
    );
  }
}

/** Live nodes, their workers and the queue's depth, for servers and dashboards. */
export interface DistributedStats {
  nodes: NodeInfo[];
  workers: number;
  maxWorkers: number;
  /** Jobs waiting for a node: in Redis (from every client) plus this client's not sent yet. */
  waiting: number;
  active: number;
}

/**
 * @example
 * await using ex = new DistributedExecutor<typeof import("./tasks.ts")>({
 *   redis: "redis://127.0.0.1:6379", queue: "cpu", module: new URL("./tasks.ts", import.meta.url) });
 * console.log(await ex.submit("add", 1, 2).result());
 */
export class DistributedExecutor<M = AnyTaskModule> implements ExecutorLike<M> {
  readonly kind = "distributed" as const;
  /** URL of the task module. */
  readonly module: string;
  readonly queue: string;
  readonly #hub: EventsHub;
  readonly #jobs: Dispatcher;
  readonly #tasks: TaskModule;
  readonly #nodes: NodeWatch;
  #closed = false;
  #shutdown: Promise<void> | undefined;

  constructor(options: DistributedExecutorOptions) {
    if (options === null || typeof options !== "object")
      throw new TypeError("options are required: { redis, queue, module }.");
    const { redis: url, queue, prefix = "bull" } = options;
    checkRedisUrl(url);
    validateQueueName(queue);
    checkInt(options.retries, "retries", 0);
    checkInt(options.maxRetained, "maxRetained");
    for (const k of ["lockMs", "stalledCheckMs", "resultTtlMs", "connectTimeoutMs"] as const)
      checkMs(options[k], k);
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    this.module = normalizeModule(options.module);
    this.queue = queue;
    this.#tasks = new TaskModule(this.module);
    this.#hub = EventsHub.acquire({
      url,
      conn: redisOptions(url, connectTimeoutMs),
      prefix,
      queue,
      lockMs: options.lockMs ?? 2_000,
      stalledCheckMs: options.stalledCheckMs ?? 1_000,
      connectTimeoutMs,
    });
    this.#nodes = new NodeWatch(this.#hub);
    this.#jobs = new Dispatcher(this.#hub, this.#nodes, {
      retries: options.retries ?? 0,
      keep: { age: Math.ceil((options.resultTtlMs ?? 600_000) / 1000), count: options.maxRetained ?? 20_000 },
      resolveError: this.#tasks.resolveError,
    });
  }

  /** Schedules `task(...args)` on some node; returns its Future. Throws at once after shutdown or for bad input. */
  submit<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>> {
    return this.#submit(task, args);
  }

  /** `await ex.run(task, ...args)` is `await ex.submit(task, ...args).result()`. */
  run<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>> {
    return this.#submit<TaskResult<M, K>>(task, args).result();
  }

  /** Like submit, with a deadline (TimeoutError) and an AbortSignal (CancelledError) that stop a running task. */
  schedule<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    options: ScheduleOptions<TaskArgs<M, K>> = {},
  ): Future<TaskResult<M, K>> {
    const { args = [], timeout, signal } = options;
    validateTimeout(timeout);
    if (signal !== undefined && !(signal instanceof AbortSignal))
      throw new TypeError("signal must be an AbortSignal.");
    const fut = this.#submit<TaskResult<M, K>>(task, args as unknown[]);
    if (signal?.aborted) {
      fut.stop(new CancelledError("The task's AbortSignal was already aborted.", { cause: signal.reason }));
      return fut;
    }
    const cleanups: (() => void)[] = [];
    if (timeout !== undefined) {
      const timer = setTimeout(() => {
        const err = new TimeoutError(`The task did not finish within ${timeout} ms.`, { timeoutMs: timeout });
        this.#jobs.stop(fut, err, false);
      }, timeout);
      cleanups.push(() => clearTimeout(timer));
    }
    if (signal) {
      const onAbort = () =>
        this.#jobs.stop(fut, new CancelledError("The task was aborted.", { cause: signal.reason }), true);
      signal.addEventListener("abort", onAbort, { once: true });
      cleanups.push(() => signal.removeEventListener("abort", onAbort));
    }
    if (cleanups.length > 0)
      this.#jobs.onCleanup(fut, () => {
        for (const c of cleanups) c();
      });
    return fut;
  }

  /**
   * Maps `task` over zipped (a)sync iterables, one job per chunk of `chunksize` items; yields results in order.
   * @example for await (const r of ex.map("square", range(1e6), { chunksize: 1024 })) total += r;
   */
  map<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    ...rest: (MapIterable | MapOptions)[]
  ): AsyncIterableIterator<TaskResult<M, K>> {
    if (this.#closed) throw new ExecutorShutdownError();
    const name = this.#tasks.taskName(task);
    const single = splitMapArgs(rest).iterables.length === 1;
    const kind = single ? KIND_SINGLES : KIND_TUPLES;
    return mapWith<TaskResult<M, K>>(
      (items) => {
        if (this.#closed) throw new ExecutorShutdownError();
        refuseSyncPrimitives(items);
        return this.#jobs.add({ f: name, a: encode(items, "map item") as unknown[], k: kind }, true);
      },
      rest,
      { bareSingle: true },
    );
  }

  /**
   * Stops `fut`'s task wherever it is (waiting here or in Redis: it never starts; running: stopped on
   * its node, whose pool replaces the worker), as aborting a signal given to `schedule` would. The
   * future ends CANCELLED with a CancelledError whose `cause` is `reason`. False when `fut` is done
   * already or not this executor's.
   */
  stop(fut: Future<unknown>, reason?: unknown): boolean {
    if (!(fut instanceof JobFuture) || !this.#jobs.live.has(fut) || fut.done()) return false;
    const options = reason === undefined ? undefined : { cause: reason };
    this.#jobs.stop(fut, new CancelledError("The task was stopped.", options), true);
    return true;
  }

  /**
   * Stops accepting work. `wait` (default true) resolves once submitted work is done; `cancelFutures`
   * cancels queued work and stops running tasks on their nodes. Calling it twice is harmless.
   */
  async shutdown(options: ShutdownOptions = {}): Promise<void> {
    const { wait = true, cancelFutures = false } = options;
    this.#closed = true;
    if (cancelFutures)
      this.#jobs.cancelAll(new CancelledError("The executor was shut down with cancelFutures."));
    this.#shutdown ??= (async () => {
      while (this.#jobs.live.size > 0) {
        const futs = [...this.#jobs.live];
        await Promise.all(futs.map((f) => f.exception().catch(() => {})));
      }
      this.#nodes.stop();
      await this.#hub.release();
    })();
    if (wait) await this.#shutdown;
  }

  /** `await using ex = new DistributedExecutor(...)` shuts down (waiting) at scope end. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  /** Live worker nodes on this queue (read from Redis). */
  async nodes(): Promise<NodeInfo[]> {
    return this.#nodes.read();
  }

  /** Nodes, workers and queue depth. */
  async stats(): Promise<DistributedStats> {
    const [nodes, counts] = await Promise.all([
      this.nodes(),
      this.#hub.queue.getJobCounts("waiting", "active"),
    ]);
    return {
      nodes,
      workers: nodes.reduce((n, x) => n + x.workers, 0),
      maxWorkers: nodes.reduce((n, x) => n + x.maxWorkers, 0),
      waiting: (counts.waiting ?? 0) + this.#jobs.queued,
      active: counts.active ?? 0,
    };
  }

  /** Sum of the live nodes' maxWorkers (as last read; refreshed every 2 s). */
  get maxWorkers(): number {
    return this.#nodes.last.reduce((n, x) => n + x.maxWorkers, 0);
  }

  /** Pool workers alive on the live nodes (as last read). */
  get workerCount(): number {
    return this.#nodes.last.reduce((n, x) => n + x.workers, 0);
  }

  /** This client's tasks whose jobs wait here for room on the nodes (PENDING; cancel() is exact for them). */
  get queued(): number {
    return this.#jobs.queued;
  }

  #submit<R>(fn: unknown, args: unknown[]): JobFuture<R> {
    if (this.#closed) throw new ExecutorShutdownError();
    if (!Array.isArray(args)) throw new TypeError("args must be an array of arguments.");
    const name = this.#tasks.taskName(fn);
    refuseSyncPrimitives(args);
    const data: JobData = { f: name, a: encode(args, "args") as unknown[] };
    return this.#jobs.add<R>(data, false);
  }
}
