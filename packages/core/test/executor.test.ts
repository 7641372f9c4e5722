import { afterEach, describe, expect, test } from "bun:test";
import {
  asCompleted,
  BrokenExecutorError,
  BrokenProcessPoolError,
  BrokenThreadPoolError,
  CancelledError,
  type Executor,
  ExecutorShutdownError,
  ProcessPoolExecutor,
  RemoteError,
  ThreadPoolExecutor,
  TimeoutError,
  WorkerExitedError,
} from "@conc/core";
import * as tasks from "./fixtures/tasks.ts";

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const live: Executor[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((ex) => ex.shutdown({ wait: true, cancelFutures: true })));
});

type Opts = ConstructorParameters<typeof ProcessPoolExecutor>[0];
const kinds = [
  {
    name: "ThreadPoolExecutor",
    make: (o: Opts = {}) => track(new ThreadPoolExecutor({ module, ...o })),
    Broken: BrokenThreadPoolError,
  },
  {
    name: "ProcessPoolExecutor",
    make: (o: Opts = {}) => track(new ProcessPoolExecutor({ module, ...o })),
    Broken: BrokenProcessPoolError,
  },
] as const;

function track<E extends Executor>(ex: E): E {
  live.push(ex);
  return ex;
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

for (const kind of kinds) {
  describe(kind.name, () => {
    test("submit and run return results", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      expect(await ex.submit(tasks.add, 1, 2).result()).toBe(3);
      expect(await ex.run(tasks.square, 7)).toBe(49);
      expect(await ex.run("add", 2, 2)).toBe(4);
      expect(await ex.run(tasks.sleep, 5, { a: [1n, new Date(0)] })).toEqual({ a: [1n, new Date(0)] });
    });

    test("many tasks all complete, in any mix of workers", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const futures = Array.from({ length: 5000 }, (_, i) => ex.submit(tasks.add, i, i));
      const results = await Promise.all(futures.map((f) => f.result()));
      expect(results).toEqual(Array.from({ length: 5000 }, (_, i) => 2 * i));
    });

    test("self-contained functions are shipped by source", async () => {
      const ex = track(
        kind.name === "ThreadPoolExecutor" ? new ThreadPoolExecutor() : new ProcessPoolExecutor(),
      );
      expect(await ex.run((a: number, b: number) => a * b, 6, 7)).toBe(42);
      expect(await ex.run(async (s: string) => s.toUpperCase(), "hi")).toBe("HI");
      expect(
        await ex.run(function named(n: number) {
          return n + 1;
        }, 1),
      ).toBe(2);
    });

    test("a captured variable fails with an error naming it", async () => {
      const ex = track(
        kind.name === "ThreadPoolExecutor" ? new ThreadPoolExecutor() : new ProcessPoolExecutor(),
      );
      const factor = Number(process.env.CONC_TEST_FACTOR ?? 3); // not a literal: Bun would inline it
      const err = (await ex.submit((x: number) => x * factor, 2).exception()) as Error;
      expect(err).toBeInstanceOf(ReferenceError);
      expect(err.message).toContain("'factor'");
      expect(err.message).toContain("argument");
      expect(await ex.run((x: number) => x + 1, 1)).toBe(2);
    });

    test("task errors keep class, message, stack, cause and fields", async () => {
      const ex = kind.make();
      const err = (await ex.submit(tasks.fail, "broken thing").exception()) as tasks.CustomError;
      expect(err).toBeInstanceOf(tasks.CustomError);
      expect(err.name).toBe("CustomError");
      expect(err.message).toBe("broken thing");
      expect(err.code).toBe(42);
      expect(err.stack).toContain("fail");
      const withCause = (await ex.submit(tasks.failTypeWithCause).exception()) as Error;
      expect(withCause).toBeInstanceOf(TypeError);
      expect(withCause.cause).toBeInstanceOf(RangeError);
      expect((withCause.cause as Error).message).toBe("inner");
    });

    test("an error class the parent cannot find arrives as RemoteError with its data", async () => {
      const ex = track(
        kind.name === "ThreadPoolExecutor" ? new ThreadPoolExecutor() : new ProcessPoolExecutor(),
      );
      const err = (await ex
        .submit(() => {
          class LocalError extends Error {
            override name = "LocalError";
            detail = { n: 1 };
          }
          throw new LocalError("local");
        })
        .exception()) as RemoteError;
      expect(err).toBeInstanceOf(RemoteError);
      expect(err.name).toBe("LocalError");
      expect(err.message).toBe("local");
      expect(err.detail).toEqual({ n: 1 });
      expect(err.stack).toContain("LocalError");
    });

    test("a thrown non-Error value arrives as is", async () => {
      const ex = track(
        kind.name === "ThreadPoolExecutor" ? new ThreadPoolExecutor() : new ProcessPoolExecutor(),
      );
      expect(await ex.submit(() => Promise.reject({ code: 7 })).exception()).toEqual({ code: 7 });
    });

    test("bad input: clear errors at the call site, executor stays usable", async () => {
      const ex = kind.make();
      expect(() => ex.submit(42 as unknown as () => void)).toThrow(TypeError);
      expect(() => ex.submit(tasks.add, (() => 1) as unknown as number, 2)).toThrow(
        /cannot be sent to a worker/,
      );
      expect(() => ex.submit(Math.max)).toThrow(/native or bound/);
      await Bun.sleep(20); // let the parent see the module's exports
      expect(() => ex.submit("nope")).toThrow(/not an exported function/);
      expect(() => ex.submit("constructor")).toThrow(/not an exported function/);
      expect(() => ex.submit("__proto__")).toThrow(/not an exported function/);
      const deep = await ex.submit(tasks.sleep, 1, { f: () => 1 } as unknown as number).exception();
      expect(deep).toBeInstanceOf(TypeError);
      expect(String(deep)).toContain("cannot be sent to a worker");
      expect(() => kind.make({ maxWorkers: 0 })).toThrow(RangeError);
      expect(() => kind.make({ maxWorkers: 1.5 })).toThrow(TypeError);
      expect(() => kind.make({ maxTasksPerChild: -1 })).toThrow(RangeError);
      expect(() => ex.map(tasks.square, [1], { chunksize: 0 })).toThrow(RangeError);
      expect(() => ex.map(tasks.square, 5 as unknown as number[])).toThrow(TypeError);
      expect(await ex.run(tasks.add, 1, 1)).toBe(2);
    });

    test("a function the task module does not export fails with a clear error", async () => {
      const ex = kind.make();
      function hidden(): number {
        return 1;
      }
      // Before the parent has the module's exports, the worker refuses it.
      const err = await ex.submit(hidden).exception();
      expect(String(err)).toContain("'hidden' is not an exported function");
      // Once it has them, the call site does.
      expect(() => ex.submit(hidden)).toThrow(/'hidden' is not an exported function/);
      expect(await ex.run(tasks.add, 1, 2)).toBe(3);
    });

    test("a result that cannot be cloned fails only that task", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const bad = ex.submit(tasks.returnsFunction);
      const good = ex.submit(tasks.add, 1, 1);
      expect(String(await bad.exception())).toContain("result cannot be sent back");
      expect(await good.result()).toBe(2);
    });

    test("map zips iterables, keeps order and honours chunksize", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      expect(await collect(ex.map(tasks.add, [1, 2, 3], [10, 20, 30, 40]))).toEqual([11, 22, 33]);
      const n = 1000;
      const items = Array.from({ length: n }, (_, i) => i);
      expect(await collect(ex.map(tasks.square, items, { chunksize: 64 }))).toEqual(items.map((i) => i * i));
      function* gen() {
        yield 1;
        yield 2;
      }
      expect(await collect(ex.map(tasks.square, gen(), { buffersize: 1 }))).toEqual([1, 4]);
      expect(await collect(ex.map(tasks.square, []))).toEqual([]);
    });

    test("bulk map keeps exact values, JSON-safe or not", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const plain = Array.from({ length: 500 }, (_, i) => ({ i, s: `x${i}` }));
      const exotic = Array.from({ length: 500 }, (_, i) =>
        i % 5 === 0
          ? -0
          : i % 5 === 1
            ? BigInt(i)
            : i % 5 === 2
              ? new Date(i)
              : i % 5 === 3
                ? Number.NaN
                : undefined,
      );
      expect(await collect(ex.map(tasks.identity, plain, { chunksize: 250 }))).toEqual(plain);
      const back = await collect(ex.map(tasks.identity, exotic, { chunksize: 250 }));
      expect(back).toEqual(exotic);
      expect(Object.is(back[0], -0)).toBe(true);
      expect(typeof back[1]).toBe("bigint");
      expect(back[2]).toBeInstanceOf(Date);
      expect(back[3]).toBeNaN();
      expect(4 in back).toBe(true);
      const numbers = Array.from({ length: 500 }, (_, i) =>
        i % 4 === 0 ? -0 : i % 4 === 1 ? Number.NaN : i / 3,
      );
      const nums = await collect(ex.map(tasks.identity, numbers, { chunksize: 250 }));
      expect(nums).toEqual(numbers);
      expect(Object.is(nums[0], -0)).toBe(true);
    });

    test("map re-raises a task's error at its position", async () => {
      const ex = kind.make();
      for (const chunksize of [1, 3]) {
        const seen: number[] = [];
        let error: unknown;
        try {
          for await (const r of ex.map(tasks.failIf, [0, 1, 2, 3, 4], [3, 3, 3, 3, 3], { chunksize }))
            seen.push(r);
        } catch (e) {
          error = e;
        }
        expect(seen).toEqual([0, 1, 2]);
        expect(error).toBeInstanceOf(RangeError);
      }
    });

    test("map throws TimeoutError after its deadline and cancels the rest", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const it = ex.map(tasks.sleep, [10, 2000, 2000, 2000]);
      const first = await it.next();
      expect(first.value).toBe(10);
      const start = performance.now();
      const it2 = ex.map(tasks.sleep, [300, 300], { timeout: 50 });
      await expect(it2.next()).rejects.toBeInstanceOf(TimeoutError);
      expect(performance.now() - start).toBeLessThan(1000);
      await it.return?.();
    });

    test("stopping map early cancels what has not started", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      await ex.run(tasks.add, 0, 0);
      const started = Date.now();
      for await (const r of ex.map(tasks.sleep, [20, 500, 500, 500, 500])) {
        expect(r).toBe(20);
        break;
      }
      // Only the running item may still finish: the rest was cancelled.
      await ex.shutdown();
      expect(Date.now() - started).toBeLessThan(1500);
    });

    test("cancel keeps a pending task from running; RUNNING cannot be cancelled", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const running = ex.submit(tasks.sleep, 200);
      const queued = ex.submit(tasks.countCalls);
      while (!running.running()) await Bun.sleep(2);
      expect(running.cancel()).toBe(false);
      expect(queued.state).toBe("PENDING");
      expect(queued.cancel()).toBe(true);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
      expect(await running.result()).toBe(200);
      expect(await ex.run(tasks.countCalls)).toBe(1);
    });

    test("asCompleted works on executor futures", async () => {
      const ex = kind.make({ maxWorkers: 3 });
      await Promise.all([ex.run(tasks.add, 0, 0), ex.run(tasks.add, 0, 0), ex.run(tasks.add, 0, 0)]);
      const fs = [
        ex.submit(tasks.sleep, 300, "c"),
        ex.submit(tasks.sleep, 10, "a"),
        ex.submit(tasks.sleep, 150, "b"),
      ];
      const order: unknown[] = [];
      for await (const f of asCompleted(fs)) order.push(await f.result());
      expect(order).toEqual(["a", "b", "c"]);
    });

    test("submit after shutdown throws; shutdown twice is harmless", async () => {
      const ex = kind.make();
      const f = ex.submit(tasks.sleep, 20, "done");
      await ex.shutdown();
      expect(f.state).toBe("FINISHED");
      expect(() => ex.submit(tasks.add, 1, 2)).toThrow(ExecutorShutdownError);
      await ex.shutdown();
      expect(ex.workerCount).toBe(0);
    });

    test("shutdown({ cancelFutures }) cancels what has not started", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const first = ex.submit(tasks.sleep, 100);
      while (!first.running()) await Bun.sleep(2);
      const rest = [ex.submit(tasks.sleep, 100), ex.submit(tasks.sleep, 100)];
      await ex.shutdown({ cancelFutures: true });
      expect(await first.result()).toBe(100);
      for (const f of rest) expect(f.cancelled()).toBe(true);
    });

    test("shutdown({ wait: false }) returns at once and work still finishes", async () => {
      const ex = kind.make();
      const f = ex.submit(tasks.sleep, 50, "late");
      await ex.shutdown({ wait: false });
      expect(f.done()).toBe(false);
      expect(await f.result()).toBe("late");
    });

    test("await using shuts the executor down", async () => {
      let f: ReturnType<typeof ex.submit> | undefined;
      let ex: Executor;
      {
        await using inner = kind.make();
        ex = inner;
        f = inner.submit(tasks.sleep, 10, "x");
      }
      expect(f?.done()).toBe(true);
      expect(() => ex.submit(tasks.add, 1, 1)).toThrow(ExecutorShutdownError);
    });

    test("a worker that exits mid-task fails only that task; the pool goes on", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const crash = ex.submit(tasks.exitWith, 3);
      const others = Array.from({ length: 20 }, (_, i) => ex.submit(tasks.add, i, 1));
      const err = (await crash.exception()) as WorkerExitedError;
      expect(err).toBeInstanceOf(WorkerExitedError);
      expect(err.exitCode).toBe(3);
      expect(err.signal).toBeNull();
      expect(await Promise.all(others.map((f) => f.result()))).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await ex.run(tasks.add, 2, 2)).toBe(4);
    });

    test("terminateWorkers stops running work at once and cancels the rest", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const running = ex.submit(tasks.spin, 10_000);
      const queued = ex.submit(tasks.add, 1, 2);
      while (!running.running()) await Bun.sleep(2);
      const start = performance.now();
      await ex.terminateWorkers();
      expect(performance.now() - start).toBeLessThan(2000);
      await expect(running.result()).rejects.toBeInstanceOf(CancelledError);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
      expect(ex.workerCount).toBe(0);
      expect(() => ex.submit(tasks.add, 1, 2)).toThrow(ExecutorShutdownError);
    });

    test("an uncaught error in a task's timer ends the worker: that task fails, the pool goes on", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const err = await ex.submit(tasks.crashLater).exception();
      expect(err).toBeInstanceOf(WorkerExitedError);
      expect(await ex.run(tasks.add, 1, 2)).toBe(3);
    });

    test("a task module that cannot be loaded breaks the executor with its error", async () => {
      const ex = kind.make({ module: new URL("./fixtures/does-not-exist.ts", import.meta.url) });
      const err = (await ex.submit("anything").exception()) as Error;
      expect(err).toBeInstanceOf(kind.Broken);
      expect(err.message).toContain("does-not-exist");
    });

    test("initializer runs in each worker with initargs", async () => {
      const ex = kind.make({ maxWorkers: 1, initializer: tasks.init, initargs: [{ ready: true }] });
      expect(await ex.run(tasks.getInit)).toEqual({ ready: true });
    });

    test("a failing initializer breaks the executor", async () => {
      const ex = kind.make({ initializer: tasks.badInit });
      const err = (await ex.submit(tasks.add, 1, 2).exception()) as Error;
      expect(err).toBeInstanceOf(kind.Broken);
      expect(err).toBeInstanceOf(BrokenExecutorError);
      expect(err.message).toContain("initializer exploded");
      expect(() => ex.submit(tasks.add, 1, 2)).toThrow(kind.Broken);
    });

    test("maxTasksPerChild replaces workers", async () => {
      const ex = kind.make({ maxWorkers: 1, maxTasksPerChild: 2 });
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) counts.push(await ex.run(tasks.countCalls));
      expect(counts).toEqual([1, 2, 1, 2, 1]);
    });

    test("schedule: a running task past its timeout is stopped and the pool recovers", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const slow = ex.schedule(tasks.spin, { args: [5000], timeout: 100 });
      const next = ex.submit(tasks.add, 1, 2);
      const start = performance.now();
      await expect(slow.result()).rejects.toBeInstanceOf(TimeoutError);
      expect(performance.now() - start).toBeLessThan(3000);
      expect(await next.result()).toBe(3);
      expect(await ex.schedule(tasks.add, { args: [2, 3], timeout: 5000 }).result()).toBe(5);
    });

    test("schedule: an AbortSignal cancels with the reason as cause", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const ac = new AbortController();
      const fut = ex.schedule(tasks.spin, { args: [5000], signal: ac.signal });
      while (!fut.running()) await Bun.sleep(2);
      ac.abort(new Error("user gave up"));
      const err = (await fut.exception().catch((e) => e)) as CancelledError;
      expect(err).toBeInstanceOf(CancelledError);
      expect((err.cause as Error).message).toBe("user gave up");
      expect(fut.cancelled()).toBe(true);
      expect(await ex.run(tasks.add, 1, 1)).toBe(2);
      const pre = ex.schedule(tasks.add, { args: [1, 1], signal: AbortSignal.abort("early") });
      expect(pre.cancelled()).toBe(true);
    });
  });
}

