/** Queue, JoinableQueue, SimpleQueue — carried from CPython's _TestQueue, on threads and processes. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  Empty,
  Event,
  Full,
  JoinableQueue,
  Lock,
  Queue,
  SimpleQueue,
  SyncClosedError,
  Value,
} from "@conc/core";
import { closeKept, concShm, keep, kinds } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

afterEach(closeKept);

describe("Queue (one party)", () => {
  test("test_qsize, empty/full, FIFO order, every kind of item", () => {
    const q = keep(new Queue<unknown>());
    expect([q.qsize(), q.empty(), q.full()]).toEqual([0, true, false]);
    const items = [
      1,
      -0,
      Number.NaN,
      "héllo ✓",
      "",
      true,
      false,
      null,
      undefined,
      2n ** 70n,
      { a: [1, { b: "c" }] },
      new Map([[1, 2]]),
      new Uint8Array([1, 2, 3]),
      new Date(0),
    ];
    for (const x of items) q.put(x);
    expect(q.qsize()).toBe(items.length);
    const out = items.map(() => q.get());
    expect(out).toEqual(items);
    expect(Object.is(out[1], -0)).toBe(true);
    expect(q.empty()).toBe(true);
  });

  test("test_put (one side): a full queue raises Full at once without blocking, or after its timeout", async () => {
    const q = keep(new Queue<number>({ maxsize: 6 }));
    q.put(1);
    q.put(2, { block: true });
    q.put(3, { block: true, timeout: undefined });
    q.put(4, { block: false });
    q.putNowait(5);
    await q.putAsync(6);
    expect([q.full(), q.qsize()]).toEqual([true, 6]);
    expect(() => q.put(7, { block: false })).toThrow(Full);
    expect(() => q.putNowait(7)).toThrow(Full);
    expect(() => q.put(7, { block: false, timeout: 10 })).toThrow(Full);
    expect(() => q.put(7, { timeout: 10 })).toThrow(Full);
    await expect(q.putAsync(7, 10)).rejects.toThrow(Full);
    expect(q.qsize()).toBe(6);
  });

  test("test_get (one side) / test_timeout: an empty queue raises Empty at once or after its timeout", async () => {
    const q = keep(new Queue<number>());
    expect(() => q.get({ block: false })).toThrow(Empty);
    expect(() => q.getNowait()).toThrow(Empty);
    expect(() => q.get({ timeout: 10 })).toThrow(Empty);
    await expect(q.getAsync(10)).rejects.toThrow(Empty);
    await expect(q.getAsync(0)).rejects.toThrow(Empty);
  });

  test("waiting putAsync calls on one thread each keep their own item", async () => {
    const q = keep(new Queue<string>({ maxsize: 1 }));
    q.put("first");
    const a = q.putAsync("second", 10_000);
    const b = q.putAsync("third", 10_000);
    const got: string[] = [];
    for (let i = 0; i < 3; i++) got.push(await q.getAsync(10_000));
    await Promise.all([a, b]);
    expect(got).toEqual(["first", "second", "third"]);
  });

  test("an item that cannot be cloned throws at put and leaves the queue working (bpo-30414)", () => {
    const q = keep(new Queue<unknown>({ maxsize: 1 }));
    expect(() => q.put(() => 1)).toThrow();
    expect(q.qsize()).toBe(0);
    q.put(true);
    expect(q.get({ timeout: 1000 })).toBe(true);
    expect(q.empty()).toBe(true);
  });

  test("the ring wraps around many times and a too-big item is refused", () => {
    const q = keep(new Queue<string>({ capacityBytes: 256 }));
    for (let i = 0; i < 500; i++) {
      q.put(`item-${i}-${"x".repeat(i % 40)}`);
      if (i % 3 === 2) for (let k = 0; k < 3; k++) expect(q.get().startsWith("item-")).toBe(true);
    }
    while (!q.empty()) q.get();
    expect(() => q.put("y".repeat(300))).toThrow(RangeError);
    expect(() => q.put("z".repeat(200), { timeout: 0 })).not.toThrow();
    expect(() => q.put("z".repeat(200), { block: false })).toThrow(Full);
  });

  test("test_closed_queue_put_get_exceptions: put/get after close() throw SyncClosedError", () => {
    for (const q of [new Queue(), new JoinableQueue(), new SimpleQueue()]) {
      q.close();
      expect(() => q.put("foo")).toThrow(SyncClosedError);
      expect(() => q.get()).toThrow(SyncClosedError);
    }
  });

  test("bad options: maxsize must be an integer >= 0", () => {
    expect(() => new Queue({ maxsize: -1 })).toThrow(RangeError);
    expect(() => new Queue({ maxsize: 1.5 })).toThrow(TypeError);
    expect(() => new Queue({ capacityBytes: 8 })).toThrow(RangeError);
  });

  test("JoinableQueue: taskDone() once too often throws; join() is true once all are done", async () => {
    const q = keep(new JoinableQueue<number>());
    expect(q.join(0)).toBe(true);
    q.put(1);
    expect(q.join(0)).toBe(false);
    expect(await q.joinAsync(5)).toBe(false);
    q.get();
    q.taskDone();
    expect(await q.joinAsync()).toBe(true);
    expect(() => q.taskDone()).toThrow(RangeError);
  });
});

for (const kind of kinds) {
  describe(`Queue across ${kind.name} (_TestQueue)`, () => {
    let ex: ReturnType<typeof kind.make>;
    beforeAll(() => {
      ex = kind.make(4);
    });
    afterAll(() => ex.shutdown());

    test("test_put: the parent fills a bounded queue; a worker drains it after the go", async () => {
      const q = keep(new Queue<number>({ maxsize: 6 }));
      const go = keep(new Event());
      const drain = ex.submit(t.drainAfter, q, go, 6);
      for (let i = 1; i <= 6; i++) await q.putAsync(i);
      expect(q.full()).toBe(true);
      await expect(q.putAsync(7, 10)).rejects.toThrow(Full);
      go.set();
      expect(await drain.result()).toBe(6);
      expect(q.empty()).toBe(true);
    });

    test("test_get: a worker's puts are visible at once after its task returns", async () => {
      const q = keep(new Queue<number>());
      await ex.submit(t.putAll, q, [2, 3, 4, 5]).result();
      expect(q.qsize()).toBe(4);
      expect([q.get(), q.get({ block: true }), q.get({ timeout: 1000 }), q.getNowait()]).toEqual([
        2, 3, 4, 5,
      ]);
      expect(() => q.getNowait()).toThrow(Empty);
    });

    test("a worker's Empty (get timed out) reaches the caller as Empty", async () => {
      const q = keep(new Queue<number>());
      const err = await ex.submit(t.getN, q, 1, 10).exception();
      expect(err).toBeInstanceOf(Empty);
      expect((err as Empty).code).toBe("EMPTY");
    });

    test("test_fork: items put before and by a worker come out in order", async () => {
      const q = keep(new Queue<number>());
      for (let i = 0; i < 10; i++) q.put(i);
      await ex.submit(t.putAll, q, [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]).result();
      for (let i = 0; i < 20; i++) expect(q.get()).toBe(i);
    });

    test("producer and consumer in two workers, a full bounded queue applies backpressure", async () => {
      const q = keep(new Queue<number>({ maxsize: 8 }));
      const items = Array.from({ length: 2000 }, (_, i) => i);
      const consumer = ex.submit(t.getN, q, items.length);
      const producer = ex.submit(t.putAll, q, items);
      expect(await producer.result()).toBe(items.length);
      expect(await consumer.result()).toEqual(items);
    });

    test("the main thread consumes with getAsync while a worker produces", async () => {
      const q = keep(new SimpleQueue<{ i: number }>());
      const producer = ex.submit(
        t.putAll,
        q,
        Array.from({ length: 100 }, (_, i) => ({ i })),
      );
      for (let i = 0; i < 100; i++) expect(await q.getAsync(10_000)).toEqual({ i });
      await producer.result();
      expect(q.empty()).toBe(true);
    });

    test("primitives travel inside queue items", async () => {
      const q = keep(new Queue<{ lock: Lock }>());
      const lock = keep(new Lock());
      lock.acquire();
      await ex.submit(t.putAll, q, [{ lock }]).result();
      const got = q.get();
      expect(got.lock).toBeInstanceOf(Lock);
      expect(got.lock.locked()).toBe(true);
      got.lock.release();
      expect(lock.locked()).toBe(false);
    });

    test("test_task_done: join() returns once 4 workers marked every item done", async () => {
      const q = keep(new JoinableQueue<number | null>());
      const done = keep(new Value("i32", 0));
      const workers = [0, 1, 2, 3].map(() => ex.submit(t.doTasks, q, done));
      for (let i = 0; i < 10; i++) q.put(i);
      expect(await q.joinAsync(10_000)).toBe(true);
      expect(done.value).toBe(10);
      for (let i = 0; i < 4; i++) q.put(null);
      const counts = await Promise.all(workers.map((w) => w.result()));
      expect(counts.reduce((a, b) => a + b, 0)).toBe(10);
      expect(await q.joinAsync(10_000)).toBe(true);
    });
  });
}

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
