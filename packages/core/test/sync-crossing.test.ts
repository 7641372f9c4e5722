/** How primitives cross: nested in arguments, through Pool/map/initargs, Process/Thread/spawn; what crosses. */
import { afterEach, describe, expect, test } from "bun:test";
import {
  Barrier,
  containsHandles,
  Event,
  Lock,
  Pool,
  Process,
  Queue,
  reviveHandles,
  Semaphore,
  SharedArray,
  spawn,
  Thread,
  ThreadPool,
  Value,
} from "@conc/core";
import { closeKept, concShm, keep, kinds, syncModule as module } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

afterEach(closeKept);

test("a primitive clones (and serializes) as its handle only", () => {
  const lock = keep(new Lock());
  const v = keep(new Value("f64", 1.5));
  for (const copy of [structuredClone(lock) as object, JSON.parse(JSON.stringify(v)) as object]) {
    expect(Object.keys(copy)).toEqual(["__concSync"]);
  }
  expect(containsHandles([1, "a", { b: [2, 3] }, new Uint8Array(4)])).toBe(false);
  expect(containsHandles([1, { deep: { list: [v] } }])).toBe(true);
});

for (const kind of kinds) {
  describe(`crossing into ${kind.name}`, () => {
    test("nested in objects and arrays, a primitive is the same object on both sides", async () => {
      await using ex = kind.make(1);
      const lock = keep(new Lock());
      const v = keep(new Value("i32", 0));
      expect(await ex.submit(t.nested, { deep: { lock, list: [v] } }).result()).toBe(true);
      expect(lock.locked()).toBe(true);
      expect(v.value).toBe(42);
      lock.release();
    });

    test("map() over items holding primitives", async () => {
      await using ex = kind.make(2);
      const v = keep(new Value("i32", 0));
      const out: number[] = [];
      for await (const n of ex.map(t.increment, [v, v, v, v], [10, 20, 30, 40])) out.push(n);
      expect(out).toEqual([10, 20, 30, 40]);
      expect(v.value).toBe(100);
    });
  });
}

for (const P of [Pool, ThreadPool]) {
  test(`${P.name}: primitives in initargs (the Python idiom) and in starmap`, async () => {
    const lock = keep(new Lock());
    const v = keep(new Value("i32", 0));
    await using pool = new P({ module, processes: 2, initializer: t.initWith, initargs: [lock, v] });
    lock.acquire();
    const seen = await pool.map(t.lockedByInit, [1, 2, 3, 4]);
    expect(seen).toEqual([true, true, true, true]);
    lock.release();
    expect(v.value).toBeGreaterThanOrEqual(1);
    const q = keep(new Queue<number>());
    await pool.starmap(t.putAll, [
      [q, [1, 2]],
      [q, [3]],
    ]);
    expect([q.get(), q.get(), q.get()].sort()).toEqual([1, 2, 3]);
  });
}

for (const W of [Process, Thread]) {
  test(`${W.name}: a target gets primitives and signals the parent`, async () => {
    const q = keep(new Queue<number>());
    const go = keep(new Event());
    const w = new W({ target: t.drainAfter, args: [q, go, 2], module }).start();
    q.put(1);
    q.put(2);
    go.set();
    await w.join(10_000);
    expect(w.exitCode).toBe(0);
    expect(q.empty()).toBe(true);
  });
}

test("spawn: ranks meet at a Barrier and write into a SharedArray", async () => {
  const b = keep(new Barrier(3));
  const arr = keep(new SharedArray("f64", 3));
  await spawn(t.rankSum, { args: [b, arr], nprocs: 3, module });
  expect(arr.toArray()).toEqual([1, 2, 3]);
});

test("200 main-thread async waits at once (more than one helper thread's 127) all resolve", async () => {
  const sem = keep(new Semaphore(0));
  const waits = Array.from({ length: 200 }, () => sem.acquireAsync(10_000));
  sem.release(200);
  expect((await Promise.all(waits)).every(Boolean)).toBe(true);
  expect(sem.getValue()).toBe(0);
  const late = Array.from({ length: 130 }, () => sem.acquireAsync(20));
  expect((await Promise.all(late)).some(Boolean)).toBe(false);
});

test("a handle that reaches another host fails with a message that says so", () => {
  const lock = keep(new Lock());
  const copy = structuredClone(lock) as { __concSync: { h: string } };
  copy.__concSync.h = "some-other-host";
  expect(() => reviveHandles([copy])).toThrow(/shared memory works on one machine only/);
});

for (const kind of kinds) {
  test(`*Async twins inside an async task in a worker (${kind.name})`, async () => {
    await using ex = kind.make(1);
    const q = keep(new Queue<number>());
    const f = ex.submit(t.getAsyncInWorker, q, 3);
    for (const x of [1, 2, 3]) await q.putAsync(x);
    expect(await f.result()).toBe(6);
  });
}

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