describe("ProcessPoolExecutor specifics", () => {
  test("a worker killed by a signal reports the signal name and pid", async () => {
    const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 1 }));
    const err = (await ex.submit(tasks.selfKill).exception()) as WorkerExitedError;
    expect(err).toBeInstanceOf(WorkerExitedError);
    expect(err.signal).toBe("SIGKILL");
    expect(typeof err.pid).toBe("number");
    expect(await ex.run(tasks.add, 1, 2)).toBe(3);
  });

  test("tasks run in other processes", async () => {
    const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 2 }));
    const pid = await ex.run(tasks.pid);
    expect(pid).not.toBe(process.pid);
    expect(ex.pids()).toContain(pid);
  });
});

describe("ThreadPoolExecutor specifics", () => {
  test("concurrency lets async tasks interleave on one thread", async () => {
    const ex = track(new ThreadPoolExecutor({ module, maxWorkers: 1, concurrency: 10 }));
    await ex.run(tasks.add, 0, 0);
    const start = performance.now();
    // One at a time this would take 3 s.
    await Promise.all(Array.from({ length: 10 }, () => ex.run(tasks.sleep, 300)));
    expect(performance.now() - start).toBeLessThan(2500);
  });

  test("concurrency must be a positive integer", () => {
    expect(() => new ThreadPoolExecutor({ concurrency: 0 })).toThrow(RangeError);
  });
});

describe("keep-alive", () => {
  test("idle workers do not keep the program alive, queued work is not dropped", async () => {
    const script = new URL("./fixtures/exit-when-done.ts", import.meta.url).pathname;
    const proc = Bun.spawn([process.execPath, script], { stdout: "pipe", stderr: "inherit" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const code = await proc.exited;
    clearTimeout(timer);
    expect(code).toBe(0);
    expect(await new Response(proc.stdout).text()).toBe("thread 30\nprocess 30\n");
  }, 20_000);
});
