/**
 * mapWith: the one argument handling behind every executor's map. Driven here by hand-settled
 * futures (no workers, no clocks), then on real pools.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  ChunkFailure,
  ExecutorShutdownError,
  Future,
  type MapSubmit,
  mapWith,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  TimeoutError,
} from "@conc/core";
import * as tasks from "./fixtures/tasks.ts";

/** A fake backend: one Future per item, settled by the test. */
function manual() {
  const submitted: { items: unknown[]; futs: Future<unknown>[] }[] = [];
  const submit: MapSubmit = (items) => {
    const futs = items.map(() => new Future<unknown>());
    submitted.push({ items, futs });
    return futs;
  };
  const all = () => submitted.flatMap((s) => s.futs);
  const items = () => submitted.flatMap((s) => s.items);
  return { submit, submitted, all, items };
}

/** Settles every future with f(args) (args = the tuple). */
function settleAll(futs: Future<unknown>[], items: unknown[], f: (args: unknown[]) => unknown) {
  futs.forEach((fut, i) => {
    if (!fut.done()) fut.setResult(f(items[i] as unknown[]));
  });
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

function* counting(log: { pulled: number; closed: boolean }, limit = Number.POSITIVE_INFINITY) {
  try {
    for (let i = 0; i < limit; i++) {
      log.pulled++;
      yield i;
    }
  } finally {
    log.closed = true;
  }
}

class SayWhenError extends RangeError {}
function* throwingAt(total: number, when: number) {
  for (let i = 0; i < total; i++) {
    if (i === when) throw new SayWhenError(`said when at ${i}`);
    yield i;
  }
}

describe("mapWith on hand-settled futures", () => {
  test("yields in input order whatever the completion order; zips to the shortest input", async () => {
    const m = manual();
    const it = mapWith<string>(m.submit, [
      [1, 2, 3],
      ["a", "b", "c", "d"],
    ]);
    expect(m.items()).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    const futs = m.all();
    (futs[2] as Future<unknown>).setResult("3c");
    (futs[1] as Future<unknown>).setResult("2b");
    (futs[0] as Future<unknown>).setResult("1a");
    expect(await collect(it)).toEqual(["1a", "2b", "3c"]);
  });

  test("zips sync and async iterables; the shortest ends the map and the others are closed", async () => {
    const log = { pulled: 0, closed: false };
    async function* letters() {
      yield "x";
      yield "y";
    }
    const m = manual();
    const it = mapWith<string>(m.submit, [counting(log), letters()]);
    const out: string[] = [];
    const run = (async () => {
      for await (const v of it) out.push(v);
    })();
    while (m.all().length < 2 || !log.closed) await Bun.sleep(0);
    settleAll(m.all(), m.items(), (args) => `${args[0]}${args[1]}`);
    await run;
    expect(out).toEqual(["0x", "1y"]);
    expect(log.closed).toBe(true);
  });

  test("with buffersize the input is pulled lazily, one chunk per chunk consumed", async () => {
    const log = { pulled: 0, closed: false };
    const m = manual();
    const it = mapWith<number>(m.submit, [counting(log, 100), { buffersize: 2, chunksize: 3 }]);
    expect(m.submitted.map((s) => s.items.length)).toEqual([3, 3]);
    expect(log.pulled).toBe(6);
    settleAll(m.all(), m.items(), (a) => (a[0] as number) * 10);
    for (let i = 0; i < 3; i++) expect((await it.next()).value).toBe(i * 10);
    // The first chunk is consumed: exactly one more chunk was pulled and submitted.
    expect(m.submitted.length).toBe(3);
    expect(log.pulled).toBe(9);
    await it.return?.();
  });

  test("an endless generator works; stopping early cancels what was sent and closes the input", async () => {
    const log = { pulled: 0, closed: false };
    const m = manual();
    const it = mapWith<number>(m.submit, [counting(log), { buffersize: 4 }]);
    const out: number[] = [];
    for (let i = 0; i < 5; i++) {
      settleAll(m.all(), m.items(), (a) => a[0]);
      const r = await it.next();
      out.push(r.value as number);
    }
    await it.return?.();
    expect(out).toEqual([0, 1, 2, 3, 4]);
    expect(log.closed).toBe(true);
    const unfinished = m.all().filter((f) => !f.done() || f.cancelled());
    expect(unfinished.length).toBeGreaterThan(0);
    for (const f of unfinished) expect(f.cancelled()).toBe(true);
    expect(log.pulled).toBeLessThan(20);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test("an input error surfaces at its position, after the values before it (CPython imap semantics)", async () => {
    // test_imap_handle_iterable_exception: the chunk in which the input failed is dropped.
    for (const [chunksize, before] of [
      [1, 7],
      [2, 6],
      [4, 4],
    ] as const) {
      const m = manual();
      const it = mapWith<number>(m.submit, [throwingAt(20, 7), { chunksize, buffersize: 2 }]);
      const seen: number[] = [];
      let error: unknown;
      try {
        while (true) {
          settleAll(m.all(), m.items(), (a) => (a[0] as number) ** 2);
          const r = await it.next();
          if (r.done) break;
          seen.push(r.value);
        }
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(SayWhenError);
      expect(seen).toEqual(Array.from({ length: before }, (_, i) => i * i));
    }
    const first = mapWith(manual().submit, [throwingAt(1, 0)]);
    await expect(first.next()).rejects.toBeInstanceOf(SayWhenError);
  });

  test("a task's error is re-raised at its position and everything after it is cancelled", async () => {
    const m = manual();
    const it = mapWith<number>(m.submit, [[0, 1, 2, 3, 4]]);
    const futs = m.all();
    (futs[0] as Future<unknown>).setResult(0);
    (futs[1] as Future<unknown>).setException(new RangeError("bad 1"));
    (futs[2] as Future<unknown>).setResult(2);
    expect((await it.next()).value).toBe(0);
    await expect(it.next()).rejects.toThrow("bad 1");
    expect(futs[3]?.cancelled()).toBe(true);
    expect(futs[4]?.cancelled()).toBe(true);
    expect(await it.next()).toEqual({ done: true, value: undefined });
  });

  test("the deadline counts from the call: TimeoutError with timeoutMs, the rest cancelled", async () => {
    const m = manual();
    const it = mapWith<number>(m.submit, [[1, 2, 3], { timeout: 5 }]);
    (m.all()[0] as Future<unknown>).setResult(1);
    expect((await it.next()).value).toBe(1);
    const err = await it.next().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TimeoutError);
    expect((err as TimeoutError).timeoutMs).toBe(5);
    expect((err as Error).message).toBe("map() did not finish within 5 ms.");
    expect(
      m
        .all()
        .slice(1)
        .every((f) => f.cancelled()),
    ).toBe(true);
  });

  test("timeout <= 0: what is already done is yielded, then TimeoutError", async () => {
    for (const timeout of [0, -1]) {
      const m = manual();
      const futs: Future<unknown>[] = [];
      const it = mapWith<number>(
        (items) => {
          const fs = m.submit(items) as Future<unknown>[];
          futs.push(...fs);
          if (futs.length === 1) fs[0]?.setResult("ready");
          return fs;
        },
        [[1, 2], { timeout }],
      );
      expect((await it.next()).value).toBe("ready");
      await expect(it.next()).rejects.toBeInstanceOf(TimeoutError);
      expect(futs[1]?.cancelled()).toBe(true);
    }
  });

  test("waiting on a slow async input also honours the deadline", async () => {
    async function* slow() {
      yield 1;
      await new Promise(() => {}); // never yields again
    }
    const m = manual();
    const it = mapWith<number>(m.submit, [slow(), { timeout: 10 }]);
    while (m.all().length < 1) await Bun.sleep(0);
    settleAll(m.all(), m.items(), (a) => a[0]);
    expect((await it.next()).value).toBe(1);
    await expect(it.next()).rejects.toBeInstanceOf(TimeoutError);
  });

  test("bad iterables and options throw at the call", () => {
    const { submit } = manual();
    expect(() => mapWith(submit, [])).toThrow(TypeError);
    expect(() => mapWith(submit, [5])).toThrow(TypeError);
    expect(() => mapWith(submit, [[1], null])).toThrow(TypeError);
    expect(() => mapWith(submit, [[1], { timeout: Number.NaN }])).toThrow(TypeError);
    expect(() => mapWith(submit, [[1], { timeout: "5" }])).toThrow(TypeError);
    expect(() => mapWith(submit, [[1], { chunksize: 0 }])).toThrow(RangeError);
    expect(() => mapWith(submit, [[1], { buffersize: 1.5 }])).toThrow(TypeError);
  });

  test("a submit that throws during the call throws at the call; later it fails the map at its position", async () => {
    expect(() =>
      mapWith(() => {
        throw new ExecutorShutdownError();
      }, [[1, 2]]),
    ).toThrow(ExecutorShutdownError);
    const m = manual();
    let calls = 0;
    const it = mapWith<number>(
      (items) => {
        if (++calls === 2) throw new ExecutorShutdownError();
        return m.submit(items);
      },
      [[1, 2, 3], { buffersize: 1 }],
    );
    settleAll(m.all(), m.items(), (a) => a[0]);
    expect((await it.next()).value).toBe(1);
    await expect(it.next()).rejects.toBeInstanceOf(ExecutorShutdownError);
  });

  test("next() calls made without awaiting each other get consecutive results, as with a generator", async () => {
    const m = manual();
    const it = mapWith<number>(m.submit, [[1, 2, 3]]);
    const calls = [it.next(), it.next(), it.next(), it.next()];
    settleAll(m.all(), m.items(), (a) => (a[0] as number) * 2);
    expect(await Promise.all(calls)).toEqual([
      { done: false, value: 2 },
      { done: false, value: 4 },
      { done: false, value: 6 },
      { done: true, value: undefined },
    ]);
  });

  test("bareSingle gives a single iterable's bare values to submit", () => {
    const seen: unknown[][] = [];
    mapWith(
      (items) => {
        seen.push(items);
        return items.map(() => new Future());
      },
      [[1, 2], { chunksize: 2 }],
      { bareSingle: true },
    );
    expect(seen).toEqual([[1, 2]]);
  });

  test("a chunk future yields its array of results; a ChunkFailure yields the part before the error", async () => {
    const chunks: Future<unknown>[] = [];
    const it = mapWith<number>(() => {
      const f = new Future<unknown>();
      chunks.push(f);
      return f;
    }, [[1, 2, 3, 4, 5], { chunksize: 3 }]);
    chunks[0]?.setResult([10, 20, 30]);
    chunks[1]?.setException(new ChunkFailure([40], new RangeError("item 5")));
    const seen: number[] = [];
    let error: unknown;
    try {
      for await (const v of it) seen.push(v);
    } catch (e) {
      error = e;
    }
    expect(seen).toEqual([10, 20, 30, 40]);
    expect(error).toBeInstanceOf(RangeError);
  });

  test("unordered: completion order; an input error comes after everything submitted before it", async () => {
    const m = manual();
    const it = mapWith<number>(m.submit, [throwingAt(10, 3)], { unordered: true });
    const futs = m.all();
    expect(futs.length).toBe(3);
    (futs[2] as Future<unknown>).setResult(2);
    expect((await it.next()).value).toBe(2);
    (futs[0] as Future<unknown>).setResult(0);
    expect((await it.next()).value).toBe(0);
    const pending = it.next();
    (futs[1] as Future<unknown>).setResult(1);
    expect((await pending).value).toBe(1);
    await expect(it.next()).rejects.toBeInstanceOf(SayWhenError);
  });

  test("unordered: stopping early cancels the futures not yet done", async () => {
    const m = manual();
    const it = mapWith<number>(m.submit, [[1, 2, 3]], { unordered: true });
    m.all()[1]?.setResult("b");
    expect((await it.next()).value).toBe("b");
    await it.return?.();
    expect(m.all()[0]?.cancelled()).toBe(true);
    expect(m.all()[2]?.cancelled()).toBe(true);
  });
});

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const executors: { shutdown(o?: { cancelFutures?: boolean }): Promise<void> }[] = [];
afterEach(async () => {
  for (const ex of executors.splice(0)) await ex.shutdown({ cancelFutures: true });
});
const kinds = [
  { name: "ThreadPoolExecutor", make: () => new ThreadPoolExecutor({ module, maxWorkers: 2 }) },
  { name: "ProcessPoolExecutor", make: () => new ProcessPoolExecutor({ module, maxWorkers: 2 }) },
];

for (const kind of kinds) {
  describe(`${kind.name}.map inputs`, () => {
    const make = () => {
      const ex = kind.make();
      executors.push(ex);
      return ex;
    };

    test("maps over an async generator zipped with an array", async () => {
      const ex = make();
      async function* nums() {
        for (let i = 0; i < 50; i++) yield i;
      }
      const tens = Array.from({ length: 40 }, () => 10);
      const out = await collect(ex.map(tasks.add, nums(), tens, { chunksize: 7 }));
      expect(out).toEqual(Array.from({ length: 40 }, (_, i) => i + 10));
    });

    test("an endless generator with buffersize: the consumer stops, the input is closed, nothing more runs", async () => {
      const ex = make();
      const log = { pulled: 0, closed: false };
      const out: number[] = [];
      for await (const v of ex.map(tasks.square, counting(log), { buffersize: 8 })) {
        out.push(v);
        if (out.length === 20) break;
      }
      expect(out).toEqual(Array.from({ length: 20 }, (_, i) => i * i));
      expect(log.closed).toBe(true);
      expect(log.pulled).toBeLessThanOrEqual(28);
      expect(ex.queued).toBe(0);
    });

    test("an input generator's error surfaces at its position", async () => {
      const ex = make();
      const seen: number[] = [];
      let error: unknown;
      try {
        for await (const v of ex.map(tasks.square, throwingAt(10, 4))) seen.push(v);
      } catch (e) {
        error = e;
      }
      expect(seen).toEqual([0, 1, 4, 9]);
      expect(error).toBeInstanceOf(SayWhenError);
    });

    test("map after shutdown throws at the call", async () => {
      const ex = make();
      await ex.shutdown();
      expect(() => ex.map(tasks.square, [1])).toThrow(ExecutorShutdownError);
    });

    test("a task error cancels the items after it", async () => {
      const ex = kind.make();
      executors.push(ex);
      const it = ex.map(tasks.failIf, [0, 1, 2], [0, 0, 0]);
      await expect(it.next()).rejects.toBeInstanceOf(RangeError);
      expect(await it.next()).toEqual({ done: true, value: undefined });
    });
  });
}
