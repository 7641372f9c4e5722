/** Barrier — carried from CPython's _TestBarrier (N = 5 parties), on threads and processes. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Barrier, BrokenBarrierError, Event, Lock, Queue, Value } from "@conc/core";
import { closeKept, concShm, keep, kinds } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

const N = 5;
afterEach(closeKept);

test("bad input: parties must be an integer >= 1; a bad default timeout", () => {
  expect(() => new Barrier(0)).toThrow(RangeError);
  expect(() => new Barrier("3" as unknown as number)).toThrow(TypeError);
  expect(() => new Barrier(2, { timeout: "x" as unknown as number })).toThrow(TypeError);
});

test("test_single_thread: Barrier(1) passes at once, every time", async () => {
  const b = keep(new Barrier(1));
  expect(b.wait()).toBe(0);
  expect(b.wait()).toBe(0);
  expect(await b.waitAsync()).toBe(0);
  expect([b.parties, b.nWaiting, b.broken]).toEqual([1, 0, false]);
});

test("abort() breaks it for later waits; reset() mends it", () => {
  const b = keep(new Barrier(2));
  b.abort();
  expect(b.broken).toBe(true);
  expect(() => b.wait()).toThrow(BrokenBarrierError);
  b.reset();
  expect(b.broken).toBe(false);
  expect(() => b.wait(0)).toThrow(BrokenBarrierError);
  expect(b.broken).toBe(true);
});

for (const kind of kinds) {
  describe(`Barrier across ${kind.name} (_TestBarrier)`, () => {
    let ex: ReturnType<typeof kind.make>;
    beforeAll(() => {
      ex = kind.make(N);
    });
    afterAll(() => ex.shutdown());

    const all = <A extends unknown[], R>(fn: (...a: A) => R, ...args: A): Promise<Awaited<R>[]> =>
      Promise.all(Array.from({ length: N }, () => ex.submit(fn as never, ...args).result())) as Promise<
        Awaited<R>[]
      >;

    for (const passes of [1, 10]) {
      test(`test_barrier${passes > 1 ? "_10" : ""}: ${passes} pass(es) in lockstep`, async () => {
        const b = keep(new Barrier(N, { timeout: 30_000 }));
        const before = keep(new Value("i32", 0));
        const after = keep(new Value("i32", 0));
        expect(await all(t.multipass, b, before, after, passes)).toEqual(Array(N).fill(true));
        expect([before.value, after.value]).toEqual([N * passes, N * passes]);
      });
    }

    test("test_wait_return: the indexes are 0..N-1, each once", async () => {
      const b = keep(new Barrier(N));
      const got = (await all(t.barrierWait, b)) as number[];
      expect(got.sort()).toEqual([0, 1, 2, 3, 4]);
    });

    test("the main thread is a party too (waitAsync)", async () => {
      const b = keep(new Barrier(3));
      const fs = [ex.submit(t.barrierWait, b), ex.submit(t.barrierWait, b)];
      const mine = await b.waitAsync(10_000);
      const theirs = (await Promise.all(fs.map((f) => f.result()))) as number[];
      expect([mine, ...theirs].sort()).toEqual([0, 1, 2]);
    });

    test("test_abort: the middle party aborts, every other party sees BrokenBarrierError", async () => {
      const b = keep(new Barrier(N));
      const got = await all(t.abortMiddle, b, N);
      expect(got.filter((x) => x === "aborted").length).toBe(1);
      expect(got.filter((x) => x === "broken").length).toBe(N - 1);
      expect(b.broken).toBe(true);
    });

    test("test_reset: a reset frees the waiting parties (broken), then all meet again", async () => {
      const b = keep(new Barrier(N));
      const got = (await all(t.resetMiddle, b, N)).flat();
      expect(got.filter((x) => x === "broken").length).toBe(N - 1);
      expect(got.filter((x) => x === "passed").length).toBe(0);
      expect(got.filter((x) => x === "met").length).toBe(N);
    });

    test("test_abort_and_reset: a broken barrier can be reset and used again", async () => {
      const b = keep(new Barrier(N));
      const b2 = keep(new Barrier(N));
      const got = (await all(t.abortThenReset, b, b2, N)).flat();
      expect(got.filter((x) => x === "broken").length).toBe(N - 1);
      expect(got.filter((x) => x === "passed").length).toBe(0);
      expect(got.filter((x) => x === "met").length).toBe(N);
    });

    for (const mode of ["wait(timeout)", "default timeout"] as const) {
      test(`test_${mode === "wait(timeout)" ? "timeout" : "default_timeout"}: a timed-out wait breaks it for every party`, async () => {
        const b = keep(new Barrier(N, mode === "default timeout" ? { timeout: 30 } : {}));
        const late = keep(new Event());
        const fs = Array.from({ length: N }, () =>
          ex.submit(t.lateMiddle, b, N, late, mode === "wait(timeout)" ? 30 : undefined),
        );
        // The punctual parties time out and break the barrier; only then does the late one try.
        let settled = 0;
        await new Promise<void>((resolve) => {
          for (const f of fs) f.addDoneCallback(() => ++settled === N - 1 && resolve());
        });
        expect(b.broken).toBe(true);
        late.set();
        const results = await Promise.all(fs.map((f) => f.result()));
        expect(results).toEqual(Array(N).fill("broken"));
      });
    }

    test("test_thousand (100 passes): every round's numbers arrive together", async () => {
      const b = keep(new Barrier(N));
      const q = keep(new Queue<number>());
      const lock = keep(new Lock());
      const passes = 100;
      const fs = Array.from({ length: N }, () => ex.submit(t.thousand, b, passes, q, lock));
      for (let i = 0; i < passes; i++) for (let j = 0; j < N; j++) expect(await q.getAsync(10_000)).toBe(i);
      for (const f of fs) await f.result();
    });
  });
}

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
