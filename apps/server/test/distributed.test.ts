/** A distributed pool (`{ kind: "distributed", redis, queue, module }`) behind createApp and conc.config.ts. */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CancelledError } from "@conc/core";
import { runWorkerNode, type WorkerNode } from "@conc/distributed";
import { createApp, ServerConfigError } from "@conc/server";
import { RemoteExecutor, type RemoteFuture } from "@conc/server/client";
import * as tasks from "../src/example/tasks.ts";
import { startServer } from "../src/serve/start.ts";
import { dashboardSource } from "../src/store/dashboard-source.ts";
import { cleanup, type Harness, module, rawCall, start, until } from "./helpers.ts";
import { REDIS_SKIP, type RedisServer, startRedis } from "./redis-server.ts";

describe.skipIf(REDIS_SKIP)("a distributed pool", () => {
  let redis: RedisServer;
  let node: WorkerNode;
  let h: Harness;
  beforeAll(async () => {
    redis = await startRedis();
    node = await runWorkerNode({
      redis: redis.url,
      queue: "srv",
      module,
      pool: "threads",
      maxWorkers: 1,
      concurrency: 1,
    });
    h = start({
      pools: { dist: { kind: "distributed", redis: redis.url, queue: "srv", module: module.href } },
    });
    await h.app.ready();
  });
  afterAll(async () => {
    await cleanup();
    await node?.close({ timeoutMs: 3_000 });
    await redis?.stop();
  });

  test("runs tasks on the worker nodes; errors keep their class", async () => {
    const c = h.client({ pool: "dist", errorClasses: { TaskFailure: tasks.TaskFailure } });
    expect(await c.run("add", 40, 2)).toBe(42);
    const err = (await c.submit("fail", "boom", 7).exception()) as tasks.TaskFailure;
    expect(err).toBeInstanceOf(tasks.TaskFailure);
    expect(err.message).toBe("boom");
    expect(err.code).toBe(7);
    await expect(c.run("nope" as "add", 1, 2)).rejects.toThrow(/no task named 'nope'/);
  });

  test("pools, /metrics and the dashboard show nodes, workers and queue depth", async () => {
    const c = h.client({ pool: "dist" });
    // The node takes one job at a time: one runs, two wait in the queue.
    const held = [c.submit("sleep", 1e9), c.submit("sleep", 1e9), c.submit("sleep", 1e9)];
    const dist = await until(async () => {
      const p = (await c.trpc.pools.query()).find((x) => x.name === "dist");
      return p && p.workers === 1 && p.queued >= 2 ? p : undefined;
    }, "pools shows the node's worker and two queued tasks");
    expect(dist).toMatchObject({ kind: "distributed", nodes: 1, workers: 1, maxWorkers: 1 });
    expect(dist?.tasks).toContain("add");

    const metrics = await (
      await fetch(`${h.base}/metrics`, { headers: { authorization: "Bearer test-token-0123456789" } })
    ).text();
    expect(metrics).toContain('conc_nodes{pool="dist"} 1');
    expect(metrics).toContain('conc_workers{pool="dist"} 1');
    const depth = Number(/conc_queue_depth\{pool="dist"\} (\d+)/.exec(metrics)?.[1]);
    expect(depth).toBeGreaterThanOrEqual(2);

    const source = dashboardSource(h.app.context);
    const row = await until(
      () => source.pools().find((p) => p.name === "dist" && p.nodes === 1),
      "dashboard row",
    );
    expect(row).toMatchObject({ kind: "distributed", workers: 1, maxWorkers: 1 });

    for (const f of held) await c.trpc.cancel.mutate({ id: (f as RemoteFuture<unknown>).id as string });
    for (const f of held) await expect(f.result()).rejects.toBeInstanceOf(CancelledError);
  });

  test("progress from a worker node reaches the remote client while the task runs", async () => {
    const c = h.client({ pool: "dist" });
    const fut = c.submit("reportThenSleep", { at: "node" }, 1e9);
    const first = await new Promise((resolve) => {
      const off = fut.onProgress((v) => {
        off();
        resolve(v);
      });
    });
    expect(first).toEqual({ at: "node" });
    await c.trpc.cancel.mutate({ id: (fut as RemoteFuture<unknown>).id as string });
    await expect(fut.result()).rejects.toBeInstanceOf(CancelledError);
  });

  test('conc.config.ts: `{ kind: "distributed", redis, queue, module }` (module relative to the config)', async () => {
    const dir = mkdtempSync(join(tmpdir(), "conc-dist-"));
    try {
      writeFileSync(join(dir, "t.ts"), `export * from ${JSON.stringify(module.pathname)};\n`);
      writeFileSync(
        join(dir, "conc.config.ts"),
        `export default { pools: { dist: { kind: "distributed", redis: ${JSON.stringify(redis.url)}, queue: "srv", module: ${JSON.stringify(module.pathname)} } } };\n`,
      );
      const s = await startServer({ port: 0, configPath: join(dir, "conc.config.ts") });
      try {
        const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "dist" });
        expect(await remote.run("square", 12)).toBe(144);
        const pools = await remote.trpc.pools.query();
        expect(pools[0]).toMatchObject({ name: "dist", kind: "distributed", nodes: 1 });
        await remote.shutdown();
      } finally {
        await s.stop();
      }
      writeFileSync(
        join(dir, "bad.config.ts"),
        `export default { pools: { dist: { kind: "distributed", redis: "127.0.0.1:6379", queue: "q", module: "./t.ts" } } };\n`,
      );
      const bad = await startServer({ port: 0, configPath: join(dir, "bad.config.ts") }).catch((e) => e);
      expect(bad).toBeInstanceOf(ServerConfigError);
      expect((bad as Error).message).toContain("redis");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("distributed pool specs", () => {
  test("createApp refuses a spec without redis, queue or module", () => {
    for (const spec of [
      { kind: "distributed", redis: "", queue: "q", module: module.href },
      { kind: "distributed", redis: "redis://127.0.0.1:1", queue: "", module: module.href },
      { kind: "distributed", redis: "redis://127.0.0.1:1", queue: "q", module: "" },
    ] as const) {
      expect(() => createApp({ pools: { d: spec } })).toThrow(ServerConfigError);
    }
  });

  test("a spec the executor refuses: ready() rejects with ServerConfigError, calls get 503 saying why", async () => {
    const h = start({
      pools: {
        d: {
          kind: "distributed",
          redis: "redis://127.0.0.1:1",
          queue: "no spaces allowed",
          module: module.href,
        },
      },
    });
    const err = await h.app.ready().catch((e) => e);
    expect(err).toBeInstanceOf(ServerConfigError);
    expect((err as Error).message).toContain("Pool 'd' (distributed)");
    const r = await rawCall(h.base, "submit", { pool: "d", task: "add", args: [1, 2] }, "mutation");
    expect(r.status).toBe(503);
    expect(JSON.stringify(r.body)).toContain("Pool 'd' is not available");
    await cleanup();
  });

  test("a server without a distributed pool never loads @conc/distributed, bullmq or ioredis", () => {
    const r = Bun.spawnSync([process.execPath, join(import.meta.dir, "fixtures/no-distributed.ts")], {
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(r.stderr.toString()).toBe("");
    expect(r.stdout.toString().trim()).toBe("loaded 0");
  });
});
