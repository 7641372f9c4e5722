/**
 * schedule: a per-task deadline and an AbortSignal on both executors; a running task that passes either is stopped by replacing its worker.
 */
import { describe, expect, test } from "bun:test";
import { CancelledError, TimeoutError } from "@conc/core";
import { cleanUpExecutors, kinds } from "./fixtures/executors.ts";
import * as tasks from "./fixtures/tasks.ts";

cleanUpExecutors();

for (const kind of kinds) {
  describe(kind.name, () => {
    test("schedule: a running task past its timeout is stopped and the pool recovers", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const slow = ex.schedule(tasks.spin, { args: [5000], timeout: 100 });
      const next = ex.submit(tasks.add, 1, 2);
      await expect(slow.result()).rejects.toBeInstanceOf(TimeoutError);
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
