/**
 * Crash policy (DESIGN.md "Executors"): a worker killed before or after becoming ready is replaced
 * and fails only what it had started; only a throwing initializer, a module that fails to load, or a
 * worker that can never start breaks the executor, and the message says which.
 */
import { afterEach, describe, expect, test } from "bun:test";
import {
  BrokenProcessPoolError,
  BrokenThreadPoolError,
  type Executor,
  ProcessPoolExecutor,
  ThreadPoolExecutor,
  WorkerExitedError,
} from "@conc/core";
import * as tasks from "./fixtures/engine-tasks.ts";

const module = new URL("./fixtures/engine-tasks.ts", import.meta.url);
const live: Executor[] = [];
afterEach(async () => {
  await Promise.all(live.splice(0).map((ex) => ex.terminateWorkers()));
});

function track<E extends Executor>(ex: E): E {
  live.push(ex);
  return ex;
}

function kill(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

describe("ProcessPoolExecutor crashes", () => {
  test("workers SIGKILLed during start-up, again and again, are replaced; the pool keeps serving", async () => {
    const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 2 }));
    const first = ex.submit(tasks.add, 1, 2);
    const killed = new Set<number>();
    // Kill every worker as soon as it exists (well before it can import its module and become ready).
    for (let round = 0; killed.size < 12 && round < 5000; round++) {
      for (const pid of ex.pids()) {
        if (killed.has(pid)) continue;
        killed.add(pid);
        kill(pid);
      }
      await Bun.sleep(1);
    }
    expect(killed.size).toBeGreaterThanOrEqual(12);
    // The task never started on a killed worker: it was put back, not failed.
    expect(await first.result()).toBe(3);
    const batch = await Promise.all(Array.from({ length: 200 }, (_, i) => ex.run(tasks.add, i, i)));
    expect(batch).toEqual(Array.from({ length: 200 }, (_, i) => 2 * i));
  }, 30_000);

  test("a worker killed while idle is replaced", async () => {
    const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 1 }));
    const pid = await ex.run(tasks.pid);
    kill(pid);
    while (ex.pids().includes(pid)) await Bun.sleep(2);
    const next = await ex.run(tasks.pid);
    expect(next).not.toBe(pid);
  });

  test("a worker killed mid-task fails that task only; its sent-ahead work runs elsewhere", async () => {
    const ex = track(new ProcessPoolExecutor({ module, maxWorkers: 1 }));
    const pid = await ex.run(tasks.pid);
    const victim = ex.submit(tasks.sleep, 5000);
    const after = Array.from({ length: 50 }, (_, i) => ex.submit(tasks.add, i, 1));
    while (!victim.running()) await Bun.sleep(2);
    kill(pid);
    const err = (await victim.exception()) as WorkerExitedError;
    expect(err).toBeInstanceOf(WorkerExitedError);
    expect(err.signal).toBe("SIGKILL");
    expect(err.pid).toBe(pid);
    expect(await Promise.all(after.map((f) => f.result()))).toEqual(
      Array.from({ length: 50 }, (_, i) => i + 1),
    );
  });
});

describe("what breaks an executor", () => {
  const kinds = [
    ["ThreadPoolExecutor", ThreadPoolExecutor, BrokenThreadPoolError],
    ["ProcessPoolExecutor", ProcessPoolExecutor, BrokenProcessPoolError],
  ] as const;
  for (const [name, Ctor, Broken] of kinds) {
    test(`${name}: workers that exit while loading the module, none ever ready, break it and say so`, async () => {
      const ex = track(new Ctor({ module: new URL("./fixtures/exits-on-load.ts", import.meta.url) }));
      const err = (await ex.submit("never").exception()) as Error;
      expect(err).toBeInstanceOf(Broken);
      expect(err.message).toContain("before any worker became ready");
      expect(err.message).toContain("code 3");
      expect(() => ex.submit("never")).toThrow(Broken);
    });

    test(`${name}: a module that fails to load breaks it, naming the module`, async () => {
      const ex = track(new Ctor({ module: new URL("./fixtures/no-such-module.ts", import.meta.url) }));
      const err = (await ex.submit("anything").exception()) as Error;
      expect(err).toBeInstanceOf(Broken);
      expect(err.message).toContain("task module failed to load");
      expect(err.message).toContain("no-such-module");
    });

    test(`${name}: a throwing initializer breaks it, naming the initializer`, async () => {
      const ex = track(new Ctor({ module, initializer: tasks.badInit }));
      const err = (await ex.submit(tasks.add, 1, 2).exception()) as Error;
      expect(err).toBeInstanceOf(Broken);
      expect(err.message).toContain("initializer threw");
      expect(err.message).toContain("init went wrong");
    });
  }
});
