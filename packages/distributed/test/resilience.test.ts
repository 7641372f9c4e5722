import { afterAll, afterEach, beforeAll, describe, expect, setDefaultTimeout, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { WorkerExitedError } from "@conc/core";
import { DistributedExecutor, JobLostError, runWorkerNode } from "@conc/distributed";
import type * as tasks from "./fixtures/tasks.ts";
import { freePort, REDIS_SKIP, type RedisServer, startRedis } from "./redis-server.ts";
import { type NodeProcess, spawnNode } from "./spawn-node.ts";

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
async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe.skipIf(REDIS_SKIP)("node death, Redis restarts, dropped event connections", () => {
  let redis: RedisServer;
  let dir: string;
  const procs: NodeProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), "conc-dist-res-"));
  });
  afterEach(async () => {
    await Promise.all(procs.splice(0).map((p) => p.kill()));
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("a SIGKILLed node fails its running task with WorkerExitedError, even with no node left", async () => {
    const file = join(dir, "death");
    const node = await spawnNode(redis.url, "death");
    procs.push(node);
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "death", module });
    const fut = ex.submit("mark", file, "t", 20_000);
    await until(() => fut.running() && lines(file).includes("t"), "the task to start");
    await node.kill();
    const err = await fut.exception(10_000);
    expect(err).toBeInstanceOf(WorkerExitedError);
    expect((err as Error).message).toContain("stopped renewing its lock");
    expect(lines(file)).toEqual(["t"]);
  }, 20_000);

  test("with retries: 1 the task re-runs on another node and succeeds", async () => {
    const file = join(dir, "retry");
    const nodes = [await spawnNode(redis.url, "retry"), await spawnNode(redis.url, "retry")];
    procs.push(...nodes);
    await using ex = new DistributedExecutor<typeof tasks>({
      redis: redis.url,
      queue: "retry",
      module,
      retries: 1,
    });
    const fut = ex.submit("mark", file, "r", 1_500);
    await until(() => lines(file).includes("r"), "the task to start");
    const jobs = (await redis.command("KEYS", "bull:retry:*-1")) as string[];
    const claim = String(await redis.command("HGET", jobs[0] as string, "concClaim"));
    const holder = nodes.find((n) => claim.includes(`-${n.proc.pid}-`));
    expect(holder).toBeDefined();
    await holder?.kill();
    expect(await fut.result(15_000)).toBe("r");
    expect(lines(file)).toEqual(["r", "r", "r:end"]);
  }, 20_000);

  test("a Redis restart without persistence fails the sent tasks with JobLostError; work still here goes on", async () => {
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "lost",
      module,
      pool: "threads",
      maxWorkers: 1,
      concurrency: 1,
    });
    const ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "lost", module });
    try {
      const running = ex.submit("sleep", 3_000);
      // The node's one slot is taken: this one waits in the client, not in Redis.
      const waiting = ex.submit("add", 40, 2);
      await until(() => running.running(), "the task to start");
      expect(waiting.state).toBe("PENDING");
      await redis.restart();
      const err = (await running.exception(10_000)) as JobLostError;
      expect(err).toBeInstanceOf(JobLostError);
      expect(err.message).toContain("restarted without persistence?");
      // Never sent, so never lost: it is sent once the slot is free again, and runs.
      expect(await waiting.result(10_000)).toBe(42);
      // Everything reconnects and serves again.
      expect(await ex.run("add", 2, 3)).toBe(5);
    } finally {
      await ex.shutdown();
      await node.close({ timeoutMs: 4_000 });
    }
  }, 20_000);

  test("CLIENT KILL of the event connection loses and duplicates nothing", async () => {
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "kill",
      module,
      pool: "threads",
      maxWorkers: 2,
      concurrency: 8,
    });
    const ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "kill", module });
    try {
      const settled = new Map<number, number>();
      const futs = Array.from({ length: 400 }, (_, i) => {
        const f = ex.submit("sleep", i % 3);
        f.addDoneCallback(() => settled.set(i, (settled.get(i) ?? 0) + 1));
        return f;
      });
      let kills = 0;
      for (let k = 0; k < 3; k++) {
        // BullMQ names the QueueEvents connection only once; after a reconnect it is the one blocked in XREAD.
        let id: string | undefined;
        await until(async () => {
          const list = String(await redis.command("CLIENT", "LIST"));
          id = list
            .split("\n")
            .filter((line) => / cmd=xread/.test(line))
            .map((line) => /(?:^| )id=(\d+) /.exec(line)?.[1])[0];
          return id !== undefined;
        }, "the event connection");
        await redis.command("CLIENT", "KILL", "ID", id as string);
        kills++;
      }
      expect(kills).toBeGreaterThanOrEqual(3);
      const results = await Promise.all(futs.map((f) => f.result(20_000)));
      expect(results).toEqual(futs.map((_, i) => i % 3));
      expect([...settled.values()].every((n) => n === 1)).toBe(true);
      expect(settled.size).toBe(400);
    } finally {
      await ex.shutdown();
      await node.close();
    }
  }, 30_000);

  test("events trimmed from the stream before the client read them are recovered by reconciling", async () => {
    const node = await runWorkerNode({
      redis: redis.url,
      queue: "gap",
      module,
      pool: "threads",
      maxWorkers: 2,
      concurrency: 16,
    });
    const ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "gap", module });
    try {
      expect(await ex.run("add", 0, 0)).toBe(0);
      // A tiny, tightly trimmed stream: entries the client has not read yet get dropped.
      await redis.command("CONFIG", "SET", "stream-node-max-entries", "4");
      await redis.command("HSET", "bull:gap:meta", "opts.maxLenEvents", "8");
      const futs = Array.from({ length: 300 }, (_, i) => ex.submit("add", i, 1));
      let id: string | undefined;
      await until(async () => {
        const list = String(await redis.command("CLIENT", "LIST"));
        id = list
          .split("\n")
          .filter((line) => / cmd=xread/.test(line))
          .map((line) => /(?:^| )id=(\d+) /.exec(line)?.[1])[0];
        return id !== undefined;
      }, "the event connection");
      await redis.command("CLIENT", "KILL", "ID", id as string);
      const results = await Promise.all(futs.map((f) => f.result(20_000)));
      expect(results).toEqual(futs.map((_, i) => i + 1));
    } finally {
      await redis.command("CONFIG", "SET", "stream-node-max-entries", "100");
      await ex.shutdown();
      await node.close();
    }
  }, 30_000);

  test("an unreachable Redis fails the work with RedisConnectionError within the connection timeout", async () => {
    await using ex = new DistributedExecutor<typeof tasks>({
      redis: "redis://127.0.0.1:1",
      queue: "nowhere",
      module,
      connectTimeoutMs: 300,
    });
    const err = (await ex.submit("add", 1, 2).exception(5_000)) as Error;
    expect(err.name).toBe("RedisConnectionError");
    expect(err.message).toContain("could not be reached within 300 ms");
    await expect(
      runWorkerNode({ redis: "redis://127.0.0.1:1", queue: "nowhere", module, connectTimeoutMs: 300 }),
    ).rejects.toThrow(/could not be reached within 300 ms/);
  });

  test("Redis gone for longer than the connection timeout fails waiting tasks with RedisConnectionError", async () => {
    const own = await startRedis();
    const ex = new DistributedExecutor<typeof tasks>({
      redis: own.url,
      queue: "gone",
      module,
      connectTimeoutMs: 500,
    });
    try {
      const fut = ex.submit("add", 1, 2); // no node: it waits in the queue
      await until(
        async () => Number(await own.command("LLEN", "bull:gone:wait")) === 1,
        "the job to be queued",
      );
      await own.stop();
      const err = (await fut.exception(10_000)) as Error;
      expect(err.name).toBe("RedisConnectionError");
      expect(err.message).toContain("unreachable for more than 500 ms");
    } finally {
      await ex.shutdown({ wait: false });
      await own.stop();
    }
  }, 20_000);

  test("SIGTERM drains a node: its running task finishes, then the node exits", async () => {
    const file = join(dir, "drain");
    const node = await spawnNode(redis.url, "drain");
    procs.push(node);
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "drain", module });
    const fut = ex.submit("mark", file, "d", 600);
    await until(() => lines(file).includes("d"), "the task to start");
    node.proc.kill("SIGTERM");
    expect(await fut.result(10_000)).toBe("d");
    expect(await node.proc.exited).toBe(0);
    expect(lines(file)).toEqual(["d", "d:end"]);
    expect(await ex.nodes()).toEqual([]);
  }, 20_000);

  test("close() of a node whose Redis is gone returns within its deadline", async () => {
    const own = await startRedis();
    const node = await runWorkerNode({
      redis: own.url,
      queue: "down",
      module,
      pool: "threads",
      maxWorkers: 1,
    });
    await own.stop();
    const closed = node.close({ timeoutMs: 300 }).then(() => "closed");
    expect(await Promise.race([closed, Bun.sleep(5_000).then(() => "hung")])).toBe("closed");
  }, 20_000);

  test("after RedisConnectionError the executor connects once Redis is there", async () => {
    const port = freePort();
    const url = `redis://127.0.0.1:${port}`;
    const ex = new DistributedExecutor<typeof tasks>({
      redis: url,
      queue: "late",
      module,
      connectTimeoutMs: 300,
    });
    const own = { server: undefined as RedisServer | undefined };
    try {
      expect(((await ex.submit("add", 1, 1).exception(5_000)) as Error).name).toBe("RedisConnectionError");
      own.server = await startRedis(port);
      const node = await runWorkerNode({ redis: url, queue: "late", module, pool: "threads", maxWorkers: 1 });
      try {
        expect(await ex.run("add", 2, 2)).toBe(4);
      } finally {
        await node.close();
      }
    } finally {
      await ex.shutdown();
      await own.server?.stop();
    }
  }, 20_000);

  test("a node whose task module cannot load refuses to start with TaskModuleError; nothing is lost", async () => {
    await using ex = new DistributedExecutor<typeof tasks>({ redis: redis.url, queue: "bad", module });
    const fut = ex.submit("add", 20, 22);
    await until(
      async () => Number(await redis.command("LLEN", "bull:bad:wait")) === 1,
      "the job to be queued",
    );
    await expect(
      runWorkerNode({
        redis: redis.url,
        queue: "bad",
        module: new URL("./fixtures/missing.ts", import.meta.url),
      }),
    ).rejects.toThrow(/could not load its task module/);
    expect(fut.running()).toBe(true); // sent (no live node was known), waiting in Redis

    const good = await runWorkerNode({
      redis: redis.url,
      queue: "bad",
      module,
      pool: "threads",
      maxWorkers: 1,
    });
    try {
      expect(await fut.result(10_000)).toBe(42);
    } finally {
      await good.close();
    }
  }, 20_000);
});
