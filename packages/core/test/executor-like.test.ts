/**
 * ExecutorLike: local pools and a by-name executor (as RemoteExecutor / DistributedExecutor are)
 * implement one interface; generic code and asCompleted/wait take any of them.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  asCompleted,
  type ExecutorKind,
  type ExecutorLike,
  ExecutorShutdownError,
  Future,
  mapWith,
  ProcessPoolExecutor,
  type ScheduleOptions,
  type ShutdownOptions,
  type TaskArgs,
  type TaskKey,
  type TaskName,
  type TaskResult,
  ThreadPoolExecutor,
  wait,
} from "@conc/core";
import * as tasks from "./fixtures/tasks.ts";

type Tasks = typeof tasks;

/** Runs a module's exports on this thread, by export name: the shape of a remote executor. */
class InlineExecutor<M extends object> implements ExecutorLike<M> {
  readonly kind: ExecutorKind = "remote";
  readonly module = null;
  readonly maxWorkers = 1;
  workerCount = 0;
  queued = 0;
  #closed = false;
  constructor(readonly ns: M) {}

  submit<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Future<TaskResult<M, K>> {
    if (this.#closed) throw new ExecutorShutdownError();
    if (typeof task === "string" && !Object.hasOwn(this.ns, task))
      throw new TypeError(`${task} is not exported by the task module.`);
    const fn = (typeof task === "string" ? this.ns[task as keyof M] : task) as (...a: unknown[]) => unknown;
    const fut = new Future<TaskResult<M, K>>();
    queueMicrotask(() => {
      if (!fut.setRunningOrNotifyCancel()) return;
      Promise.resolve()
        .then(() => fn(...args))
        .then(
          (v) => fut.setResult(v as TaskResult<M, K>),
          (e) => fut.setException(e),
        );
    });
    return fut;
  }
  run<K extends TaskName<M>>(task: TaskKey<M, K>, ...args: TaskArgs<M, K>): Promise<TaskResult<M, K>> {
    return this.submit(task, ...args).result();
  }
  schedule<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    options: ScheduleOptions<TaskArgs<M, K>> = {},
  ): Future<TaskResult<M, K>> {
    return this.submit(task, ...((options.args ?? []) as TaskArgs<M, K>));
  }
  map<K extends TaskName<M>>(
    task: TaskKey<M, K>,
    ...rest: unknown[]
  ): AsyncIterableIterator<TaskResult<M, K>> {
    return mapWith((tuples) => tuples.map((a) => this.submit(task, ...(a as TaskArgs<M, K>))), rest);
  }
  /** An inline call cannot be interrupted once it runs: only one not started yet is taken back. */
  stop(fut: Future<unknown>, _reason?: unknown): boolean {
    return fut.cancel();
  }
  async shutdown(_options?: ShutdownOptions): Promise<void> {
    this.#closed = true;
  }
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }
}

/** Generic code written once against the interface. */
async function sumOfSquares(ex: ExecutorLike<Tasks>, n: number): Promise<number> {
  let total = 0;
  for await (const sq of ex.map(
    "square",
    Array.from({ length: n }, (_, i) => i),
    { chunksize: 4 },
  ))
    total += sq;
  return total + (await ex.run("add", 0, 0));
}

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const cleanups: ExecutorLike[] = [];
afterEach(async () => {
  for (const ex of cleanups.splice(0)) await ex.shutdown();
});

describe("ExecutorLike", () => {
  test("thread, process and by-name executors all run the same generic code", async () => {
    const threads = new ThreadPoolExecutor<Tasks>({ module, maxWorkers: 2 });
    const procs = new ProcessPoolExecutor<Tasks>({ module, maxWorkers: 2 });
    cleanups.push(threads, procs);
    const inline = new InlineExecutor(tasks);
    const all: ExecutorLike<Tasks>[] = [threads, procs, inline];
    // Untyped local executors are ExecutorLike too (any task, any arguments).
    const untyped: ExecutorLike = new ThreadPoolExecutor({ module, maxWorkers: 1 });
    cleanups.push(untyped);
    expect(await untyped.run("add", 2, 2)).toBe(4);
    expect(all.map((e) => e.kind)).toEqual(["threads", "processes", "remote"]);
    for (const ex of all) expect(await sumOfSquares(ex, 10)).toBe(285);
  });

  test("asCompleted and wait take futures from different executors at once", async () => {
    const threads = new ThreadPoolExecutor({ module, maxWorkers: 1 });
    cleanups.push(threads);
    const inline = new InlineExecutor(tasks);
    const futs = [
      threads.submit(tasks.add, 1, 2),
      inline.submit("add", 3, 4),
      inline.submit(tasks.square, 5),
    ];
    const values: number[] = [];
    for await (const f of asCompleted(futs)) values.push((await f.result()) as number);
    expect(values.sort((a, b) => a - b)).toEqual([3, 7, 25]);
    const { done, notDone } = await wait(futs);
    expect(done.size).toBe(3);
    expect(notDone.size).toBe(0);
  });

  test("a typed local executor submits by export name with inferred types", async () => {
    const ex = new ThreadPoolExecutor<Tasks>({ module, maxWorkers: 1 });
    cleanups.push(ex);
    const sum: number = await ex.run("add", 20, 22);
    const sq: number = await ex.submit(tasks.square, 3).result();
    expect([sum, sq]).toEqual([42, 9]);
    // @ts-expect-error: add takes numbers
    expect(await ex.submit("add", "1", 2).result()).toBe("12");
  });

  test("tasks of a typed ExecutorLike are checked by name and arguments", async () => {
    const ex: ExecutorLike<Tasks> = new InlineExecutor(tasks);
    const n: number = await ex.run("add", 1, 2);
    expect(n).toBe(3);
    // @ts-expect-error: not an export of the task module
    expect(() => ex.submit("nope", 1)).toThrow();
    // @ts-expect-error: add takes numbers
    void ex.submit("add", "1", 2).exception();
    await ex.shutdown();
    expect(() => ex.submit("add", 1, 2)).toThrow(ExecutorShutdownError);
  });
});
