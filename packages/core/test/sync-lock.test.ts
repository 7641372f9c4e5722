/** Lock, RLock, Semaphore, BoundedSemaphore — carried from CPython's _TestLock / _TestSemaphore, on threads and processes. */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import {
  BoundedSemaphore,
  Event,
  Lock,
  LockNotHeldError,
  LockOwnerDiedError,
  RLock,
  Semaphore,
  SemaphoreOverReleaseError,
  SyncClosedError,
  TimeoutError,
  Value,
  WorkerExitedError,
} from "@conc/core";
import { closeKept, concShm, keep, kinds } from "./fixtures/sync-kinds.ts";
import * as t from "./fixtures/sync-tasks.ts";

afterEach(closeKept);

describe("Lock / RLock (_TestLock)", () => {
  test("test_lock: acquire, non-blocking acquire of a held lock, release, release of an unlocked lock", () => {
    const lock = keep(new Lock());
    expect(lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    expect(lock.acquire({ blocking: false })).toBe(false);
    expect(lock.acquire({ timeout: 0 })).toBe(false);
    expect(lock.release()).toBeUndefined();
    expect(lock.locked()).toBe(false);
    expect(() => lock.release()).toThrow(LockNotHeldError);
  });

  test("test_rlock: re-entrant acquire counts, one release each, then LockNotHeldError", () => {
    const lock = keep(new RLock());
    expect([lock.acquire(), lock.acquire(), lock.acquire()]).toEqual([true, true, true]);
    lock.release();
    lock.release();
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
    expect(() => lock.release()).toThrow(LockNotHeldError);
  });

  test("test_lock_context: `using` releases, `await using` too; hold() that times out throws TimeoutError", async () => {
    const lock = keep(new Lock());
    {
      using _ = lock.hold();
      expect(lock.locked()).toBe(true);
      expect(() => lock.hold(0)).toThrow(TimeoutError);
    }
    expect(lock.locked()).toBe(false);
    {
      await using _ = await lock.holdAsync(100);
      expect(lock.locked()).toBe(true);
      await expect(lock.holdAsync(5)).rejects.toThrow(TimeoutError);
    }
    expect(lock.locked()).toBe(false);
  });

  test("bad options: a timeout with blocking=false, a non-number timeout", () => {
    const lock = keep(new Lock());
    expect(() => lock.acquire({ blocking: false, timeout: 1 })).toThrow(TypeError);
    lock.acquire();
    expect(() => lock.acquire({ timeout: "1" as unknown as number })).toThrow(TypeError);
    lock.release();
  });

  test("use after close() is a SyncClosedError at the call", () => {
    const lock = new Lock();
    lock.close();
    lock.close();
    expect(() => lock.acquire()).toThrow(SyncClosedError);
    expect(() => lock.release()).toThrow(SyncClosedError);
  });
});

for (const kind of kinds) {
  describe(`Lock across ${kind.name}`, () => {
    let ex: ReturnType<typeof kind.make>;
    beforeAll(() => {
      ex = kind.make(4);
    });
    afterAll(() => ex.shutdown());

    test("a lock held in one worker blocks the main thread and another worker; released, it is free for all", async () => {
      const lock = keep(new Lock());
      const held = keep(new Event());
      const release = keep(new Event());
      const holder = ex.submit(t.holdUntil, lock, held, release);
      expect(await held.waitAsync(10_000)).toBe(true);
      expect(lock.acquire({ blocking: false })).toBe(false);
      expect(await lock.acquireAsync(20)).toBe(false);
      expect(await ex.submit(t.tryLock, lock, 20).result()).toEqual([false, false]);
      release.set();
      expect(await holder.result()).toBe(true);
      expect(await lock.acquireAsync(10_000)).toBe(true);
      lock.release();
      expect(await ex.submit(t.tryLock, lock, 20).result()).toEqual([true, true]);
    });

    test("an RLock held by a worker cannot be released by the main thread", async () => {
      const lock = keep(new RLock());
      const held = keep(new Event());
      const release = keep(new Event());
      const holder = ex.submit(t.holdUntil, lock, held, release);
      await held.waitAsync(10_000);
      expect(() => lock.release()).toThrow(LockNotHeldError);
      release.set();
      await holder.result();
      expect(lock.locked()).toBe(false);
    });

    test("Value increments under getLock() by 4 workers at once are all counted", async () => {
      const v = keep(new Value("i32", 0));
      const n = 20_000;
      const fs = [0, 1, 2, 3].map((i) => ex.submit(i % 2 ? t.increment : t.incrementUsing, v, n));
      for (const f of fs) await f.result();
      expect(v.value).toBe(4 * n);
    });

    test("a worker that dies holding a lock: the next acquirer gets LockOwnerDiedError, the lock is free again", async () => {
      const lock = keep(new Lock());
      const held = keep(new Event());
      const dying = ex.submit(t.dieHolding, lock, held);
      expect(await held.waitAsync(10_000)).toBe(true);
      expect(await dying.exception()).toBeInstanceOf(WorkerExitedError);
      expect(await ex.submit(t.acquireAfterDeath, lock).result()).toEqual(["LockOwnerDiedError", "acquired"]);
      expect(lock.locked()).toBe(false);
      // And on the main thread, through the async twin.
      const held2 = keep(new Event());
      const dying2 = ex.submit(t.dieHolding, lock, held2);
      await held2.waitAsync(10_000);
      await dying2.exception();
      const err = await lock.acquireAsync(10_000).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LockOwnerDiedError);
      expect((err as LockOwnerDiedError).ownerTid).toBeGreaterThan(0);
      expect(await lock.acquireAsync(10_000)).toBe(true);
      lock.release();
      // Its own waits allow 10 s each (one 200 ms owner poll is what it takes: it took five, 1 s, while
      // the poll trusted the clock and Bun's timers fire early).
    }, 30_000);
  });
}

