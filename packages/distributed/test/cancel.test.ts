import { afterAll, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CancelledError, TimeoutError } from "@conc/core";
import { judgeCancels, sharedCounters } from "@conc/core/testing";
import { DistributedExecutor, runWorkerNode, type WorkerNode } from "@conc/distributed";
import type * as tasks from "./fixtures/tasks.ts";
import { REDIS_SKIP, type RedisServer, startRedis } from "./redis-server.ts";

// Outcomes, not clocks: a loaded CI machine may take seconds for a node to start or a lock to expire.
setDefaultTimeout(20_000);

const module = new URL("./fixtures/tasks.ts", import.meta.url);
const lines = (file: string): string[] => {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
};
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(5);
  }
}

describe.skipIf(REDIS_SKIP)("cancel", () => {
  let redis: RedisServer;
  let dir: string;
  const nodes: WorkerNode[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), "conc-dist-cancel-"));
    for (const pool of ["threads", "processes"] as const) {
      nodes.push(
        await runWorkerNode({ redis: redis.url, queue: pool, module, pool, maxWorkers: 1, concurrency: 1 }),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(nodes.map((n) => n.close({ timeoutMs: 2_000 })));
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("cancels aimed at the jobs the nodes are about to claim: true never ran; each outcome matches its side effect", async () => {
    const race = await runWorkerNode({
      redis: redis.url,
      queue: "race",
      module,
      pool: "threads",
      maxWorkers: 2,
      concurrency: 8,
    });
    try {
      const n = 1000;
      using file = sharedCounters(n);
      const counters = file.counters;
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "race", module });
      const futures = Array.from({ length: n }, (_, i) => ex.submit("markRan", file.path, i));
      const end = Date.now() + 10_000;
      const answers = new Map<number, boolean>();
      const cancel = (i: number) => {
        if (i < n && !answers.has(i)) answers.set(i, (futures[i] as (typeof futures)[number]).cancel());
      };
      // Far back: every tenth of the second half, at once (those wait here for room).
      for (let i = n / 2; i < n; i += 10) cancel(i);
      // Near the front, where the nodes are claiming jobs: just ahead of the first one not run yet.
      const ran = (i: number) => Atomics.load(counters, i) > 0 || answers.has(i) || futures[i]?.done();
      for (let first = 0; first < n && Date.now() < end; ) {
        while (first < n && ran(first)) first++;
        cancel(first + 1);
        cancel(first + 3);
        await Bun.sleep(0);
      }
      await Promise.all(futures.map((f) => f.exception().catch(() => undefined)));
      const verdicts = judgeCancels(futures, answers, counters);
      expect(verdicts.wrong).toEqual([]);
      expect(verdicts.cancelledTrue).toBeGreaterThan(0); // the race was really run: jobs waited here for room
    } finally {
      await race.close({ timeoutMs: 2_000 });
    }
  });

  test("work submitted before any node started waits in Redis; once a node is live, queued work waits here (cancel() true)", async () => {
    const file = join(dir, "late");
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "late", module });
    const first = ex.submit("mark", file, "first", 300); // no live node: sent, waits in Redis
    expect(first.cancel()).toBe(true); // still this tick: never sent
    const second = ex.submit("mark", file, "second", 300);
    await until(() => second.running(), "the job to be sent");
    expect(second.cancel()).toBe(false); // sent: Python's call-queue rule
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "late",
      module,
      pool: "threads",
      maxWorkers: 1,
      concurrency: 1,
    });
    try {
      // The cancel of a sent job still removed it before any node took it.
      expect(await second.exception().catch((e) => e)).toBeInstanceOf(CancelledError);
      const blocker = ex.submit("mark", file, "blocker", 300);
      await until(() => lines(file).includes("blocker"), "the blocker to start");
      const queued = [1, 2, 3].map((i) => ex.submit("mark", file, `q${i}`, 0));
      await Bun.sleep(0);
      expect(queued.map((f) => f.cancel())).toEqual([true, true, true]);
      expect(await blocker.result()).toBe("blocker");
      expect(await ex.run("mark", file, "after", 0)).toBe("after");
      expect(lines(file)).toEqual(["blocker", "blocker:end", "after", "after:end"]);
    } finally {
      await node.close({ timeoutMs: 2_000 });
    }
  });

  test("a job whose claim another client took is never run, and its future ends CANCELLED, not failed", async () => {
    const file = join(dir, "claimed");
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "claimed", module });
    const fut = ex.submit("mark", file, "never", 0); // no node yet: it waits in Redis
    await until(() => fut.running(), "the job to be sent");
    const [id] = (await redis.command("LRANGE", "bull:claimed:wait", 0, -1)) as string[];
    // What another client's (or this one's) late cancel does first: take the job's claim.
    expect(await redis.command("HSETNX", `bull:claimed:${id}`, "concClaim", "x")).toBe(1);
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "claimed",
      module,
      pool: "threads",
      maxWorkers: 1,
    });
    try {
      const err = await fut.exception().catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect(fut.cancelled()).toBe(true);
      expect(lines(file)).toEqual([]);
    } finally {
      await node.close({ timeoutMs: 2_000 });
    }
  });

  test("a node with the default concurrency (more BullMQ slots than pool workers): queued work still waits here", async () => {
    const file = join(dir, "default-concurrency");
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "wide",
      module,
      pool: "threads",
      maxWorkers: 1,
    });
    try {
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "wide", module });
      const blocker = ex.submit("mark", file, "blocker", 300);
      const queued = Array.from({ length: 5 }, (_, i) => ex.submit("mark", file, `q${i}`, 0));
      await until(() => lines(file).includes("blocker"), "the blocker to start");
      expect(queued.map((f) => f.cancel())).toEqual([true, true, true, true, true]);
      expect(await blocker.result()).toBe("blocker");
      expect(await ex.run("mark", file, "after", 0)).toBe("after");
      expect(lines(file)).toEqual(["blocker", "blocker:end", "after", "after:end"]);
    } finally {
      await node.close({ timeoutMs: 2_000 });
    }
  });

  for (const pool of ["threads", "processes"] as const) {
    test(`${pool}: cancel() of queued tasks removes them; none of them ever runs`, async () => {
      const file = join(dir, `queued-${pool}`);
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: pool, module });
      const blocker = ex.submit("mark", file, "blocker", 400);
      const queued = Array.from({ length: 5 }, (_, i) => ex.submit("mark", file, `q${i}`, 0));
      await until(() => blocker.running(), "the blocker to start");
      expect(queued.map((f) => f.cancel())).toEqual([true, true, true, true, true]);
      expect(queued.every((f) => f.cancelled())).toBe(true);
      expect(await blocker.result()).toBe("blocker");
      // The node is free again: a later task runs, and still none of the cancelled ones did.
      expect(await ex.run("mark", file, "after", 0)).toBe("after");
      expect(lines(file)).toEqual(["blocker", "blocker:end", "after", "after:end"]);
      expect(await queued[0]?.exception().catch((e) => e)).toBeInstanceOf(CancelledError);
    });

    test(`${pool}: stop() ends a running task on its node, which keeps serving`, async () => {
      const file = join(dir, `stop-${pool}`);
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: pool, module });
      const fut = ex.submit("spin", file, "spin", 5_000);
      await until(() => lines(file).includes("spin"), "the task to start");
      expect(ex.stop(fut, "enough")).toBe(true);
      const err = await fut.exception().catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect((err as CancelledError).cause).toBe("enough");
      expect(ex.stop(fut)).toBe(false);
      expect(await ex.run("mark", file, "next", 0)).toBe("next");
      expect(lines(file)).toEqual(["spin", "next", "next:end"]);
    });

    test(`${pool}: an AbortSignal stops a running task on its node, which keeps serving`, async () => {
      const file = join(dir, `signal-${pool}`);
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: pool, module });
      const ac = new AbortController();
      const fut = ex.schedule("spin", { args: [file, "spin", 5_000], signal: ac.signal });
      await until(() => lines(file).includes("spin"), "the task to start");
      ac.abort(new Error("user pressed stop"));
      const err = await fut.exception().catch((e) => e);
      expect(err).toBeInstanceOf(CancelledError);
      expect((err as CancelledError).cause).toEqual(new Error("user pressed stop"));
      expect(fut.cancelled()).toBe(true);
      // The node replaced its worker: the next task runs at once, and the spin never finished.
      expect(await ex.run("mark", file, "next", 0)).toBe("next");
      expect(lines(file)).toEqual(["spin", "next", "next:end"]);
    });

    test(`${pool}: a deadline stops a running task with TimeoutError`, async () => {
      const file = join(dir, `timeout-${pool}`);
      await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: pool, module });
      const fut = ex.schedule("spin", { args: [file, "late", 5_000], timeout: 300 });
      const err = await fut.exception();
      expect(err).toBeInstanceOf(TimeoutError);
      expect(await ex.run("mark", file, "next", 0)).toBe("next");
      expect(lines(file)).toEqual(["late", "next", "next:end"]);
    });
  }

  test("map: a deadline throws TimeoutError; stopping early cancels the chunks not started", async () => {
    const file = join(dir, "map-stop");
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "threads", module });
    let caught: unknown;
    try {
      for await (const _ of ex.map("sleep", [2_000, 2_000], { timeout: 100 })) {
      }
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(TimeoutError);
    expect((caught as TimeoutError).message).toContain("map() did not finish within 100 ms");
    await Bun.sleep(2_100); // the node finishes the chunk that had started
    const seen: string[] = [];
    const tags = Array.from({ length: 8 }, (_, i) => `m${i}`);
    for await (const tag of ex.map(
      "mark",
      [file, file, file, file, file, file, file, file],
      tags,
      [300, 300, 300, 300, 300, 300, 300, 300],
    )) {
      seen.push(tag);
      break;
    }
    expect(seen).toEqual(["m0"]);
    await Bun.sleep(700); // anything still allowed to run would have started by now
    const started = lines(file).filter((l) => !l.endsWith(":end"));
    // The node runs one task at a time: m0, perhaps m1 (taken before the stop); never the rest.
    expect(started.length).toBeLessThanOrEqual(2);
    expect(started[0]).toBe("m0");
  }, 15_000);

  test("a signal aborted before submit never sends the job", async () => {
    const file = join(dir, "pre-aborted");
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "threads", module });
    const fut = ex.schedule("mark", { args: [file, "never", 0], signal: AbortSignal.abort("no") });
    expect(fut.cancelled()).toBe(true);
    expect(await ex.run("mark", file, "ok", 0)).toBe("ok");
    expect(lines(file)).toEqual(["ok", "ok:end"]);
  });

  test("shutdown({ cancelFutures }) stops the running task and cancels the queued ones", async () => {
    const file = join(dir, "shutdown");
    const ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "threads", module });
    const running = ex.submit("spin", file, "run", 5_000);
    const queued = ex.submit("mark", file, "queued", 0);
    // RUNNING once sent; the side effect says the node really started it.
    await until(() => lines(file).includes("run"), "the task to start");
    await ex.shutdown({ cancelFutures: true });
    expect(running.cancelled()).toBe(true);
    expect(queued.cancelled()).toBe(true);
    await using check = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "threads", module });
    expect(await check.run("mark", file, "after", 0)).toBe("after");
    expect(lines(file)).toEqual(["run", "after", "after:end"]);
  });

  test("shutdown({ wait: true }) waits for running work; wait: false returns at once", async () => {
    const ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "threads", module });
    const fut = ex.submit("sleep", 200);
    await ex.shutdown({ wait: false });
    expect(() => ex.submit("sleep", 1)).toThrow(/after shutdown/);
    await ex.shutdown();
    expect(fut.done()).toBe(true);
    expect(await fut.result()).toBe(200);
  });
});
