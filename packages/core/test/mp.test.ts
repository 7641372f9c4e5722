import { afterEach, describe, expect, spyOn, test } from "bun:test";
import {
  AsyncResult,
  CancelledError,
  currentProcess,
  ExecutorShutdownError,
  InvalidStateError,
  Pool,
  Process,
  ProcessExitedError,
  ProcessRaisedError,
  spawn,
  Thread,
  ThreadPool,
  TimeoutError,
  WorkerExitedError,
} from "@conc/core";
import * as tasks from "./fixtures/tasks.ts";

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const cleanups: (() => Promise<unknown> | unknown)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const pools = [
  {
    name: "Pool",
    make: (o: ConstructorParameters<typeof Pool>[0] = {}) => keep(new Pool({ module, processes: 2, ...o })),
  },
  {
    name: "ThreadPool",
    make: (o: ConstructorParameters<typeof Pool>[0] = {}) =>
      keep(new ThreadPool({ module, processes: 2, ...o })),
  },
] as const;

function keep<P extends Pool | ThreadPool>(p: P): P {
  cleanups.push(() => p.terminate());
  return p;
}

for (const kind of pools) {
  describe(kind.name, () => {
    test("apply, map and starmap", async () => {
      const pool = kind.make();
      expect(await pool.apply(tasks.add, [1, 2])).toBe(3);
      const items = Array.from({ length: 1000 }, (_, i) => i);
      expect(await pool.map(tasks.square, items)).toEqual(items.map((i) => i * i));
      expect(await pool.map(tasks.square, items, 7)).toEqual(items.map((i) => i * i));
      expect(
        await pool.starmap(tasks.add, [
          [1, 2],
          [3, 4],
        ]),
      ).toEqual([3, 7]);
      expect(await pool.map(tasks.square, [])).toEqual([]);
    });

    test("applyAsync / mapAsync / starmapAsync with callbacks", async () => {
      const pool = kind.make();
      const seen: unknown[] = [];
      const r = pool.applyAsync(tasks.add, [2, 3], { callback: (v) => seen.push(v) });
      expect(r).toBeInstanceOf(AsyncResult);
      expect(await r.get(5000)).toBe(5);
      expect(r.ready()).toBe(true);
      expect(r.successful()).toBe(true);
      const m = pool.mapAsync(tasks.square, [1, 2, 3], undefined, { callback: (v) => seen.push(v) });
      await m.wait();
      expect(await m.get()).toEqual([1, 4, 9]);
      const errors: unknown[] = [];
      const bad = pool.starmapAsync(
        tasks.failIf,
        [
          [1, 2],
          [2, 2],
        ],
        1,
        { errorCallback: (e) => errors.push(e) },
      );
      await bad.wait();
      expect(bad.successful()).toBe(false);
      await expect(bad.get()).rejects.toBeInstanceOf(RangeError);
      expect(seen).toEqual([5, [1, 4, 9]]);
      expect(errors.length).toBe(1);
    });

    test("callbacks run before wait() returns and ready() is true (CPython test_map_async_callbacks)", async () => {
      const pool = kind.make();
      const calls: unknown[] = [];
      const ok = pool.mapAsync(tasks.square, [3], undefined, {
        callback: (v) => calls.push(v),
        errorCallback: (e) => calls.push(e),
      });
      await ok.wait();
      expect(calls).toEqual([[9]]);
      const bad = pool.mapAsync(tasks.fail, ["no"], undefined, {
        callback: (v) => calls.push(v),
        errorCallback: (e) => calls.push(e),
      });
      await bad.wait();
      expect(bad.ready()).toBe(true);
      expect(calls.length).toBe(2);
      expect(calls[1]).toBeInstanceOf(tasks.CustomError);
    });

    test("the error callback runs before get() rejects (CPython test_async_error_callback)", async () => {
      const pool = kind.make();
      let scratch: unknown;
      const r = pool.applyAsync(tasks.fail, ["boom"], { errorCallback: (e) => (scratch = e) });
      await expect(r.get()).rejects.toBeInstanceOf(tasks.CustomError);
      expect(scratch).toBeInstanceOf(tasks.CustomError);
      expect((scratch as tasks.CustomError).code).toBe(42);
    });

    test("a throwing callback is logged; the result is still reported", async () => {
      const pool = kind.make();
      const spy = spyOn(console, "error").mockImplementation(() => {});
      try {
        const r = pool.applyAsync(tasks.add, [1, 1], {
          callback: () => {
            throw new Error("callback broke");
          },
        });
        expect(await r.get()).toBe(2);
        expect(r.successful()).toBe(true);
        expect(spy).toHaveBeenCalled();
      } finally {
        spy.mockRestore();
      }
    });

    test("imap: an input generator's error surfaces at its position (CPython test_imap_handle_iterable_exception)", async () => {
      const pool = kind.make();
      // The chunk in which the input failed is dropped, as in CPython.
      for (const [total, when, chunksize, before] of [
        [1, 0, 1, 0],
        [10, 3, 1, 3],
        [20, 7, 2, 6],
        [20, 7, 4, 4],
      ] as const) {
        const it = pool.imap(tasks.square, exceptionThrowingGenerator(total, when), chunksize);
        const seen: number[] = [];
        const error = await drain(it, seen);
        expect(error).toBeInstanceOf(SayWhenError);
        expect(seen).toEqual(Array.from({ length: before }, (_, i) => i * i));
      }
    });

    test("map/starmap read their input at the call: an input error is raised there (CPython test_map_handle_iterable_exception)", () => {
      const pool = kind.make();
      expect(() => pool.map(tasks.square, exceptionThrowingGenerator(1, 0), 1)).toThrow(SayWhenError);
      expect(() => pool.map(tasks.square, exceptionThrowingGenerator(10, 3), 2)).toThrow(SayWhenError);
      expect(() => pool.mapAsync(tasks.square, exceptionThrowingGenerator(10, 3))).toThrow(SayWhenError);
    });

    test("imapUnordered: an input error comes after the values submitted before it", async () => {
      const pool = kind.make();
      const first = await drain(pool.imapUnordered(tasks.square, exceptionThrowingGenerator(1, 0)), []);
      expect(first).toBeInstanceOf(SayWhenError);
      for (const [chunksize, before] of [
        [1, 7],
        [2, 6],
      ] as const) {
        const seen: number[] = [];
        const error = await drain(
          pool.imapUnordered(tasks.square, exceptionThrowingGenerator(20, 7), chunksize),
          seen,
        );
        expect(error).toBeInstanceOf(SayWhenError);
        expect(seen.sort((a, b) => a - b)).toEqual(Array.from({ length: before }, (_, i) => i * i));
      }
    });

    test("imap over an endless generator: the consumer breaks, the rest is cancelled", async () => {
      const pool = kind.make();
      for (const lazy of [pool.imap.bind(pool), pool.imapUnordered.bind(pool)]) {
        const log = { pulled: 0, closed: false };
        const seen: number[] = [];
        for await (const v of lazy(tasks.square, naturals(log))) {
          seen.push(v);
          if (seen.length === 50) break;
        }
        expect(seen.length).toBe(50);
        expect(log.closed).toBe(true);
        // Pulled a bounded window ahead (about 4096 items), not the whole (endless) input.
        expect(log.pulled).toBeLessThan(50 + 4096 + 64);
      }
      expect(await pool.apply(tasks.add, [1, 2])).toBe(3);
    });

    test("imap takes an async iterable", async () => {
      const pool = kind.make();
      async function* gen() {
        for (let i = 0; i < 30; i++) yield i;
      }
      const seen: number[] = [];
      for await (const v of pool.imap(tasks.square, gen(), 4)) seen.push(v);
      expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i * i));
    });

    test("AsyncResult: get times out, wait does not throw, successful() before ready throws", async () => {
      const pool = kind.make();
      const r = pool.applyAsync(tasks.sleep, [300]);
      expect(() => r.successful()).toThrow(InvalidStateError);
      await expect(r.get(10)).rejects.toBeInstanceOf(TimeoutError);
      await r.wait(10);
      expect(r.ready()).toBe(false);
      expect(await r.get()).toBe(300);
    });

    test("imap keeps order, imapUnordered yields by completion", async () => {
      const pool = kind.make();
      const ordered: number[] = [];
      for await (const v of pool.imap(tasks.square, [1, 2, 3, 4], 2)) ordered.push(v);
      expect(ordered).toEqual([1, 4, 9, 16]);
      // The long item is first in input order, the short one comes back first.
      const un = pool.imapUnordered(tasks.sleep, [5000, 10]);
      expect((await un.next()).value).toBe(10);
      await un.return?.();
    });

    test("imap re-raises an item's error at its position", async () => {
      const pool = kind.make();
      const seen: number[] = [];
      await expect(
        (async () => {
          for await (const v of pool.imap(
            (x: number) => {
              if (x === 2) throw new RangeError("two");
              return x;
            },
            [0, 1, 2, 3],
          ))
            seen.push(v);
        })(),
      ).rejects.toBeInstanceOf(RangeError);
      expect(seen).toEqual([0, 1]);
    });

    test("close refuses new work; join waits; join before close throws", async () => {
      const pool = kind.make();
      const r = pool.applyAsync(tasks.sleep, [30, "ok"]);
      await expect(pool.join()).rejects.toBeInstanceOf(InvalidStateError);
      pool.close();
      expect(() => pool.apply(tasks.add, [1, 2])).toThrow(ExecutorShutdownError);
      await pool.join();
      expect(await r.get()).toBe("ok");
    });

    test("terminate stops running work; pending results reject", async () => {
      const pool = kind.make({ processes: 1 });
      const running = pool.applyAsync(tasks.spin, [10_000]);
      const queued = pool.applyAsync(tasks.add, [1, 1]);
      await Bun.sleep(100);
      const start = performance.now();
      await pool.terminate();
      expect(performance.now() - start).toBeLessThan(2000);
      await expect(running.get()).rejects.toBeInstanceOf(CancelledError);
      await expect(queued.get()).rejects.toBeInstanceOf(CancelledError);
      expect(() => pool.map(tasks.square, [1])).toThrow(ExecutorShutdownError);
    });

    test("a worker dying during map fails the map instead of hanging; the pool keeps serving", async () => {
      const pool = kind.make();
      const start = performance.now();
      await expect(pool.map(tasks.exitWith, [3, 3], 1)).rejects.toBeInstanceOf(WorkerExitedError);
      expect(performance.now() - start).toBeLessThan(3000);
      expect(await pool.map(tasks.square, [1, 2, 3])).toEqual([1, 4, 9]);
    });

    test("bad input", () => {
      const pool = kind.make();
      expect(() => pool.map(tasks.square, [1], 0)).toThrow(RangeError);
      expect(() => pool.imap(tasks.square, [1], -1)).toThrow(RangeError);
      expect(() => pool.starmap(tasks.add, [5 as unknown as [number, number]])).toThrow(TypeError);
      expect(() => kind.make({ processes: 0 })).toThrow(RangeError);
    });

    test("await using terminates", async () => {
      let outer: Pool | ThreadPool;
      {
        await using pool =
          kind.name === "Pool"
            ? new Pool({ module, processes: 1 })
            : new ThreadPool({ module, processes: 1 });
        outer = pool;
        expect(await pool.apply(tasks.add, [1, 1])).toBe(2);
      }
      expect(() => outer.apply(tasks.add, [1, 1])).toThrow(ExecutorShutdownError);
    });

    test("initializer and maxtasksperchild", async () => {
      const pool = kind.make({
        processes: 1,
        initializer: tasks.init,
        initargs: ["hello"],
        maxtasksperchild: 1,
      });
      expect(await pool.apply(tasks.getInit)).toBe("hello");
      expect(await pool.apply(tasks.countCalls)).toBe(1);
      expect(await pool.apply(tasks.countCalls)).toBe(1);
    });
  });
}

