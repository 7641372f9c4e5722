/**
 * shutdown, await using, terminateWorkers and keep-alive on both executors.
 */
import { describe, expect, test } from "bun:test";
import { CancelledError, type Executor, ExecutorShutdownError } from "@conc/core";
import { cleanUpExecutors, kinds } from "./fixtures/executors.ts";
import * as tasks from "./fixtures/tasks.ts";

cleanUpExecutors();

for (const kind of kinds) {
  describe(kind.name, () => {
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

    test("terminateWorkers stops running work at once and cancels the rest", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const running = ex.submit(tasks.spin, 10_000);
      const queued = ex.submit(tasks.add, 1, 2);
      while (!running.running()) await Bun.sleep(2);
      await ex.terminateWorkers();
      await expect(running.result()).rejects.toBeInstanceOf(CancelledError);
      await expect(queued.result()).rejects.toBeInstanceOf(CancelledError);
      expect(ex.workerCount).toBe(0);
      expect(() => ex.submit(tasks.add, 1, 2)).toThrow(ExecutorShutdownError);
    });
  });
}

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
