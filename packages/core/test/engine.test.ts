/**
 * The engine on the in-memory transport: the real worker runtime in this thread, with delivery in
 * the test's hands, so races (cancel vs start, crash mid-window, deadline while sent ahead) are
 * played out exactly, without clocks.
 */
import { beforeEach, describe, expect, test } from "bun:test";
import { BrokenThreadPoolError, CancelledError, TimeoutError, WorkerExitedError } from "../src/errors.ts";
import { ChunkFailure } from "../src/executor/chunk.ts";
import { Engine } from "../src/executor/engine.ts";
import { FnRegistry } from "../src/executor/fn-registry.ts";
import type { Task } from "../src/executor/task.ts";
import { MemoryNetwork } from "../src/transport/memory.ts";
import { TASK_CHUNK_SINGLE, TASK_PLAIN } from "../src/transport/protocol.ts";
import * as tasks from "./fixtures/memory-tasks.ts";

const moduleUrl = new URL("./fixtures/memory-tasks.ts", import.meta.url).href;

interface Setup {
  maxWorkers?: number;
  maxTasksPerChild?: number | null;
  concurrency?: number;
}

function setup(o: Setup = {}) {
  const net = new MemoryNetwork();
  const registry = new FnRegistry(moduleUrl, () => tasks as unknown as Record<string, unknown>);
  const engine = new Engine({
    transport: net.transport,
    maxWorkers: o.maxWorkers ?? 1,
    moduleUrl,
    initializer: null,
    initargs: [],
    maxTasksPerChild: o.maxTasksPerChild ?? null,
    concurrency: o.concurrency ?? 1,
    makeBroken: (message, cause) => new BrokenThreadPoolError(message, { cause }),
    resolveErrorClass: () => undefined,
    registry,
  });
  const submit = <T = unknown>(fn: (...a: never[]) => unknown, ...args: unknown[]): Task<T> =>
    engine.submit<T>(registry.idOf(fn), TASK_PLAIN, args);
  return { net, engine, registry, submit };
}

beforeEach(() => tasks.reset());

describe("cancel and the claim", () => {
  test("cancelling sent-ahead work: true ⇒ it never runs, even in the worker's burst", async () => {
    const { net, submit } = setup();
    const busy = submit(tasks.gate, "busy");
    const after = ["a", "b", "c", "d"].map((n) => submit(tasks.record, n));
    await net.settle();
    // The pool cannot grow: the rest was sent ahead into the busy worker's window.
    expect(busy.state).toBe("RUNNING");
    // However narrow the window (it adapts to task duration), some of it went to the worker.
    expect(after.filter((f) => f.holder !== null).length).toBeGreaterThan(0);
    expect(after.map((f) => f.cancel())).toEqual([true, true, true, true]);
    tasks.open("busy");
    await net.settle();
    expect(tasks.ran).toEqual(["busy"]);
    for (const f of after) expect(f.cancelled()).toBe(true);
  });

  test("cancel racing a start the parent has not heard of yet returns false and the task finishes", async () => {
    const { net, submit } = setup();
    await net.settle();
    const f = submit(tasks.record, "x");
    await net.settle(); // worker started
    const g = submit(tasks.record, "late");
    await Promise.resolve();
    await Promise.resolve();
    const w = net.workers[0];
    if (!w) throw new Error("no worker");
    await w.deliverToWorker(); // the worker claims and runs it...
    expect(tasks.ran).toEqual(["x", "late"]);
    expect(g.state).toBe("PENDING"); // ...but the parent has not heard
    expect(g.cancel()).toBe(false);
    expect(g.state).toBe("RUNNING");
    w.deliverToParent();
    expect(await g.result()).toBe("late");
    expect(await f.result()).toBe("x");
  });

  test("a deadline while sent ahead: the task never runs and its worker is kept", async () => {
    const { net, engine, submit } = setup();
    const busy = submit(tasks.gate, "busy");
    const doomed = submit(tasks.record, "doomed");
    const next = submit(tasks.record, "next");
    await net.settle();
    engine.expire(doomed, new TimeoutError("too late"), false);
    tasks.open("busy");
    await net.settle();
    expect(await busy.result()).toBe("busy");
    expect(await doomed.exception()).toBeInstanceOf(TimeoutError);
    expect(await next.result()).toBe("next");
    expect(tasks.ran).toEqual(["busy", "next"]);
    expect(net.workers.length).toBe(1);
  });

  test("a deadline while running replaces the worker; its sent-ahead work runs on the next one", async () => {
    const { net, engine, submit } = setup();
    const stuck = submit(tasks.gate, "stuck");
    const after = submit(tasks.record, "after");
    await net.settle();
    engine.expire(stuck, new TimeoutError("too slow"), false);
    await net.settle();
    expect(await stuck.exception()).toBeInstanceOf(TimeoutError);
    expect(await after.result()).toBe("after");
    expect(net.workers.length).toBe(2);
    expect(net.workers[0]?.killed).toBe(true);
  });

  test("an abort while sent ahead cancels without touching the worker", async () => {
    const { net, engine, submit } = setup();
    submit(tasks.gate, "busy");
    const aborted = submit(tasks.record, "aborted");
    await net.settle();
    engine.expire(aborted, new CancelledError("aborted"), true);
    expect(aborted.cancelled()).toBe(true);
    tasks.open("busy");
    await net.settle();
    expect(tasks.ran).toEqual(["busy"]);
    expect(net.workers.length).toBe(1);
  });
});