class SayWhenError extends RangeError {}
function* exceptionThrowingGenerator(total: number, when: number) {
  for (let i = 0; i < total; i++) {
    if (i === when) throw new SayWhenError("Somebody said when");
    yield i;
  }
}
function* naturals(log: { pulled: number; closed: boolean }) {
  try {
    for (let i = 0; ; i++) {
      log.pulled++;
      yield i;
    }
  } finally {
    log.closed = true;
  }
}
async function drain<T>(it: AsyncIterable<T>, into: T[]): Promise<unknown> {
  try {
    for await (const v of it) into.push(v);
  } catch (e) {
    return e;
  }
  return undefined;
}

describe("Process and Thread", () => {
  for (const Kind of [Process, Thread]) {
    test(`${Kind.name}: start, join, exitCode 0`, async () => {
      const p = new Kind({ target: tasks.sleepThen, args: [30], module });
      expect(p.exitCode).toBeNull();
      expect(p.isAlive()).toBe(false);
      p.start();
      expect(p.isAlive()).toBe(true);
      await p.join();
      expect(p.exitCode).toBe(0);
      expect(p.isAlive()).toBe(false);
    });

    test(`${Kind.name}: a target that throws prints its stack and exits 1`, async () => {
      const p = new Kind({ target: tasks.throwNow, module, name: "failing-one" }).start();
      await p.join();
      expect(p.exitCode).toBe(1);
    });

    test(`${Kind.name}: join with timeout returns while it still runs; terminate and kill`, async () => {
      const p = new Kind({ target: tasks.sleepThen, args: [60_000], module }).start();
      cleanups.push(() => p.kill());
      await p.join(50);
      expect(p.exitCode).toBeNull();
      expect(p.isAlive()).toBe(true);
      p.terminate();
      await p.join();
      expect(p.exitCode).toBe(-15);
      const q = new Kind({ target: tasks.sleepThen, args: [60_000], module }).start();
      q.kill();
      await q.join();
      expect(q.exitCode).toBe(-9);
    });

    test(`${Kind.name}: join(timeout <= 0) returns at once while it runs, like CPython`, async () => {
      const p = new Kind({ target: tasks.sleepThen, args: [60_000], module }).start();
      cleanups.push(() => p.kill());
      await p.join(-1);
      await p.join(0);
      expect(p.exitCode).toBeNull();
      expect(p.isAlive()).toBe(true);
      await expect(p.join(Number.NaN)).rejects.toBeInstanceOf(TypeError);
      p.kill();
      await p.join(2 ** 31 + 1);
      expect(p.exitCode).toBe(-9);
      await p.join(-1);
    });

    test(`${Kind.name}: starting twice and joining before start are errors`, async () => {
      const p = new Kind({ target: (x: number) => x, args: [1] });
      await expect(p.join()).rejects.toBeInstanceOf(InvalidStateError);
      p.start();
      expect(() => p.start()).toThrow(InvalidStateError);
      await p.join();
      expect(p.exitCode).toBe(0);
      expect(() => new Kind({ target: 5 as unknown as () => void })).toThrow(TypeError);
    });
  }

  test("Process has a pid and its own name in currentProcess()", async () => {
    const p = new Process({ target: tasks.sleepThen, args: [10], module, name: "worker-7" }).start();
    expect(typeof p.pid).toBe("number");
    expect(p.pid).not.toBe(process.pid);
    await p.join();
    expect(currentProcess()).toEqual({ name: "MainProcess", pid: process.pid });
  });
});

