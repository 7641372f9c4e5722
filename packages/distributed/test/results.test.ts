import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { asCompleted, CancelledError, Lock, RemoteError, wait } from "@conc/core";
import { DistributedExecutor, runWorkerNode, type WorkerNode } from "@conc/distributed";
import * as tasks from "./fixtures/tasks.ts";
import { REDIS_SKIP, type RedisServer, startRedis } from "./redis-server.ts";

// Outcomes, not clocks: a loaded CI machine may take seconds for a node to start or a lock to expire.
setDefaultTimeout(20_000);

const module = new URL("./fixtures/tasks.ts", import.meta.url);

describe.skipIf(REDIS_SKIP)("results and errors", () => {
  let redis: RedisServer;
  let node: WorkerNode;
  let ex: DistributedExecutor<typeof tasks>;
  beforeAll(async () => {
    redis = await startRedis();
    node = await runWorkerNode({
      redis: redis.url,
      queue: "results",
      module,
      pool: "threads",
      maxWorkers: 2,
    });
    ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "results", module });
  });
  afterAll(async () => {
    await ex?.shutdown();
    await node?.close();
    await redis?.stop();
  });

  test("submit by function and by name gives the result", async () => {
    expect(await ex.submit(tasks.add, 1, 2).result()).toBe(3);
    expect(await ex.submit("add", 40, 2).result()).toBe(42);
    expect(await ex.run("square", 9)).toBe(81);
  });

  test("non-JSON values survive the trip", async () => {
    const value = {
      when: new Date(1_700_000_000_000),
      big: 2n ** 70n,
      map: new Map<unknown, unknown>([
        [1, "a"],
        ["k", new Set([1, 2])],
      ]),
      missing: undefined,
      nums: [Number.NaN, Number.POSITIVE_INFINITY, -0],
      bytes: new Uint8Array([1, 2, 255]),
      tricky: { $$: "not a tag" },
    };
    const back = (await ex.run("echo", value)) as typeof value;
    expect(back).toEqual(value);
    expect(back.when).toBeInstanceOf(Date);
    expect(Object.is(back.nums[2], -0)).toBe(true);
    expect("missing" in back).toBe(true);
  });

  test("a task's error keeps class, fields, cause and the worker's stack", async () => {
    const err = (await ex.submit("failValidation", "email").exception()) as tasks.ValidationError;
    expect(err).toBeInstanceOf(tasks.ValidationError);
    expect(err.name).toBe("ValidationError");
    expect(err.message).toBe("bad email");
    expect(err.field).toBe("email");
    expect(err.cause).toBeInstanceOf(RangeError);
    expect(err.stack).toContain("failValidation");
  });

  test("many submits in one tick all settle once, in any order via asCompleted and wait", async () => {
    const futs = Array.from({ length: 300 }, (_, i) => ex.submit("square", i));
    const seen = new Set<number>();
    for await (const f of asCompleted(futs, { timeout: 20_000 })) seen.add(await f.result());
    expect(seen.size).toBe(300);
    const { done, notDone } = await wait(futs);
    expect(done.size).toBe(300);
    expect(notDone.size).toBe(0);
  });

  test("map keeps order across chunks, with several iterables and a lazy generator", async () => {
    const out: number[] = [];
    for await (const r of ex.map("square", [1, 2, 3, 4, 5, 6, 7], { chunksize: 3 })) out.push(r);
    expect(out).toEqual([1, 4, 9, 16, 25, 36, 49]);
    const sums: number[] = [];
    for await (const s of ex.map("add", [1, 2, 3], [10, 20, 30, 40])) sums.push(s);
    expect(sums).toEqual([11, 22, 33]);
    function* endless() {
      for (let i = 0; ; i++) yield i;
    }
    const first: number[] = [];
    for await (const r of ex.map("square", endless(), { chunksize: 4, buffersize: 2 })) {
      first.push(r);
      if (first.length === 10) break;
    }
    expect(first).toEqual([0, 1, 4, 9, 16, 25, 36, 49, 64, 81]);
  });

  test("map re-raises an item's error at its position, after the results before it", async () => {
    const out: number[] = [];
    let caught: unknown;
    try {
      for await (const r of ex.map("failAt", [1, 2, 3, 4, 5], [4, 4, 4, 4, 4], { chunksize: 2 })) out.push(r);
    } catch (err) {
      caught = err;
    }
    expect(out).toEqual([10, 20, 30]);
    expect(caught).toBeInstanceOf(tasks.ValidationError);
  });

  test("nodes, stats and the ExecutorLike counters describe the live nodes", async () => {
    expect(ex.kind).toBe("distributed");
    expect(ex.module).toBe(module.href);
    const nodes = await ex.nodes();
    expect(nodes.map((n) => [n.id, n.pool, n.maxWorkers])).toEqual([[node.id, "threads", 2]]);
    const stats = await ex.stats();
    expect(stats.maxWorkers).toBe(2);
    expect(stats.waiting).toBe(0);
    expect(ex.maxWorkers).toBe(2);
    expect(ex.queued).toBe(0);
  });

  test("progress reported on the node reaches fut.progress in order, the last value before the result", async () => {
    const fut = ex.submit("count", 5);
    const seen: number[] = [];
    fut.onProgress((p) => seen.push((p as { done: number }).done));
    expect(await fut.result()).toBe(5);
    expect(fut.progress).toEqual({ done: 5, total: 5 });
    expect(seen.at(-1)).toBe(5);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });

  test("a script that is its own task module runs (no self-import hang)", async () => {
    const script = new URL("./fixtures/self-module.ts", import.meta.url).pathname;
    const proc = Bun.spawn(["bun", script, redis.url], { stdout: "pipe", stderr: "pipe" });
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    const out = await new Response(proc.stdout).text();
    clearTimeout(timer);
    expect(await proc.exited).toBe(0);
    expect(out).toContain("triple(3) = 9");
    expect(out).toContain("unknown: ");
  }, 20_000);

  test("bad input is refused at the call with a clear error", async () => {
    expect(() => ex.submit("echo", () => 1)).toThrow(/args\[0\] is a function/);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => ex.submit("echo", cyclic)).toThrow(/circular/);
    expect(() => ex.submit(() => 1)).toThrow(/export of the task module/);
    expect(() => ex.submit("echo", { lock: new Lock() })).toThrow(
      /sync primitive .* cannot be sent to a distributed task/,
    );
    await Bun.sleep(50); // the client's background import of the module
    expect(() => ex.submit("nope" as "add", 1, 2)).toThrow(/not an exported function/);
    expect(() => ex.submit("constructor" as "add", 1, 2)).toThrow(/not an exported function/);
    expect(() => new DistributedExecutor({ redis: redis.url, queue: "a:b", module })).toThrow(/no ':'/);
    expect(() => new DistributedExecutor({ redis: "", queue: "q", module })).toThrow(/redis is required/);
    expect(() => new DistributedExecutor({ redis: "http://x", queue: "q", module })).toThrow(/redis:\/\//);
  });

  test("an unknown name the client could not check fails on the node with a TypeError", async () => {
    const blind = new DistributedExecutor({
      redis: redis.url,
      queue: "results",
      module: new URL("./fixtures/missing.ts", import.meta.url),
    });
    const err = await blind.submit("nope", 1).exception();
    expect(err).toBeInstanceOf(TypeError);
    expect((err as Error).message).toContain("not an exported function");
    await blind.shutdown();
  });

  test("a result over the node's cap fails with ResultTooLargeError", async () => {
    const small = await runWorkerNode({
      redis: redis.url,
      queue: "capped",
      module,
      pool: "threads",
      maxWorkers: 1,
      maxResultBytes: 1000,
    });
    const capped = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "capped", module });
    try {
      expect(await capped.run("big", 10)).toBe("xxxxxxxxxx");
      const err = (await capped.submit("big", 5000).exception()) as Error;
      expect(err.name).toBe("ResultTooLargeError");
      expect(err.message).toContain("over the node's cap of 1000 bytes");
      expect(err).not.toBeInstanceOf(RemoteError);
    } finally {
      await capped.shutdown();
      await small.close();
    }
  });

  test("shutdown: submit after it throws; cancelFutures cancels what has not started", async () => {
    const other = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "results", module });
    const futs = Array.from({ length: 5 }, () => other.submit("sleep", 1));
    await other.shutdown({ cancelFutures: true });
    for (const f of futs) expect(f.done()).toBe(true);
    expect(futs.every((f) => f.cancelled())).toBe(true);
    expect(() => other.submit("add", 1, 2)).toThrow(/after shutdown/);
    await other.shutdown();
    const err = await futs[0]?.exception().catch((e) => e);
    expect(err).toBeInstanceOf(CancelledError);
  });
});