describe("Semaphore / BoundedSemaphore (_TestSemaphore)", () => {
  function checkSemaphore(sem: Semaphore): void {
    expect(sem.getValue()).toBe(2);
    expect(sem.acquire()).toBe(true);
    expect(sem.getValue()).toBe(1);
    expect(sem.acquire()).toBe(true);
    expect(sem.getValue()).toBe(0);
    expect(sem.acquire({ blocking: false })).toBe(false);
    expect(sem.getValue()).toBe(0);
    sem.release();
    expect(sem.getValue()).toBe(1);
    sem.release();
    expect(sem.getValue()).toBe(2);
  }

  test("test_semaphore: values go down and up, past the start", () => {
    const sem = keep(new Semaphore(2));
    checkSemaphore(sem);
    sem.release();
    expect(sem.getValue()).toBe(3);
    sem.release(2);
    expect(sem.getValue()).toBe(5);
  });

  test("test_bounded_semaphore: one release too many throws and changes nothing", () => {
    const sem = keep(new BoundedSemaphore(2));
    checkSemaphore(sem);
    expect(() => sem.release()).toThrow(SemaphoreOverReleaseError);
    expect(sem.getValue()).toBe(2);
  });

  test("test_timeout: a zero semaphore refuses non-blocking and timed acquires", async () => {
    const sem = keep(new Semaphore(0));
    expect(sem.acquire({ blocking: false })).toBe(false);
    expect(sem.acquire({ timeout: 0 })).toBe(false);
    expect(sem.acquire({ timeout: 10 })).toBe(false);
    expect(await sem.acquireAsync(10)).toBe(false);
    expect(() => sem.hold(1)).toThrow(TimeoutError);
  });

  test("bad input: negative or fractional values, a bad release count", () => {
    expect(() => new Semaphore(-1)).toThrow(RangeError);
    expect(() => new Semaphore(1.5)).toThrow(TypeError);
    expect(() => new BoundedSemaphore(-3)).toThrow(RangeError);
    const sem = keep(new Semaphore(0));
    expect(() => sem.release(0)).toThrow(RangeError);
  });

  for (const kind of kinds) {
    test(`at most \`value\` workers inside at once (${kind.name})`, async () => {
      await using ex = kind.make(4);
      const sem = keep(new Semaphore(2));
      const count = keep(new Value("i32", 0));
      const max = keep(new Value("i32", 0));
      await Promise.all([0, 1, 2, 3].map(() => ex.submit(t.inside, sem, count, max, 200).result()));
      expect(max.value).toBeGreaterThanOrEqual(1);
      expect(max.value).toBeLessThanOrEqual(2);
      expect(count.value).toBe(0);
      expect(sem.getValue()).toBe(2);
    });
  }
});

test("nothing of conc is left in /dev/shm", () => {
  expect(concShm()).toEqual([]);
});