describe("spawn", () => {
  test("runs fn(rank, ...args) in nprocs processes and joins", async () => {
    await spawn(tasks.rankSquare, { args: [2], nprocs: 3, module });
  });

  test("join: false returns a ProcessContext", async () => {
    const ctx = spawn(tasks.sleepThen, { args: [] as [], nprocs: 2, join: false, module });
    expect(ctx.processes.length).toBe(2);
    expect(ctx.pids().every((p) => typeof p === "number")).toBe(true);
    // sleepThen(rank): rank 0 sleeps 0 ms, rank 1 sleeps 1 ms
    expect(await ctx.join(10_000)).toBe(true);
  });

  test("a raising process fails the group with ProcessRaisedError and stops the others", async () => {
    const err = await spawn(tasks.failOnRank, { args: [1], nprocs: 3, module }).catch((e) => e);
    expect(err).toBeInstanceOf(ProcessRaisedError);
    expect(err.errorIndex).toBe(1);
    expect(typeof err.errorPid).toBe("number");
    expect(err.cause).toBeInstanceOf(tasks.CustomError);
    expect(err.message).toContain("rank 1 failed");
  });

  test("an exiting process fails with ProcessExitedError; survivors are terminated", async () => {
    const ctx = spawn(tasks.exitOnRank, { args: [1, 7], nprocs: 2, join: false, module });
    const start = performance.now();
    const err = await ctx.join().catch((e) => e);
    expect(err).toBeInstanceOf(ProcessExitedError);
    expect(err.errorIndex).toBe(1);
    expect(err.exitCode).toBe(7);
    expect(err.signalName).toBeNull();
    expect(ctx.processes[0]?.exitCode).toBe(-15);
    expect(performance.now() - start).toBeLessThan(5000);
  });

  test("a process killed by a signal reports its name", async () => {
    const ctx = spawn(tasks.exitOnRank, { args: [-1, 0], nprocs: 2, join: false, module });
    expect(await ctx.join(50)).toBe(false);
    ctx.processes[0]?.kill();
    const err = await ctx.join().catch((e) => e);
    expect(err).toBeInstanceOf(ProcessExitedError);
    expect(err.errorIndex).toBe(0);
    expect(err.signalName).toBe("SIGKILL");
    expect(err.exitCode).toBe(-9);
    expect(ctx.processes[1]?.exitCode).toBe(-15);
  });

  test("nprocs must be >= 1", () => {
    expect(() => spawn(tasks.rankSquare, { nprocs: 0, module, args: [1] })).toThrow(RangeError);
  });
});
