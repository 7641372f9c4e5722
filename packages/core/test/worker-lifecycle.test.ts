/**
 * Workers on both executors: crashes mid-task and in timers, unloadable modules, initializers, maxTasksPerChild, signals.
 */
import { describe, expect, test } from "bun:test";
import { BrokenExecutorError, ProcessPoolExecutor, WorkerExitedError } from "@conc/core";
import { cleanUpExecutors, kinds, module, track } from "./fixtures/executors.ts";
import * as tasks from "./fixtures/tasks.ts";

cleanUpExecutors();

for (const kind of kinds) {
  describe(kind.name, () => {
    test("a worker that exits mid-task fails only that task; the pool goes on", async () => {
      const ex = kind.make({ maxWorkers: 2 });
      const crash = ex.submit(tasks.exitWith, 3);
      const others = Array.from({ length: 20 }, (_, i) => ex.submit(tasks.add, i, 1));
      const err = (await crash.exception()) as WorkerExitedError;
      expect(err).toBeInstanceOf(WorkerExitedError);
      expect(err.exitCode).toBe(3);
      expect(err.signal).toBeNull();
      expect(await Promise.all(others.map((f) => f.result()))).toEqual(
        Array.from({ length: 20 }, (_, i) => i + 1),
      );
      expect(await ex.run(tasks.add, 2, 2)).toBe(4);
    });

    test("an uncaught error in a task's timer ends the worker: that task fails, the pool goes on", async () => {
      const ex = kind.make({ maxWorkers: 1 });
      const err = await ex.submit(tasks.crashLater).exception();
      expect(err).toBeInstanceOf(WorkerExitedError);
      expect(await ex.run(tasks.add, 1, 2)).toBe(3);
    });

    test("a task module that cannot be loaded breaks the executor with its error", async () => {
      const ex = kind.make({ module: new URL("./fixtures/does-not-exist.ts", import.meta.url) });
      const err = (await ex.submit("anything").exception()) as Error;
      expect(err).toBeInstanceOf(kind.Broken);
      expect(err.message).toContain("does-not-exist");
    });

    test("initializer runs in each worker with initargs", async () => {
      const ex = kind.make({ maxWorkers: 1, initializer: tasks.init, initargs: [{ ready: true }] });
      expect(await ex.run(tasks.getInit)).toEqual({ ready: true });
    });

    test("a failing initializer breaks the executor", async () => {
      const ex = kind.make({ initializer: tasks.badInit });
      const err = (await ex.submit(tasks.add, 1, 2).exception()) as Error;
      expect(err).toBeInstanceOf(kind.Broken);
      expect(err).toBeInstanceOf(BrokenExecutorError);
      expect(err.message).toContain("initializer exploded");
      expect(() => ex.submit(tasks.add, 1, 2)).toThrow(kind.Broken);
    });

    test("maxTasksPerChild replaces workers", async () => {
      const ex = kind.make({ maxWorkers: 1, maxTasksPerChild: 2 });
      const counts: number[] = [];
      for (let i = 0; i < 5; i++) counts.push(await ex.run(tasks.countCalls));
      expect(counts).toEqual([1, 2, 1, 2, 1]);
    });
  });
}

test("a process worker killed by a signal reports the signal name and pid", async () => {
  const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 1 }));
  const err = (await ex.submit(tasks.selfKill).exception()) as WorkerExitedError;
  expect(err).toBeInstanceOf(WorkerExitedError);
  expect(err.signal).toBe("SIGKILL");
  expect(typeof err.pid).toBe("number");
  expect(await ex.run(tasks.add, 1, 2)).toBe(3);
});