describe("crash attribution", () => {
  const cases = [
    {
      name: "exit while idle: nothing fails, the next task gets a new worker",
      before: [] as string[],
      expectFailed: [] as string[],
    },
    {
      name: "crash mid-task: the running task fails, sent-ahead ones run on the replacement",
      before: ["gate:g1", "record:r1", "record:r2"],
      expectFailed: ["g1"],
    },
  ];
  for (const c of cases) {
    test(c.name, async () => {
      const { net, submit } = setup();
      await net.settle();
      const futures = c.before.map((spec) => {
        const [fn, name] = spec.split(":") as ["gate" | "record", string];
        return { name, fut: submit(fn === "gate" ? tasks.gate : tasks.record, name) };
      });
      if (futures.length === 0) submit(tasks.record, "warm");
      await net.settle();
      net.workers[0]?.crash(null, "SIGKILL");
      await net.settle();
      const later = submit(tasks.record, "later");
      await net.settle();
      const failed: string[] = [];
      for (const { name, fut } of futures) {
        const err = await fut.exception();
        if (err instanceof WorkerExitedError) failed.push(name);
        else expect(await fut.result()).toBe(name);
      }
      expect(failed).toEqual(c.expectFailed);
      expect(await later.result()).toBe("later");
      expect(net.alive.length).toBe(1);
    });
  }

  test("a chunk whose worker dies part-way fails as a whole with WorkerExitedError", async () => {
    const { net, engine, registry } = setup();
    const chunk = engine.submit(registry.idOf(tasks.gate), TASK_CHUNK_SINGLE, ["c1", "c2"]);
    await net.settle();
    expect(tasks.ran).toEqual(["c1"]);
    net.workers[0]?.crash(7, null);
    await net.settle();
    const err = (await chunk.exception()) as WorkerExitedError;
    expect(err).toBeInstanceOf(WorkerExitedError);
    expect(err.exitCode).toBe(7);
  });

  test("a chunk that throws part-way fails with a ChunkFailure holding the results before it", async () => {
    const { net, engine, registry } = setup();
    const chunk = engine.submit(registry.idOf(tasks.throwIt), TASK_CHUNK_SINGLE, ["boom"]);
    const ok = engine.submit(registry.idOf(tasks.record), TASK_CHUNK_SINGLE, ["p", "q"]);
    await net.settle();
    const err = (await chunk.exception()) as ChunkFailure;
    expect(err).toBeInstanceOf(ChunkFailure);
    expect(err.results).toEqual([]);
    expect(err.error).toBeInstanceOf(RangeError);
    expect(await ok.result()).toEqual(["p", "q"]);
  });

  test("a worker that dies before it is ready is replaced, and its task runs", async () => {
    const { net, submit } = setup();
    const f = submit(tasks.record, "survivor");
    await Promise.resolve();
    await Promise.resolve();
    net.workers[0]?.crash(null, "SIGKILL");
    await net.settle();
    expect(await f.result()).toBe("survivor");
    expect(net.workers.length).toBe(2);
  });

  test("workers that exit on their own during start-up, none ever ready, break the engine", async () => {
    const { net, engine, submit } = setup();
    const f = submit(tasks.record, "never");
    await Promise.resolve();
    await Promise.resolve();
    net.workers[0]?.crash(3, null);
    await net.settle();
    const err = (await f.exception()) as BrokenThreadPoolError;
    expect(err).toBeInstanceOf(BrokenThreadPoolError);
    expect(err.message).toContain("before any worker became ready");
    expect(engine.broken).toBe(err);
  });

  test("a replacement storm backs off: past the limit, no worker is started at once", async () => {
    const { net, submit } = setup();
    const f = submit(tasks.record, "patient");
    let spawnedAtOnce = 0;
    for (let i = 0; i < 12; i++) {
      await Promise.resolve();
      await Promise.resolve();
      const before = net.workers.length;
      net.alive[0]?.crash(null, "SIGKILL");
      net.workers.at(-1)?.deliverToParent();
      await Promise.resolve();
      await Promise.resolve();
      if (net.workers.length > before) spawnedAtOnce++;
      else break;
    }
    // stormLimit(1) = 6 deaths are replaced at once; the next replacement waits.
    expect(spawnedAtOnce).toBe(6);
    expect(f.done()).toBe(false);
    while (net.alive.length === 0) await Bun.sleep(5);
    await net.settle();
    expect(await f.result()).toBe("patient");
  });
});

describe("progress", () => {
  test("the last value a task reported is applied before its result", async () => {
    const { net, submit } = setup();
    const f = submit(tasks.reportThenReturn, 5);
    let doneWhenLast: boolean | undefined;
    f.onProgress((v) => {
      if (v === 5) doneWhenLast = f.done();
    });
    await net.settle();
    expect(await f.result()).toBe("reported 5");
    expect(f.progress).toBe(5);
    expect(doneWhenLast).toBe(false);
  });
});

describe("assignment", () => {
  test("while the pool can grow, a task goes to a new worker, not into a busy window", async () => {
    const { net, submit } = setup({ maxWorkers: 3 });
    await net.settle();
    const fs = ["a", "b", "c"].map((n) => submit(tasks.gate, n));
    await net.settle();
    expect(net.workers.length).toBe(3);
    expect([...tasks.ran].sort()).toEqual(["a", "b", "c"]);
    for (const n of ["a", "b", "c"]) tasks.open(n);
    await net.settle();
    expect(await Promise.all(fs.map((f) => f.result()))).toEqual(["a", "b", "c"]);
  });

  test("maxTasksPerChild replaces a worker after that many tasks", async () => {
    const { net, submit } = setup({ maxTasksPerChild: 2 });
    const fs = ["a", "b", "c", "d", "e"].map((n) => submit(tasks.record, n));
    await net.settle();
    expect(await Promise.all(fs.map((f) => f.result()))).toEqual(["a", "b", "c", "d", "e"]);
    expect(net.workers.length).toBe(3);
    expect(net.workers.slice(0, 2).every((w) => w.killed)).toBe(true);
  });
});
