/** Condition and Event — carried from CPython's _TestCondition / _TestEvent, on threads and processes. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { Condition, Event, Lock, LockNotHeldError, RLock, Semaphore, Value } from "@conc/core";
import { closeKept, concShm, keep, kinds } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

afterEach(closeKept);

/** Takes `n` units, waiting up to 10 s for each (the workers release them as they go). */
async function take(sem: Semaphore, n: number): Promise<void> {
  for (let i = 0; i < n; i++) expect(await sem.acquireAsync(10_000)).toBe(true);
}

describe("Condition (single party)", () => {
  test("test_timeout: wait() without a notify returns false, with the lock held again", async () => {
    const cond = keep(new Condition());
    cond.acquire();
    expect(cond.wait(10)).toBe(false);
    expect(await cond.waitAsync(10)).toBe(false);
    expect(cond.wait(0)).toBe(false);
    cond.release();
  });

  test("wait/notify without holding the lock: LockNotHeldError", () => {
    const cond = keep(new Condition(new Lock()));
    expect(() => cond.wait(0)).toThrow(LockNotHeldError);
    expect(() => cond.notify()).toThrow(LockNotHeldError);
    expect(() => new Condition({} as Lock)).toThrow(TypeError);
  });

  test("waitFor returns the predicate's last value; an RLock held twice is restored after wait", () => {
    const lock = keep(new RLock());
    const cond = keep(new Condition(lock));
    lock.acquire();
    lock.acquire();
    expect(cond.waitFor(() => 0, 5)).toBe(0);
    expect(cond.waitFor(() => "ready")).toBe("ready");
    lock.release();
    lock.release();
    expect(lock.locked()).toBe(false);
  });
});

for (const kind of kinds) {
  describe(`Condition across ${kind.name} (_TestCondition)`, () => {
    let ex: ReturnType<typeof kind.make>;
    beforeAll(() => {
      ex = kind.make(6);
    });
    afterAll(() => ex.shutdown());

    test("test_notify: each notify wakes exactly one waiter", async () => {
      const cond = keep(new Condition());
      const sleeping = keep(new Semaphore(0));
      const woken = keep(new Semaphore(0));
      const fs = [0, 1].map(() => ex.submit(t.condWaiter, cond, sleeping, woken));
      await take(sleeping, 2);
      // Both released `sleeping` while holding the lock: once we hold it, both are inside wait().
      await cond.acquireAsync();
      cond.notify();
      cond.release();
      await take(woken, 1);
      expect(woken.acquire({ blocking: false })).toBe(false);
      await cond.acquireAsync();
      cond.notify();
      cond.release();
      await take(woken, 1);
      expect(await Promise.all(fs.map((f) => f.result()))).toEqual([true, true]);
      expect(woken.getValue()).toBe(0);
    });

    test("test_notify_all: timed-out waiters return false; notifyAll wakes every waiter", async () => {
      const cond = keep(new Condition());
      const sleeping = keep(new Semaphore(0));
      const woken = keep(new Semaphore(0));
      const timed = [0, 1, 2].map(() => ex.submit(t.condWaiter, cond, sleeping, woken, 20));
      await take(sleeping, 3);
      await take(woken, 3);
      expect(await Promise.all(timed.map((f) => f.result()))).toEqual([false, false, false]);
      const fs = [0, 1, 2, 3].map(() => ex.submit(t.condWaiter, cond, sleeping, woken));
      await take(sleeping, 4);
      await cond.acquireAsync();
      expect(woken.getValue()).toBe(0);
      cond.notifyAll();
      cond.release();
      await take(woken, 4);
      expect(await Promise.all(fs.map((f) => f.result()))).toEqual([true, true, true, true]);
    });

    test("test_notify_n: notify(2) wakes two, notify(4) the rest, a later notify(3) wakes none", async () => {
      const cond = keep(new Condition());
      const sleeping = keep(new Semaphore(0));
      const woken = keep(new Semaphore(0));
      const fs = [0, 1, 2, 3, 4].map(() => ex.submit(t.condWaiter, cond, sleeping, woken));
      await take(sleeping, 5);
      await cond.acquireAsync();
      cond.notify(2);
      cond.release();
      await take(woken, 2);
      expect(woken.acquire({ blocking: false })).toBe(false);
      await cond.acquireAsync();
      cond.notify(4);
      cond.release();
      await take(woken, 3);
      await cond.acquireAsync();
      cond.notify(3);
      cond.release();
      expect(woken.getValue()).toBe(0);
      expect((await Promise.all(fs.map((f) => f.result()))).every(Boolean)).toBe(true);
    });

    test("test_waitfor: the main thread and a worker hand a counter back and forth", async () => {
      const cond = keep(new Condition());
      const state = keep(new Value("i32", -1));
      const f = ex.submit(t.waitForFour, cond, state);
      await cond.acquireAsync();
      expect(await cond.waitForAsync(() => state.value === 0, 10_000)).toBe(true);
      cond.release();
      for (let i = 0; i < 4; i++) {
        await using _ = await cond.holdAsync();
        state.value++;
        cond.notify();
      }
      expect(await f.result()).toBe(true);
    });

    test("test_wait_result: wait() is false without a notify, true when a worker notifies (main thread waits async)", async () => {
      const cond = keep(new Condition());
      await cond.acquireAsync();
      expect(await cond.waitAsync(0)).toBe(false);
      expect(await cond.waitAsync(10)).toBe(false);
      const waiting = cond.waitAsync(10_000);
      const notifier = ex.submit(t.notifyOnce, cond);
      expect(await waiting).toBe(true);
      cond.release();
      await notifier.result();
    });
  });

  describe(`Event across ${kind.name} (_TestEvent)`, () => {
    test("test_event: timeouts, set/clear, a worker setting it wakes the main thread", async () => {
      await using ex = kind.make(2);
      const ev = keep(new Event());
      expect(ev.isSet()).toBe(false);
      expect(ev.wait(0)).toBe(false);
      expect(ev.wait(10)).toBe(false);
      expect(await ev.waitAsync(10)).toBe(false);
      ev.set();
      expect(ev.isSet()).toBe(true);
      expect(ev.wait()).toBe(true);
      expect(ev.wait(10)).toBe(true);
      ev.clear();
      expect(ev.isSet()).toBe(false);
      const go = keep(new Semaphore(0));
      const setter = ex.submit(t.setEventLater, ev, go);
      const waiter = ex.submit(t.waitEvent, ev, 10_000);
      const mine = ev.waitAsync();
      go.release();
      expect(await mine).toBe(true);
      expect(await waiter.result()).toBe(true);
      await setter.result();
    });
  });
}

test("threads and processes wait on one Condition; notify(1) wakes one, notifyAll the rest", async () => {
  await using threads = kinds[0].make(2);
  await using procs = kinds[1].make(2);
  const cond = keep(new Condition());
  const sleeping = keep(new Semaphore(0));
  const woken = keep(new Semaphore(0));
  const fs = [threads, threads, procs, procs].map((ex) => ex.submit(t.condWaiter, cond, sleeping, woken));
  await take(sleeping, 4);
  await cond.acquireAsync();
  cond.notify(1);
  cond.release();
  await take(woken, 1);
  expect(woken.acquire({ blocking: false })).toBe(false);
  await cond.acquireAsync();
  cond.notifyAll();
  cond.release();
  await take(woken, 3);
  expect(await Promise.all(fs.map((f) => f.result()))).toEqual([true, true, true, true]);
});

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
