/**
 * One timeout rule for every core API (DESIGN.md "Units"): undefined = forever, <= 0 = already
 * expired (one check, then time out), fractions fine, NaN / non-numbers a TypeError at the call,
 * and >= 2^31 ms forever (never a clamped early fire). Outcomes only, no clocks.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  asCompleted,
  Future,
  Pool,
  spawn,
  ThreadPool,
  ThreadPoolExecutor,
  TimeoutError,
  wait,
} from "@conc/core";
import * as tasks from "./fixtures/tasks.ts";

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const HUGE = 2 ** 31 + 10;
const BAD = [Number.NaN, "10", null, {}] as unknown as number[];

function done<T>(v: T): Future<T> {
  const f = new Future<T>();
  f.setResult(v);
  return f;
}
function settleSoon<T>(f: Future<T>, v: T): void {
  setTimeout(() => f.setResult(v), 5);
}

describe("wait", () => {
  test("timeout <= 0 checks once and returns what is done", async () => {
    for (const timeout of [0, -1, -0.5]) {
      const a = done(1);
      const b = new Future();
      const r = await wait([a, b], { timeout });
      expect([...r.done]).toEqual([a]);
      expect([...r.notDone]).toEqual([b]);
    }
  });

  test("a fractional timeout is fine; a huge one waits for the futures", async () => {
    const pending = new Future();
    expect((await wait([pending], { timeout: 0.5 })).notDone.size).toBe(1);
    const f = new Future<number>();
    settleSoon(f, 1);
    const r = await wait([f], { timeout: HUGE });
    expect(r.done.has(f)).toBe(true);
  });

  test("NaN or a non-number is a TypeError at the call", () => {
    for (const timeout of BAD) expect(() => wait([], { timeout })).toThrow(TypeError);
  });
});

describe("asCompleted", () => {
  test("timeout <= 0 yields what is done, then TimeoutError naming the rest", async () => {
    const seen: unknown[] = [];
    let error: unknown;
    try {
      for await (const f of asCompleted([done("x"), new Future()], { timeout: -5 }))
        seen.push(await f.result());
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual(["x"]);
    expect(error).toBeInstanceOf(TimeoutError);
    expect((error as TimeoutError).message).toBe("1 (of 2) futures unfinished");
    expect((error as TimeoutError).timeoutMs).toBe(-5);
  });

  test("a huge timeout waits", async () => {
    const f = new Future<number>();
    settleSoon(f, 3);
    const seen: number[] = [];
    for await (const g of asCompleted([f], { timeout: HUGE })) seen.push(await g.result());
    expect(seen).toEqual([3]);
  });

  test("NaN or a non-number is a TypeError at the call", () => {
    for (const timeout of BAD) expect(() => asCompleted([], { timeout })).toThrow(TypeError);
  });
});

describe("executors", () => {
  const make = () => {
    const ex = new ThreadPoolExecutor({ module, maxWorkers: 1 });
    cleanups.push(() => ex.shutdown({ cancelFutures: true }));
    return ex;
  };

  test("schedule with timeout <= 0 fails with TimeoutError and the task never runs", async () => {
    const ex = make();
    for (const timeout of [0, -1]) {
      const fut = ex.schedule(tasks.countCalls, { timeout });
      const err = await fut.exception().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(TimeoutError);
      expect((err as TimeoutError).timeoutMs).toBe(timeout);
    }
    // countCalls counts per worker: the first call that does run is call 1.
    expect(await ex.run(tasks.countCalls)).toBe(1);
  });

  test("schedule with a huge timeout lets the task finish", async () => {
    const ex = make();
    expect(await ex.schedule(tasks.add, { args: [1, 2], timeout: HUGE }).result()).toBe(3);
    expect(await ex.schedule(tasks.add, { args: [1, 2], timeout: 60_000.5 }).result()).toBe(3);
  });

  test("map with timeout <= 0 times out unless the result is already there", async () => {
    const ex = make();
    const it = ex.map(tasks.sleep, [1000], { timeout: 0 });
    const err = await it.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(0);
  });

  test("bad timeouts are TypeErrors at the call", () => {
    const ex = make();
    for (const timeout of BAD) {
      expect(() => ex.schedule(tasks.add, { args: [1, 2], timeout })).toThrow(TypeError);
      expect(() => ex.map(tasks.square, [1], { timeout })).toThrow(TypeError);
    }
  });
});

describe("Pool AsyncResult", () => {
  for (const Kind of [Pool, ThreadPool]) {
    test(`${Kind.name}: get/wait with timeout <= 0 check once`, async () => {
      const pool = new Kind({ module, processes: 1 });
      cleanups.push(() => pool.terminate());
      const slow = pool.applyAsync(tasks.sleep, [60_000]);
      await expect(slow.get(0)).rejects.toBeInstanceOf(TimeoutError);
      await expect(slow.get(-1)).rejects.toBeInstanceOf(TimeoutError);
      await slow.wait(-1);
      expect(slow.ready()).toBe(false);
      await expect(slow.get(Number.NaN)).rejects.toBeInstanceOf(TypeError);
      await expect(slow.wait("1" as never)).rejects.toBeInstanceOf(TypeError);
    });
  }

  test("a ready result answers get(0) and get(huge)", async () => {
    const pool = new ThreadPool({ module, processes: 1 });
    cleanups.push(() => pool.terminate());
    const r = pool.applyAsync(tasks.add, [2, 3]);
    await r.wait();
    expect(await r.get(0)).toBe(5);
    expect(await r.get(HUGE)).toBe(5);
  });
});

describe("spawn ProcessContext.join", () => {
  test("timeout <= 0 returns false at once while processes run; NaN is a TypeError", async () => {
    const ctx = spawn(tasks.exitOnRank, { args: [-1, 0], nprocs: 1, join: false, module });
    cleanups.push(async () => {
      for (const p of ctx.processes) p.kill();
      await Promise.all(ctx.processes.map((p) => p.join()));
    });
    expect(await ctx.join(0)).toBe(false);
    expect(await ctx.join(-1)).toBe(false);
    await expect(ctx.join(Number.NaN)).rejects.toBeInstanceOf(TypeError);
  });

  test("a huge timeout waits for the processes", async () => {
    const ctx = spawn(tasks.rankSquare, { args: [2], nprocs: 2, join: false, module });
    expect(await ctx.join(HUGE)).toBe(true);
  });
});
