import { afterEach, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readUntil } from "@conc/core/testing";
import { RemoteExecutor } from "@conc/server/client";
import { ServerConfigError } from "../src/errors.ts";
import { type RunningServer, startServer } from "../src/serve/start.ts";

const running: RunningServer[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.stop();
});

describe("bun run serve", () => {
  test("starts the embedded default (threads + cpu over the example tasks) on 127.0.0.1", async () => {
    const s = await startServer({ port: 0 });
    running.push(s);
    expect(s.url.startsWith("http://127.0.0.1:")).toBe(true);
    const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "cpu" });
    expect(await remote.submit("add", 2, 3).result()).toBe(5);
    const pools = await remote.trpc.pools.query();
    expect(pools.map((p) => p.name)).toEqual(["threads", "cpu"]);
    await remote.shutdown();
  });

  test("refuses to bind beyond loopback without a token", async () => {
    await expect(startServer({ port: 0, hostname: "0.0.0.0" })).rejects.toBeInstanceOf(ServerConfigError);
  });

  test("a config file names other pools and task modules", async () => {
    const dir = mkdtempSync(join(tmpdir(), "conc-cfg-"));
    try {
      writeFileSync(join(dir, "my-tasks.ts"), "export function triple(x: number) { return 3 * x; }\n");
      writeFileSync(
        join(dir, "conc.config.ts"),
        `export default { token: "cfg-token-123", pools: { mine: { kind: "threads", module: "./my-tasks.ts", maxWorkers: 1 } } };\n`,
      );
      const s = await startServer({ port: 0, configPath: join(dir, "conc.config.ts") });
      running.push(s);
      const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "mine", token: "cfg-token-123" });
      expect(await remote.submit("triple", 5).result()).toBe(15);
      await remote.shutdown();
      writeFileSync(
        join(dir, "bad.config.ts"),
        `export default { pools: { x: { kind: "gpu", module: 1 } } };\n`,
      );
      await expect(startServer({ port: 0, configPath: join(dir, "bad.config.ts") })).rejects.toBeInstanceOf(
        ServerConfigError,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("drain: stop accepting, finish running tasks, answer waiting clients", async () => {
    const s = await startServer({ port: 0 });
    const remote = new RemoteExecutor({ url: `${s.url}/trpc`, pool: "threads" });
    const fut = remote.submit("sleep", 400, "finished");
    await Bun.sleep(150);
    const stopping = s.stop();
    await Bun.sleep(20);
    const late = await fetch(`${s.url}/trpc/submit`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ pool: "threads", task: "add", args: [1, 2] }),
    }).catch(() => null);
    if (late) expect(late.status).toBe(503);
    expect(await fut.result()).toBe("finished");
    await stopping;
    await remote.shutdown({ wait: false });
  });

  test("SIGTERM on the real CLI drains and exits 0", async () => {
    const proc = Bun.spawn(
      [process.execPath, new URL("../src/serve.ts", import.meta.url).pathname, "--port", "0"],
      {
        stdout: "pipe",
        stderr: "pipe",
      },
    );
    const out = await readUntil(proc.stdout, "listening on", "bun run serve");
    const url = /listening on (\S+)/.exec(out)?.[1] as string;
    const remote = new RemoteExecutor({ url: `${url}/trpc`, pool: "cpu" });
    const fut = remote.submit("sleep", 300, "ok");
    await Bun.sleep(100);
    proc.kill("SIGTERM");
    expect(await fut.result()).toBe("ok");
    expect(await proc.exited).toBe(0);
    await remote.shutdown({ wait: false });
  }, 20_000);
});
